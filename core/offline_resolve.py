"""Choosing among meanings: which table's ``name``, which column holds "Brazil", what
"sales" adds up. Nearer tables win; a tie between equally near ones is a doubt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.offline_index import Ref, SchemaIndex
from core.offline_joins import all_up
from core.offline_plan import Agg, Col
from core.offline_roles import concept_columns, line_measure, money_column
from core.schema import Table

MAX_HOPS = 3
MAX_COLUMN_HOPS = 2


@dataclass
class Resolver:
    """Resolves refs against the tables a question is about (``focus``, nearest first)."""

    index: SchemaIndex
    focus: list[Table] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    def add_focus(self, table: Table) -> None:
        if all(table is not t for t in self.focus):
            self.focus.append(table)

    def hops(self, source: Table, target: Table) -> int | None:
        return self.index.graph.distance(source, target)

    def pick(self, refs: list[Ref], near: Table | None = None) -> Ref | None:
        """The ref on ``near`` or the focus tables, else the one nearest to them."""
        if not refs:
            return None
        order = ([near] if near is not None else []) + self.focus
        for table in order:
            here = [r for r in refs if r.table is table]
            if here:
                return self._strongest(here)
        return self._nearest(refs, order)

    def _strongest(self, refs: list[Ref]) -> Ref:
        best = max(r.strength for r in refs)
        top = [r for r in refs if r.strength == best]
        # An id named in several tables is the id of the table it belongs to.
        owned = [r for r in top if not _borrowed(r)]
        top = owned or top
        distinct = {(id(r.column), r.value) for r in top}
        if len(distinct) > 1:
            self.doubts.append(f"'{top[0].value or _name(top[0])}' could mean several columns")
        return top[0]

    def _nearest(self, refs: list[Ref], anchors: list[Table]) -> Ref | None:
        if not anchors:
            tables = {id(r.table) for r in refs}
            if len(tables) > 1:
                self.doubts.append(f"'{refs[0].value or _name(refs[0])}' is in several tables")
            return self._strongest(refs) if len(tables) == 1 else refs[0]
        scored = []
        for ref in refs:
            hops = self.hops(anchors[0], ref.table)
            if hops is not None and hops <= MAX_COLUMN_HOPS:
                scored.append((hops, -ref.strength, _spread(ref), ref))
        if not scored:
            return None
        # Nearest first; then the stronger name; then the column with fewer distinct
        # values ("Pop" the genre rather than "Pop" the album title).
        scored.sort(key=lambda s: s[:3])
        best, runner_up = scored[0], scored[1] if len(scored) > 1 else None
        if runner_up and _same_column_elsewhere(best, runner_up):
            self._ambiguous(best[3], runner_up[3])
        if runner_up and best[:3] == runner_up[:3] and best[3].table is not runner_up[3].table:
            # Equally near in two tables: a real ambiguity, worth two doubts.
            what = best[3].value or _name(best[3])
            self.doubts += [f"'{what}' could be in {runner_up[3].table.name} too"] * 2
        return best[3]

    def _ambiguous(self, one: Ref, other: Ref) -> None:
        """ "Henry" as the first name of a customer and of an employee: which one is a guess."""
        what = one.value or _name(one)
        column = _name(one)
        said = (
            f"'{what}' is a {column} in both {one.table.name} and {other.table.name}; "
            f"name the table, as in '{other.table.name} {what}'"
        )
        if said not in self.ambiguous:
            self.ambiguous.append(said)

    def column(self, refs: list[Ref], near: Table | None = None) -> Col | None:
        ref = self.pick([r for r in refs if r.kind == "column"], near)
        return Col(ref.table, ref.column) if ref and ref.column else None

    def concept(self, concept: str, near: Table | None) -> Col | None:
        """The column an adjective is about, on ``near`` or the focus tables."""
        for table in ([near] if near else []) + self.focus:
            found = concept_columns(table, concept)
            if concept == "size" and not found:
                money = money_column(table)
                found = [money] if money else []
            if len(found) == 1:
                return Col(table, found[0])
            if len(found) > 1:
                self.doubts.append(f"'{concept}' could mean several columns")
                return Col(table, found[0])
        return None

    def measure(self, kind: str, anchors: list[Table]) -> Agg | None:
        """What "sales" or "units sold" sums, from the table nearest to ``anchors``."""
        options = []
        for agg in self._measures(kind):
            table = agg.source
            assert table is not None
            hops = [self.hops(a, table) for a in anchors]
            if any(h is None or h > MAX_HOPS for h in hops):
                continue
            header = 0 if agg.times is None else 1
            options.append((sum(h or 0 for h in hops), header, agg))
        if not options:
            return None
        options.sort(key=lambda o: (o[0], o[1]))
        return options[0][2]

    def measure_above(self, kind: str, tables: list[Table]) -> Agg | None:
        """The measure on a table that reaches every one of ``tables`` by many-to-one steps."""
        for agg in self._measures(kind):
            if agg.source is not None and all_up(self.index.graph, agg.source, tables):
                return agg
        return None

    def _measures(self, kind: str) -> list[Agg]:
        found = self.index.measures.get(kind)
        if found is None:
            tables = self.index.schema.tables
            found = [agg for agg in (_measure_of(t, kind) for t in tables) if agg is not None]
            self.index.measures[kind] = found
        return found


def _measure_of(table: Table, kind: str) -> Agg | None:
    line = line_measure(table)
    if kind == "quantity":
        return Agg("sum", Col(table, line[0])) if line else None
    if line:
        return Agg("sum", Col(table, line[0]), times=Col(table, line[1]))
    money = money_column(table)
    if money is None or "price" in money.name.lower() or "salary" in money.name.lower():
        return None
    return Agg("sum", Col(table, money))


def _same_column_elsewhere(best: tuple[object, ...], runner_up: tuple[object, ...]) -> bool:
    """Two tables equally near, both holding the phrase in a column of the same name: how many
    values each column has says nothing about which table the question means."""
    one, other = best[3], runner_up[3]
    assert isinstance(one, Ref) and isinstance(other, Ref)
    return (
        best[:2] == runner_up[:2]
        and one.table is not other.table
        and one.column is not None
        and other.column is not None
        and one.column.name.lower() == other.column.name.lower()
    )


def _borrowed(ref: Ref) -> bool:
    """A column that holds another table's key (``Has_Pet.StuID``)."""
    return ref.column is not None and any(
        ref.column.name in fk.columns for fk in ref.table.foreign_keys
    )


def _spread(ref: Ref) -> int:
    return len(ref.column.samples) if ref.kind == "value" and ref.column is not None else 0


def _name(ref: Ref) -> str:
    return ref.column.name if ref.column else ref.table.name
