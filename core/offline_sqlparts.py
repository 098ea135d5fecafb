"""The pieces of SQL the builder assembles: quoted names, literals, conditions."""

from __future__ import annotations

import datetime as dt
import re

from sqlglot import exp

from core.errors import TranslationDeclined
from core.offline_plan import Col, Cond
from core.schema import Table

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED = frozenset(
    """all and any as asc between by case check column create current_date date default delete
    desc distinct drop else end except exists false for foreign from full group groups having in
    index inner insert interval intersect into is join key left like limit not null offset on or
    order outer over partition primary range rank references right row rows select set table then
    time timestamp to true union unique update user using values when where window with""".split()
)
COMPARISONS = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}


class SqlParts:
    """Names, values and conditions written for one sqlglot dialect."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def ident(self, name: str) -> exp.Identifier:
        quoted = (
            not _PLAIN.fullmatch(name)
            or name.lower() in RESERVED
            or (self.dialect == "postgres" and name != name.lower())
        )
        return exp.to_identifier(name, quoted=quoted)

    def table(self, table: Table) -> exp.Table:
        db = self.ident(table.schema) if table.schema else None
        return exp.Table(this=self.ident(table.name), db=db)

    def col(self, col: Col) -> exp.Column:
        return exp.Column(this=self.ident(col.name), table=self.ident(col.table.name))

    def condition(self, cond: Cond) -> exp.Expr:
        if cond.col is None:
            raise TranslationDeclined("a condition without a column")
        column = self.col(cond.col)
        values = [self.literal(v) for v in cond.values]
        if cond.op in COMPARISONS:
            return COMPARISONS[cond.op](this=column, expression=values[0])
        return self._special(cond, column, values)

    def _special(self, cond: Cond, column: exp.Column, values: list[exp.Expr]) -> exp.Expr:
        op = cond.op
        if op in ("in", "notin"):
            found = exp.In(this=column, expressions=values)
            return exp.Not(this=found) if op == "notin" else found
        if op == "between":
            return exp.Between(this=column, low=values[0], high=values[1])
        if op in ("null", "notnull"):
            null = exp.Is(this=column, expression=exp.Null())
            return exp.Not(this=null) if op == "notnull" else null
        if op == "like":
            mode, text = str(cond.values[0]), str(cond.values[1])
            pattern = {"starts": f"{text}%", "ends": f"%{text}"}.get(mode, f"%{text}%")
            return exp.ILike(this=column, expression=exp.Literal.string(pattern))
        if op == "range":
            return self._range(column, cond.values)
        if op == "stale":
            older = exp.LT(this=column, expression=values[0])
            return exp.Paren(this=exp.or_(older, exp.Is(this=column.copy(), expression=exp.Null())))
        if op in ("above", "below"):
            return self._versus_average(cond, column, op == "above")
        raise TranslationDeclined(f"a condition I cannot write ({op})")

    def _range(self, column: exp.Column, bounds: tuple[object, ...]) -> exp.Expr:
        parts: list[exp.Expr] = []
        start, end = bounds
        if start is not None:
            parts.append(exp.GTE(this=column, expression=self.literal(start)))
        if end is not None:
            parts.append(exp.LT(this=column.copy(), expression=self.literal(end)))
        return exp.and_(*parts)

    def _versus_average(self, cond: Cond, column: exp.Column, above: bool) -> exp.Expr:
        assert cond.col is not None
        average = exp.select(exp.Avg(this=self.col(cond.col))).from_(self.table(cond.col.table))
        kind = exp.GT if above else exp.LT
        return kind(this=column, expression=exp.Subquery(this=average))

    def literal(self, value: object) -> exp.Expr:
        if isinstance(value, dt.date):
            return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, float) and value.is_integer():
            return exp.Literal.number(int(value))
        if isinstance(value, int | float):
            return exp.Literal.number(value)
        return exp.Literal.string(str(value))
