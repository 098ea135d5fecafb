"""What the offline translator knows about one schema: phrases for tables, columns, values.

An index is built once per ``Schema`` object and cached by its identity, so a
question costs only dictionary look-ups.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from core.offline_joins import Graph, build_graph
from core.offline_plan import Agg
from core.offline_words import identifier_words, singular, synonyms, value_words
from core.schema import Column, Schema, Table

NUMERIC_TYPES = ("INT", "NUMERIC", "DECIMAL", "FLOAT", "REAL", "DOUBLE", "MONEY", "NUMBER")
DATE_TYPES = ("DATE", "TIME")
MONEY_WORDS = frozenset({"total", "amount", "price", "cost", "revenue", "salary", "value", "paid"})
LABEL_WORDS = ("name", "title")
MAX_PHRASE = 6
# Nouns for columns measured in a unit: "length" of a track is its milliseconds.
UNIT_NOUNS = {
    frozenset({"millisecond", "second", "minute", "hour", "duration", "runtime"}): (
        "length",
        "duration",
        "time",
    ),
    frozenset({"byte", "kilobyte", "megabyte"}): ("size",),
}
# Values that read as ordinary words of a question, never as data.
UNMATCHABLE_VALUES = frozenset(
    "a an the all any none no yes other others true false null unknown n/a na".split()
)


@dataclass(frozen=True)
class Ref:
    """One meaning of a phrase: a table, a column, or a stored value of a column."""

    kind: str
    table: Table
    column: Column | None = None
    value: str | None = None
    strength: float = 1.0


@dataclass
class SchemaIndex:
    """Phrases (tuples of singular words) to the schema objects they may name."""

    schema: Schema
    phrases: dict[tuple[str, ...], list[Ref]] = field(default_factory=lambda: defaultdict(list))
    words: set[str] = field(default_factory=set)
    tables: dict[str, Table] = field(default_factory=dict)
    graph: Graph = field(default_factory=Graph)
    # Worked out on first use and kept: what "sales" can add up, what to suggest.
    measures: dict[str, list[Agg]] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)

    def lookup(self, words: tuple[str, ...]) -> list[Ref]:
        return self.phrases.get(words, [])


def kind_of(column: Column) -> str:
    """``number``, ``date``, ``text`` or ``bool``, from the type name the database reports."""
    upper = column.type.upper()
    if "BOOL" in upper:
        return "bool"
    if any(t in upper for t in DATE_TYPES) and "INTERVAL" not in upper:
        return "date"
    if any(t in upper for t in NUMERIC_TYPES):
        return "number"
    words = identifier_words(column.name)
    if words and words[-1] in ("date", "time") or column.name.lower().endswith("_at"):
        return "date"
    return "text"


YES_NO = frozenset({"0", "1", "t", "f", "y", "n", "yes", "no", "true", "false"})


def is_yes_no(column: Column) -> bool:
    """A column that only says yes or no: a boolean type, or stored values like 0/1, T/F."""
    if kind_of(column) == "bool":
        return True
    values = {s.lower() for s in column.samples}
    return len(values) == 2 and values <= YES_NO


def is_key(table: Table, column: Column) -> bool:
    """True for primary and foreign key columns, and for columns named like ids."""
    in_fk = any(column.name in fk.columns for fk in table.foreign_keys)
    words = identifier_words(column.name)
    return column.name in table.primary_key or in_fk or (bool(words) and words[-1] == "id")


_cache: dict[int, tuple[weakref.ref[Schema], SchemaIndex]] = {}
_lock = threading.Lock()


def index_for(schema: Schema) -> SchemaIndex:
    """The index of ``schema``, built on first use and kept while the schema lives."""
    with _lock:
        cached = _cache.get(id(schema))
    if cached is not None and cached[0]() is schema:
        return cached[1]
    index = build_index(schema)
    key = id(schema)
    with _lock:
        _cache[key] = (weakref.ref(schema, _forgetter(key)), index)
    return index


def _forgetter(key: int) -> Callable[[weakref.ref[Schema]], None]:
    """A weakref callback that drops the cache entry once its schema is gone."""

    def forget(_gone: weakref.ref[Schema]) -> None:
        with _lock:
            _cache.pop(key, None)

    return forget


def build_index(schema: Schema) -> SchemaIndex:
    index = SchemaIndex(schema)
    for table in schema.tables:
        index.tables.setdefault(table.key, table)
        index.tables.setdefault(table.name.lower(), table)
    vocabulary = _vocabulary(schema)
    for table in schema.tables:
        _add_table(index, table, vocabulary)
    _add_table_tails(index, schema)
    _add_key_nouns(index, schema)
    index.words = {w for phrase in index.phrases for w in phrase}
    index.graph = build_graph(schema, index.tables)
    return index


def _vocabulary(schema: Schema) -> set[str]:
    words: set[str] = set()
    for table in schema.tables:
        words.update(identifier_words(table.name))
        for column in table.columns:
            words.update(identifier_words(column.name))
    return {w for w in words if len(w) > 2}


def split_compound(words: tuple[str, ...], vocabulary: set[str]) -> tuple[str, ...]:
    """Split run-together words ("countrylanguage") where both halves are known words."""
    out: list[str] = []
    for word in words:
        halves = [
            (word[:i], singular(word[i:]))
            for i in range(3, len(word) - 2)
            if word[:i] in vocabulary and singular(word[i:]) in vocabulary
        ]
        out.extend(halves[0] if halves else (word,))
    return tuple(out)


def variants(words: tuple[str, ...]) -> list[tuple[tuple[str, ...], float]]:
    """The phrase itself and each single-word synonym replacement, with a strength."""
    found = [(words, 1.0)]
    for i, word in enumerate(words):
        for other in synonyms(word):
            found.append(((*words[:i], other, *words[i + 1 :]), 0.8))
    return found


def _add(index: SchemaIndex, words: tuple[str, ...], ref: Ref) -> None:
    if not words or len(words) > MAX_PHRASE:
        return
    for phrase, strength in variants(words):
        refs = index.phrases[phrase]
        if not any(_same(r, ref) for r in refs):
            refs.append(Ref(ref.kind, ref.table, ref.column, ref.value, ref.strength * strength))


def _same(a: Ref, b: Ref) -> bool:
    return a.kind == b.kind and a.table is b.table and a.column is b.column and a.value == b.value


def _add_table(index: SchemaIndex, table: Table, vocabulary: set[str]) -> None:
    plain_words = identifier_words(table.name)
    name_words = split_compound(plain_words, vocabulary)
    _add(index, name_words, Ref("table", table))
    _add(index, plain_words, Ref("table", table))
    for column in table.columns:
        _add_column(index, table, column, name_words, vocabulary)


def _add_table_tails(index: SchemaIndex, schema: Schema) -> None:
    """ "items" for order_items: the last word of a table name, where nothing else uses it."""
    tails: dict[str, list[Table]] = {}
    for table in schema.tables:
        words = identifier_words(table.name)
        if len(words) > 1:
            tails.setdefault(words[-1], []).append(table)
    for word, tables in tails.items():
        if len(tables) == 1 and not index.phrases.get((word,)):
            index.phrases[(word,)].append(Ref("table", tables[0], strength=0.7))


def _add_key_nouns(index: SchemaIndex, schema: Schema) -> None:
    """ "manager" for manager_id: a key column named by what it points at, if nothing else is."""
    for table in schema.tables:
        for column in table.columns:
            words = identifier_words(column.name)
            if len(words) > 1 and words[-1] == "id" and not index.phrases.get(words[:-1]):
                index.phrases[words[:-1]].append(Ref("column", table, column, strength=0.8))


def _add_column(
    index: SchemaIndex,
    table: Table,
    column: Column,
    table_words: tuple[str, ...],
    vocabulary: set[str],
) -> None:
    plain_words = identifier_words(column.name)
    words = split_compound(plain_words, vocabulary)
    _add(index, words, Ref("column", table, column))
    _add(index, plain_words, Ref("column", table, column))
    if words[: len(table_words)] != table_words:
        _add(index, (*table_words, *words), Ref("column", table, column))
    elif len(words) > len(table_words):
        _add(index, words[len(table_words) :], Ref("column", table, column, strength=0.9))
    if len(words) > 1 and words[0] in ("is", "has"):
        _add(index, words[1:], Ref("flag", table, column))
    elif is_yes_no(column):
        _add(index, words, Ref("flag", table, column))  # "discontinued products"
    if len(words) == 2:
        _add(index, (words[1], "of", words[0]), Ref("column", table, column, strength=0.9))
    for units, nouns in UNIT_NOUNS.items():
        if units & set(words) and kind_of(column) == "number":
            for noun in nouns:
                _add(index, (noun,), Ref("column", table, column, strength=0.7))
    short = _short_name(table, column, words)
    if short:
        _add(index, short, Ref("column", table, column, strength=0.6))
    for value in column.samples:
        _add_value(index, table, column, value)


def _short_name(table: Table, column: Column, words: tuple[str, ...]) -> tuple[str, ...]:
    """The last word alone ("country" for BillingCountry) when no other column shares it."""
    if len(words) < 2 or words[-1] in ("id", "name"):
        return ()
    last = words[-1]
    others = [c for c in table.columns if c is not column]
    if any(identifier_words(c.name)[-1:] == (last,) for c in others):
        return ()
    return (last,)


def _add_value(index: SchemaIndex, table: Table, column: Column, value: str) -> None:
    words = value_words(value)
    if not words or not any(w.isalpha() and len(w) > 1 for w in words):
        return
    if len(words) == 1 and words[0] in UNMATCHABLE_VALUES:
        return
    stems = tuple(singular(w) for w in words)
    refs = index.phrases[stems]
    ref = Ref("value", table, column, value)
    if not any(_same(r, ref) for r in refs):
        refs.append(ref)
