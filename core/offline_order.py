"""Reading order: superlatives ("most expensive"), top-N, "sorted by", "highest first"."""

from __future__ import annotations

from core.offline_index import kind_of
from core.offline_link import Item
from core.offline_plan import Agg, Col, Key
from core.offline_roles import concept_columns, date_columns, default_date
from core.offline_state import Pending, Rankable, ReaderState
from core.offline_words import singular
from core.schema import Table


class OrderReading(ReaderState):
    """Handlers for cues that rank rows or cut them to the first few."""

    def read_super(self, i: int) -> None:
        desc, concept = self.pair(i)
        limit, j = self._limit_around(i)
        target = self.free(j)
        if self.is_cue(j, "count"):
            target = self.free(j + 1)
            self.use(self.at(j))
            concept = "count"
        if not self._super_target(target, bool(desc), concept):
            return
        self.use(self.at(i), target)
        if limit is None and self.extreme is not None and _plural(target):
            self.every_row = True  # "largest orders this year": all of them, largest first
        self.plan.limit = limit or (None if self.every_row else 1)

    def _super_target(self, target: Item | None, desc: bool, concept: object) -> bool:
        if target is None:
            return self._extreme_on_base(desc, concept)
        if target.cue == "measure":
            self.rank = (Pending("sum", str(target.data)), desc)
            return True
        if self._per_group(target):
            return False
        table = self.table_ref(target) if target.tables() else None
        if concept == "popular":
            return self._popular(target, table, desc)
        if table is not None and concept == "common":
            self.entity = table
            self.rank = (Agg("count", table=self.base if self.base is not table else None), desc)
            return self.base is not table
        if table is not None and concept in (None, "count"):
            self.rank = (Agg("count", table=table), desc)
            self.note(f"{'most' if desc else 'fewest'} {table.name}")
            return True
        if concept in (None, "count") and target.columns() and self._counts_rows(target):
            col = self.column(target)
            if col is None:
                return False
            self.rank = (Agg("count", table=col.table), desc)
            return True
        if table is not None:
            return self._extreme_of(table, desc, str(concept))
        col = self.column(target)
        if col is not None and concept == "common":
            return self._common_value(col, desc)
        if col is not None and self.extreme is None and kind_of(col.column) == "text":
            return False  # the alphabetically last category is not the "highest" one
        if col is not None and self.extreme is None:
            self.extreme = (col, desc)
            self.note(f"{'highest' if desc else 'lowest'} {col.name}")
            return True
        return self._extreme_on_base(desc, concept)

    def _per_group(self, target: Item) -> bool:
        """ "top customer in each state": the best row within every group is a query this
        reader does not write; said plainly rather than answered as one ranking."""
        after = next((j for j, it in enumerate(self.items) if it is target), -1) + 1
        group = self.at(after)
        if group is None or group.cue != "group" or not {"each", "per", "every"} & {*group.words}:
            return False
        self.plan.problems.append("pick the top row within each group (ask about one at a time)")
        return True

    def _popular(self, target: Item, table: Table | None, desc: bool) -> bool:
        """ "least popular category": ranked by units sold, never by name."""
        col = self.column(target) if table is None else None
        if table is None and (col is None or kind_of(col.column) != "text"):
            return False
        if col is not None:
            self.plan.keys.append(Key(col))
        else:
            self.entity = table
        self.rank = (Pending("sum", "quantity"), desc)
        self.note(f"{'most' if desc else 'least'} popular")
        return True

    def _common_value(self, col: Col, desc: bool) -> bool:
        """ "most common city": the value held by the most rows."""
        self.plan.keys.append(Key(col))
        self.rank = (Agg("count", table=col.table), desc)
        self.note(f"{'most' if desc else 'least'} common {col.name}")
        return True

    def _counts_rows(self, target: Item) -> bool:
        """ "most languages" counts rows; "most expensive" or "highest salary" compare values."""
        col = self.column(target)
        return col is not None and kind_of(col.column) == "text"

    def read_top(self, i: int) -> None:
        """ "top 5 customers by total spent": rank a table's rows by a measure."""
        desc = bool(self.items[i].data)
        limit, j = self._limit_around(i)
        item = self.free(j)
        if item is None or not self.is_cue(j + 1, "group", "order"):
            return
        column = self.column(item) if item.columns() and not item.tables() else None
        table = column.table if column is not None else self.table_ref(item)
        if table is None or self._per_group(item):
            return
        ranked = self._rank_target(j + 2, table)
        if ranked is None:
            return
        if column is not None:
            self.plan.keys.append(Key(column))  # "top 3 countries by sales"
        else:
            self.entity = table
        self.rank = (ranked, desc)
        self.use(self.at(i), self.at(j))
        self.plan.limit = limit
        ranked_name = column.name if column is not None else table.name
        self.note(f"top {limit or ''} {ranked_name}".replace("  ", " "))

    def _rank_target(self, j: int, entity: Table) -> Rankable | None:
        """What "by ..." ranks on: a column, a count of rows, or a measure ("sales")."""
        item = self.free(j)
        fn = None
        if item is not None and item.cue == "agg" and self.free(j + 1) is not None:
            fn, item = str(item.data), self.free(j + 1)
            self.use(self.at(j))
        if item is None:
            return None
        self.use(self.at(j - 1), item)
        if item.cue == "measure":
            return Pending(fn or "sum", str(item.data))
        if item.cue == "count":
            counted = self.table_ref(self.free(j + 1 if fn is None else j + 2))
            self.use(self.at(j + 1 if fn is None else j + 2))
            return Agg("count", table=counted) if counted else None
        col = self.column(item, entity)
        if col is None:
            return None
        if col.table is entity and fn is None:
            return col
        return Agg(fn or "sum", col)

    def _extreme_of(self, table: Table, desc: bool, concept: str) -> bool:
        if self.extreme is not None:
            return False  # "the longest and the shortest" asks for two answers
        self.entity = table
        if concept == "recency":
            column, clear = default_date(table)
            if column is None:
                return False
            if not clear:
                self.doubt("which date makes a row recent")
            self.extreme = (Col(table, column), desc)
            return True
        found = self.res.concept(concept, table)
        if found is None and concept == "age":
            births = [c for c in date_columns(table) if "birth" in c.name.lower()]
            if births:
                self.extreme = (Col(table, births[0]), not desc)
                return True
        if found is None:
            return False
        self.extreme = (found, desc)
        self.note(f"{'highest' if desc else 'lowest'} {found.name}")
        return True

    def _extreme_on_base(self, desc: bool, concept: object) -> bool:
        if concept is None or self.base is None or concept == "count" or self.extreme:
            return False
        found = concept_columns(self.base, str(concept))
        if len(found) != 1:
            return False
        self.extreme = (Col(self.base, found[0]), desc)
        return True

    def _limit_around(self, i: int) -> tuple[int | None, int]:
        """A row count just before or after a superlative, and where its object starts."""
        for j in (i + 1, i - 1):
            number = self._number(self.free(j))
            if number is not None:
                self.use(self.at(j))
                return number, i + 2 if j == i + 1 else i + 1
        return None, i + 1

    def _number(self, item: Item | None) -> int | None:
        if item is None or item.number is None or item.refs or not item.number.is_integer():
            return None
        return int(item.number)

    def read_order(self, i: int) -> None:
        data = self.items[i].data
        target = self.free(i + 1)
        if target is not None and target.cue == "dir":
            self.use(self.at(i))  # "sorted alphabetically": the direction says what by
            return
        key: Rankable | None = None
        if target is not None and target.cue == "count":
            counted = self.table_ref(self.free(i + 2))
            key = Agg("count", table=counted) if counted else None
            self.use(self.at(i + 2))
        elif target is not None and target.cue == "measure":
            key = Pending("sum", str(target.data))
        elif target is not None and target.columns():
            key = self.column(target)
        if key is None:
            return
        desc = bool(data) if data is not None else False
        self.use(self.at(i), target)
        self._add_order(key, desc, explicit=data is not None)

    def _add_order(self, key: Rankable, desc: bool, explicit: bool) -> None:
        if isinstance(key, Pending):
            self.rank = (key, desc)
            return
        self.plan.order.append((key, desc))
        self.note(f"ordered by {key.name if isinstance(key, Col) else key.fn}")
        if not explicit and self.pending_dir is not None:
            self.plan.order[-1] = (key, self.pending_dir)

    def read_dir(self, i: int) -> None:
        self.pending_dir = bool(self.items[i].data)
        if self.plan.order:
            key, _ = self.plan.order[-1]
            self.plan.order[-1] = (key, self.pending_dir)
        self.use(self.at(i))


def _plural(item: Item | None) -> bool:
    """ "orders", "products": a plural noun asks for a list, not the single top row."""
    if item is None or not item.tables() or not item.words:
        return False
    last = item.words[-1]
    return singular(last) != last
