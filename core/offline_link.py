"""Schema linking: each stretch of a question becomes an item the reader can act on.

Longest match wins: a stored value ("Let There Be Rock") beats the words inside
it, a column ("unit price") beats a table ("track") and a cue ("more than")
beats the filler around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.offline_cues import CUES, FILLERS
from core.offline_index import MAX_PHRASE, Ref, SchemaIndex
from core.offline_time import Bucket, Period, read_time
from core.offline_words import DEMONYMS, Token, singular, value_words


@dataclass
class Item:
    """One stretch of the question: schema refs, a cue, a number, a quoted text or a time."""

    start: int
    words: tuple[str, ...]
    refs: list[Ref] = field(default_factory=list)
    cue: str = ""
    data: object = None
    number: float | None = None
    text: str = ""
    time: Period | Bucket | None = None
    used: bool = False

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    def tables(self) -> list[Ref]:
        return [r for r in self.refs if r.kind == "table"]

    def columns(self) -> list[Ref]:
        return [r for r in self.refs if r.kind == "column"]

    def values(self) -> list[Ref]:
        return [r for r in self.refs if r.kind == "value"]

    def flags(self) -> list[Ref]:
        return [r for r in self.refs if r.kind == "flag"]


@dataclass
class Linked:
    """The items of a question, plus the words nothing could explain."""

    items: list[Item]
    unknown: list[str]


def link(tokens: Sequence[Token], index: SchemaIndex, today: dt.date) -> Linked:
    """Split ``tokens`` into items by longest match against cues, time phrases and the schema."""
    items: list[Item] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        item = _best_item(tokens, i, index, today)
        if item is None:
            word = tokens[i].text
            if word not in FILLERS:
                unknown.append(word)
            i += 1
            continue
        if item.cue == "group" and item.words == ("by",) and _after_participle(tokens, i):
            item.cue = "agent"
        items.append(item)
        i += len(item.words) if item.words else 1
        if item.cue == "like" and i < len(tokens) and _pattern_word(tokens[i], index):
            items.append(Item(i, (tokens[i].text,), text=tokens[i].text))
            i += 1
    return Linked(items, unknown)


# "owned by", "written by": an agent, not a grouping.
AGENT_VERBS = frozenset("made sold written sung done run held bought taken given seen".split())


def _after_participle(tokens: Sequence[Token], i: int) -> bool:
    before = tokens[i - 1].text if i > 0 else ""
    return before in AGENT_VERBS or (before in FILLERS and before.endswith(("ed", "en")))


def _pattern_word(token: Token, index: SchemaIndex) -> bool:
    """The word after "containing" is the text to look for, unless it names something."""
    if token.kind == "quoted" or (token.text,) in CUES or token.text in FILLERS:
        return False
    return not any(r.kind in ("table", "column") for r in index.lookup((token.stem,)))


def _best_item(tokens: Sequence[Token], i: int, index: SchemaIndex, today: dt.date) -> Item | None:
    token = tokens[i]
    if token.kind == "quoted":
        return _quoted(token, i, index)
    found = read_time(tokens, i, today)
    time_item = None
    if found is not None:
        words = tuple(t.text for t in tokens[i : i + found.length])
        time_item = Item(i, words, time=found.meaning)
    ref_item = _ref_item(tokens, i, index)
    cue_item = _cue_item(tokens, i)
    best = _longest(time_item, ref_item, cue_item)
    if best is None and token.kind == "number":
        return Item(i, (token.text,), number=token.number)
    if best is None and token.text in DEMONYMS:
        refs = index.lookup(tuple(singular(w) for w in DEMONYMS[token.text].split()))
        values = [r for r in refs if r.kind == "value"]
        following = index.lookup((tokens[i + 1].stem,)) if i + 1 < len(tokens) else []
        noun_next = any(r.kind in ("table", "column") for r in following)
        return Item(i, (token.text,), refs=values) if values and noun_next else None
    return best


def _longest(*items: Item | None) -> Item | None:
    """The longest candidate; on a tie, time beats schema, and schema refs take the cue along."""
    present = [item for item in items if item is not None]
    if not present:
        return None
    size = max(len(item.words) for item in present)
    tied = [item for item in present if len(item.words) == size]
    if tied[0].time is not None:
        return tied[0]
    if len(tied) == 2:
        ref, cue = tied
        ref.cue, ref.data = cue.cue, cue.data
        return ref
    return tied[0]


def _quoted(token: Token, i: int, index: SchemaIndex) -> Item:
    stems = tuple(singular(w) for w in value_words(token.text))
    refs = [r for r in index.lookup(stems) if r.kind == "value"]
    exact = [r for r in refs if (r.value or "").lower() == token.text.lower()]
    return Item(i, (token.text,), refs=exact or refs, text=token.text)


def _ref_item(tokens: Sequence[Token], i: int, index: SchemaIndex) -> Item | None:
    # Every phrase is made of words the index knows: the stretch ends at the first other one.
    known: list[Token] = []
    for token in tokens[i : i + MAX_PHRASE]:
        if token.kind == "quoted" or token.stem not in index.words:
            break
        known.append(token)
    for size in range(len(known), 0, -1):
        stretch = known[:size]
        key = tuple(t.stem for t in stretch)
        if size == 1 and (key[0] in FILLERS or stretch[0].kind == "number"):
            continue
        refs = index.lookup(key)
        if refs and not _only_filler_values(stretch, refs):
            return Item(i, tuple(t.text for t in stretch), refs=list(refs))
    return None


def _only_filler_values(stretch: Sequence[Token], refs: list[Ref]) -> bool:
    """A single ordinary word ("home", "music") matched only as data needs care, not a veto."""
    return (
        len(stretch) == 1 and all(r.kind == "value" for r in refs) and stretch[0].text in CUE_WORDS
    )


LONGEST_CUE = max(len(phrase) for phrase in CUES)


def _cue_item(tokens: Sequence[Token], i: int) -> Item | None:
    words = [t.text for t in tokens[i : i + LONGEST_CUE]]
    for size in range(len(words), 0, -1):
        key = tuple(words[:size])
        if key in CUES:
            kind, data = CUES[key]
            return Item(i, key, cue=kind, data=data)
    return None


# Single words that stay cues even where a stored value spells the same ("top", "over").
CUE_WORDS = frozenset(
    phrase[0]
    for phrase, (kind, _) in CUES.items()
    if len(phrase) == 1 and kind not in ("event", "measure", "null")
)
