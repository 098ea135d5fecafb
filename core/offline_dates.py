"""Reading time: "last month", "in 2023", "by month", "haven't logged in for 30 days"."""

from __future__ import annotations

from core.offline_index import kind_of
from core.offline_link import Item
from core.offline_plan import Agg, Col, Cond, Key
from core.offline_roles import default_date, event_date
from core.offline_state import ReaderState
from core.offline_time import Bucket, Period
from core.schema import Table


class DateReading(ReaderState):
    """Handlers for time phrases and the event verbs ("signed up", "logged in") they qualify."""

    def read_time(self, i: int) -> None:
        meaning = self.items[i].time
        if isinstance(meaning, Bucket):
            col = self.date_column(i)
            if col is not None:
                self.plan.keys.append(Key(col, unit=meaning.unit))
                self.note(f"per {meaning.unit} of {col.name}")
                self.use(self.at(i))
        elif isinstance(meaning, Period):
            self._period(i, meaning)

    def _period(self, i: int, period: Period) -> None:
        year_col = self._year_column(i)
        if year_col is not None and period.years is not None:
            self._year_cond(i, year_col, period)
            return
        if self.event_col is None and not any(it.cue == "event" for it in self.items):
            # Whose date? "customers by total spent this year" means the spending's date,
            # which is known once the aggregates are: settled in apply_periods.
            self.periods.append((i, period))
            self.use(self.at(i))
            return
        self._period_on(i, period, self.date_column(i))

    def _period_on(self, i: int, period: Period, col: Col | None) -> None:
        if col is None:
            self.plan.problems.append(f"tell which date '{period.label}' is about")
            return
        self.add_where(Cond("range", col, (period.start, period.end)))
        self.note(f"{col.name} {period.label}")
        self.use(self.at(i))

    def apply_periods(self) -> None:
        """Time filters go on the date of what is counted or added up, else the nearest."""
        for i, period in self.periods:
            col = None
            for table in self._measured_tables():
                col = self._clear_date([table, *self._parents_of(table)])
                if col is not None:
                    break
            self._period_on(i, period, col or self.date_column(i))

    def _measured_tables(self) -> list[Table]:
        aggs = list(self.plan.aggs)
        if self.rank is not None and isinstance(self.rank[0], Agg):
            aggs.append(self.rank[0])
        if not aggs and self.plan.keys and self.base is not None:
            aggs.append(Agg("count", table=self.base))  # "orders per employee": orders counted
        return [a.source for a in aggs if a.source is not None and a.fn != "count"] + [
            a.source for a in aggs if a.source is not None and a.fn == "count"
        ]

    def _clear_date(self, tables: list[Table]) -> Col | None:
        for table in tables:
            column, clear = default_date(table)
            if column is not None and clear:
                return Col(table, column)
        return None

    def _year_column(self, i: int) -> Col | None:
        for item in (self.free(i - 1), self.free(i + 1)):
            if item is not None and item.columns() and item.words[-1:] in (("year",), ("years",)):
                col = self.column(item, self.nearest_table(i))
                if col is not None and kind_of(col.column) != "date":
                    self.use(item)
                    return col
        return None

    def _year_cond(self, i: int, col: Col, period: Period) -> None:
        low, high = period.years or (None, None)
        text = kind_of(col.column) == "text"
        typed = [str(y) if text and y is not None else y for y in (low, high)]
        years = [typed[0]]
        j = i + 1
        while low == high and self.is_cue(j, "or") and self._is_number(self.free(j + 1)):
            number = int(self.items[j + 1].number or 0)
            years.append(str(number) if text else number)
            j += 2
        if low == high:
            cond = Cond("in", col, tuple(years)) if len(years) > 1 else Cond("=", col, (years[0],))
        elif low is None:
            cond = Cond("<=", col, (typed[1],))
        else:
            cond = (
                Cond(">=", col, (typed[0],)) if high is None else Cond("between", col, tuple(typed))
            )
        self.add_where(cond)
        self.note(f"{col.name} {period.label}")
        self.use(*self.items[i:j])

    def _is_number(self, item: Item | None) -> bool:
        return item is not None and item.number is not None and not item.refs

    def date_column(self, i: int) -> Col | None:
        """The date a time phrase is about: an event's date, else the table's main date."""
        if self.event_col is not None:
            return self.event_col
        event = next((it for it in self.items if it.cue == "event" and not it.used), None)
        if event is not None:
            col = self.event_column(str(event.data))
            if col is not None:
                self.use(event)
                return col
        for table in [self.nearest_table(i), *self.res.focus, *self._parents()]:
            if table is None:
                continue
            column, clear = default_date(table)
            if column is not None:
                if not clear:
                    self.doubt(f"dates read from {column.name}")
                return Col(table, column)
        return None

    def _parents(self) -> list[Table]:
        """Tables one many-to-one step from the base: an order line's order has the date."""
        return self._parents_of(self.base) if self.base is not None else []

    def _parents_of(self, table: Table) -> list[Table]:
        return [step.target for step in self.index.graph.around(table) if step.up]

    def event_column(self, event: str) -> Col | None:
        for table in self.res.focus + list(self.index.schema.tables):
            if table is not self.base and self.base is not None:
                hops = self.res.hops(self.base, table)
                if hops is None or hops > 2:
                    continue
            column = event_date(table, event)
            if column is not None:
                return Col(table, column)
        return None

    def read_event(self, i: int) -> None:
        col = self.event_column(str(self.items[i].data))
        neg = self.free(i - 1) if self.is_cue(i - 1, "neg") else None
        nxt = self.free(i + 1)
        if col is None:
            return
        period = nxt.time if nxt is not None and isinstance(nxt.time, Period) else None
        if neg is not None and col.table is not self.base:
            cond = self._never_on_other_table(col, period)
        elif period is not None:
            cond = self._event_in(col, period, negated=neg is not None)
        elif neg is not None:
            cond = Cond("null", col)
            self.note(f"no {col.name}")
        else:
            self.use(self.at(i))
            self.event_col = col
            return
        if cond is None:
            return
        self.add_where(cond)
        self.use(neg, self.at(i), nxt if period is not None else None)

    def _event_in(self, col: Col, period: Period, negated: bool) -> Cond | None:
        if not negated:
            self.note(f"{col.name} {period.label}")
            return Cond("range", col, (period.start, period.end))
        if not period.rolling or period.start is None:
            return None
        self.note(f"no {col.name} since {period.start.isoformat()}")
        return Cond("stale", col, (period.start,))

    def _never_on_other_table(self, col: Col, period: Period | None) -> Cond | None:
        """ "products never ordered", "customers who haven't ordered in 90 days"."""
        if period is None:
            self.note(f"without {col.table.name}")
            return Cond("notexists", table=col.table)
        if not period.rolling:
            return None
        inner = Cond("range", col, (period.start, period.end))
        self.note(f"without {col.table.name} {period.label}")
        return Cond("notexists", table=col.table, inner=(inner,))
