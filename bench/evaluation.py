"""Judging a translation by execution: the same rows as the gold query.

Rows are compared as multisets after normalising values (numbers rounded, dates
in one spelling); the prediction may carry extra columns. Row order counts only
where the question asks for it. Where the gold orders and limits ("top 5"),
rows that tie with the last one kept may stand in for each other.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

Row = tuple[Any, ...]
Runner = Callable[[str], list[Row]]
MAX_ASSIGNMENTS = 500
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?)?$")


def normalise(value: Any) -> Any:
    """One spelling per value: floats to 4 places, dates as ISO text, booleans as 0/1."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | decimal.Decimal):
        return _rounded(float(value))
    if isinstance(value, dt.datetime):
        return _date_text(value.date().isoformat(), value.time().strftime("%H:%M:%S"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    text = str(value).rstrip()  # 'Edinburgh ' in one copy of Chinook, CHAR padding in MySQL
    match = _DATE.match(text)
    return _date_text(match.group(1), match.group(2)) if match else text


def _rounded(number: float) -> float:
    """Four decimals, nudged past exact halves so 187.16625 rounds alike from any engine."""
    nudge = max(1e-9, abs(number) * 1e-12)
    rounded = round(number + (nudge if number >= 0 else -nudge), 4)
    return 0.0 if rounded == 0 else rounded


def _date_text(day: str, clock: str | None) -> str:
    return f"{day} {clock}" if clock else day


def normal_rows(rows: Sequence[Sequence[Any]]) -> list[Row]:
    return [tuple(normalise(v) for v in row) for row in rows]


@dataclass
class Gold:
    """The gold rows, and for ordered or limited golds the full ordering with sort keys."""

    rows: list[Row]
    ordered: bool
    ranked: list[tuple[Row, Row]] | None = None
    limit: int | None = None


def gold_result(sql: str, run: Runner, ordered: bool) -> Gold:
    """Run the gold query; where it sorts, also run it unlimited with its sort keys."""
    rows = normal_rows(run(sql))
    keyed = _keyed_variant(sql)
    if keyed is None:
        return Gold(rows, ordered)
    keyed_sql, keys, limit = keyed
    try:
        full = normal_rows(run(keyed_sql))
    except Exception:  # the keyed copy is a convenience; fall back to exact rows
        return Gold(rows, ordered)
    ranked = [(row[:-keys], row[-keys:]) for row in full]
    return Gold(rows, ordered, ranked, limit)


def _keyed_variant(sql: str) -> tuple[str, int, int | None] | None:
    """The gold with its ORDER BY expressions added as last columns, and no LIMIT."""
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return None
    order = tree.args.get("order")
    if not isinstance(tree, exp.Select) or order is None or tree.args.get("distinct"):
        return None
    projections = list(tree.expressions)
    limit = _limit_of(tree)
    keyed = tree.copy()
    keyed.set("limit", None)
    for i, ordered in enumerate(order.expressions):
        key = _resolve_key(ordered.this, projections)
        keyed = keyed.select(exp.alias_(key.copy(), f"sort_key_{i}"), copy=False)
    return keyed.sql(dialect="sqlite"), len(order.expressions), limit


def _limit_of(tree: exp.Select) -> int | None:
    limit = tree.args.get("limit")
    if limit is None:
        return None
    try:
        return int(limit.expression.name)
    except (AttributeError, ValueError):
        return None


def _resolve_key(key: exp.Expression, projections: list[exp.Expression]) -> exp.Expression:
    if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.name) <= len(projections):
        chosen = projections[int(key.name) - 1]
        return chosen.this if isinstance(chosen, exp.Alias) else chosen
    if isinstance(key, exp.Column) and not key.table:
        for projection in projections:
            if isinstance(projection, exp.Alias) and projection.alias == key.name:
                return projection.this
    return key


def same_rows(predicted: Sequence[Sequence[Any]], gold: Gold) -> bool:
    """True when the predicted rows answer like the gold (extra columns allowed)."""
    rows = normal_rows(predicted)
    if gold.ranked is not None:
        return _same_ranked(rows, gold)
    if len(rows) != len(gold.rows):
        return False
    width = len(gold.rows[0]) if gold.rows else 0
    if not gold.rows:
        return True
    columns = [Counter(r[j] for r in gold.rows) for j in range(width)]
    options = [
        [c for c in range(len(rows[0])) if Counter(r[c] for r in rows) == columns[j]]
        for j in range(width)
    ]
    return any(
        _projected_equal(rows, gold.rows, mapping, gold.ordered)
        for mapping in _assignments(options)
    )


def _assignments(options: list[list[int]]) -> list[tuple[int, ...]]:
    found = []
    for mapping in itertools.product(*options):
        if len(set(mapping)) == len(mapping):
            found.append(mapping)
            if len(found) >= MAX_ASSIGNMENTS:
                break
    return found


def _project(rows: list[Row], mapping: tuple[int, ...]) -> list[Row]:
    return [tuple(row[c] for c in mapping) for row in rows]


def _projected_equal(
    rows: list[Row], gold: list[Row], mapping: tuple[int, ...], ordered: bool
) -> bool:
    projected = _project(rows, mapping)
    return projected == gold if ordered else Counter(projected) == Counter(gold)


def _same_ranked(rows: list[Row], gold: Gold) -> bool:
    """Ordered or limited golds: ties at the cut (and within the order) are interchangeable."""
    ranked = gold.ranked or []
    top = ranked[: gold.limit] if gold.limit is not None else ranked
    if len(rows) != len(top):
        return False
    if not top:
        return True
    width = len(top[0][0])
    values = [{row[j] for row, _ in ranked} for j in range(width)]
    options = [
        [c for c in range(len(rows[0])) if {r[c] for r in rows} <= values[j]] for j in range(width)
    ]
    return any(
        _ranked_match(_project(rows, m), ranked, top, gold.ordered) for m in _assignments(options)
    )


def _ranked_match(
    projected: list[Row], ranked: list[tuple[Row, Row]], top: list[tuple[Row, Row]], ordered: bool
) -> bool:
    cutoff = top[-1][1]
    must = Counter(row for row, key in top if key != cutoff)
    pool = Counter(row for row, key in ranked if key == cutoff)
    have = Counter(projected)
    if any(have[row] < n for row, n in must.items()):
        return False
    rest = have - must
    if any(pool[row] < n for row, n in rest.items()):
        return False
    if not ordered:
        return True
    keys: dict[Row, set[Row]] = {}
    for row, key in ranked:
        keys.setdefault(row, set()).add(key)
    return all(key in keys.get(row, set()) for row, (_, key) in zip(projected, top, strict=True))


def sqlite_runner(path: str, seconds: float = 10.0) -> Runner:
    """A function that runs SQL on a SQLite file opened read-only, stopping after ``seconds``."""

    def run(sql: str) -> list[Row]:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10000)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    return run
