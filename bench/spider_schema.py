"""Spider as one large schema: every database of tables.json becomes a schema of its own.

Shared by bench/schema_recall.py and tests/core/test_retrieval.py. The gold
tables of a question come from its SQL; they are used to score a selection,
never to make one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlalchemy import create_engine
from sqlglot import exp

from core.schema import Column, ForeignKey, Schema, Table, discover

SPIDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "spider"


@dataclass(frozen=True)
class Item:
    """One dev question and the tables (``schema.table``, lower case) its gold SQL reads."""

    question: str
    db_id: str
    gold: frozenset[str]


def load_schema(spider: Path = SPIDER, samples: bool = True) -> Schema:
    """Every Spider database as its own schema; samples from the SQLite files present."""
    databases = json.loads((spider / "tables.json").read_text())
    tables = [t for db in databases for t in _tables(db)]
    if samples:
        tables = _with_samples(tables, spider / "database")
    return Schema("sqlite", tuple(tables))


def _tables(db: dict[str, Any]) -> list[Table]:
    names: list[str] = db["table_names_original"]
    columns: list[list[Column]] = [[] for _ in names]
    keys: list[list[str]] = [[] for _ in names]
    spelled = db["column_names_original"]
    for index, ((owner, name), type_) in enumerate(zip(spelled, db["column_types"], strict=True)):
        if owner >= 0:
            columns[owner].append(Column(name, type_.upper()))
            if index in db["primary_keys"] or [index] in db["primary_keys"]:
                keys[owner].append(name)
    fks: list[list[ForeignKey]] = [[] for _ in names]
    for source, target in db["foreign_keys"]:
        (owner, column), (ref_owner, ref_column) = spelled[source], spelled[target]
        fk = ForeignKey((column,), names[ref_owner], (ref_column,), db["db_id"])
        fks[owner].append(fk)
    return [
        Table(name, tuple(columns[i]), db["db_id"], tuple(keys[i]), tuple(fks[i]))
        for i, name in enumerate(names)
    ]


def _with_samples(tables: list[Table], folder: Path) -> list[Table]:
    """Attach sample values discovered from each SQLite file under ``folder``."""
    found: dict[str, Table] = {}
    for path in sorted(folder.glob("*/*.sqlite")):
        engine = create_engine(f"sqlite:///{path}")
        try:
            for table in discover(engine).tables:
                found[f"{path.parent.name}.{table.name}".lower()] = table
        finally:
            engine.dispose()
    return [_sampled(t, found.get(t.key)) for t in tables]


def _sampled(table: Table, seen: Table | None) -> Table:
    if seen is None:
        return table
    columns = []
    for column in table.columns:
        match = seen.column(column.name)
        samples = match.samples if match else ()
        columns.append(Column(column.name, column.type, samples=samples))
    return Table(table.name, tuple(columns), table.schema, table.primary_key, table.foreign_keys)


def load_items(schema: Schema, spider: Path = SPIDER) -> list[Item]:
    """Every dev question with its gold tables, resolved inside its own database."""
    questions = json.loads((spider / "dev.json").read_text())
    return [Item(q["question"], q["db_id"], frozenset(gold_tables(q, schema))) for q in questions]


def gold_tables(question: dict[str, Any], schema: Schema) -> set[str]:
    """Keys of the tables read by the question's gold SQL (sqlglot, or Spider's parse)."""
    db = question["db_id"]
    try:
        names = _sql_table_names(question["query"])
    except sqlglot.errors.ParseError:
        names = set()
    keys = {f"{db}.{name}".lower() for name in names}
    if not names or any(schema.table(k) is None for k in keys):
        keys = {schema_key(db, i, schema) for i in _table_units(question["sql"])}
    return keys


def _sql_table_names(sql: str) -> set[str]:
    tree = sqlglot.parse_one(sql, read="sqlite")
    return {t.name for t in tree.find_all(exp.Table) if t.name}


def _table_units(node: object) -> Iterator[int]:
    """Table indexes in Spider's parsed SQL: every ``["table_unit", n]`` pair."""
    if isinstance(node, list):
        if len(node) == 2 and node[0] == "table_unit" and isinstance(node[1], int):
            yield node[1]
            return
        for child in node:
            yield from _table_units(child)
    elif isinstance(node, dict):
        for child in node.values():
            yield from _table_units(child)


def schema_key(db: str, index: int, schema: Schema) -> str:
    """The key of table ``index`` of database ``db``, in tables.json order."""
    tables = [t for t in schema.tables if t.schema == db]
    return tables[index].key


def recall(chosen: Iterable[Table], gold: frozenset[str]) -> bool:
    """True when every gold table is among ``chosen``."""
    return gold <= {t.key for t in chosen}
