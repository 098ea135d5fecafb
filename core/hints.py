""" "Did you mean" hints for a repair round, drawn from the real schema.

The database's error names what it could not find; the closest table and
column names the schema really has are sent back to the model with it (FR-4).
"""

from __future__ import annotations

import difflib
import re

from core.prompt import quote, table_ref
from core.schema import Schema

# How each engine names a missing table or column in its error text.
_MISSING = (
    re.compile(r'column "?(?:\w+\.)?(?P<name>[^"\s]+)"? does not exist', re.I),
    re.compile(r'relation "(?P<name>[^"]+)" does not exist', re.I),
    re.compile(r"no such (?:column|table): (?:\w+\.)?(?P<name>[\w$]+)", re.I),
    re.compile(r"Unknown column '(?:[\w$]+\.)?(?P<name>[^']+)'", re.I),
    re.compile(r"Table '(?:[\w$]+\.)?(?P<name>[^']+)' doesn't exist", re.I),
    re.compile(r"FUNCTION [\w$]+\.(?P<name>[\w$]+) does not exist", re.I),
    re.compile(r"function (?P<name>[\w$]+)\(.*?\) does not exist", re.I),
)
MAX_HINTS = 3


def missing_names(error: str) -> list[str]:
    """Identifiers the database said it could not find.

    >>> missing_names('ERROR: column "customerid" does not exist')
    ['customerid']
    """
    names = [m.group("name") for pattern in _MISSING for m in pattern.finditer(error)]
    return list(dict.fromkeys(names))


def did_you_mean(error: str, schema: Schema) -> list[str]:
    """Sentences like 'instead of customerid, did you mean "CustomerId"?'."""
    candidates = _candidates(schema)
    hints = []
    for name in missing_names(error):
        lowered = name.lower().strip('"`')
        close = difflib.get_close_matches(lowered, list(candidates), n=MAX_HINTS, cutoff=0.6)
        if close:
            spelled = ", ".join(candidates[c] for c in close)
            hints.append(f"instead of {name}, did you mean {spelled}?")
    return hints


def _candidates(schema: Schema) -> dict[str, str]:
    """Lower-case name -> the name as the dialect must spell it (``table.column``)."""
    found: dict[str, str] = {}
    for table in schema.tables:
        ref = table_ref(table, schema.dialect)
        found.setdefault(table.name.lower(), ref)
        for column in table.columns:
            spelled = f"{ref}.{quote(column.name, schema.dialect)}"
            found.setdefault(column.name.lower(), spelled)
    return found
