"""core.execute on real SQLite, PostgreSQL and MariaDB: row caps, time limits, failures."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from core.errors import ConfigError, ConnectionFailed, QueryFailed, QueryTimedOut, SqlbotError
from core.execute import can_write, dialect_of, make_engine, probe, run_query
from tests import dbs

SERVERS = ["postgresql", "mysql"]


@pytest.fixture
def engine(chinook_url: str) -> Iterator[Engine]:
    engine = make_engine(chinook_url)
    yield engine
    engine.dispose()


def _track_count(engine: Engine) -> int:
    result = run_query(engine, "SELECT COUNT(*) FROM Track", row_limit=5, timeout=5)
    return int(result.rows[0][0])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://u@h/db", "postgresql"),
        ("postgresql://u@h/db", "postgresql"),
        ("mysql+pymysql://u@h/db", "mysql"),
        ("mariadb+pymysql://u@h/db", "mysql"),
        ("sqlite:///some/file.db", "sqlite"),
        ("sqlite://", "sqlite"),
    ],
)
def test_dialect_of_names_the_three_engines(url: str, expected: str) -> None:
    assert dialect_of(url) == expected
    assert dialect_of(make_url(url)) == expected


def test_dialect_of_an_engine_matches_its_url(chinook_url: str, engine_name: str) -> None:
    engine = make_engine(chinook_url)
    try:
        assert dialect_of(engine) == engine_name
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["mssql+pyodbc://u@h/db", "not a url"])
def test_dialect_of_refuses_what_it_cannot_run(url: str) -> None:
    with pytest.raises(ConfigError):
        dialect_of(url)


def test_row_limit_caps_rows_and_says_more_exist(engine: Engine) -> None:
    result = run_query(engine, "SELECT * FROM Track", row_limit=10, timeout=5)

    assert len(result.rows) == 10
    assert result.truncated is True
    assert result.columns[:2] in (["TrackId", "Name"], ["track_id", "name"])
    assert _track_count(engine) == 3503


@pytest.mark.parametrize(("limit", "truncated"), [(25, False), (26, False), (24, True)])
def test_row_limit_at_exactly_the_row_count_is_not_truncated(
    engine: Engine, limit: int, truncated: bool
) -> None:
    result = run_query(engine, "SELECT * FROM Genre", row_limit=limit, timeout=5)

    assert len(result.rows) == min(limit, 25)
    assert result.truncated is truncated


def test_huge_result_is_streamed_not_fetched(engine: Engine, engine_name: str) -> None:
    # 12 million rows: only a stream that stops after row_limit + 1 answers this quickly.
    marker = f"huge-{uuid.uuid4().hex}"
    sql = f"SELECT a.Name, b.Name /* {marker} */ FROM Track a, Track b"
    started = time.perf_counter()
    result = run_query(engine, sql, row_limit=5, timeout=20)

    assert time.perf_counter() - started < 2
    assert (len(result.rows), result.truncated) == (5, True)
    assert _eventually_stopped(engine_name, marker)
    assert _track_count(engine) == 3503
    assert engine.pool.checkedout() == 0


def test_result_has_columns_rows_and_time(engine: Engine) -> None:
    result = run_query(engine, "SELECT 1 AS one, 'x' AS two", row_limit=5, timeout=5)

    assert result.columns == ["one", "two"]
    assert result.rows == [(1, "x")]
    assert result.truncated is False
    assert 0 <= result.ms < 5000


BLOB_SQL = {
    "sqlite": "SELECT X'00FF' AS b",
    "postgresql": "SELECT '\\x00ff'::bytea AS b",
    "mysql": "SELECT X'00FF' AS b",
}


def test_binary_values_come_back_as_bytes(engine: Engine, engine_name: str) -> None:
    result = run_query(engine, BLOB_SQL[engine_name], row_limit=5, timeout=5)

    assert result.rows == [(b"\x00\xff",)]
    assert type(result.rows[0][0]) is bytes


def test_percent_signs_reach_the_database_untouched(engine: Engine) -> None:
    sql = "SELECT COUNT(*) FROM Track WHERE Name LIKE '%Rock%'"

    assert run_query(engine, sql, row_limit=5, timeout=5).rows[0][0] > 0


def test_database_errors_become_query_failed_with_the_databases_words(engine: Engine) -> None:
    with pytest.raises(QueryFailed) as caught:
        run_query(engine, "SELECT no_such_column FROM Track", row_limit=5, timeout=5)

    assert "no_such_column" in caught.value.reason
    assert "\n" not in caught.value.reason
    assert _track_count(engine) == 3503


# FR-13: each would run for a minute or far longer; the marker finds it on the server.
SLOW_SQL = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 10000000000) SELECT COUNT(*) /* {marker} */ FROM n",
    "postgresql": "SELECT pg_sleep(60) /* {marker} */",
    "mysql": "SELECT COUNT(*) /* {marker} */ FROM Track a, Track b, Track c",
}


def test_slow_query_is_cancelled_at_the_time_limit(engine: Engine, engine_name: str) -> None:
    marker = f"fr13-{uuid.uuid4().hex}"
    started = time.perf_counter()

    with pytest.raises(QueryTimedOut) as caught:
        run_query(engine, SLOW_SQL[engine_name].format(marker=marker), row_limit=5, timeout=2)

    assert 1.5 < time.perf_counter() - started < 5
    assert caught.value.seconds == 2
    assert caught.value.reason == "the query was cancelled after 2 s"
    assert not _still_running(engine_name, marker)
    assert _track_count(engine) == 3503


def _eventually_stopped(kind: str, marker: str, seconds: float = 3) -> bool:
    deadline = time.monotonic() + seconds
    while _still_running(kind, marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _still_running(kind: str, marker: str) -> bool:
    """Does the server still run a statement containing ``marker`` (other than this check)?"""
    if kind == "sqlite":
        return False  # In-process: the call has returned, so the statement has stopped.
    sql = {
        "postgresql": "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' "
        "AND pid <> pg_backend_pid() AND query LIKE :pattern",
        "mysql": "SELECT COUNT(*) FROM information_schema.processlist "
        "WHERE id <> CONNECTION_ID() AND info LIKE :pattern",
    }[kind]
    admin = sa.create_engine(dbs.url_text(dbs.admin_url(kind)), poolclass=sa.NullPool)
    try:
        with admin.connect() as conn:
            return bool(conn.execute(sa.text(sql), {"pattern": f"%{marker}%"}).scalar())
    finally:
        admin.dispose()


def test_mariadb_functions_that_swallow_the_interrupt_still_time_out(
    mysql_admin_url: str,
) -> None:
    # MariaDB's SLEEP() answers 1 and BENCHMARK() 0 when max_statement_time stops them.
    engine = make_engine(dbs.chinook_url_for("mysql"))
    try:
        with pytest.raises(QueryTimedOut):
            run_query(engine, "SELECT BENCHMARK(1000000000, MD5('x'))", row_limit=5, timeout=1)
    finally:
        engine.dispose()


def test_connections_go_back_to_the_pool_after_errors_and_timeouts(
    engine: Engine, engine_name: str
) -> None:
    slow = SLOW_SQL[engine_name].format(marker="pool")
    for sql in ["SELECT nope FROM Track", slow, "SELECT * FROM Track"] * 3:
        with suppress(SqlbotError):
            run_query(engine, sql, row_limit=1, timeout=0.5)
        assert engine.pool.checkedout() == 0

    assert _track_count(engine) == 3503


def test_probe_accepts_a_working_database(engine: Engine) -> None:
    probe(engine)


def _with(kind: str, **parts: object) -> str:
    return dbs.url_text(dbs.admin_url(kind).set(**parts))


PASSWORD = "Pw-Zebra-7731-distinct"


def _assert_no_password(exc: BaseException, password: str = PASSWORD) -> None:
    assert isinstance(exc, SqlbotError)
    for text in (str(exc), repr(exc), exc.reason, exc.detail):
        assert password not in text
    # Raised "from None": no chained driver error carries the URL into a traceback.
    assert exc.__cause__ is None and exc.__suppress_context__


def _connection_failure(url: str) -> tuple[ConnectionFailed, float]:
    engine = make_engine(url, connect_timeout=3)
    started = time.perf_counter()
    try:
        with pytest.raises(ConnectionFailed) as caught:
            probe(engine)
        with pytest.raises(ConnectionFailed):
            run_query(engine, "SELECT 1", row_limit=1, timeout=5)
        return caught.value, time.perf_counter() - started
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", SERVERS)
def test_unreachable_server_says_so(kind: str) -> None:
    url = _with(kind, host="127.0.0.1", port=1, password=PASSWORD)

    error, seconds = _connection_failure(url)

    assert error.reason == "I could not reach the database server at 127.0.0.1:1"
    assert seconds < 5
    _assert_no_password(error)


@pytest.mark.parametrize("kind", SERVERS)
def test_refused_login_names_the_user(kind: str) -> None:
    dbs.require_service(kind)
    # The local PostgreSQL trusts 127.0.0.1, so only an unknown role is refused there.
    user = "sqlbot_test_nobody" if kind == "postgresql" else dbs.admin_url(kind).username

    error, seconds = _connection_failure(_with(kind, username=user, password=PASSWORD))

    assert error.reason == f"the database refused the login for user {user}"
    assert seconds < 5
    _assert_no_password(error)


@pytest.mark.parametrize("kind", SERVERS)
def test_missing_database_is_named(kind: str) -> None:
    dbs.require_service(kind)
    missing = f"sqlbot_test_missing_{uuid.uuid4().hex[:8]}"

    error, seconds = _connection_failure(_with(kind, database=missing))

    assert error.reason == f"the database {missing} does not exist"
    assert seconds < 5
    _assert_no_password(error, dbs.admin_url(kind).password or PASSWORD)


def test_missing_sqlite_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"

    error, _ = _connection_failure(f"sqlite:///{path}")

    assert error.reason == f"the database {path} does not exist"
    assert not path.exists()


def test_sqlite_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("hello, this is not a database\n" * 100)
    engine = make_engine(f"sqlite:///{path}")

    with pytest.raises(ConnectionFailed) as caught:
        probe(engine)

    assert caught.value.reason == f"the file {path} is not a SQLite database"
    engine.dispose()


@pytest.mark.parametrize("kind", SERVERS)
def test_password_in_the_url_never_reaches_an_error(kind: str, tmp_path: Path) -> None:
    with dbs.writable_chinook(kind, tmp_path) as url:
        password = str(make_url(url).password)
        engine = make_engine(url)
        try:
            errors = _errors_from(engine, password)
        finally:
            engine.dispose()
        missing = make_url(url).set(database="sqlbot_test_missing")
        errors.append(_connection_failure(dbs.url_text(missing))[0])

    assert {type(e) for e in errors} == {QueryFailed, QueryTimedOut, ConnectionFailed}
    for error in errors:
        _assert_no_password(error, password)


def _errors_from(engine: Engine, password: str) -> list[BaseException]:
    slow = SLOW_SQL[dialect_of(engine)].format(marker="pw")
    statements = [
        f"SELECT no_such_{password.replace('-', '_')} FROM Track",
        f"SELECT '{password}' FROM no_such_table",
        "DELETE FROM Track",
        slow,
    ]
    errors: list[BaseException] = []
    for sql in statements:
        with pytest.raises(SqlbotError) as caught:
            run_query(engine, sql, row_limit=5, timeout=1)
        errors.append(caught.value)
    return errors


@pytest.mark.parametrize("kind", SERVERS)
def test_can_write_tells_an_owner_from_a_reader(kind: str, tmp_path: Path) -> None:
    with dbs.new_login(kind) as reader, dbs.writable_chinook(kind, tmp_path) as owner_url:
        database = str(make_url(owner_url).database)
        dbs.grant(reader, database, owner=False)
        owner, read_only = make_engine(owner_url), make_engine(reader.url(database))
        try:
            assert can_write(owner) is True
            assert can_write(read_only) is False
            assert _track_count(read_only) == 3503
        finally:
            owner.dispose()
            read_only.dispose()


@pytest.mark.parametrize("kind", SERVERS)
def test_can_write_sees_a_server_admin(kind: str) -> None:
    dbs.require_service(kind)
    engine = make_engine(dbs.url_text(dbs.admin_url(kind)))
    try:
        assert can_write(engine) is True
    finally:
        engine.dispose()


def test_sqlite_is_opened_read_only_even_when_the_file_is_writable(
    chinook_sqlite_copy: str,
) -> None:
    before = dbs.checksum(chinook_sqlite_copy)
    engine = make_engine(chinook_sqlite_copy)
    try:
        with pytest.raises(QueryFailed, match="readonly"):
            run_query(engine, "DELETE FROM Track", row_limit=1, timeout=5)
        # Turning query_only off lasts one call at most: each query turns it back on.
        run_query(engine, "PRAGMA query_only = OFF", row_limit=1, timeout=5)
        with pytest.raises(QueryFailed):
            run_query(engine, "DELETE FROM Track", row_limit=1, timeout=5)
    finally:
        engine.dispose()

    assert dbs.checksum(chinook_sqlite_copy) == before
