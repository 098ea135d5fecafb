"""Foreign-key paths between tables, declared or plainly implied by names.

A step goes "up" from a row to the one row it refers to (many-to-one) or "down"
to the rows that refer to it (one-to-many); only "up" steps keep rows unique.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from core.offline_words import identifier_words
from core.schema import Schema, Table


@dataclass(frozen=True)
class Step:
    """One join: from ``source`` to ``target`` on pairs of (source column, target column)."""

    source: Table
    target: Table
    pairs: tuple[tuple[str, str], ...]
    up: bool


@dataclass
class Graph:
    """Join steps per table, keyed by the table's identity."""

    steps: dict[int, list[Step]] = field(default_factory=dict)
    paths: dict[tuple[int, int], list[Step] | None] = field(default_factory=dict)

    def around(self, table: Table) -> list[Step]:
        return self.steps.get(id(table), [])

    def path(self, source: Table, target: Table) -> list[Step] | None:
        """The shortest path of steps from ``source`` to ``target`` (None when unreachable)."""
        key = (id(source), id(target))
        if key not in self.paths:
            self.paths[key] = self._search(source, target)
        return self.paths[key]

    def _search(self, source: Table, target: Table) -> list[Step] | None:
        if source is target:
            return []
        seen = {id(source)}
        queue: deque[tuple[Table, list[Step]]] = deque([(source, [])])
        while queue:
            table, walked = queue.popleft()
            for step in self.around(table):
                if id(step.target) in seen:
                    continue
                route = [*walked, step]
                if step.target is target:
                    return route
                seen.add(id(step.target))
                queue.append((step.target, route))
        return None

    def distance(self, source: Table, target: Table) -> int | None:
        route = self.path(source, target)
        return None if route is None else len(route)


def build_graph(schema: Schema, lookup: dict[str, Table]) -> Graph:
    """Steps both ways for every foreign key, plus keys implied by ``<table>_id`` names."""
    graph = Graph({id(t): [] for t in schema.tables})
    for table in schema.tables:
        declared: set[str] = set()
        for fk in table.foreign_keys:
            key = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
            parent = lookup.get(key.lower())
            if parent is None or parent is table:
                continue
            _connect(graph, table, parent, tuple(zip(fk.columns, fk.ref_columns, strict=False)))
            declared.update(fk.columns)
        for column, parent, ref in _implied_keys(schema, table, declared):
            _connect(graph, table, parent, ((column, ref),))
    return graph


def _connect(graph: Graph, child: Table, parent: Table, pairs: tuple[tuple[str, str], ...]) -> None:
    graph.steps[id(child)].append(Step(child, parent, pairs, up=True))
    flipped = tuple((b, a) for a, b in pairs)
    graph.steps[id(parent)].append(Step(parent, child, flipped, up=False))


def _implied_keys(schema: Schema, table: Table, declared: set[str]) -> list[tuple[str, Table, str]]:
    """Columns like ``customer_id`` that name another table's single primary key."""
    found = []
    for column in table.columns:
        if column.name in declared or column.name in table.primary_key:
            continue
        words = identifier_words(column.name)
        if len(words) < 2 or words[-1] != "id":
            continue
        for other in schema.tables:
            if other is table or len(other.primary_key) != 1:
                continue
            pk = other.primary_key[0]
            if identifier_words(other.name) == words[:-1] or pk.lower() == column.name.lower():
                found.append((column.name, other, pk))
                break
    return found


def all_up(graph: Graph, source: Table, targets: list[Table]) -> bool:
    """True when every target is reached from ``source`` by many-to-one steps only."""
    for target in targets:
        route = graph.path(source, target)
        if route is None or not all(step.up for step in route):
            return False
    return True
