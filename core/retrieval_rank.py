"""Scores of tables for one question: matched words, exact values, hints and neighbours.

A word counts by where the table has it (name above column above sample) times
how rare it is across the schema, so "id" or "name" say little and
"refunded" says a lot. Tables that join to strong matches follow them,
so the model can write the join.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.retrieval_index import PREFIX, Index
from core.retrieval_text import mentions, phrases, question_terms, question_words

# A whole sample value in the question is the strongest hint there is.
VALUE = 4.0
# A word that only shares its beginning with a schema word ("located", "location").
RELATED = 0.3
HINT = 0.8
NEIGHBOUR = 0.5
# Tables scoring at least this share of the best one bring their neighbours in.
LEADING = 0.5
# Letters a related word may add or drop: inflections, not compounds ("countrycode").
STRETCH = 3
LONGEST_VALUE = 6


def score(question: str, index: Index, hints: Sequence[str] = ()) -> dict[int, float]:
    """Positive scores of the tables of ``index`` for ``question``, by table position."""
    scores: dict[int, float] = defaultdict(float)
    _add_terms(question, index, scores)
    _add_values(question, index, scores)
    _add_hints(hints, index, scores)
    _add_neighbours(index, scores)
    return {i: s for i, s in scores.items() if s > 0}


def _add_terms(question: str, index: Index, scores: dict[int, float]) -> None:
    words = question_words(question)
    for term, weight in question_terms(words).items():
        for found, closeness in _matches(term, index, fuzzy=term in words):
            idf = index.idf[found]
            for i, where in index.postings[found].items():
                scores[i] += weight * closeness * where * idf


def _matches(term: str, index: Index, fuzzy: bool) -> list[tuple[str, float]]:
    """The schema term equal to ``term``, or failing that those sharing its beginning."""
    if term in index.postings:
        return [(term, 1.0)]
    found: list[tuple[str, float]] = []
    if fuzzy and len(term) >= PREFIX:
        for other in index.prefixes.get(term[:PREFIX], ()):
            if other != term and _related(term, other):
                found.append((other, RELATED))
    return found


def _related(a: str, b: str) -> bool:
    """One word starts the other, or they share most of their beginning.

    >>> _related("located", "location"), _related("country", "countrycode")
    (True, False)
    """
    if abs(len(a) - len(b)) > STRETCH:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    shared = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 0)
    return shared >= max(PREFIX, int(0.7 * min(len(a), len(b))))


def _add_values(question: str, index: Index, scores: dict[int, float]) -> None:
    longest = min(index.longest_value, LONGEST_VALUE)
    for value in set(phrases(question, longest)):
        if value in index.values:
            weight = VALUE * index.value_idf(value)
            for i in index.values[value]:
                scores[i] += weight


def _add_hints(hints: Sequence[str], index: Index, scores: dict[int, float]) -> None:
    named = {i for name in mentions(hints) for i in index.names.get(name, ())}
    boost = HINT * max(max(scores.values(), default=0.0), 1.0)
    for i in named:
        scores[i] += boost


def _add_neighbours(index: Index, scores: dict[int, float]) -> None:
    """Tables that join leading matches, so the model can write the join."""
    best = max(scores.values(), default=0.0)
    leading = [(i, s) for i, s in scores.items() if s >= LEADING * best and s > 0]
    extra: dict[int, float] = defaultdict(float)
    for i, s in leading:
        for other in index.neighbours[i]:
            extra[other] += NEIGHBOUR * s
    for i, s in extra.items():
        scores[i] += s
