"""The offline translator: everyday questions to SQL with no model, no network, no cost.

It links a question's words to the schema (names, synonyms, stored values, keys),
reads the common shapes (counts, filters, aggregates, groups, top-N, time), and
builds the query with sqlglot in the connection's dialect. When it is not sure it
declines and says what it understood; a wrong answer is worse than none.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from core.errors import TranslationDeclined
from core.model import Translation
from core.offline_cues import CHANGE_VERBS, FILLERS
from core.offline_index import SchemaIndex, index_for
from core.offline_link import Linked, link
from core.offline_plan import Plan
from core.offline_read import Reader
from core.offline_sql import SqlBuilder
from core.offline_suggest import knows_about, suggestion
from core.offline_words import tokenize
from core.schema import Schema

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.5
CHANGE_REASON = (
    "I can only read data, and that question asks me to change it. "
    "Try asking about the rows as they are, e.g. {example}."
)
_LEADING = frozenset("please can could would you i we want need to let us just go ahead".split())


class OfflineTranslator:
    """Turns a question into one read-only query for a schema, or declines with a reason."""

    def __init__(self, today: dt.date | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.today = today
        self.threshold = threshold

    def translate(self, question: str, schema: Schema, *, row_limit: int = 1000) -> Translation:
        """One SQL query for ``question``; raises TranslationDeclined when unsure."""
        started = time.perf_counter()
        today = self.today or dt.date.today()
        index = index_for(schema)
        tokens = tokenize(question)
        words = [t.text for t in tokens]
        if _asks_for_change(words):
            raise TranslationDeclined(CHANGE_REASON.format(example=_quoted(index)))
        linked = link(tokens, index, today)
        plan = Reader(linked.items, index, today).read()
        confidence = score(plan, linked)
        if plan.base is None or confidence < self.threshold:
            raise TranslationDeclined(_decline_reason(plan, linked, index))
        try:
            sql = SqlBuilder(plan, index.graph, schema.dialect).render(row_limit)
        except TranslationDeclined as exc:
            raise TranslationDeclined(_decline_reason(plan, linked, index, exc.reason)) from exc
        ms = (time.perf_counter() - started) * 1000
        logger.debug("offline translation in %.1f ms: %s", ms, sql)
        return Translation(sql, explain(plan), ms, 0, round(confidence, 3))


def _asks_for_change(words: list[str]) -> bool:
    """True when the first word that matters is a verb that changes data."""
    for i, word in enumerate(words):
        if word in _LEADING:
            continue
        if word == "add" and words[i + 1 : i + 2] == ["up"]:
            return False
        return word in CHANGE_VERBS
    return False


def score(plan: Plan, linked: Linked) -> float:
    """Confidence in a reading: unknown words and unread parts count most, doubts less."""
    confidence = 1.0
    confidence *= 0.25 ** len(linked.unknown)
    confidence *= 0.3 ** (len(plan.unread) + len(plan.problems) + len(plan.ambiguous))
    confidence *= 0.75 ** len(plan.doubts)
    if not linked.items:
        return 0.0
    return confidence


def explain(plan: Plan) -> str:
    """What was understood, in a line: "orders: count of orders; status cancelled"."""
    base = plan.base.name if plan.base else "?"
    parts = "; ".join(plan.understood)
    return f"{base}: {parts}" if parts else f"rows of {base}"


def _decline_reason(plan: Plan, linked: Linked, index: SchemaIndex, why: str = "") -> str:
    pieces = []
    if linked.unknown:
        unknown = ", ".join(f"'{w}'" for w in dict.fromkeys(linked.unknown))
        pieces.append(f"I don't know what {unknown} means here")
    elif why:
        pieces.append(f"I can't answer that: {why}")
    elif plan.ambiguous:
        pieces.append(f"I'm not sure which you mean: {plan.ambiguous[0]}")
    elif plan.problems:
        pieces.append(f"I can't {plan.problems[0]} yet")
    elif plan.unread:
        unread = [u for u in plan.unread if u.split()[0] not in FILLERS] or plan.unread
        pieces.append("I'm not sure how to read " + ", ".join(f"'{u}'" for u in unread[:3]))
    elif plan.doubts:
        pieces.append("I'm not sure: " + "; ".join(plan.doubts[:2]))
    if plan.understood:
        pieces.append("I understood " + "; ".join(plan.understood))
    pieces.append(f"I know about {knows_about(index)} — try {_quoted(index)}")
    return ". ".join(p[0].upper() + p[1:] for p in pieces) + "."


def _quoted(index: SchemaIndex) -> str:
    return f"'{suggestion(index)}'"
