"""Plans to SQL: a sqlglot expression rendered in the connection's dialect.

Tables a plan reads through many-to-one keys are joined; conditions on tables
reached the other way (an artist's albums) become EXISTS, so rows are never
repeated. Aggregates that a join would repeat are counted distinct, or refused.
"""

from __future__ import annotations

from sqlglot import exp

from core.errors import TranslationDeclined
from core.offline_joins import Graph, Step, all_up
from core.offline_plan import Agg, Col, Cond, Key, Plan
from core.offline_roles import label_columns
from core.offline_sqlparts import COMPARISONS, SqlParts
from core.schema import Table

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}
BUCKET_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


class SqlBuilder(SqlParts):
    """Builds one SELECT for a plan; ``render()`` gives the SQL text."""

    def __init__(self, plan: Plan, graph: Graph, dialect: str) -> None:
        if plan.base is None:
            raise TranslationDeclined("no table to read from")
        super().__init__(DIALECTS.get(dialect, dialect))
        self.plan = plan
        self.base: Table = plan.base
        self.graph = graph
        self.joined: list[Table] = [self.base]
        self.steps: list[Step] = []

    def render(self, row_limit: int) -> str:
        return self.build(row_limit).sql(dialect=self.dialect)

    def build(self, row_limit: int) -> exp.Select:
        core, filters = self._split_conditions()
        for table in self.plan.tables():
            self._join(table)
        for cond in core:
            if cond.col is not None:
                self._join(cond.col.table)
        query = exp.select(*self._select()).from_(self.table(self.base))
        for step in self.steps:
            query = query.join(self.table(step.target), on=self._on(step))
        for condition in [self.condition(c) for c in core] + filters:
            query = query.where(condition)
        query = self._grouping(query)
        if self.plan.order:
            query = query.order_by(*[self._order(key, desc) for key, desc in self.plan.order])
        limit = self.plan.limit or (None if self._single_row() else row_limit)
        if limit is not None:
            query = query.limit(limit)
        if self.plan.distinct and not self.plan.aggs:
            query = query.distinct()
        return query

    def _join(self, table: Table) -> None:
        if any(table is t for t in self.joined):
            return
        route = self.graph.path(self.base, table)
        if route is None:
            raise TranslationDeclined(
                f"I could not see how {table.name} relates to {self.base.name}"
            )
        for step in route:
            if all(step.target is not t for t in self.joined):
                self.joined.append(step.target)
                self.steps.append(step)

    def _on(self, step: Step) -> exp.Expr:
        parts = [
            exp.EQ(
                this=exp.Column(this=self.ident(b), table=self.ident(step.target.name)),
                expression=exp.Column(this=self.ident(a), table=self.ident(step.source.name)),
            )
            for a, b in step.pairs
        ]
        return exp.and_(*parts)

    def _split_conditions(self) -> tuple[list[Cond], list[exp.Expr]]:
        """Conditions for the main query, and EXISTS clauses for tables reached downwards."""
        core: list[Cond] = []
        below: dict[int, tuple[Table, list[Cond]]] = {}
        needed = {id(t) for t in self.plan.tables()}
        filters: list[exp.Expr] = []
        for cond in self.plan.where:
            if cond.op == "notexists" and cond.table is not None:
                filters.append(self._exists(cond.table, list(cond.inner), True))
                continue
            if cond.op == "exists" and cond.table is not None:
                # One lookup per related table: "albums containing tracks over 1" is one EXISTS.
                below.setdefault(id(cond.table), (cond.table, []))[1].extend(cond.inner)
                continue
            table = cond.col.table if cond.col else self.base
            if id(table) in needed or all_up(self.graph, self.base, [table]):
                core.append(cond)
            else:
                self._refuse_whole_sums(table)
                below.setdefault(id(table), (table, []))[1].append(cond)
        for table, conds in below.values():
            filters.append(self._exists(table, conds, False))
        return core, filters

    def _refuse_whole_sums(self, table: Table) -> None:
        """ "total of orders for electronics" would add whole orders that hold any electronics
        line; the matching lines' own value is a different number, so neither is guessed."""
        for agg in self.plan.aggs + [a for a, _ in self.plan.order if isinstance(a, Agg)]:
            if agg.fn in ("sum", "avg") and agg.col is not None:
                whole = agg.col.table.name
                raise TranslationDeclined(
                    f"adding up {whole}.{agg.col.name} under a condition on {table.name} would "
                    f"count whole {whole} rows that only contain a match"
                )

    def _exists(self, target: Table, conds: list[Cond], negate: bool) -> exp.Expr:
        """EXISTS (a correlated lookup along the key path to ``target``) with ``conds``."""
        tables = [target] + [c.col.table for c in conds if c.col is not None]
        routes = [self._route(t) for t in tables]
        first = routes[0][0]
        steps: list[Step] = []
        for route in routes:
            if route[0].target is not first.target:
                raise TranslationDeclined("that needs two separate lookups")
            steps += [s for s in route[1:] if all(s.target is not t.target for t in steps)]
        if any(s.target is self.base for s in [first, *steps]):
            raise TranslationDeclined(f"that needs {self.base.name} twice")
        sub = exp.select(exp.Literal.number(1)).from_(self.table(first.target))
        for step in steps:
            sub = sub.join(self.table(step.target), on=self._on(step))
        sub = sub.where(self._on(first))
        for cond in conds:
            sub = sub.where(self.condition(cond))
        found = exp.Exists(this=sub)
        return exp.Not(this=found) if negate else found

    def _route(self, table: Table) -> list[Step]:
        route = self.graph.path(self.base, table)
        if not route:
            raise TranslationDeclined(
                f"I could not see how {table.name} relates to {self.base.name}"
            )
        return route

    def agg(self, agg: Agg) -> exp.Expr:
        if agg.fn == "count":
            return self._count(agg)
        assert agg.col is not None
        source = agg.col.table
        if agg.fn in ("sum", "avg") and not all_up(self.graph, source, self._others(source)):
            raise TranslationDeclined(f"adding up {agg.col.name} here would count rows twice")
        value: exp.Expr = self.col(agg.col)
        if agg.times is not None:
            value = exp.Mul(this=value, expression=self.col(agg.times))
        kinds = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}
        return kinds[agg.fn](this=value)

    def _count(self, agg: Agg) -> exp.Expr:
        if agg.col is not None and agg.distinct:
            return exp.Count(this=exp.Distinct(expressions=[self.col(agg.col)]))
        counted = agg.table or self.base
        if all_up(self.graph, counted, self._others(counted)):
            return exp.Count(this=exp.Star())
        if len(counted.primary_key) != 1:
            raise TranslationDeclined(f"I cannot count {counted.name} rows without repeats")
        key = Col(counted, next(c for c in counted.columns if c.name == counted.primary_key[0]))
        return exp.Count(this=exp.Distinct(expressions=[self.col(key)]))

    def _others(self, source: Table) -> list[Table]:
        return [t for t in self.joined if t is not source]

    def _select(self) -> list[exp.Expr]:
        plan = self.plan
        if not plan.keys and not plan.aggs:
            if plan.outputs:
                return self._named([self.col(c) for c in plan.outputs])
            star = exp.Star()
            return (
                [exp.Column(this=star, table=self.ident(self.base.name))]
                if self._joins()
                else [star]
            )
        out: list[exp.Expr] = self._named(self._key_columns())
        for agg in plan.aggs:
            out.append(exp.alias_(self.agg(agg), self.ident(_alias(agg)), copy=False))
        return out

    def _named(self, columns: list[exp.Expr]) -> list[exp.Expr]:
        """Columns that share a name ("Name" of a track and of its genre) get the table's too."""
        names = [c.name.lower() for c in columns if isinstance(c, exp.Column)]
        out: list[exp.Expr] = []
        for column in columns:
            if isinstance(column, exp.Column) and names.count(column.name.lower()) > 1:
                alias = f"{column.table}_{column.name}".lower()
                out.append(exp.alias_(column, self.ident(alias), copy=False))
            else:
                out.append(column)
        return out

    def _joins(self) -> bool:
        return bool(self.steps) or bool([t for t in self.plan.tables() if t is not self.base])

    def _key_columns(self) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        for key in self.plan.keys:
            out.extend(self._key_select(key))
        for col in self.plan.outputs:
            expr = self.col(col)
            if all(expr != e and expr != e.this for e in out):
                out.append(expr)
        return out

    def _key_select(self, key: Key) -> list[exp.Expr]:
        if key.unit is not None and key.col is not None:
            return [exp.alias_(self._bucket(key), self.ident(key.unit), copy=False)]
        if key.col is not None:
            return [self.col(key.col)]
        assert key.entity is not None
        return [self.col(c) for c in self._entity_columns(key.entity)]

    def _entity_columns(self, table: Table) -> list[Col]:
        keys = [Col(table, c) for c in table.columns if c.name in table.primary_key]
        labels = [Col(table, c) for c in label_columns(table)]
        return keys + [c for c in labels if c not in keys]

    def _bucket(self, key: Key) -> exp.Expr:
        assert key.col is not None and key.unit is not None
        text = exp.Literal.string(BUCKET_FORMATS[key.unit])
        return exp.TimeToStr(this=self.col(key.col), format=text)

    def _grouping(self, query: exp.Select) -> exp.Select:
        plan = self.plan
        if not plan.keys:
            return query
        groups: list[exp.Expr] = []
        for key in plan.keys:
            if key.unit is not None:
                groups.append(self._bucket(key))
            elif key.col is not None:
                groups.append(self.col(key.col))
            elif key.entity is not None:
                groups += [self.col(c) for c in self._entity_columns(key.entity)]
        for col in plan.outputs:
            if all(self.col(col) != g for g in groups):
                groups.append(self.col(col))
        query = query.group_by(*groups)
        for cond in plan.having:
            assert cond.agg is not None
            kind = COMPARISONS.get(cond.op, exp.GT)
            query = query.having(
                kind(this=self.agg(cond.agg), expression=self.literal(cond.values[0]))
            )
        return query

    def _order(self, key: Col | Agg | Key, desc: bool) -> exp.Ordered:
        if isinstance(key, Col):
            expr: exp.Expr = self.col(key)
        elif isinstance(key, Agg):
            expr = self.agg(key)
        elif key.unit is not None:
            expr = self._bucket(key)
        else:
            expr = self.col(key.col) if key.col else exp.Literal.number(1)
        # Say nothing about NULLs: each dialect's own default order is what people expect.
        small = self.dialect in ("sqlite", "mysql")
        return exp.Ordered(this=expr, desc=desc, nulls_first=(not desc) if small else desc)

    def _single_row(self) -> bool:
        return bool(self.plan.aggs) and not self.plan.keys


def _alias(agg: Agg) -> str:
    if agg.fn == "count":
        return "count" if not agg.distinct else f"distinct_{agg.col.name if agg.col else 'rows'}"
    name = agg.col.name if agg.col else "value"
    if agg.times is not None:
        return f"{agg.fn}_{name}_x_{agg.times.name}".lower()
    return f"{agg.fn}_{name}".lower()
