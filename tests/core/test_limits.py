"""Limits through the whole pipeline on real engines: time, rows, rate, values (issue 3)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from core.answer import Asker, Pipeline
from core.connections import Connection, Databases
from core.history import History
from core.model import Translation
from core.ratelimit import RateLimiter
from core.translate import Request

SLOW = {
    "postgresql": "SELECT COUNT(*) FROM Track a, Track b, Track c",
    "mysql": "SELECT COUNT(*) FROM Track a, Track b, Track c",
    "sqlite": (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT COUNT(*) FROM r WHERE n < 0"
    ),
}


class Scripted:
    """A translator that returns the SQL it is given, one question at a time."""

    def __init__(self, *sql: str) -> None:
        self.sql = list(sql)

    def translate(self, request: Request, schema: object, *, row_limit: int) -> Translation:
        return Translation(sql=self.sql.pop(0))


def _pipeline(tmp_path: Path, *sql: str, **options: object) -> Pipeline:
    return Pipeline(
        databases=Databases(),
        translator=Scripted(*sql),
        history=History(tmp_path / "history.sqlite"),
        **options,  # type: ignore[arg-type]
    )


def test_a_slow_query_is_cancelled_at_the_limit_and_the_pool_still_works(
    chinook_url: str, engine_name: str, tmp_path: Path
) -> None:
    """FR-13 on each engine, with a 2-second limit."""
    pipeline = _pipeline(tmp_path, SLOW[engine_name], "SELECT COUNT(*) FROM Genre", timeout=2)
    connection = Connection("chinook", chinook_url)

    started = time.monotonic()
    slow = pipeline.ask(Request("everything times everything"), connection)
    took = time.monotonic() - started
    after = pipeline.ask(Request("how many genres"), connection)

    assert slow.status == "timeout"
    assert slow.error == "the query was cancelled after 2 s"
    assert 1.5 < took < 6
    assert pipeline.history.get(slow.history_id or 0)["status"] == "timeout"  # type: ignore[index]
    assert after.status == "ok" and after.rows == [(25,)]


def test_a_capped_result_says_so_and_never_claims_a_total(chinook_url: str, tmp_path: Path) -> None:
    """FR-14: at most limit + 1 rows are fetched; the answer knows more exist."""
    pipeline = _pipeline(tmp_path, "SELECT Name FROM Track", row_limit=10)
    answer = pipeline.ask(Request("list tracks"), Connection("chinook", chinook_url))

    assert answer.row_count == 10 and answer.truncated
    assert answer.sql is not None and answer.sql.endswith("LIMIT 11")
    assert pipeline.history.get(answer.history_id or 0)["truncated"] == 1  # type: ignore[index]


def test_each_user_gets_a_number_of_questions_a_minute(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    import sqlite3

    sqlite3.connect(tmp_path / "x.sqlite").execute("CREATE TABLE t (a int)").connection.close()
    pipeline = _pipeline(tmp_path, *["SELECT 1"] * 4, limiter=RateLimiter(2))
    connection = Connection("x", url)

    answers = [pipeline.ask(Request("q"), connection, Asker("U1", "C1")) for _ in range(3)]
    other = pipeline.ask(Request("q"), connection, Asker("U2", "C1"))

    assert [a.status for a in answers] == ["ok", "ok", "refused"]
    assert answers[2].error_kind == "RateLimited" and answers[2].sql is None
    assert other.status == "ok"


def test_values_json_cannot_hold_are_stored_json_safe(tmp_path: Path) -> None:
    """FR-12: the history keeps exact, JSON-safe text for each value."""
    from core.history import History
    from core.model import Answer

    history = History(tmp_path / "h.sqlite")
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    row = (
        Decimal("1234567.89"),
        dt.datetime(2024, 1, 31, 23, 59, 59),
        dt.date(2024, 2, 29),
        value,
        b"\x00\xff",
        None,
    )
    answer = Answer("q", "c", columns=list("abcdef"), rows=[row])
    stored = history.get(history.record(answer)) or {}

    assert json.loads(stored["preview"]) == [
        ["1234567.89", "2024-01-31T23:59:59", "2024-02-29", str(value), "0x00ff", None]
    ]


BENIGN = [
    json.loads(line)
    for line in (Path(__file__).resolve().parents[2].parent / "shared" / "cases" / "benign.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", BENIGN, ids=[c["id"] for c in BENIGN])
def test_benign_sql_runs_through_the_guard_on_every_engine(
    case: dict, chinook_url: str, engine_name: str, tmp_path: Path
) -> None:
    if engine_name not in case["engines"]:
        pytest.skip(f"{case['id']} is not listed for {engine_name}")
    pipeline = _pipeline(tmp_path, case["sql"])
    answer = pipeline.ask(Request(case["id"]), Connection("chinook", chinook_url))

    assert answer.status == "ok", answer.error_detail
    if case["contains"] is not None:
        cells = {str(v) for row in answer.rows for v in row}
        assert case["contains"] in cells


def test_a_giant_sqlite_value_fails_fast_instead_of_filling_memory(tmp_path: Path) -> None:
    """One zeroblob() call builds its value before any time limit can interrupt it."""
    pipeline = _pipeline(tmp_path, "SELECT zeroblob(100000000) FROM Genre", timeout=2)
    url = "sqlite:///" + str(Path(__file__).resolve().parents[2].parent / "shared" / "data")
    connection = Connection("chinook", url + "/chinook/Chinook_Sqlite.sqlite")

    started = time.monotonic()
    answer = pipeline.ask(Request("a huge value"), connection)

    assert time.monotonic() - started < 2
    assert answer.status == "error" and "too big" in (answer.error or "")
