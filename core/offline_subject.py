"""Which table a question is about: the one counted, the one named plainly, or the one
its columns and values point to; and the role of every table it names.
"""

from __future__ import annotations

from collections import Counter

from core.offline_index import Ref
from core.offline_link import Item
from core.offline_roles import label_columns
from core.offline_state import ReaderState
from core.offline_words import identifier_words, singular
from core.schema import Table


class SubjectReading(ReaderState):
    """Roles of table mentions ("plain", "group", "exists", "rank", "having", "qualifier")
    and the choice of the base table."""

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
        named = self._named_in_phrase()
        self.explicit_base = self.explicit_base or named is not None
        table = table or named or self._measure_table() or self._mentioned_most()
        self.plan.base = table

    def _named_in_phrase(self) -> Table | None:
        """ "employee salaries", "id of students": a column phrase that names its table."""
        for item in self.items:
            said = {singular(w) for w in item.words}
            for ref in sorted(item.columns(), key=_borrowed):
                if set(identifier_words(ref.table.name)) <= said:
                    return ref.table
        return None

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


def _concept(item: Item) -> object:
    data = item.data
    return data[1] if isinstance(data, tuple) else None


def _borrowed(ref: Ref) -> bool:
    """Sort a table's own key before the copies of it other tables hold."""
    column = ref.column
    return column is not None and any(column.name in fk.columns for fk in ref.table.foreign_keys)
