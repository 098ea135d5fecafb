"""Reading a linked question into a plan: pick the main table, run each item's handler,
then settle what only the whole question decides (grouping for "most", MAX or ORDER BY).
"""

from __future__ import annotations

from collections import Counter

from core.offline_dates import DateReading
from core.offline_filters import FilterReading
from core.offline_finish import FinishReading
from core.offline_index import kind_of
from core.offline_link import Item
from core.offline_order import OrderReading
from core.offline_plan import Col, Cond, Plan
from core.offline_roles import flag_true, label_columns
from core.offline_shapes import ShapeReading
from core.offline_words import identifier_words, singular
from core.schema import Table

CONNECTIVES = frozenset({"and", "or", "than", "orabove", "agent"})


class Reader(ShapeReading, OrderReading, FilterReading, DateReading, FinishReading):
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

    def _role(self, i: int) -> str:
        prev = self.at(i - 1)
        back = i - 1
        while self.only_values(self.at(back)) or self.is_cue(back, "and", "or"):
            back -= 1
        if self._names_value(i):
            return "qualifier"
        if prev is not None and prev.cue == "group" and not prev.refs:
            return "group"
        if self.is_cue(back, "neg", "have", "like"):
            return "exists"
        if prev is not None and prev.cue == "super" and _concept(prev) in (None, "count"):
            return "rank"
        if self.is_cue(i - 1, "count") and self.is_cue(i - 2, "super"):
            return "rank"
        cmp_before = any(it.cue == "cmp" for it in self.items[:i])
        if prev is not None and (prev.number is not None or prev.cue == "orabove") and cmp_before:
            return "having"
        return "plain"

    def _names_value(self, i: int) -> bool:
        """ "the artist AC/DC": a table named next to a value of its label column."""
        tables = {id(r.table): r.table for r in self.items[i].tables()}
        for j in (i - 1, i + 1):
            item = self.at(j)
            for ref in item.values() if item is not None else []:
                table = tables.get(id(ref.table))
                if table is not None and ref.column in label_columns(table):
                    return True
        return False

    def _choose_base(self) -> None:
        table = self._counted() or self._first_role("plain")
        self.explicit_base = table is not None
        table = table or self._first_role("rank") or self._first_role("having")
        table = table or self._measure_table() or self._mentioned_most()
        self.plan.base = table
        self.explicit_base = self.explicit_base or self._table_in_phrase(table)

    def _table_in_phrase(self, table: Table | None) -> bool:
        """ "employee salaries": the column's phrase names its table."""
        if table is None:
            return False
        words = set(identifier_words(table.name))
        return any(
            any(r.table is table for r in item.columns())
            and words <= {singular(w) for w in item.words}
            for item in self.items
        )

    def _counted(self) -> Table | None:
        for i, item in enumerate(self.items):
            if item.cue != "count" or item.refs:
                continue
            j = i + 1 + (1 if self.is_cue(i + 1, "distinct") else 0)
            while self.only_values(self.at(j)) or self.is_cue(j, "and", "or"):
                j += 1
            if self.roles.get(j) in ("plain", "qualifier") and not self.is_cue(i + 1, "distinct"):
                return self.table_ref(self.at(j))
        return None

    def _first_role(self, role: str) -> Table | None:
        for i, found in self.roles.items():
            if found == role:
                return self.table_ref(self.items[i])
        return None

    def _measure_table(self) -> Table | None:
        kinds = [str(it.data) for it in self.items if it.cue == "measure"]
        if not kinds:
            return None
        named = [self.table_ref(self.items[i]) for i in self.roles]
        anchors = [t for t in named + self._ref_tables() if t is not None]
        agg = self.res.measure(kinds[0], anchors[:1])
        return agg.source if agg else None

    def _ref_tables(self) -> list[Table]:
        found = []
        for item in self.items:
            refs = item.columns() or item.values()
            if refs:
                best = max(r.strength for r in refs)
                found.append(next(r.table for r in refs if r.strength == best))
        return found

    def _mentioned_most(self) -> Table | None:
        counts: Counter[int] = Counter()
        tables: dict[int, Table] = {}
        for item in self.items:
            refs = item.columns() + item.values() + item.flags()
            for table in {id(r.table): r.table for r in refs}.values():
                counts[id(table)] += 1
                tables[id(table)] = table
        if not counts:
            return None
        named = [self.table_ref(self.items[i]) for i in self.roles]
        anchors = [t for t in named if t is not None]
        # Most mentions first; then the table nearest to the tables named ("per category").
        return min(tables.values(), key=lambda t: (-counts[id(t)], self._hops_to(t, anchors)))

    def _hops_to(self, table: Table, anchors: list[Table]) -> int:
        hops = [self.res.hops(table, a) for a in anchors]
        return min((h for h in hops if h is not None), default=99)

    def _gather_focus(self) -> None:
        if self.base is not None:
            self.res.add_focus(self.base)
        for i in self.roles:
            table = self.table_ref(self.items[i])
            if table is not None:
                self.res.add_focus(table)

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


def _concept(item: Item) -> object:
    data = item.data
    return data[1] if isinstance(data, tuple) else None
