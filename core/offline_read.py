"""Reading a linked question into a plan: pick the main table, run each item's handler,
then settle what only the whole question decides (grouping for "most", MAX or ORDER BY).
"""

from __future__ import annotations

from core.offline_filters import FilterReading
from core.offline_finish import FinishReading
from core.offline_index import kind_of
from core.offline_link import Item
from core.offline_order import OrderReading
from core.offline_plan import Col, Cond, Plan
from core.offline_roles import flag_true, label_columns
from core.offline_shapes import ShapeReading
from core.offline_subject import SubjectReading
from core.schema import Table

CONNECTIVES = frozenset({"and", "or", "than", "orabove", "agent"})


class Reader(SubjectReading, ShapeReading, OrderReading, FilterReading, FinishReading):
    """Reads one linked question; ``read()`` returns the plan (``plan.unread`` says what not)."""

    def read(self) -> Plan:
        self.roles = {i: self._role(i) for i, item in enumerate(self.items) if item.tables()}
        self._choose_base()
        self._gather_focus()
        for i, item in enumerate(self.items):
            if not item.used:
                self._dispatch(i, item)
        self._finish()
        return self.plan

    def _dispatch(self, i: int, item: Item) -> None:
        if item.time is not None:
            self.read_time(i)
            return
        handler = getattr(self, f"read_{item.cue}", None) if item.cue else None
        if handler is not None:
            handler(i)
        elif item.cue in CONNECTIVES:
            self.use(item)
        elif item.cue == "distinct":
            self.plan.distinct = True
            self.use(item)
        if item.used or item.cue in ("both",):
            return
        if item.values():
            self.read_values(i)
        elif item.text:
            self.read_quoted(i)
        elif item.flags():
            self.read_flag(i)
        elif item.columns() or item.tables():
            self.read_ref(i)

    def read_flag(self, i: int) -> None:
        ref = self.res.pick(self.items[i].flags())
        if ref is None or ref.column is None:
            return
        truth = flag_true(ref.column)
        if truth is None:
            return
        self.add_where(Cond("=", Col(ref.table, ref.column), (truth,)))
        self.note(f"{ref.column.name} is true")
        self.use(self.items[i])

    def read_ref(self, i: int) -> None:
        item = self.items[i]
        if item.tables():
            self._table_mention(i, item)
        elif not self._next_to_own_value(i, item):
            self._column_mention(i, item)

    def _table_mention(self, i: int, item: Item) -> None:
        table = self.table_ref(item)
        nxt = self.free(i + 1)
        adjacent = nxt is not None and nxt.start == item.start + len(item.words)
        if (
            table is not None
            and nxt is not None
            and adjacent
            and nxt.columns()
            and not nxt.values()
        ):
            own = [r for r in nxt.columns() if r.table is table and r.column is not None]
            labels = self.label_of(table)
            if own or nxt.words[-1:] in (("name",), ("names",), ("title",), ("titles",)):
                cols = [Col(table, own[0].column)] if own and own[0].column else labels
                for col in cols:
                    self.add_output(col)
                self.use(item, nxt)
                return
        number = self._number_after(i)
        if table is not None and number is not None and len(table.primary_key) == 1:
            key = next(c for c in table.columns if c.name == table.primary_key[0])
            self.add_where(Cond("=", Col(table, key), (number,)))  # "orders for customer 12"
            self.note(f"{table.name} {number}")
            self.use(item, self.at(i + 1))
            return
        plain = self.roles.get(i) == "plain"
        if table is not None and plain and all(table is not t for t in (self.base, self.entity)):
            self.extra.append(table)
        self.use(item)

    def _number_after(self, i: int) -> int | None:
        nxt = self.free(i + 1)
        if nxt is None or nxt.number is None or nxt.refs or not nxt.number.is_integer():
            return None
        if self.is_cue(i + 2, "super", "top", "cmp") or nxt.words[0].startswith("$"):
            return None
        if nxt.start != self.items[i].start + len(self.items[i].words):
            return None
        return int(nxt.number)

    def _next_to_own_value(self, i: int, item: Item) -> bool:
        columns = {id(r.column) for r in item.columns()}
        for j in (i - 1, i + 1):
            near = self.free(j)
            if near is not None and any(id(r.column) in columns for r in near.values()):
                return True
        return False

    def _column_mention(self, i: int, item: Item) -> None:
        if self.is_cue(i + 1, "cmp", "null", "like"):
            return  # the comparison after it reads this column
        if item.words in (("name",), ("names",)) and self._after_column(i):
            self.use(item)
            return
        near = self._owner_after(i) or self.nearest_table(i)
        if self._names_a_row(item, near):
            assert near is not None
            self.plan.outputs.extend(c for c in self.label_of(near) if c not in self.plan.outputs)
            self.use(item)
            return
        col = self.column(item, near)
        if col is None or self._relation_word(item, col):
            return
        if self._already_read(col):
            self.use(item)
            return
        nxt = self.free(i + 1)
        if nxt is not None and nxt.number is not None and not nxt.refs:
            if not self.is_cue(i + 2, "super", "top"):
                self._equals_number(col, nxt.number)
                self.use(item, nxt)
            return
        self.add_output(col)
        self.said.append((item, col))
        self.use(item)

    def _relation_word(self, item: Item, col: Col) -> bool:
        """ "reports to", "manager": a key column named as a relation is another row, not a
        value to show; reading it needs a self-join, which is not offered."""
        in_key = any(col.name in fk.columns for fk in col.table.foreign_keys)
        return in_key and not {"id", "ids", "number"} & set(item.words)

    def _after_column(self, i: int) -> bool:
        """ "government form name": the column just named is the name."""
        prev = self.at(i - 1)
        item = self.items[i]
        return (
            prev is not None
            and bool(prev.columns())
            and not prev.tables()
            and prev.start + len(prev.words) == item.start
        )

    def _names_a_row(self, item: Item, near: Table | None) -> bool:
        """ "the name of the customer" where customers have first and last names."""
        if near is None or item.words not in (("name",), ("names",), ("full", "name")):
            return False
        return not any(r.table is near for r in item.columns()) and bool(label_columns(near))

    def _owner_after(self, i: int) -> Table | None:
        """ "name of the most common genre": the table named after a column owns it."""
        for j in range(i + 1, min(i + 4, len(self.items))):
            item = self.items[j]
            if item.tables() and not item.columns():
                return self.table_ref(item)
            if item.refs or item.cue not in ("super", "top", "distinct", ""):
                return None
        return None

    def _already_read(self, col: Col) -> bool:
        """A column named twice ("average length ... in milliseconds") is read once."""
        plan = self.plan
        seen = [a.col for a in plan.aggs] + [c.col for c in plan.where] + [k.col for k in plan.keys]
        if self.extreme is not None:
            seen.append(self.extreme[0])
        return col in seen

    def _equals_number(self, col: Col, number: float) -> None:
        text = kind_of(col.column) == "text"
        as_text = str(int(number)) if number.is_integer() else str(number)
        self.add_where(Cond("=", col, (as_text if text else number,)))
        self.note(f"{col.name} = {as_text}")
