"""The offline translator's reading of a question, before it becomes SQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.schema import Column, Table


@dataclass(frozen=True)
class Col:
    """A column of a table."""

    table: Table
    column: Column

    @property
    def name(self) -> str:
        return self.column.name


@dataclass(frozen=True)
class Agg:
    """An aggregate: ``fn`` over ``col`` (or rows of ``table`` for a count)."""

    fn: str
    col: Col | None = None
    table: Table | None = None
    distinct: bool = False
    times: Col | None = None

    @property
    def source(self) -> Table | None:
        return self.col.table if self.col else self.table


@dataclass(frozen=True)
class Key:
    """A group key: a column, a date column cut to ``unit``, or a whole table's rows."""

    col: Col | None = None
    unit: str | None = None
    entity: Table | None = None


@dataclass(frozen=True)
class Cond:
    """A condition. ``op`` is a comparison, ``in``, ``between``, ``null``, ``notnull``,
    ``like``, ``stale`` (older than a day, or never), ``above`` (than the column's
    average), or ``exists``/``notexists`` on ``table`` with ``inner`` conditions."""

    op: str
    col: Col | None = None
    values: tuple[object, ...] = ()
    table: Table | None = None
    inner: tuple[Cond, ...] = ()
    agg: Agg | None = None


OrderKey = Col | Agg | Key


@dataclass
class Plan:
    """Everything the SQL builder needs; ``doubts`` lower the confidence."""

    base: Table | None = None
    outputs: list[Col] = field(default_factory=list)
    aggs: list[Agg] = field(default_factory=list)
    where: list[Cond] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    having: list[Cond] = field(default_factory=list)
    order: list[tuple[OrderKey, bool]] = field(default_factory=list)
    limit: int | None = None
    distinct: bool = False
    doubts: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        """Every table the answer's columns, groups and order read (conditions aside)."""
        found: list[Table] = [self.base] if self.base else []
        parts: list[Table | None] = [c.table for c in self.outputs]
        parts += [a.source for a in self.aggs] + [a.times.table for a in self.aggs if a.times]
        parts += [k.entity or (k.col.table if k.col else None) for k in self.keys]
        parts += [c.agg.source for c in self.having if c.agg]
        parts += [_order_table(key) for key, _ in self.order]
        for table in parts:
            if table is not None and all(table is not t for t in found):
                found.append(table)
        return found


def _order_table(key: OrderKey) -> Table | None:
    if isinstance(key, Col):
        return key.table
    if isinstance(key, Agg):
        return key.source
    return key.entity or (key.col.table if key.col else None)
