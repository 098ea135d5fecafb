"""Reading exactly one statement out of a model's reply (FR-1, FR-2, FR-3, FR-11)."""

from __future__ import annotations

import pytest

from core.translate import extract_sql

FR3 = (
    "```sql\nWITH big AS (SELECT customer_id, SUM(total) s FROM orders GROUP BY customer_id) "
    "SELECT * FROM big WHERE s > 100;\n```\nOr:\n```sql\nSELECT 1;\n```"
)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("```sql\nSELECT COUNT(*) FROM orders;\n```", "SELECT COUNT(*) FROM orders"),
        (
            "Here is the query for your question:\nSELECT COUNT(*) FROM lab_reports",
            "SELECT COUNT(*) FROM lab_reports",
        ),
        (
            FR3,
            "WITH big AS (SELECT customer_id, SUM(total) s FROM orders GROUP BY customer_id) "
            "SELECT * FROM big WHERE s > 100",
        ),
        ("```\nselect 1\n```", "select 1"),
        ("```SQL\nSELECT 2\n```", "SELECT 2"),
        ("SELECT a FROM t;\n\nThis returns every a.", "SELECT a FROM t"),
        ("SELECT a -- note; not the end\nFROM t;", "SELECT a -- note; not the end\nFROM t"),
        ("```sql\nselect 'it''s; fine' as a;\n```", "select 'it''s; fine' as a"),
        ("```sql\nSELECT 1 /* ; */ FROM t\n```", "SELECT 1 /* ; */ FROM t"),
        ("Sure!\n```sql\nDROP TABLE t;\n```", "DROP TABLE t"),
        ("`SELECT COUNT(*) FROM t`", "SELECT COUNT(*) FROM t"),
    ],
)
def test_extract_sql_takes_exactly_one_statement(reply: str, expected: str) -> None:
    sql = extract_sql(reply)

    assert sql == expected
    assert "`" not in sql


@pytest.mark.parametrize(
    "reply",
    [
        "```sql\nSELECT `state`, COUNT(*) FROM `customers` GROUP BY `state`\n```",
        "SELECT `state`, COUNT(*) FROM `customers` GROUP BY `state`",
        "```sql\nSELECT `state`, COUNT(*) FROM `customers` GROUP BY `state`;\n```",
    ],
)
def test_mysql_backtick_identifiers_survive_intact(reply: str) -> None:
    assert extract_sql(reply) == "SELECT `state`, COUNT(*) FROM `customers` GROUP BY `state`"


@pytest.mark.parametrize(
    "reply",
    ["The invoices table stores customer orders.", "", "   ", "I'd select the best rows for you"],
)
def test_extract_sql_finds_nothing_in_prose(reply: str) -> None:
    assert extract_sql(reply) is None


def test_a_second_statement_in_the_same_block_is_kept_for_the_guard_to_refuse() -> None:
    """FR-11: never silently drop the rest of a batch; the guard refuses it whole."""
    assert extract_sql("```sql\nSELECT 1; DROP TABLE t;\n```") == "SELECT 1; DROP TABLE t"


def test_a_trailing_comment_after_the_semicolon_is_not_a_second_statement() -> None:
    assert extract_sql("SELECT 1; -- done") == "SELECT 1"
