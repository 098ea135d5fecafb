"""Large-schema table selection (FR-8): budget, ranking, pins, neighbours and the decline."""

from __future__ import annotations

import gc
import statistics

import pytest

from bench.schema_recall import run
from bench.spider_schema import SPIDER, load_items, load_schema
from core.errors import TranslationDeclined
from core.prompt import estimate_tokens, table_text
from core.retrieval import PINS_TOO_LARGE, TOO_LARGE, select_tables
from core.retrieval_index import _cache, index_for
from core.schema import Column, ForeignKey, Schema, Table

WORDS = """account address agent asset batch branch budget campaign carrier category channel
claim contract coupon device forecast invoice journal ledger license meter partner
payment policy portfolio project quota region route segment shipment sku supplier survey
ticket vendor voucher warehouse""".split()
FIELDS = """code label created_at updated_at amount note owner_id priority region_id score
kind level flag rank weight total currency source target""".split()


def filler(n: int, prefix: str = "") -> Table:
    """A table of 15 columns with believable names, some of them shared with others."""
    word = WORDS[n % len(WORDS)]
    names = ["id"] + [FIELDS[(n + k * 7) % len(FIELDS)] + f"_{k}" for k in range(14)]
    columns = tuple(Column(c, "INTEGER" if c == "id" else "TEXT") for c in names)
    return Table(f"{prefix}{word}_{n:03d}", columns, primary_key=("id",))


def orders(foreign_keys: tuple[ForeignKey, ...] = ()) -> Table:
    columns = (Column("id", "INTEGER"), Column("status", "TEXT"), Column("refunded_at", "TEXT"))
    return Table("orders", columns, primary_key=("id",), foreign_keys=foreign_keys)


def large_schema(*extra: Table, count: int = 400) -> Schema:
    """``count`` filler tables with ``extra`` in the middle, like FR-8's 400 tables."""
    tables = [filler(n) for n in range(count - len(extra))]
    return Schema("postgresql", tuple(tables[:200]) + extra + tuple(tables[200:]))


def context_tokens(tables: tuple[Table, ...], dialect: str) -> int:
    return sum(estimate_tokens(table_text(t, dialect)) for t in tables)


def test_fr8_refunded_orders_are_found_among_400_tables_within_budget() -> None:
    schema = large_schema(orders())
    assert context_tokens(schema.tables, schema.dialect) > 6000

    chosen = select_tables("how many orders were refunded?", schema, budget_tokens=6000)

    assert chosen[0].name == "orders"
    assert context_tokens(chosen, schema.dialect) <= 6000


def test_small_schema_is_returned_whole_and_in_order() -> None:
    schema = Schema("sqlite", tuple(filler(n) for n in range(5)))

    assert select_tables("anything at all", schema) == schema.tables


@pytest.mark.parametrize("pin", ["vendor_037", "VENDOR_037", "public.vendor_037"])
def test_pinned_tables_always_come_first(pin: str) -> None:
    tables = [filler(n) for n in range(400)]
    tables[37] = Table("vendor_037", tables[37].columns, "public", ("id",))
    schema = Schema("postgresql", (*tables, orders()))

    chosen = select_tables("how many orders were refunded?", schema, pinned=[pin])

    assert chosen[0].key == "public.vendor_037"
    assert "orders" in [t.name for t in chosen]


def test_foreign_key_neighbours_come_along_in_both_directions() -> None:
    customers = Table("customer", (Column("id", "INTEGER"), Column("city", "TEXT")), None, ("id",))
    to_customer = ForeignKey(("customer_id",), "customer", ("id",))
    to_order = ForeignKey(("order_id",), "orders", ("id",))
    lines = Table(
        "line", (Column("order_id", "INTEGER"), Column("qty", "INTEGER")), None, (), (to_order,)
    )
    schema = large_schema(customers, orders((to_customer,)), lines)

    chosen = {t.name for t in select_tables("how many orders were refunded?", schema)}

    assert {"orders", "customer", "line"} <= chosen


def test_hints_bring_the_tables_they_mention() -> None:
    schema = large_schema(orders())
    earlier = schema.tables[300].name
    hint = f'SELECT COUNT(*) FROM "{earlier}" AS e'

    chosen = select_tables("and by month?", schema, hints=[hint])

    assert [t.name for t in chosen] == [earlier]


def test_exact_sample_value_points_at_its_table() -> None:
    shops = Table(
        "store_front", (Column("id", "INTEGER"), Column("town", "TEXT", samples=("Aberdeen",)))
    )
    schema = large_schema(shops)

    chosen = select_tables("sales made in aberdeen", schema, budget_tokens=500)

    assert chosen[0].name == "store_front"


def test_a_question_that_cannot_fit_is_declined_kindly() -> None:
    schema = large_schema(orders())

    with pytest.raises(TranslationDeclined) as caught:
        select_tables("how many orders were refunded?", schema, budget_tokens=10)

    assert caught.value.reason == TOO_LARGE
    assert caught.value.status == "declined"


def test_pins_larger_than_the_budget_are_declined() -> None:
    schema = large_schema(orders())
    pins = [t.name for t in schema.tables[:20]]

    with pytest.raises(TranslationDeclined) as caught:
        select_tables("how many orders were refunded?", schema, budget_tokens=1000, pinned=pins)

    assert caught.value.reason == PINS_TOO_LARGE


def test_index_is_built_once_per_schema_and_dropped_with_it() -> None:
    schema = large_schema(orders())
    first = index_for(schema)

    assert index_for(schema) is first
    key = id(schema)
    del schema, first
    gc.collect()
    assert key not in _cache


@pytest.mark.skipif(not (SPIDER / "tables.json").exists(), reason="Spider data is not present")
def test_spider_recall_and_speed_meet_the_targets() -> None:
    """The whole dev set (1,034 questions, about 3 s): recall >= 90 %, median < 50 ms."""
    schema = load_schema()
    result = run(schema, load_items(schema), budget=6000)

    assert result.tables > 800
    assert result.recall >= 0.90
    assert statistics.median(result.ms) < 50
    assert max(result.tokens) <= 6000
