"""A per-schema index for table retrieval, built once and kept while the schema lives.

Every table is described by weighted terms (its name, its schema's name, column
names, comments, words of sample values), the whole sample values themselves,
its foreign-key neighbours in both directions and its prompt size in tokens.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.prompt import estimate_tokens, table_text
from core.retrieval_text import STOPWORDS, identifier_terms, parts, phrase
from core.schema import Schema, Table

# How much a question word says about a table, by where the table has it.
TABLE_NAME = 3.0
COLUMN_NAME = 1.5
SCHEMA_NAME = 1.0
COMMENT = 1.0
SAMPLE_WORD = 0.6
PREFIX = 5


@dataclass
class Index:
    """What retrieval needs to know about one schema, precomputed."""

    tables: tuple[Table, ...]
    dialect: str
    postings: dict[str, dict[int, float]]
    values: dict[str, set[int]]
    neighbours: tuple[frozenset[int], ...]
    names: dict[str, list[int]]
    idf: dict[str, float] = field(default_factory=dict)
    prefixes: dict[str, set[str]] = field(default_factory=dict)
    longest_value: int = 1
    _costs: dict[bool, tuple[int, ...]] = field(default_factory=dict)

    def costs(self, samples: bool) -> tuple[int, ...]:
        """Estimated prompt tokens of each table, with or without sample values."""
        if samples not in self._costs:
            self._costs[samples] = tuple(
                estimate_tokens(table_text(t, self.dialect, samples)) for t in self.tables
            )
        return self._costs[samples]

    def value_idf(self, value: str) -> float:
        return math.log(1 + len(self.tables) / len(self.values[value]))


def build(schema: Schema) -> Index:
    """Index every table of ``schema``."""
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    values: dict[str, set[int]] = defaultdict(set)
    for i, table in enumerate(schema.tables):
        for term, weight in _table_terms(table).items():
            postings[term][i] = weight
        for value in _sample_values(table):
            values[value].add(i)
    index = Index(
        schema.tables,
        schema.dialect,
        dict(postings),
        dict(values),
        _neighbours(schema),
        _names(schema),
    )
    count = max(len(schema.tables), 1)
    index.idf = {term: math.log(1 + count / len(hits)) for term, hits in postings.items()}
    for term in postings:
        if len(term) >= PREFIX:
            index.prefixes.setdefault(term[:PREFIX], set()).add(term)
    index.longest_value = max((v.count(" ") + 1 for v in values), default=1)
    return index


def _table_terms(table: Table) -> dict[str, float]:
    """Each term of the table with the weight of the strongest place it appears."""
    weighted: dict[str, float] = {}

    def add(terms: Iterable[str], weight: float) -> None:
        for term in terms:
            weighted[term] = max(weighted.get(term, 0.0), weight)

    add(identifier_terms(table.name), TABLE_NAME)
    add(identifier_terms(table.schema or ""), SCHEMA_NAME)
    add(_words(table.comment), COMMENT)
    for column in table.columns:
        add(identifier_terms(column.name), COLUMN_NAME)
        add(_words(column.comment), COMMENT)
        for sample in column.samples:
            add(_words(sample), SAMPLE_WORD)
    return weighted


def _words(text: str | None) -> set[str]:
    return {w for w in parts(text or "") if w not in STOPWORDS and len(w) > 1}


def _sample_values(table: Table) -> set[str]:
    """Whole sample values worth matching exactly: not a lone short or common word."""
    found = set()
    for column in table.columns:
        for sample in column.samples:
            value = phrase(sample)
            if len(value) > 2 and value not in STOPWORDS and not value.isdigit():
                found.add(value)
    return found


def _names(schema: Schema) -> dict[str, list[int]]:
    """Table positions by lower-case ``schema.table`` and by bare name."""
    names: dict[str, list[int]] = defaultdict(list)
    for i, table in enumerate(schema.tables):
        names[table.key].append(i)
        if table.schema:
            names[table.name.lower()].append(i)
    return dict(names)


def _neighbours(schema: Schema) -> tuple[frozenset[int], ...]:
    """For each table, the tables it references and the tables referencing it."""
    position = {t.key: i for i, t in enumerate(schema.tables)}
    linked: list[set[int]] = [set() for _ in schema.tables]
    for i, table in enumerate(schema.tables):
        for fk in table.foreign_keys:
            key = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
            target = position.get(key.lower())
            if target is not None and target != i:
                linked[i].add(target)
                linked[target].add(i)
    return tuple(frozenset(s) for s in linked)


_lock = threading.Lock()
_cache: dict[int, tuple[weakref.ref[Schema], Index]] = {}


def index_for(schema: Schema) -> Index:
    """The index of ``schema``, built on first use and dropped when the schema is.

    The cache knows a schema by identity: callers keep one Schema object per
    connection (as SchemaCache does) rather than a fresh copy per question.
    """
    key = id(schema)
    with _lock:
        entry = _cache.get(key)
    if entry is not None and entry[0]() is schema:
        return entry[1]
    index = build(schema)
    ref = weakref.ref(schema, _forget(key))
    with _lock:
        _cache[key] = (ref, index)
    return index


def _forget(key: int) -> Callable[[weakref.ref[Schema]], None]:
    def forget(ref: weakref.ref[Schema]) -> None:
        with _lock:
            if key in _cache and _cache[key][0] is ref:
                del _cache[key]

    return forget
