"""Settling what only the whole question decides: what "most" groups by, MAX or ORDER BY,
what "sales" adds up, and which parts were never read.
"""

from __future__ import annotations

from core.offline_dates import DateReading
from core.offline_joins import all_up
from core.offline_plan import Agg, Col, Cond, Key
from core.offline_roles import label_columns
from core.offline_state import Pending
from core.schema import Table


class FinishReading(DateReading):
    """The last step of a reading, once every item has had its turn."""

    def _finish(self) -> None:
        self._resolve_pending()
        self.apply_periods()
        self._apply_rank()
        self._apply_extreme()
        self._apply_having()
        self._apply_direction()
        self._apply_extra()
        self._check_grouping()
        self._check_contradictions()
        self._distinct_values()
        self.plan.unread += [it.phrase for it in self.items if not it.used]
        self.plan.ambiguous += self.res.ambiguous

    def _anchors(self) -> list[Table]:
        tables = [k.entity or (k.col.table if k.col else None) for k in self.plan.keys]
        tables += [self.entity, self.base]
        return [t for t in tables if t is not None][:1]

    def _resolve_pending(self) -> None:
        for pending in self.pending:
            agg = self._measure(pending)
            if agg is not None and len(self.pending) == 1 and not self.plan.aggs:
                agg = self._below_filters(agg, pending)
            if agg is not None:
                self.plan.aggs.append(agg)
        if self.rank is not None and isinstance(self.rank[0], Pending):
            agg = self._measure(self.rank[0])
            self.rank = (agg, self.rank[1]) if agg is not None else None
            if agg is None:
                self.plan.problems.append("tell what to add up for that")

    def _below_filters(self, agg: Agg, pending: Pending) -> Agg:
        """ "revenue for electronics": an order's total would count whole orders that hold an
        electronics item; the lines' own value, read from the order lines, is the answer."""
        tables = [c.col.table for c in self.plan.where if c.col is not None]
        tables += [t for t in self._anchors() if t is not None]
        if agg.source is None or all_up(self.index.graph, agg.source, tables):
            return agg
        found = self.res.measure_above(pending.kind, tables)
        if found is None or found.source is None:
            return agg  # the SQL builder declines the sum rather than over-count
        self.plan.base = found.source
        self.plan.understood.remove(_measure_note(pending.fn, agg))
        self.note(_measure_note(pending.fn, found))
        return Agg(pending.fn, found.col, times=found.times)

    def _measure(self, pending: Pending) -> Agg | None:
        found = self.res.measure(pending.kind, self._anchors())
        if found is None:
            self.doubt(f"no '{pending.kind}' to add up")
            return None
        self.note(_measure_note(pending.fn, found))
        return Agg(pending.fn, found.col, times=found.times)

    def _apply_rank(self) -> None:
        if self.rank is None:
            return
        key, desc = self.rank
        assert not isinstance(key, Pending)
        own_column = isinstance(key, Col) and key.table is self.entity
        if not self.plan.keys and not own_column:
            key_added = self._rank_group(key)
            if not key_added:
                self.plan.doubts.append("nothing to rank")
                self.plan.limit = None
                return
        self.plan.order.insert(0, (key, desc))
        if isinstance(key, Agg) and key not in self.plan.aggs:
            self.plan.aggs.append(key)
        if self.plan.limit is None and self.entity is None:
            self.plan.limit = 1

    def _rank_group(self, key: Agg | Col) -> bool:
        source = key.source if isinstance(key, Agg) else key.table
        if self.entity is not None and source is not self.entity:
            self.plan.keys.append(Key(entity=self.entity))
        elif self.plan.outputs:
            column = self.plan.outputs[0]
            self.plan.keys.append(Key(column))
            if column.column.nullable:
                # "composer of the most tracks": a missing composer is not a composer.
                self.add_where(Cond("notnull", column))
        elif self.base is not None and self.explicit_base and source is not self.base:
            self.plan.keys.append(Key(entity=self.base))
        else:
            return False
        return True

    def _apply_extreme(self) -> None:
        if self.extreme is None:
            return
        col, desc = self.extreme
        listing = self.plan.outputs or self.explicit_base or self.entity is not None
        if self.plan.keys or self.plan.aggs:
            self.plan.problems.append("combine a highest or lowest with a total or a grouping")
        elif listing:
            self.plan.order.append((col, desc))
            self.plan.limit = self.plan.limit or (None if self.every_row else 1)
        else:
            self.plan.aggs.append(Agg("max" if desc else "min", col))
            self.plan.limit = None

    def _apply_having(self) -> None:
        """ "genres with more than 100 tracks": the filter is per row of the table listed."""
        if not self.plan.having or self.plan.keys:
            return
        target = self.entity or self.base
        counts_itself = any(c.agg.source is target for c in self.plan.having if c.agg)
        averages = any(c.agg is not None and c.agg.col is not None for c in self.plan.having)
        if target is not None and (averages or not counts_itself):
            self.plan.keys.append(Key(entity=target))
        else:
            self.plan.problems.append("filter on that count")

    def _apply_direction(self) -> None:
        if self.pending_dir is None or self.plan.order:
            return
        if self.plan.aggs and self.plan.keys:
            self.plan.order.append((self.plan.aggs[0], self.pending_dir))
        elif self.plan.outputs:
            self.plan.order.append((self.plan.outputs[0], self.pending_dir))
        elif self.base is not None and label_columns(self.base):
            self.plan.order.append((self.label_of(self.base)[0], self.pending_dir))
        else:
            self.plan.problems.append("tell what to rank by")  # ids are not an answer

    def _apply_extra(self) -> None:
        used = {id(t) for t in self.plan.tables()}
        used |= {id(c.table) for c in self.plan.where if c.table is not None}
        used |= {id(c.col.table) for c in self.plan.where if c.col is not None}
        for table in self.extra:
            if id(table) not in used:
                self.add_where(Cond("exists", table=table))
                used.add(id(table))

    def _outputs_on_entity(self) -> None:
        """ "the name and theme of each concert": columns named beside a grouping are its own."""
        entities = [k.entity for k in self.plan.keys if k.entity is not None]
        for item, col in self.said:
            if not entities or col.table in entities or col not in self.plan.outputs:
                continue
            own = [r for r in item.columns() if r.table in entities and r.column is not None]
            if own and own[0].column is not None:
                index = self.plan.outputs.index(col)
                self.plan.outputs[index] = Col(own[0].table, own[0].column)

    def _check_grouping(self) -> None:
        self._outputs_on_entity()
        plan = self.plan
        if plan.keys and not plan.aggs and plan.having:
            plan.aggs.extend(c.agg for c in plan.having if c.agg and c.agg not in plan.aggs)
        elif plan.keys and not plan.aggs and self.base is not None:
            plan.aggs.append(Agg("count", table=self.base))
            self.note(f"count of {self.base.name}")
        if self._listing() and plan.outputs and self.base is not None:
            labels = [c for c in self.label_of(self.base) if c not in plan.outputs]
            if labels and all(c.table is self.base for c in plan.outputs):
                plan.outputs[:0] = labels
        if plan.aggs and plan.outputs and not plan.keys:
            plan.problems.append("show those columns beside a total")

    def _check_contradictions(self) -> None:
        """ "a singer above 40 and a singer below 30" is two questions; one query would be empty."""
        by_column: dict[Col, list[Cond]] = {}
        for cond in self.plan.where:
            if cond.col is not None:
                by_column.setdefault(cond.col, []).append(cond)
        for conds in by_column.values():
            if _conflict(conds):
                name = conds[0].col.name if conds[0].col else "one column"
                self.plan.problems.append(
                    f"meet two conditions on {name} that no row meets both of"
                )

    def _distinct_values(self) -> None:
        """ "what are the categories": a list of stored values, each once."""
        plan = self.plan
        if self.explicit_base or plan.aggs or plan.keys or plan.where or plan.order:
            return
        if not plan.outputs or self.extreme is not None or self.rank is not None:
            return
        if all(c.column.samples for c in plan.outputs):
            plan.distinct = True

    def _listing(self) -> bool:
        plan = self.plan
        plain = not (plan.aggs or plan.keys or plan.distinct or plan.order)
        return plain and self.explicit_base


def _measure_note(fn: str, agg: Agg) -> str:
    times = f" × {agg.times.name}" if agg.times else ""
    return f"{fn} of {agg.col.name if agg.col else '?'}{times}"


def _conflict(conds: list[Cond]) -> bool:
    """Conditions on one column that no row can meet together."""
    equal = {c.values[0] for c in conds if c.op == "=" and c.values}
    if len(equal) > 1:
        return True
    lows = [c.values[0] for c in conds if c.op in (">", ">=") and c.values]
    highs = [c.values[0] for c in conds if c.op in ("<", "<=") and c.values]
    low = [float(v) for v in lows if isinstance(v, int | float)]
    high = [float(v) for v in highs if isinstance(v, int | float)]
    if len(low) < len(lows) or len(high) < len(highs) or not low or not high:
        return False
    return max(low) >= min(high)
