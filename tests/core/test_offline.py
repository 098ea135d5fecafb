"""The offline translator: answers judged by the rows they return, declines, dialects, targets."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import offline_eval
from bench.evaluation import gold_result, same_rows, sqlite_runner
from core import demo
from core.errors import TranslationDeclined
from core.offline import OfflineTranslator
from core.offline_index import index_for
from core.schema import Column, ForeignKey, Schema, Table, discover
from tests import dbs

DAY = dt.date(2026, 12, 4)
CHINOOK = dbs.CHINOOK_SQLITE


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.ensure_sqlite(tmp_path_factory.mktemp("demo"), DAY)


def _schema(path: Path) -> Schema:
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        return discover(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo_schema(demo_path: Path) -> Schema:
    return _schema(demo_path)


@pytest.fixture(scope="module")
def chinook_schema() -> Schema:
    return _schema(CHINOOK)


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(today=DAY)


def _answers_like(
    translator: OfflineTranslator, schema: Schema, path: Path, question: str, gold: str
) -> None:
    run = sqlite_runner(str(path))
    found = translator.translate(question, schema, row_limit=100_000)
    assert found.sql is not None
    expected = gold_result(gold, run, ordered=" order by " in gold.lower())
    assert same_rows(run(found.sql), expected), found.sql


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("how many products are there", "SELECT COUNT(*) FROM products"),
        ("count of employees per title", "SELECT title, COUNT(*) FROM employees GROUP BY title"),
        (
            "customers from seattle or denver",
            "SELECT * FROM customers WHERE city IN ('Seattle', 'Denver')",
        ),
        ("average salary", "SELECT AVG(salary) FROM employees"),
        (
            "total sales per month this year",
            "SELECT strftime('%Y-%m', order_date), SUM(total) FROM orders "
            "WHERE order_date >= '2026-01-01' GROUP BY 1",
        ),
        (
            "cheapest product in the garden category",
            "SELECT * FROM products WHERE category = 'Garden' ORDER BY price LIMIT 1",
        ),
        (
            "top 3 products by revenue",
            "SELECT p.name, SUM(i.quantity * i.unit_price) FROM products p "
            "JOIN order_items i ON i.product_id = p.id GROUP BY p.id ORDER BY 2 DESC LIMIT 3",
        ),
        (
            "customers without orders",
            "SELECT * FROM customers c WHERE c.id NOT IN (SELECT customer_id FROM orders)",
        ),
        (
            "how many orders in 2025",
            "SELECT COUNT(*) FROM orders WHERE order_date BETWEEN '2025-01-01' AND '2025-12-31'",
        ),
        ("products over $100", "SELECT * FROM products WHERE price > 100"),
        (
            "list cancelled orders from last month",
            "SELECT * FROM orders WHERE status = 'cancelled' "
            "AND order_date >= '2026-11-01' AND order_date < '2026-12-01'",
        ),
        (
            "number of customers per city, highest first",
            "SELECT city, COUNT(*) FROM customers GROUP BY city ORDER BY 2 DESC",
        ),
        (
            "which state has the most customers",
            "SELECT state FROM customers GROUP BY state ORDER BY COUNT(*) DESC LIMIT 1",
        ),
        (
            "customers who haven't logged in in the last 60 days",
            "SELECT * FROM customers WHERE last_login < '2026-10-05' OR last_login IS NULL",
        ),
        (
            "customers who ordered last month",
            "SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders "
            "WHERE order_date >= '2026-11-01' AND order_date < '2026-12-01')",
        ),
        (
            "products that have never been ordered",
            "SELECT * FROM products WHERE id NOT IN (SELECT product_id FROM order_items)",
        ),
        ("what are the categories", "SELECT DISTINCT category FROM products"),
        (
            "orders with status shipped or processing",
            "SELECT * FROM orders WHERE status IN ('shipped', 'processing')",
        ),
        ("orders that weren't shipped", "SELECT * FROM orders WHERE status <> 'shipped'"),
        ("employees without a manager", "SELECT * FROM employees WHERE manager_id IS NULL"),
        ("orders for customer 12", "SELECT * FROM orders WHERE customer_id = 12"),
        (
            "largest orders this year",
            "SELECT * FROM orders WHERE order_date >= '2026-01-01' ORDER BY total DESC",
        ),
        ("employee salaries", "SELECT first_name, last_name, salary FROM employees"),
        (
            "count orders by status for last month",
            "SELECT status, COUNT(*) FROM orders "
            "WHERE order_date >= '2026-11-01' AND order_date < '2026-12-01' GROUP BY status",
        ),
        ("orders in the past month", "SELECT * FROM orders WHERE order_date >= '2026-11-04'"),
        (
            "top 5 customers by total spent this year",
            "SELECT c.first_name, c.last_name, SUM(o.total) FROM customers c "
            "JOIN orders o ON o.customer_id = c.id WHERE o.order_date >= '2026-01-01' "
            "GROUP BY c.id ORDER BY 3 DESC LIMIT 5",
        ),
        (
            "orders handled by employees in denver",
            "SELECT o.* FROM orders o JOIN employees e ON e.id = o.employee_id "
            "WHERE e.city = 'Denver'",
        ),
        (
            "revenue by category last year",
            "SELECT p.category, SUM(i.quantity * i.unit_price) FROM order_items i "
            "JOIN products p ON p.id = i.product_id JOIN orders o ON o.id = i.order_id "
            "WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01' "
            "GROUP BY p.category",
        ),
    ],
)
def test_demo_question_returns_the_gold_rows(
    translator: OfflineTranslator, demo_schema: Schema, demo_path: Path, question: str, gold: str
) -> None:
    _answers_like(translator, demo_schema, demo_path, question, gold)


LINE_REVENUE = (
    "SELECT SUM(i.quantity * i.unit_price) FROM order_items i "
    "JOIN products p ON p.id = i.product_id WHERE p.category = '{}'"
)
UNITS_BY_CATEGORY = (
    "SELECT p.category, SUM(i.quantity) FROM order_items i JOIN products p "
    "ON p.id = i.product_id GROUP BY p.category ORDER BY 2 {} LIMIT 1"
)


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        # A child's value filters a parent's total: the lines' own value, not whole orders.
        ("total revenue for electronics", LINE_REVENUE.format("Electronics")),
        ("revenue for electronics", LINE_REVENUE.format("Electronics")),
        ("total sales in the books category", LINE_REVENUE.format("Books")),
        # Popular is ranked by units sold; common by how many rows; never alphabetically.
        ("least popular category", UNITS_BY_CATEGORY.format("ASC")),
        ("most popular category", UNITS_BY_CATEGORY.format("DESC")),
        (
            "best selling product",
            "SELECT p.name, SUM(i.quantity) FROM order_items i JOIN products p "
            "ON p.id = i.product_id GROUP BY p.id ORDER BY 2 DESC LIMIT 1",
        ),
        (
            "most common city",
            "SELECT city, COUNT(*) FROM customers GROUP BY city ORDER BY 2 DESC LIMIT 1",
        ),
        (
            "least common category",
            "SELECT category, COUNT(*) FROM products GROUP BY category ORDER BY 2 ASC LIMIT 1",
        ),
        # The date of what is counted or summed, not of the grouping's table.
        (
            "sales per employee last year",
            "SELECT e.id, SUM(o.total) FROM orders o JOIN employees e ON e.id = o.employee_id "
            "WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01' GROUP BY e.id",
        ),
        (
            "orders per employee last year",
            "SELECT e.id, COUNT(*) FROM orders o JOIN employees e ON e.id = o.employee_id "
            "WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01' GROUP BY e.id",
        ),
        (
            "orders per employee in 2025",
            "SELECT e.id, COUNT(*) FROM orders o JOIN employees e ON e.id = o.employee_id "
            "WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01' GROUP BY e.id",
        ),
        # A name held by two tables is answered once the table is named.
        (
            "how many orders did customer Henry Garcia place",
            "SELECT COUNT(*) FROM orders WHERE customer_id IN (39, 544)",
        ),
    ],
)
def test_everyday_traps_are_answered_right(
    translator: OfflineTranslator, demo_schema: Schema, demo_path: Path, question: str, gold: str
) -> None:
    _answers_like(translator, demo_schema, demo_path, question, gold)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("average items per order", "average the number of order_items"),
        ("average number of items per order", "average the number of order_items"),
        ("average orders per customer", "average the number of orders"),
        ("average number of orders per customer", "average the number of orders"),
        ("how many orders did Henry Garcia place", "'Henry' is a first_name in both"),
        ("orders of Henry Garcia", "name the table"),
        ("how many orders did Henry place", "'Henry' is a first_name in both"),
        ("total order value for electronics", "would count whole orders rows"),
        ("sum of order totals for electronics", "would count whole orders rows"),
        ("average order total for electronics", "would count whole orders rows"),
        ("top customer in each state", "pick the top row within each group"),
        ("top 3 products per category", "pick the top row within each group"),
        ("most expensive product in each category", "pick the top row within each group"),
    ],
)
def test_everyday_traps_are_declined_with_the_reason(
    translator: OfflineTranslator, demo_schema: Schema, question: str, reason: str
) -> None:
    with pytest.raises(TranslationDeclined) as declined:
        translator.translate(question, demo_schema)
    assert reason in declined.value.reason


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("top 5 states by number of customers", "top 5 state"),
        ("least popular category", "least popular"),
        ("most common city", "most common city"),
    ],
)
def test_the_explanation_names_what_is_ranked(
    translator: OfflineTranslator, demo_schema: Schema, question: str, label: str
) -> None:
    explanation = translator.translate(question, demo_schema).explanation
    assert label in explanation
    assert "customers" not in explanation.split(":", 1)[1]


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("how many albums are there", "SELECT COUNT(*) FROM Album"),
        (
            "how many tracks does each genre have",
            "SELECT g.Name, COUNT(*) FROM Genre g JOIN Track t ON t.GenreId = g.GenreId "
            "GROUP BY g.GenreId",
        ),
        (
            "artists with at least 10 albums",
            "SELECT a.Name FROM Artist a JOIN Album b ON b.ArtistId = a.ArtistId "
            "GROUP BY a.ArtistId HAVING COUNT(*) >= 10",
        ),
        (
            "average unit price of rock tracks",
            "SELECT AVG(t.UnitPrice) FROM Track t JOIN Genre g ON g.GenreId = t.GenreId "
            "WHERE g.Name = 'Rock'",
        ),
        (
            'albums by the artist "Led Zeppelin"',
            "SELECT b.Title FROM Album b JOIN Artist a ON a.ArtistId = b.ArtistId "
            "WHERE a.Name = 'Led Zeppelin'",
        ),
        (
            "shortest track",
            "SELECT Name, Milliseconds FROM Track ORDER BY Milliseconds LIMIT 1",
        ),
        (
            "invoices from germany in 2022",
            "SELECT * FROM Invoice WHERE BillingCountry = 'Germany' "
            "AND InvoiceDate >= '2022-01-01' AND InvoiceDate < '2023-01-01'",
        ),
        (
            "top 3 countries by total sales",
            "SELECT BillingCountry, SUM(Total) FROM Invoice GROUP BY BillingCountry "
            "ORDER BY 2 DESC LIMIT 3",
        ),
        (
            "customers whose email contains gmail",
            "SELECT * FROM Customer WHERE Email LIKE '%gmail%'",
        ),
        (
            "how many customers have no company",
            "SELECT COUNT(*) FROM Customer WHERE Company IS NULL",
        ),
        (
            "genres sorted alphabetically",
            "SELECT Name FROM Genre ORDER BY Name",
        ),
        (
            "total invoiced per year",
            "SELECT strftime('%Y', InvoiceDate), SUM(Total) FROM Invoice GROUP BY 1",
        ),
        (
            "list albums with their artist",
            "SELECT b.Title, a.Name FROM Album b JOIN Artist a ON a.ArtistId = b.ArtistId",
        ),
        (
            "composer with the most tracks",
            "SELECT Composer FROM Track WHERE Composer IS NOT NULL GROUP BY Composer "
            "ORDER BY COUNT(*) DESC LIMIT 1",
        ),
        ("youngest employee", "SELECT * FROM Employee ORDER BY BirthDate DESC LIMIT 1"),
    ],
)
def test_chinook_question_returns_the_gold_rows(
    translator: OfflineTranslator, chinook_schema: Schema, question: str, gold: str
) -> None:
    _answers_like(translator, chinook_schema, CHINOOK, question, gold)


@pytest.mark.parametrize(
    "question",
    [
        "delete all customers",
        "Drop table orders",
        "update orders set status = 'shipped'",
        "please remove the cancelled orders",
        "insert a new customer called Ada",
        "can you truncate order_items",
    ],
)
def test_change_requests_are_declined_as_such(
    translator: OfflineTranslator, demo_schema: Schema, question: str
) -> None:
    with pytest.raises(TranslationDeclined) as declined:
        translator.translate(question, demo_schema)
    assert declined.value.reason.startswith("I can only read data")
    assert declined.value.status == "declined"


@pytest.mark.parametrize(
    ("question", "mentions"),
    [
        ("hello", ""),
        ("what's the weather like", "'weather'"),
        ("how many unicorns are there", "'unicorns'"),
        ("asdf qwerty", "'asdf'"),
        ("show me the schema", "'schema'"),
    ],
)
def test_nonsense_and_unknown_things_are_declined_with_a_suggestion(
    translator: OfflineTranslator, demo_schema: Schema, question: str, mentions: str
) -> None:
    with pytest.raises(TranslationDeclined) as declined:
        translator.translate(question, demo_schema)
    reason = declined.value.reason
    assert mentions in reason
    assert "I know about customers, employees, order items, orders and products" in reason
    assert "try 'how many orders per status'" in reason


@pytest.mark.parametrize(
    "question",
    [
        "who reports to nancy edwards",
        "who is the manager of jane peacock",
        "which tracks are on both the rock and jazz playlists",
        "what are the durations of the longest and shortest tracks",
        "customers older than 30 and younger than 20",
    ],
)
def test_questions_it_cannot_read_fully_are_declined(
    translator: OfflineTranslator, chinook_schema: Schema, question: str
) -> None:
    with pytest.raises(TranslationDeclined):
        translator.translate(question, chinook_schema)


def test_a_translation_says_what_it_understood(
    translator: OfflineTranslator, demo_schema: Schema
) -> None:
    found = translator.translate("number of cancelled orders last month", demo_schema)
    assert found.explanation == ("orders: count of orders; status cancelled; order_date last month")
    assert translator.threshold <= found.confidence <= 1.0
    assert found.tokens == 0
    assert found.ms > 0


def _shop(dialect: str) -> Schema:
    """A small schema whose names need quoting: a table called "order", mixed case."""
    customers = Table(
        "Customers",
        (
            Column("CustomerId", "INTEGER"),
            Column("Name", "VARCHAR(40)"),
            Column("City", "VARCHAR(40)", samples=("Paris", "Oslo")),
        ),
        primary_key=("CustomerId",),
    )
    order = Table(
        "order",
        (
            Column("id", "INTEGER"),
            Column("CustomerId", "INTEGER"),
            Column("placed", "DATE"),
            Column("total", "NUMERIC(10, 2)"),
        ),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("CustomerId",), "Customers", ("CustomerId",)),),
    )
    return Schema(dialect, (customers, order))


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        (
            "sqlite",
            'SELECT SUM("order".total) AS sum_total FROM "order" JOIN Customers '
            "ON Customers.CustomerId = \"order\".CustomerId WHERE Customers.City = 'Paris' "
            "AND (\"order\".placed >= DATE('2026-11-01') "
            "AND \"order\".placed < DATE('2026-12-01'))",
        ),
        (
            "postgresql",
            'SELECT SUM("order".total) AS sum_total FROM "order" JOIN "Customers" '
            'ON "Customers"."CustomerId" = "order"."CustomerId" '
            'WHERE "Customers"."City" = \'Paris\' AND ("order".placed >= '
            "CAST('2026-11-01' AS DATE) AND \"order\".placed < CAST('2026-12-01' AS DATE))",
        ),
        (
            "mysql",
            "SELECT SUM(`order`.total) AS sum_total FROM `order` JOIN Customers "
            "ON Customers.CustomerId = `order`.CustomerId WHERE Customers.City = 'Paris' "
            "AND (`order`.placed >= CAST('2026-11-01' AS DATE) "
            "AND `order`.placed < CAST('2026-12-01' AS DATE))",
        ),
    ],
)
def test_sql_is_quoted_and_dated_in_the_connection_dialect(
    translator: OfflineTranslator, dialect: str, sql: str
) -> None:
    found = translator.translate("total of orders from paris last month", _shop(dialect))
    assert found.sql == sql


def test_month_buckets_are_written_per_dialect(translator: OfflineTranslator) -> None:
    texts = {
        dialect: translator.translate("orders by month", _shop(dialect)).sql or ""
        for dialect in ("sqlite", "postgresql", "mysql")
    }
    assert "STRFTIME('%Y-%m', \"order\".placed)" in texts["sqlite"]
    assert "TO_CHAR(\"order\".placed, 'YYYY-MM')" in texts["postgresql"]
    assert "DATE_FORMAT(`order`.placed, '%Y-%m')" in texts["mysql"]


def test_the_schema_index_is_built_once_per_schema_object(demo_schema: Schema) -> None:
    assert index_for(demo_schema) is index_for(demo_schema)
    copy = Schema(demo_schema.dialect, demo_schema.tables)
    assert index_for(copy) is not index_for(demo_schema)


def test_today_is_taken_from_the_translator_not_the_clock(demo_schema: Schema) -> None:
    found = OfflineTranslator(today=dt.date(2025, 3, 15)).translate(
        "orders last month", demo_schema
    )
    assert "DATE('2025-02-01')" in (found.sql or "")
    assert "DATE('2025-03-01')" in (found.sql or "")


def test_the_demo_gold_answers_do_not_depend_on_the_clock(demo_path: Path) -> None:
    with sqlite3.connect(demo_path) as conn:
        newest = conn.execute("SELECT MAX(order_date) FROM orders").fetchone()[0]
    assert newest < DAY.isoformat()


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_the_five_first_questions_are_right_on_servers(
    kind: str, demo_path: Path, tmp_path: Path
) -> None:
    with dbs.fresh_database(kind, tmp_path) as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            demo.write(engine, demo.generate(DAY))
            database = offline_eval.server_database(engine, demo_path)
            summary = offline_eval.evaluate(kind, offline_eval.first_cases(), {"demo": database})
        finally:
            engine.dispose()
    assert summary.count("correct") == 5, [(o.case.question, o.sql) for o in summary.outcomes]


def test_our_chinook_questions_hold_on_every_engine(
    chinook_url: str, engine_name: str, demo_path: Path
) -> None:
    own_cases, own_dbs = offline_eval.own_set(demo_path)
    cases = [c for c in own_cases if c.db == "chinook"]
    if engine_name == "sqlite":
        database = own_dbs["chinook"]
    else:
        engine = sa.create_engine(chinook_url, poolclass=sa.pool.NullPool)
        database = offline_eval.server_database(engine, CHINOOK)
    summary = offline_eval.evaluate(f"own {engine_name}", cases, {"chinook": database})
    assert offline_eval.check_targets([summary]) == []


def test_benchmark_targets_hold(demo_path: Path) -> None:
    """The figures in the README: a change that lowers one fails here."""
    spider_cases, spider_dbs = offline_eval.spider_set()
    own_cases, own_dbs = offline_eval.own_set(demo_path)
    summaries = [
        offline_eval.evaluate("spider", spider_cases, spider_dbs),
        offline_eval.evaluate("first", offline_eval.first_cases(), own_dbs),
        offline_eval.evaluate("own", own_cases, own_dbs),
    ]
    assert len(own_cases) >= 60
    assert offline_eval.check_targets(summaries) == []
    assert offline_eval.check_recorded(summaries) == []
    keep = [own_dbs["demo"].schema, own_dbs["chinook"].schema]
    timing = offline_eval.timing_on_wide_schema([c.question for c in own_cases], keep, rounds=1)
    assert timing.median < 20.0


@pytest.mark.parametrize(
    "unit", ["a", "a1", "1a", "a_", "a'", "$1", "orders ", "in the last 3 days "]
)
def test_a_question_of_the_longest_allowed_length_is_read_in_linear_time(
    translator: OfflineTranslator, demo_schema: Schema, unit: str
) -> None:
    question = (unit * 2000)[:2000]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with contextlib.suppress(TranslationDeclined):
            translator.translate(question, demo_schema)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.1
