"""Reading the filters of a question: values, comparisons, missing things, patterns."""

from __future__ import annotations

from core.offline_index import kind_of
from core.offline_link import Item
from core.offline_plan import Agg, Col, Cond
from core.offline_resolve import MAX_HOPS
from core.offline_roles import flag_true, label_columns, money_column, numeric_columns
from core.offline_state import ReaderState
from core.schema import Table

NEGATED = {"=": "!=", "in": "notin"}
ABOVE = {">": "above", ">=": "above", "<": "below", "<=": "below"}


class FilterReading(ReaderState):
    """Handlers for cues and refs that narrow the rows."""

    def read_cmp(self, i: int) -> None:
        op, concept = self.pair(i)
        col, agg, j = self._cmp_left(i)
        if self.is_cue(j, "than"):
            j += 1
        if self.is_cue(j, "agg") and self.items[j].data == "avg":
            self._cmp_average(i, j, str(op), col, concept)
            return
        item = self.free(j)
        read = self._cmp_values(j, str(op)) if item is not None else None
        if item is None or read is None:
            return
        op, values, j = read
        after = self.free(j)
        if col is None and agg is None and after is not None and after.tables():
            self._having_count(i, j, op, values)
            return
        if col is None and after is not None and after.columns():
            col, j = self.column(after, self.nearest_table(i)), j + 1
        if agg is not None:
            self.plan.having.append(Cond(op, values=values, agg=agg))
            self.use(*self.items[i:j])
            return
        col = col or self._implied_column(i, concept, "$" in item.words[0])
        if col is None or kind_of(col.column) not in ("number", "date"):
            return
        self.add_where(Cond(op, col, values))
        self.note(f"{col.name} {op} {' and '.join(_plain(v) for v in values)}")
        self.use(*self.items[i:j])

    def _cmp_values(self, j: int, op: str) -> tuple[str, tuple[object, ...], int] | None:
        """The number(s) compared with ("between 5 and 10", "10 or more") and where they end."""
        item = self.items[j]
        if item.number is None or item.refs:
            return None
        values: tuple[object, ...] = (item.number,)
        j += 1
        if op == "between":
            second = self.free(j + 1)
            if not self.is_cue(j, "and") or second is None or second.number is None:
                return None
            values, j = (item.number, second.number), j + 2
        if self.is_cue(j, "orabove"):
            op, j = str(self.items[j].data), j + 1
        return op, values, j

    def _cmp_left(self, i: int) -> tuple[Col | None, Agg | None, int]:
        """The column (or aggregate) named just before a comparison, or just after it."""
        prev = self.free(i - 1)
        if prev is not None and prev.columns() and not prev.values():
            col = self.column(prev, self.nearest_table(i - 1))
            before = self.free(i - 2)
            if before is not None and before.cue == "agg" and col is not None:
                self.use(prev, before)
                return None, Agg(str(before.data), col), i + 1
            self.use(prev)
            return col, None, i + 1
        nxt = self.free(i + 1)
        if nxt is not None and nxt.columns() and not nxt.values() and not nxt.tables():
            return self.column(nxt, self.nearest_table(i)), None, i + 2
        return None, None, i + 1

    def _cmp_average(self, i: int, j: int, op: str, col: Col | None, concept: object) -> None:
        other = self.free(j + 1)
        if other is not None and other.columns() and not other.values():
            col = col or self.column(other, self.nearest_table(i))
            j += 1
        if col is None and concept is not None:
            col = self.res.concept(str(concept), self.nearest_table(i))
        if col is None or op not in ABOVE:
            return
        self.add_where(Cond(ABOVE[op], col))
        self.note(f"{col.name} {ABOVE[op]} its average")
        self.use(*self.items[i : j + 1])

    def _having_count(self, i: int, j: int, op: str, values: tuple[object, ...]) -> None:
        table = self.table_ref(self.items[j])
        if table is None or table is self.base and self.entity is None:
            return
        self.plan.having.append(Cond(op, values=values, agg=Agg("count", table=table)))
        self.note(f"with {op} {_plain(values[0])} {table.name}")
        self.use(*self.items[i : j + 1])

    def _implied_column(self, i: int, concept: object, money: bool) -> Col | None:
        table = self.nearest_table(i)
        if table is None:
            return None
        if concept is not None:
            return self.res.concept(str(concept), table)
        money_col = money_column(table)
        if money and money_col is not None:
            return Col(table, money_col)
        numbers = numeric_columns(table)
        if len(numbers) == 1:
            self.doubt(f"the number is about {numbers[0].name}")
            return Col(table, numbers[0])
        return None

    def read_neg(self, i: int) -> None:
        j = i + 1 + (1 if self.is_cue(i + 1, "have") else 0)
        if self.is_cue(j, "event", "null") and not self.only_values(self.free(j)):
            return  # the event or "missing" reads the negation
        values, j = self._value_run(j)
        target = self.free(j)
        if not values and target is not None and target.flags() and not target.tables():
            self._negated_flag(i, target)
            return
        table = self.table_ref(target) if target is not None and target.tables() else None
        if table is not None and table is not self.base:
            inner = self._inner(values, table)
            self.add_where(Cond("notexists", table=table, inner=inner))
            self.note(f"without {table.name}")
            self.use(*self.items[i : j + 1])
        elif values:
            self._negated_values(i, values, j)
        elif target is not None and target.columns() and not target.tables():
            col = self.column(target, self.nearest_table(i))
            if col is None:
                return
            self.add_where(Cond("null", col))
            self.note(f"no {col.name}")
            self.use(*self.items[i : j + 1])

    def _negated_flag(self, i: int, target: Item) -> None:
        """ "products that are not discontinued": the flag is anything but yes."""
        ref = self.res.pick(target.flags())
        truth = flag_true(ref.column) if ref is not None and ref.column is not None else None
        if ref is None or ref.column is None or truth is None:
            return
        self.add_where(Cond("!=", Col(ref.table, ref.column), (truth,)))
        self.note(f"{ref.column.name} is not true")
        self.use(self.at(i), target)

    def _negated_values(self, i: int, values: list[Item], j: int) -> None:
        cond = self._values_cond(values)
        if cond is None or cond.op not in NEGATED:
            return
        self.add_where(Cond(NEGATED[cond.op], cond.col, cond.values))
        self.use(*self.items[i:j])

    def read_have(self, i: int) -> None:
        nxt = self.free(i + 1)
        if nxt is not None and nxt.cue in ("neg", "cmp", "super", "count", "top", "agg"):
            self.use(self.at(i))
            return
        values, j = self._value_run(i + 1)
        target = self.free(j)
        table = self.table_ref(target) if target is not None and target.tables() else None
        if table is not None and self.roles.get(j) == "exists" and table is not self.base:
            self.add_where(Cond("exists", table=table, inner=self._inner(values, table)))
            self.note(f"with {table.name}")
            self.use(*self.items[i : j + 1])
        else:
            self.use(self.at(i))

    def _value_run(self, j: int) -> tuple[list[Item], int]:
        """Values joined by "or"/"and" ("boston or miami"); values side by side stay apart."""
        found: list[Item] = []
        while True:
            item = self.free(j)
            if item is None or not self.only_values(item):
                return found, j
            found.append(item)
            if not (self.is_cue(j + 1, "and", "or") and self.only_values(self.free(j + 2))):
                return found, j + 1
            j += 2

    def _inner(self, values: list[Item], table: Table) -> tuple[Cond, ...]:
        cond = self._values_cond(values, table)
        return (cond,) if cond is not None else ()

    def _values_cond(self, values: list[Item], near: Table | None = None) -> Cond | None:
        """One condition for values joined by "or"/"and": ``=`` or ``in`` on one column."""
        if not values:
            return None
        first = self.res.pick(values[0].values(), near)
        if first is None or first.column is None:
            return None
        found: list[object] = [first.value]
        for item in values[1:]:
            same = [r for r in item.values() if r.column is first.column]
            if not same:
                return None
            found.append(same[0].value)
        col = Col(first.table, first.column)
        return Cond("=", col, tuple(found)) if len(found) == 1 else Cond("in", col, tuple(found))

    def read_values(self, i: int) -> None:
        values, j = self._value_run(i)
        found = self._values_cond(values, self.base)
        cond = self._on_table_named(i, found) if found is not None else None
        if cond is None or cond.col is None:
            return
        if self._too_far(cond.col.table):
            return
        self.add_where(cond)
        self.note(f"{cond.col.name} {' or '.join(str(v) for v in cond.values)}")
        self.use(*self.items[i:j])
        self._absorb_qualifiers(i - 1, j, cond.col)

    def _on_table_named(self, i: int, cond: Cond) -> Cond:
        """ "employees in denver": the value is about the table just named, even when none
        of its rows holds it (then the honest answer is no rows, not customers in Denver)."""
        named = self.table_ref(self.at(i - 1)) if self.at(i - 1) is not None else None
        if named is None or cond.col is None or cond.col.table is named:
            return cond
        same = named.column(cond.col.name)
        if same is None or kind_of(same) != "text" or same in label_columns(named):
            return cond  # a name or title is the row itself: "tracks ... rock genre"
        return Cond(cond.op, Col(named, same), cond.values)

    def _too_far(self, table: Table) -> bool:
        if self.base is None or table is self.base:
            return False
        hops = self.res.hops(self.base, table)
        return hops is None or hops > MAX_HOPS - 1

    def _absorb_qualifiers(self, before: int, after: int, col: Col) -> None:
        """ "the artist AC/DC", "rock genre": a noun next to a value names the value's column."""
        for j in (before, after):
            item = self.free(j)
            if item is None:
                continue
            if any(r.column is col.column for r in item.columns()) or (
                any(r.table is col.table for r in item.tables())
                and self.roles.get(j) == "qualifier"
            ):
                self.use(item)

    def read_like(self, i: int) -> None:
        if self.roles.get(i + 1) == "exists":
            self.read_have(i)  # "albums containing tracks ..." asks for related rows
            return
        pattern = self.free(i + 1)
        if pattern is None or not pattern.text:
            return
        before = self.free(i - 1)
        col = self.column(before) if before is not None and before.columns() else None
        if col is None:
            before = None
        end = i + 2
        after = self.free(i + 2)
        if col is None and after is not None and after.columns():
            col, end = self.column(after, self.nearest_table(i)), i + 3
        if col is None:
            col = self._label(self.nearest_table(i))
        if col is None:
            return
        self.add_where(Cond("like", col, (str(self.items[i].data), pattern.text)))
        self.note(f"{col.name} {self.items[i].data} '{pattern.text}'")
        self.use(before, *self.items[i:end])

    def _label(self, table: Table | None) -> Col | None:
        labels = self.label_of(table) if table is not None else []
        return labels[0] if len(labels) == 1 else None

    def read_quoted(self, i: int) -> None:
        item = self.items[i]
        prev, nxt = self.free(i - 1), self.free(i + 1)
        if prev is not None and prev.cue == "have" and nxt is not None and nxt.columns():
            col = self.column(nxt, self.nearest_table(i))
            if col is not None:
                self.add_where(Cond("like", col, ("contains", item.text)))
                self.use(prev, item, nxt)
        elif prev is not None and prev.columns() and not prev.values():
            col = self.column(prev, self.nearest_table(i))
            if col is not None:
                self.add_where(Cond("=", col, (item.text,)))
                self.use(prev, item)

    def read_null(self, i: int) -> None:
        for j in (i - 1, i + 1):
            item = self.free(j)
            if item is not None and item.columns() and not item.values():
                col = self.column(item, self.nearest_table(i))
                if col is not None:
                    negated = self.is_cue(i - 1 if j == i + 1 else i - 2, "neg")
                    self.add_where(Cond("notnull" if negated else "null", col))
                    self.use(self.at(i), item)
                    return


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
