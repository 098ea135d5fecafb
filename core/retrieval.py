"""Which tables a question's prompt describes, when the whole schema would not fit (FR-8).

A small schema goes to the model whole. A large one is cut to a token budget:
tables pinned for the channel first, then the tables the question's words point
at (core.retrieval_rank), as many as fit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.errors import TranslationDeclined
from core.retrieval_index import Index, index_for
from core.retrieval_rank import score
from core.schema import Schema, Table

logger = logging.getLogger(__name__)

DEFAULT_BUDGET = 6000
# Tables scoring under this share of the best match only cost tokens and distract the model.
MIN_SHARE = 0.1
TOO_LARGE = (
    "Your database is too large for me to describe to the model for this question. "
    "An admin can pin the tables this channel needs with /sqlbot pin TABLE…"
)
PINS_TOO_LARGE = (
    "The tables pinned for this channel are together too large for me to describe to the "
    "model. An admin can pin fewer tables for this channel."
)


def select_tables(
    question: str,
    schema: Schema,
    *,
    budget_tokens: int = DEFAULT_BUDGET,
    pinned: Sequence[str] = (),
    send_samples: bool = True,
    hints: Sequence[str] = (),
) -> tuple[Table, ...]:
    """The tables to describe for ``question``: all of them when they fit the budget."""
    index = index_for(schema)
    costs = index.costs(send_samples)
    if sum(costs) <= budget_tokens:
        return schema.tables

    pins = pinned_positions(pinned, index)
    if sum(costs[i] for i in pins) > budget_tokens:
        raise TranslationDeclined(PINS_TOO_LARGE, f"pinned tables exceed {budget_tokens} tokens")
    taken = set(pins)
    ranked = [i for i in _ranked(score(question, index, hints)) if i not in taken]
    chosen = _fill(pins + ranked, costs, budget_tokens)
    if not chosen:
        raise TranslationDeclined(TOO_LARGE, f"no table fits {budget_tokens} tokens")

    logger.debug("selected %s of %s tables", len(chosen), len(costs))
    return tuple(index.tables[i] for i in chosen)


def pinned_positions(pinned: Sequence[str], index: Index) -> list[int]:
    """Positions of the pinned tables, in pin order; unknown names are skipped."""
    found: list[int] = []
    for name in pinned:
        for i in index.names.get(name.strip().lower(), ()):
            if i not in found:
                found.append(i)
    return found


def _ranked(scores: dict[int, float]) -> list[int]:
    """Positions by falling score, ties in the schema's order, leaving out the noise."""
    floor = MIN_SHARE * max(scores.values(), default=0.0)
    return sorted((i for i in scores if scores[i] >= floor), key=lambda i: (-scores[i], i))


def _fill(order: list[int], costs: tuple[int, ...], budget: int) -> list[int]:
    """Take tables in ``order`` while they fit, skipping any too large for what is left."""
    chosen: list[int] = []
    left = budget
    for i in order:
        if costs[i] <= left:
            chosen.append(i)
            left -= costs[i]
    return chosen
