"""What to tell someone the translator could not answer: the tables it knows, a question to try."""

from __future__ import annotations

from core.offline_index import SchemaIndex, is_key, is_yes_no, kind_of
from core.offline_words import identifier_words
from core.schema import Column, Table

MAX_NAMED = 5


def plural(table: Table, index: SchemaIndex | None = None) -> str:
    """A table's name as words, plural: ``order_items`` -> "order items", ``Track`` -> "tracks"."""
    words = list(_name_words(table, index)) or [table.name.lower()]
    last = words[-1]
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        words[-1] = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        words[-1] = last + "es"
    else:
        words[-1] = last + "s"
    return " ".join(words)


def _name_words(table: Table, index: SchemaIndex | None) -> tuple[str, ...]:
    """The words the index knows a table by ("country language" for countrylanguage)."""
    if index is not None:
        for phrase, refs in index.phrases.items():
            if any(r.kind == "table" and r.table is table and r.strength == 1.0 for r in refs):
                return phrase
    return identifier_words(table.name)


def main_tables(index: SchemaIndex) -> list[Table]:
    """Tables people ask about first: not pure link tables, the largest first."""
    tables = [t for t in index.schema.tables if not _is_link_table(t)]
    return sorted(tables, key=lambda t: -(t.row_estimate or 0))


def _is_link_table(table: Table) -> bool:
    plain = [c for c in table.columns if not is_key(table, c)]
    return not plain and len(table.foreign_keys) >= 2


def knows_about(index: SchemaIndex) -> str:
    """The main tables as words: "customers, orders and products (and 2 more)"."""
    if "knows" not in index.hints:
        index.hints["knows"] = _knows_about(index)
    return index.hints["knows"]


def _knows_about(index: SchemaIndex) -> str:
    names = sorted(plural(t, index) for t in main_tables(index)[:MAX_NAMED])
    if not names:
        return "no tables yet"
    rest = len(index.schema.tables) - len(names)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} (and {rest} more)" if rest > 0 else listed


def suggestion(index: SchemaIndex) -> str:
    """A question this schema can answer, such as "how many orders per status"."""
    if "try" not in index.hints:
        index.hints["try"] = _suggestion(index)
    return index.hints["try"]


def _suggestion(index: SchemaIndex) -> str:
    tables = main_tables(index)
    options = [
        (len(column.samples), rank, table, column)
        for rank, table in enumerate(tables[:3])
        for column in table.columns
        if _groups_well(column)
    ]
    if not options:
        return f"how many {plural(tables[0], index)} are there" if tables else "how many rows"
    _, _, table, column = min(options, key=lambda o: (o[0], o[1]))
    words = " ".join(identifier_words(column.name))
    return f"how many {plural(table, index)} per {words}"


def _groups_well(column: Column) -> bool:
    """A text column with a few stored values ("status", "country"), not a yes/no flag."""
    return kind_of(column) == "text" and 2 <= len(column.samples) <= 30 and not is_yes_no(column)
