"""Shared state of a reading: the items, the plan being built, and small helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.offline_index import SchemaIndex
from core.offline_link import Item
from core.offline_plan import Agg, Col, Cond, Plan
from core.offline_resolve import Resolver
from core.offline_roles import label_columns
from core.offline_time import Period
from core.schema import Table


@dataclass
class Pending:
    """An aggregate of a measure ("sales") that is resolved once the tables are known."""

    fn: str
    kind: str


Rankable = Agg | Col | Pending


class ReaderState:
    """Items, plan, resolver and the half-read parts that wait for the whole question."""

    def __init__(self, items: list[Item], index: SchemaIndex, today: dt.date) -> None:
        self.items = items
        self.index = index
        self.today = today
        self.plan = Plan()
        self.res = Resolver(index)
        self.rank: tuple[Rankable, bool] | None = None
        self.extreme: tuple[Col, bool] | None = None
        self.entity: Table | None = None
        self.pending: list[Pending] = []
        self.pending_dir: bool | None = None
        self.explicit_base = False
        self.roles: dict[int, str] = {}
        self.event_col: Col | None = None
        self.extra: list[Table] = []
        self.every_row = False
        self.said: list[tuple[Item, Col]] = []
        self.periods: list[tuple[int, Period]] = []

    @property
    def base(self) -> Table | None:
        return self.plan.base

    def at(self, i: int) -> Item | None:
        return self.items[i] if 0 <= i < len(self.items) else None

    def free(self, i: int) -> Item | None:
        item = self.at(i)
        return item if item is not None and not item.used else None

    def use(self, *items: Item | None) -> None:
        for item in items:
            if item is not None:
                item.used = True

    def note(self, text: str) -> None:
        if text not in self.plan.understood:
            self.plan.understood.append(text)

    def doubt(self, text: str) -> None:
        self.plan.doubts.append(text)

    def pair(self, i: int) -> tuple[object, object]:
        """The two parts of a cue's data: (direction, concept) or (operator, concept)."""
        data = self.items[i].data
        if isinstance(data, tuple) and len(data) == 2:
            return data[0], data[1]
        return data, None

    def is_cue(self, i: int, *cues: str) -> bool:
        item = self.at(i)
        return item is not None and item.cue in cues

    def table_ref(self, item: Item | None) -> Table | None:
        """The table an item names, when it names one."""
        if item is None:
            return None
        ref = self.res.pick(item.tables())
        return ref.table if ref else None

    def column(self, item: Item | None, near: Table | None = None) -> Col | None:
        if item is None:
            return None
        return self.res.column(item.columns(), near or self.base)

    def adjective(self, item: Item | None) -> bool:
        """Values and yes/no flags before a noun ("cancelled orders", "official languages")."""
        return self.only_values(item) or (
            item is not None and bool(item.flags()) and not item.tables()
        )

    def only_values(self, item: Item | None) -> bool:
        return (
            item is not None
            and bool(item.values())
            and not item.tables()
            and not (item.columns() and not item.values())
        )

    def label_of(self, table: Table) -> list[Col]:
        labels = label_columns(table)
        if labels:
            return [Col(table, c) for c in labels]
        keys = [c for c in table.columns if c.name in table.primary_key]
        return [Col(table, c) for c in keys[:1]]

    def add_output(self, col: Col) -> None:
        if col not in self.plan.outputs:
            self.plan.outputs.append(col)

    def add_where(self, cond: Cond) -> None:
        if cond not in self.plan.where:
            self.plan.where.append(cond)

    def nearest_table(self, i: int) -> Table | None:
        """The table named closest before item ``i`` (or the base)."""
        for j in range(i - 1, -1, -1):
            item = self.items[j]
            table = self.table_ref(item) if item.tables() else None
            if table is not None:
                return table
            values = item.values()
            if values and self.res.pick(values) is not None:
                ref = self.res.pick(values)
                return ref.table if ref else None
        return self.base
