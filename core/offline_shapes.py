"""Reading the shape of an answer: counts, aggregates, measures and grouping."""

from __future__ import annotations

from core.offline_link import Item
from core.offline_plan import Agg, Col, Key
from core.offline_roles import line_measure, money_column
from core.offline_state import Pending, ReaderState
from core.offline_words import identifier_words, singular
from core.schema import Table


class ShapeReading(ReaderState):
    """Handlers for cues that decide what the answer's rows are."""

    def read_count(self, i: int) -> None:
        j, distinct = i + 1, False
        if self.is_cue(j, "distinct"):
            distinct, j = True, j + 1
            self.use(self.at(j - 1))
        while self.adjective(self.free(j)) or self.is_cue(j, "and", "or"):
            j += 1
        target = self.free(j)
        agg = self._count_of(target, distinct)
        if agg is None:
            agg = Agg("count", table=self.base)
            if distinct:
                return
        else:
            self.use(target)
        self.use(self.at(i))
        self.plan.aggs.append(agg)
        if agg.source is not None or agg.col is not None:
            self.note(f"count of {_agg_subject(agg)}")

    def _count_of(self, target: Item | None, distinct: bool) -> Agg | None:
        if target is None:
            return None
        table = self.table_ref(target) if target.tables() else None
        if table is not None and not distinct:
            return Agg("count", table=table)
        col = self.column(target)
        if col is None:
            return None
        return Agg("count", col, distinct=True) if distinct else Agg("count", table=col.table)

    def read_agg(self, i: int) -> None:
        fns, j = [str(self.items[i].data)], i + 1
        while self.is_cue(j, "and", "or") and self.is_cue(j + 1, "agg"):
            fns.append(str(self.items[j + 1].data))
            j += 2
        target, table_item = self.free(j), None
        after = self.free(j + 1)
        table_only = target is not None and target.tables() and not target.columns()
        if table_only and after is not None and after.columns() and not after.values():
            table_item, target = target, after  # "average track length"
            j += 1
        if target is None or self.is_cue(j + 1, "cmp") and target.columns():
            return  # "average age above 30" is a group filter, read by the comparison
        if fns == ["avg"] and self._averages_a_count(j):
            self.use(*self.items[i:j])
            return
        if self._aggregate(fns, target, table_item):
            keep_event = target.cue == "event"
            self.use(*self.items[i:j], table_item, None if keep_event else target)

    def _aggregate(self, fns: list[str], target: Item, table_item: Item | None) -> bool:
        """Add ``fns`` of what ``target`` names: a measure, a table's money, or a column."""
        money = self._money_of(target)
        if target.cue == "measure":
            self.pending.extend(Pending(fn, str(target.data)) for fn in fns)
            return True
        if money is not None and fns in (["sum"], ["avg"]):
            self.plan.aggs.extend(Agg(fn, money) for fn in fns)
            self.note(f"{fns[0]} of {money.name}")
            return True
        col = self.column(target, self.table_ref(table_item)) if target.columns() else None
        if col is None:
            return False
        self.plan.aggs.extend(Agg(fn, col) for fn in fns)
        self.note(f"{'/'.join(fns)} of {col.name}")
        return True

    def _averages_a_count(self, j: int) -> bool:
        """ "average items per order", "average number of orders per customer": a mean of
        counts per group needs a query inside a query, which is said rather than guessed."""
        if self.is_cue(j, "count"):
            j += 1
        item = self.free(j)
        if item is None or not item.tables() or item.columns() or not self.is_cue(j + 1, "group"):
            return False
        if not self.is_cue(j - 1, "count") and singular(item.words[-1]) == item.words[-1]:
            return False  # "average order per customer" is an order's value
        table = self.table_ref(item)
        self.plan.problems.append(f"average the number of {table.name if table else 'rows'}")
        self.use(item)
        return True

    def _money_of(self, target: Item | None) -> Col | None:
        """ "total invoiced", "sum of orders": the money column of the table named."""
        if target is None or target.columns():
            return None
        table = self.table_ref(target) if target.tables() else None
        if table is None and target.cue == "event":
            exact = [t for t in self.index.schema.tables if _words(t) == (str(target.data),)]
            named = exact or [t for t in self.index.schema.tables if str(target.data) in _words(t)]
            table = named[0] if len(named) == 1 else None
        if table is not None and line_measure(table) is not None:
            return None  # a line's value is quantity times price, not its unit price
        money = money_column(table) if table is not None else None
        return Col(table, money) if table is not None and money is not None else None

    def read_group(self, i: int) -> None:
        target = self.free(i + 1)
        if target is None:
            return
        table = self.table_ref(target) if target.tables() else None
        if table is not None and self.roles.get(i + 1) == "qualifier":
            self.use(self.at(i))  # "albums by the artist AC/DC": a filter, not a grouping
            return
        if table is not None:
            self._group_entity(table)
        elif target.columns():
            col = self.column(target)
            if col is None:
                return
            self.plan.keys.append(Key(col))
            self.note(f"per {col.name}")
        elif target.values():
            self.use(self.at(i))
            return
        else:
            return
        self.use(self.at(i), target)

    def _group_entity(self, table: Table) -> None:
        if table is self.base:
            return  # "for every singer", "average quantity per order item": one row each anyway
        self.plan.keys.append(Key(entity=table))
        self.note(f"per {table.name}")

    def read_id(self, i: int) -> None:
        table = self.table_ref(self.free(i + 1)) or self.nearest_table(i)
        if table is None or len(table.primary_key) != 1:
            return
        column = next(c for c in table.columns if c.name == table.primary_key[0])
        self.add_output(Col(table, column))
        self.use(self.at(i))

    def read_own(self, i: int) -> None:
        """ "albums with their artist": show the related row's name beside each row."""
        target = self.free(i + 1)
        if target is None or not target.tables() or self.base is None:
            self.use(self.at(i))
            return
        related = [target]
        while self.is_cue(i + 2 * len(related), "and"):
            following = self.free(i + 2 * len(related) + 1)
            if following is None or not following.tables():
                break
            related.append(following)
        tables = [self.table_ref(item) for item in related]
        if not all(t is not None and self._reached_upwards(t) for t in tables):
            return  # "customers with their orders" would repeat each customer
        if not self.plan.outputs:
            self.plan.outputs.extend(self.label_of(self.base))
        for table in tables:
            for col in self.label_of(table) if table is not None else []:
                self.add_output(col)
        self.use(*self.items[i : i + 2 * len(related)])

    def _reached_upwards(self, table: Table) -> bool:
        route = self.index.graph.path(self.base, table) if self.base is not None else None
        return route is not None and all(step.up for step in route)

    def read_measure(self, i: int) -> None:
        self.pending.append(Pending("sum", str(self.items[i].data)))
        self.use(self.at(i))


def _words(table: Table) -> tuple[str, ...]:
    return identifier_words(table.name)


def _agg_subject(agg: Agg) -> str:
    if agg.col is not None:
        return f"distinct {agg.col.name}" if agg.distinct else agg.col.name
    return agg.table.name if agg.table is not None else "rows"
