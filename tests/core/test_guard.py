"""core.guard: one bounded read comes out, anything else is refused with a plain reason."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from core.errors import UnsafeQuery
from core.guard import FUNCTIONS, SECRET_TABLES, check

ENGINES = ("sqlite", "postgresql", "mysql")
SPIDER_LIMIT = 1001


def shared(*parts: str) -> Path:
    """A path in the shared reference data, next to the repository (never copied into it)."""
    return Path(__file__).resolve().parents[2] / ".." / "shared" / Path(*parts)


def cases(name: str) -> list[dict[str, Any]]:
    lines = shared("cases", name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def per_engine(entries: list[dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(entry, engine, id=f"{entry['id']}-{engine}")
        for entry in entries
        for engine in entry["engines"]
    ]


def refusal(sql: str, dialect: str, hidden: tuple[str, ...] = ()) -> UnsafeQuery:
    with pytest.raises(UnsafeQuery) as caught:
        check(sql, dialect, 100, hidden)
    return caught.value


def kind(error: UnsafeQuery) -> str:
    return error.detail.split(":", 1)[0]


ATTACKS = [entry for entry in cases("attacks.jsonl") if "kind" in entry]
BENIGN = [entry for name in ("attacks.jsonl", "benign.jsonl") for entry in cases(name)]
BENIGN = [entry for entry in BENIGN if "contains" in entry]


# --- the shared cases ---------------------------------------------------------------------


@pytest.mark.parametrize(("case", "engine"), per_engine(ATTACKS))
def test_guard_refuses_every_attack_with_its_kind(case: dict[str, Any], engine: str) -> None:
    assert kind(refusal(case["sql"], engine)) == case["kind"]


@pytest.mark.parametrize(("case", "engine"), per_engine(BENIGN))
def test_guard_passes_every_benign_case(case: dict[str, Any], engine: str) -> None:
    sql = check(case["sql"], engine, 1000)

    assert check(sql, engine, 1000) == sql  # the guard accepts its own output unchanged


@pytest.mark.parametrize(
    "case", [c for c in BENIGN if "sqlite" in c["engines"]], ids=lambda c: c["id"]
)
def test_benign_output_finds_the_expected_value_in_chinook(case: dict[str, Any]) -> None:
    rows = run(
        shared("data", "chinook", "Chinook_Sqlite.sqlite"), check(case["sql"], "sqlite", 1000)
    )

    if case["contains"] is not None:
        assert case["contains"] in {str(value) for row in rows for value in row}


# --- zero false refusals on Spider ---------------------------------------------------------


@pytest.mark.parametrize("name", ["dev_gold.sql", "train_gold.sql"])
def test_guard_passes_every_spider_gold_query(name: str) -> None:
    lines = shared("data", "spider", name).read_text(encoding="utf-8").splitlines()
    queries = {line.split("\t")[0].strip() for line in lines if line.strip()}

    refused = refused_queries(queries)

    assert len(queries) > 500
    assert refused == [], f"{len(refused)} of {len(queries)} refused, first: {refused[:5]}"


def test_guard_passes_every_spider_eval_question() -> None:
    queries = {item["sql"] for item in spider_eval()}

    assert refused_queries(queries) == []


def test_guard_output_returns_the_gold_rows_on_sqlite() -> None:
    wrong = []
    for item in spider_eval():
        database = shared("data", item["db_path"])
        gold = run(database, item["sql"])
        rows = run(database, check(item["sql"], "sqlite", SPIDER_LIMIT))
        # Capped rows must be some of the gold rows; uncapped ones all of them.
        if len(rows) != min(len(gold), SPIDER_LIMIT) or Counter(rows) - Counter(gold):
            wrong.append(item["sql"])

    assert wrong == []


def refused_queries(queries: set[str]) -> list[tuple[str, str]]:
    refused = []
    for sql in sorted(queries):
        try:
            check(sql, "sqlite", SPIDER_LIMIT)
        except UnsafeQuery as error:
            refused.append((sql, error.detail))
    return refused


def spider_eval() -> list[dict[str, Any]]:
    text = shared("data", "questions", "spider_eval.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run(database: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


# --- the LIMIT it adds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "limit", "expected"),
    [
        ("SELECT a FROM t", 10, "SELECT a FROM t LIMIT 10"),
        ("SELECT a FROM t LIMIT 5", 10, "SELECT a FROM t LIMIT 5"),
        ("SELECT a FROM t LIMIT 50", 10, "SELECT a FROM t LIMIT 10"),
        ("SELECT a FROM t LIMIT 50 OFFSET 20", 10, "SELECT a FROM t LIMIT 10 OFFSET 20"),
        ("SELECT a FROM t LIMIT 20, 50", 10, "SELECT a FROM t LIMIT 10 OFFSET 20"),
        ("SELECT a FROM t OFFSET 20", 10, "SELECT a FROM t LIMIT 10 OFFSET 20"),
        (
            "SELECT a FROM t ORDER BY a DESC LIMIT 50",
            10,
            "SELECT a FROM t ORDER BY a DESC LIMIT 10",
        ),
        ("SELECT a FROM t LIMIT 50", None, "SELECT a FROM t LIMIT 50"),
        ("SELECT a FROM t", 0, "SELECT a FROM t LIMIT 0"),
        (
            "SELECT a FROM t UNION SELECT b FROM u",
            10,
            "SELECT a FROM t UNION SELECT b FROM u LIMIT 10",
        ),
        (
            "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 30",
            10,
            "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 10",
        ),
        (
            "SELECT a FROM t EXCEPT SELECT a FROM u LIMIT 3",
            10,
            "SELECT a FROM t EXCEPT SELECT a FROM u LIMIT 3",
        ),
        (
            "WITH x AS (SELECT a FROM t LIMIT 500) SELECT a FROM x",
            10,
            "WITH x AS (SELECT a FROM t LIMIT 500) SELECT a FROM x LIMIT 10",
        ),
        (
            "SELECT a FROM t LIMIT -1",
            10,
            "SELECT * FROM (SELECT a FROM t LIMIT -1) AS bounded LIMIT 10",
        ),
        ("((SELECT a FROM t))", 10, "SELECT a FROM t LIMIT 10"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_guard_bounds_the_outermost_query(
    sql: str, limit: int | None, expected: str, engine: str
) -> None:
    assert check(sql, engine, limit) == expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT a FROM t FETCH FIRST 50 ROWS ONLY", "SELECT a FROM t FETCH FIRST 10 ROWS ONLY"),
        ("SELECT a FROM t LIMIT ALL", "SELECT a FROM t LIMIT 10"),
        (
            "SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES",
            "SELECT * FROM (SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES) AS bounded"
            " LIMIT 10",
        ),
    ],
)
def test_guard_bounds_postgresql_row_clauses(sql: str, expected: str) -> None:
    assert check(sql, "postgresql", 10) == expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "(SELECT a FROM t LIMIT 50) UNION (SELECT b FROM u LIMIT 50)",
            "(SELECT a FROM t LIMIT 50) UNION (SELECT b FROM u LIMIT 50) LIMIT 10",
        ),
        ("SELECT `Name` FROM `Order Lines`", "SELECT `Name` FROM `Order Lines` LIMIT 10"),
    ],
)
def test_guard_bounds_mysql_queries(sql: str, expected: str) -> None:
    assert check(sql, "mysql", 10) == expected


def test_union_limit_bounds_the_whole_union_on_sqlite() -> None:
    sql = check("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3", "sqlite", 2)

    assert sqlite3.connect(":memory:").execute(sql).fetchall() == [(1,), (2,)]


# --- identifiers and text survive the round trip ----------------------------------------------


@pytest.mark.parametrize(
    ("sql", "engine", "expected"),
    [
        (
            'SELECT "CustomerID", "Order Total" FROM "Orders" WHERE "Orders"."CustomerID" = 1',
            "postgresql",
            'SELECT "CustomerID", "Order Total" FROM "Orders" WHERE "Orders"."CustomerID" = 1',
        ),
        ('SELECT "myFunc"(x) FROM t', "postgresql", 'SELECT "myFunc"(x) FROM t'),
        ("SELECT Name FROM Genre", "sqlite", "SELECT Name FROM Genre"),
        ("SELECT 'it''s', 'a\\' FROM t", "postgresql", "SELECT 'it''s', 'a\\' FROM t"),
        ("SELECT 'a\\'b' FROM t", "mysql", "SELECT 'a''b' FROM t"),
        ("SELECT $$a;b$$", "postgresql", "SELECT 'a;b'"),
        (
            "SELECT name FROM t WHERE name REGEXP '^A'",
            "mysql",
            "SELECT name FROM t WHERE name REGEXP '^A'",
        ),
    ],
)
def test_guard_keeps_identifiers_and_strings_as_written(
    sql: str, engine: str, expected: str
) -> None:
    assert check(sql, engine, None) == expected


@pytest.mark.parametrize(
    ("sql", "engine", "expected"),
    [
        ("SELECT 1 FROM DUAL", "mysql", "SELECT 1 FROM DUAL"),  # quoted, it names no table
        (
            "SELECT café, 'ｆｕｌｌ' AS \"Ｎａｍｅ\" FROM t",
            "postgresql",
            None,
        ),  # data, not disguise
    ],
)
def test_guard_keeps_what_only_looks_odd(sql: str, engine: str, expected: str | None) -> None:
    assert check(sql, engine, None) == (expected or sql)


@pytest.mark.parametrize(
    ("sql", "engine", "reason"),
    [
        ("UPDATE t SET a = 1", "sqlite", "that would change data"),
        ("CALL refresh_all()", "mysql", "that runs code I cannot check, which may change data"),
        ("ALTER TABLE t ADD b INT", "postgresql", "that would change the database's structure"),
        ("SELECT 1; SELECT 2", "sqlite", "that is several statements; I run one query at a time"),
        ("SELECT * FROM t FOR UPDATE", "postgresql", "that locks rows"),
        ("LOCK TABLES t READ", "mysql", "that locks tables"),
        ("GRANT SELECT ON t TO bob", "postgresql", "that would change who may do what"),
        ("SET search_path = evil", "postgresql", "that would change the session's settings"),
        ("SELECT a FROM t INTO DUMPFILE '/tmp/x'", "mysql", "that writes to a file"),
        (
            "COPY t FROM '/etc/passwd'",
            "postgresql",
            "that reads or writes files on the database server",
        ),
        ("VACUUM", "sqlite", "that is an administrative command I don't run"),
        ("SHOW TABLES", "mysql", "that is not a SELECT query, and SELECT is all I run"),
        ("SELECT pg_sleep(60)", "postgresql", "that calls pg_sleep, which I don't run"),
        (
            "SELECT dblink('x', 'y')",
            "postgresql",
            "that calls dblink, which connects to other servers",
        ),
        (
            "SELECT passwd FROM pg_shadow",
            "postgresql",
            "that reads pg_shadow, which holds password hashes",
        ),
        ("SELEC 1", "sqlite", "I could not read that as SQL"),
        ("-- only a comment", "sqlite", "there is no query in that"),
        ("SELECT " + "1 + " * 30_000 + "1", "sqlite", "that is too long for me to check"),
    ],
)
def test_guard_tells_users_why_in_plain_words(sql: str, engine: str, reason: str) -> None:
    assert refusal(sql, engine).reason == reason


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT 1 /*! , SLEEP(10) */", "mysql"),  # MySQL would run this comment
        ("SELECT /*+ MAX_EXECUTION_TIME(99999999) */ 1", "mysql"),  # and obey this hint
        ("/*+ Set(statement_timeout 0) */ SELECT 1", "postgresql"),  # pg_hint_plan's kind
        ("SELECT 1 -- ; DROP TABLE t", "sqlite"),
        ("SELECT 1;", "sqlite"),
    ],
)
def test_guard_drops_comments_hints_and_the_trailing_semicolon(sql: str, engine: str) -> None:
    assert check(sql, engine, 5) == "SELECT 1 LIMIT 5"


# --- field reports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("DROP TABLE employee;", "that would change the database's structure"),
        ("SELECT * INTO backup FROM employee;", "that would create a table"),
        (
            "SELECT pg_terminate_backend(1234);",
            "that calls pg_terminate_backend, which acts on the server or on other sessions",
        ),
        (
            "WITH d AS (DELETE FROM employee RETURNING *) SELECT count(*) FROM d;",
            "that would change data",
        ),
    ],
)
def test_fr9_destructive_statements_are_refused(sql: str, reason: str) -> None:
    assert refusal(sql, "postgresql").reason == reason


@pytest.mark.parametrize("engine", ENGINES)
def test_fr11_two_statements_are_refused_as_several(engine: str) -> None:
    error = refusal("SELECT COUNT(*) FROM a; SELECT COUNT(*) FROM b;", engine)

    assert error.reason == "that is several statements; I run one query at a time"


@pytest.mark.parametrize("engine", ENGINES)
def test_fr11_one_trailing_semicolon_is_fine(engine: str) -> None:
    assert check("SELECT COUNT(*) FROM a;", engine, 10) == "SELECT COUNT(*) FROM a LIMIT 10"


# --- writes hidden inside a read ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d", "postgresql"),
        ("WITH u AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM u", "postgresql"),
        ("WITH i AS MATERIALIZED (INSERT INTO t VALUES (1) RETURNING *) SELECT 1", "postgresql"),
        (
            "SELECT * FROM t WHERE id IN (WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d)",
            "postgresql",
        ),
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "sqlite"),
        ("WITH d AS (DELETE FROM t) SELECT 1", "mysql"),
        ("SELECT 1 UNION ALL SELECT setval('s', 1)", "postgresql"),
        ("SELECT NEXTVAL(s)", "mysql"),
    ],
)
def test_guard_rejects_data_modifying_cte(sql: str, engine: str) -> None:
    assert kind(refusal(sql, engine)) == "write"


@pytest.mark.parametrize(
    ("sql", "engine", "expected"),
    [
        ("SELECT * FROM t FOR UPDATE OF t SKIP LOCKED", "postgresql", "lock"),
        ("SELECT * FROM t FOR KEY SHARE", "postgresql", "lock"),
        ("SELECT a FROM t LOCK IN SHARE MODE", "mysql", "lock"),
        ("SELECT a FROM t FOR UPDATE", "sqlite", "lock"),
        ("SELECT * FROM t WHERE a IN (SELECT b FROM u FOR UPDATE)", "mysql", "lock"),
        ("EXPLAIN (ANALYZE) DELETE FROM t", "postgresql", "write"),
        ("SELECT * INTO TEMP x FROM t", "postgresql", "ddl"),
        ("SELECT 1 INTO @x", "mysql", "ddl"),
        ("SELECT * FROM t INTO OUTFILE '/tmp/a'", "mysql", "file"),
        ("SET ROLE postgres", "postgresql", "session"),
        ("EXPLAIN SELECT 1", "postgresql", "admin"),
        ("SHOW TABLES", "mysql", "admin"),
        ("DESCRIBE t", "mysql", "admin"),
        ("VALUES (1)", "sqlite", "admin"),
        ("SELECT 1\x00; DROP TABLE t", "postgresql", "stacked"),
        ("SELECT FROM WHERE", "sqlite", "garbage"),
        ("ＳＥＬＥＣＴ 1", "sqlite", "garbage"),
        ("SELECT ｐｇ_sleep(1)", "postgresql", "garbage"),
        ("SELECT pg_\u200bsleep(1)", "postgresql", "garbage"),
        ("SELECT " + "(" * 200 + "1" + ")" * 200, "sqlite", "garbage"),
        ("   ", "mysql", "garbage"),
    ],
)
def test_guard_refuses_what_is_not_a_plain_read(sql: str, engine: str, expected: str) -> None:
    assert kind(refusal(sql, engine)) == expected


# --- functions, however they are spelled or wherever they hide ----------------------------


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT PG_SLEEP(1)", "postgresql"),
        ('select "pg_sleep"(1)', "postgresql"),
        ('SELECT "PG_SLEEP"(1)', "postgresql"),
        ("SELECT pg_catalog.pg_sleep(1)", "postgresql"),
        ("SELECT `sleep`(1)", "mysql"),
        ("SELECT * FROM t WHERE x = (SELECT pg_sleep(1))", "postgresql"),
        ("WITH a AS (SELECT pg_sleep_for('1 s')) SELECT 1 FROM a", "postgresql"),
        ("SELECT * FROM t, LATERAL (SELECT pg_sleep(1)) s", "postgresql"),
        ("SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM t", "postgresql"),
        ("SELECT a FROM t ORDER BY pg_sleep(1)", "postgresql"),
        ("SELECT a FROM t WHERE SLEEP(1) = 0", "mysql"),
        ("SELECT 'x' || pg_sleep(1)", "sqlite"),
        ("SELECT * FROM ROWS FROM (pg_sleep(1))", "postgresql"),
        ("SELECT pg_sleep(1)::text", "postgresql"),
        ('SELECT "pg_catalog"."pg_sleep"(1)', "postgresql"),
        ("SELECT CASE WHEN true THEN pg_sleep(1) END", "postgresql"),
        ("SELECT COUNT(*) OVER (PARTITION BY pg_sleep(1)) FROM t", "postgresql"),
        ("SELECT SLEEP/**/(1)", "mysql"),
        ("SELECT * FROM t GROUP BY a HAVING sleep(1)", "sqlite"),
        ("SELECT 'a\\' , pg_sleep(1) --'", "postgresql"),  # no backslash escapes there
    ],
)
def test_guard_finds_sleep_however_it_is_spelled(sql: str, engine: str) -> None:
    assert kind(refusal(sql, engine)) == "dos"


def sample_names() -> list[tuple[str, str]]:
    return [(group, name.replace("*", "")) for group, _, names in FUNCTIONS for name in names]


@pytest.mark.parametrize(("group", "name"), sample_names(), ids=lambda v: v)
@pytest.mark.parametrize("engine", ENGINES)
def test_guard_refuses_every_listed_function_on_every_engine(
    group: str, name: str, engine: str
) -> None:
    error = refusal(f"SELECT a FROM t WHERE {name}(1) IS NULL", engine)

    assert kind(error) == group
    assert error.reason.startswith(f"that calls {name}, which ")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT current_setting('data_directory')",
        "SELECT query FROM pg_stat_activity",
        "SELECT * FROM pg_catalog.pg_settings",
        "SELECT * FROM information_schema.processlist",
        "SELECT * FROM performance_schema.threads",
        "SELECT * FROM mysql.db",
        "SELECT txid_current()",
    ],
)
def test_guard_refuses_reads_of_the_servers_sessions_and_settings(sql: str) -> None:
    """Other people's queries and the server's configuration are not the team's data."""
    error = refusal(sql, "postgresql" if "pg_" in sql or "txid" in sql else "mysql")

    assert kind(error) in ("secrets", "write")
    assert "server" in error.reason


@pytest.mark.parametrize(
    ("sql", "allowed"),
    [
        ("SELECT * FROM shop.customers", True),
        ("SELECT * FROM SHOP.customers c JOIN customers d ON c.id = d.id", True),
        ("SELECT * FROM sqlbot_test_chinook.Track", False),
        ("SELECT * FROM customers WHERE id IN (SELECT id FROM other.customers)", False),
    ],
)
def test_guard_keeps_mysql_reads_inside_the_connections_database(sql: str, allowed: bool) -> None:
    if allowed:
        assert check(sql, "mysql", 10, database="shop")
    else:
        with pytest.raises(UnsafeQuery, match="I only read shop here"):
            check(sql, "mysql", 10, database="shop")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT lo_get(1)",
        "SELECT * FROM generate_series(1, 3)",
        "SELECT xmlagg(x) FROM t",
    ],
)
def test_guard_passes_harmless_catalog_reads_and_functions(sql: str) -> None:
    assert check(sql, "postgresql", 10).endswith("LIMIT 10")


# --- secrets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SECRET_TABLES))
def test_guard_refuses_every_table_of_password_hashes(name: str) -> None:
    error = refusal(f"SELECT 1 WHERE EXISTS (SELECT 1 FROM {name})", "postgresql")

    assert error.reason == f"that reads {name}, which holds password hashes"


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT * FROM pg_catalog.pg_shadow", "postgresql"),
        ('SELECT * FROM "pg_authid"', "postgresql"),
        ("TABLE pg_shadow", "postgresql"),
        ("SELECT * FROM `mysql`.`user`", "mysql"),
        ("SELECT a FROM t WHERE a = 1 UNION SELECT User FROM mysql.user", "mysql"),
        ("SELECT EXTRACTVALUE(1, (SELECT password FROM mysql.user LIMIT 1))", "mysql"),
    ],
)
def test_guard_refuses_password_hashes_however_reached(sql: str, engine: str) -> None:
    assert kind(refusal(sql, engine)) == "secrets"


def test_a_table_of_ones_own_named_user_is_fine_on_mysql() -> None:
    assert check("SELECT * FROM user", "mysql", 10) == "SELECT * FROM user LIMIT 10"


# --- hidden tables and columns --------------------------------------------------------------

HIDDEN = ("customer.email", "payroll")


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT * FROM payroll", "that reads payroll, which an admin has hidden"),
        ("SELECT 1 WHERE EXISTS (SELECT 1 FROM public.Payroll)", "that reads payroll, which"),
        ("SELECT email FROM customer", "that reads customer.email, which an admin has hidden"),
        ("SELECT c.email FROM customer c", "that reads customer.email"),
        ("SELECT customer.email FROM customer", "that reads customer.email"),
        ('SELECT "EMAIL" FROM "Customer"', "that reads customer.email"),
        ("SELECT * FROM customer", "that reads customer.email"),
        ("SELECT c.* FROM customer c", "that reads customer.email"),
        ("SELECT count(*) FROM customer WHERE email LIKE 'a%'", "that reads customer.email"),
        ("SELECT * FROM (SELECT * FROM customer) s", "that reads customer.email"),
        ("WITH s AS (SELECT email FROM customer) SELECT * FROM s", "that reads customer.email"),
        ("SELECT id FROM customer JOIN employee USING (email)", "that reads customer.email"),
        ("SELECT id FROM customer NATURAL JOIN employee", "that reads customer.email"),
        ("SELECT to_json(c) FROM customer c", "that reads customer.email"),
        ("SELECT name FROM customer WHERE (SELECT email) IS NULL", "that reads customer.email"),
    ],
)
def test_guard_refuses_hidden_tables_and_columns(sql: str, reason: str) -> None:
    error = refusal(sql, "postgresql", HIDDEN)

    assert error.reason.startswith(reason)
    assert kind(error) == "hidden"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM customer",
        "SELECT count(*) FROM customer",
        "SELECT email FROM employee",
        "SELECT e.email FROM employee e JOIN customer c ON c.id = e.id",
        "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customer)",
        "SELECT name FROM customer UNION SELECT email FROM employee",
        "SELECT s.email FROM (SELECT id AS email FROM orders) s JOIN customer c ON c.id = s.email",
    ],
)
def test_guard_passes_reads_that_avoid_hidden_columns(sql: str) -> None:
    assert check(sql, "postgresql", 10, HIDDEN).endswith("LIMIT 10")


# --- the API's own edges ----------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "limit"), [("oracle", 10), ("postgres", 10), ("sqlite", -1)])
def test_guard_raises_value_error_for_bad_arguments(dialect: str, limit: int) -> None:
    with pytest.raises(ValueError):
        check("SELECT 1", dialect, limit)


def test_refusal_detail_names_the_kind_for_the_history() -> None:
    error = refusal("DELETE FROM t", "sqlite")

    assert (error.reason, error.detail, error.status) == (
        "that would change data",
        "write: Delete",
        "refused",
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT t.m FROM customer AS t(a, b, m)",
        "SELECT m FROM customer t(a, b, m)",
        "SELECT x FROM (SELECT * FROM customer) AS s(a, b, x)",
    ],
)
def test_guard_refuses_renaming_the_columns_of_a_table_with_a_hidden_column(sql: str) -> None:
    """An alias column list renames columns, so name checks alone would miss them."""
    error = refusal(sql, "postgresql", hidden=("customer.email",))

    assert kind(error) == "hidden"


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT most_common_vals FROM pg_stats WHERE attname = 'email'", "postgresql"),
        ("SELECT * FROM pg_catalog.pg_statistic", "postgresql"),
        ("SELECT * FROM information_schema.column_statistics", "mysql"),
        ("SELECT * FROM sqlite_stat4", "sqlite"),
    ],
)
def test_guard_refuses_planner_statistics_that_copy_column_values(sql: str, engine: str) -> None:
    error = refusal(sql, engine)

    assert kind(error) == "secrets" and "copies of column values" in error.reason
