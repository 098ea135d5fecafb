"""Spell identifiers the way the schema does, so case-sensitive names resolve (FR-5).

PostgreSQL folds unquoted names to lower case: a model that writes
``SELECT CustomerID FROM Orders`` for a table created as ``"Orders"`` gets
"relation orders does not exist". Where an unquoted name matches exactly one
schema name case-insensitively and folding would miss it, it is quoted with
the schema's spelling. Anything unparseable is left for the guard to judge.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from core.schema import Schema

SQLGLOT_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}


def fit_identifiers(sql: str, schema: Schema) -> str:
    """``sql`` with unquoted names quoted as the schema spells them, where that matters.

    Only PostgreSQL folds case, so other dialects get ``sql`` back unchanged.
    """
    if schema.dialect != "postgresql":
        return sql
    spellings = _spellings(schema)
    try:
        statements = sqlglot.parse(sql, read="postgres")
    except SqlglotError:
        return sql
    if len(statements) != 1 or statements[0] is None:
        return sql
    tree = statements[0]
    changed = False
    for identifier in tree.find_all(exp.Identifier):
        changed |= _fit(identifier, spellings)
    return tree.sql(dialect="postgres") if changed else sql


def _spellings(schema: Schema) -> dict[str, str]:
    """Lower-case name -> the one mixed-case spelling that needs quotes (ambiguous ones drop)."""
    seen: dict[str, set[str]] = {}
    for table in schema.tables:
        names = [table.name, *(c.name for c in table.columns)]
        if table.schema:
            names.append(table.schema)
        for name in names:
            seen.setdefault(name.lower(), set()).add(name)
    return {
        lowered: next(iter(names))
        for lowered, names in seen.items()
        if len(names) == 1 and next(iter(names)) != lowered
    }


def _fit(identifier: exp.Identifier, spellings: dict[str, str]) -> bool:
    if identifier.quoted:
        return False
    spelled = spellings.get(identifier.name.lower())
    if spelled is None:
        return False
    identifier.set("this", spelled)
    identifier.set("quoted", True)
    return True
