"""Run one statement read-only, under a time limit, fetching a bounded number of rows.

This is the second layer of safety (the guard is the first): whatever the SQL says,
it runs in a read-only transaction that is always rolled back, as a single statement,
with a statement timeout the server enforces, and at most ``row_limit + 1`` rows cross
the wire. Values come back as the driver gives them.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import PoolProxiedConnection, QueuePool

from core.errors import ConfigError, ConnectionFailed, QueryFailed, QueryTimedOut
from core.model import Result
from core.secrets import redact

logger = logging.getLogger(__name__)

POOL_TIMEOUT = 5.0
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
_MYSQL_MULTI_STATEMENTS = 1 << 16
# MariaDB max_statement_time, MySQL max_execution_time, KILL QUERY.
_MYSQL_TIMEOUT_CODES = {1969, 3024, 1317}
_PG_TIMEOUT_STATE = "57014"
_DRAIN_ROWS = 1000


def dialect_of(url_or_engine: str | URL | Engine) -> str:
    """``"sqlite"``, ``"postgresql"`` or ``"mysql"`` (MariaDB counts as MySQL).

    >>> dialect_of("mariadb+pymysql://u@h/db")
    'mysql'
    """
    if isinstance(url_or_engine, Engine):
        name = url_or_engine.dialect.name
    else:
        name = _parse_url(url_or_engine).get_backend_name()
    if name in ("mysql", "mariadb"):
        return "mysql"
    if name in ("postgresql", "sqlite"):
        return name
    raise ConfigError(f"sqlbot works with PostgreSQL, MySQL/MariaDB and SQLite, not {name}.")


def _parse_url(url: str | URL) -> URL:
    try:
        return make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError("That does not look like a database URL.") from None


def make_engine(url: str, *, connect_timeout: float = 5.0, pool_size: int = 5) -> Engine:
    """A pooled engine that connects within ``connect_timeout`` and opens SQLite read-only."""
    parsed = _parse_url(url)
    kind = dialect_of(parsed)
    pool = {
        "pool_size": pool_size,
        "max_overflow": 0,
        "pool_timeout": POOL_TIMEOUT,
        "pool_pre_ping": True,
    }
    if kind == "sqlite":
        return _sqlite_engine(parsed, connect_timeout, pool)
    if kind == "postgresql":
        return _postgres_engine(parsed, connect_timeout, pool)
    return _mysql_engine(parsed, connect_timeout, pool)


def _postgres_engine(url: URL, connect_timeout: float, pool: dict[str, Any]) -> Engine:
    # libpq takes whole seconds and treats anything under 2 as 2.
    args = {"connect_timeout": max(2, math.ceil(connect_timeout)), "application_name": "sqlbot"}
    engine = sa.create_engine(url, connect_args=args, pool_recycle=1800, **pool)
    event.listen(engine, "connect", _psycopg_read_only)
    return engine


def _psycopg_read_only(dbapi_connection: Any, _record: Any) -> None:
    # Every transaction psycopg opens on this connection starts as BEGIN READ ONLY.
    dbapi_connection.read_only = True


def _mysql_engine(url: URL, connect_timeout: float, pool: dict[str, Any]) -> Engine:
    query = dict(url.query)
    query.setdefault("charset", "utf8mb4")
    if "client_flag" in query:
        # Several statements in one call could COMMIT and then write.
        query["client_flag"] = str(int(str(query["client_flag"])) & ~_MYSQL_MULTI_STATEMENTS)
    url = url.set(query=query)
    args = {"connect_timeout": connect_timeout}
    return sa.create_engine(url, connect_args=args, pool_recycle=1800, **pool)


MAX_SQLITE_VALUE = 10_000_000


def _sqlite_engine(url: URL, connect_timeout: float, pool: dict[str, Any]) -> Engine:
    path = _sqlite_path(url)

    def creator() -> sqlite3.Connection:
        return _open_sqlite(path, connect_timeout)

    return sa.create_engine(url, creator=creator, poolclass=QueuePool, **pool)


def _sqlite_path(url: URL) -> str | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = url.database or ""
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    if database in ("", ":memory:"):
        return None
    return os.path.abspath(database)


def _open_sqlite(path: str | None, busy_timeout: float) -> sqlite3.Connection:
    target = f"file:{quote(path)}?mode=ro" if path else ":memory:"
    conn = sqlite3.connect(target, uri=True, timeout=busy_timeout, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    # No ATTACH: a statement should see this one file and nothing else.
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    # One function call (zeroblob, randomblob, printf) can build a value of gigabytes
    # before the progress handler gets a say; no answer needs a cell this large.
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SQLITE_VALUE)
    return conn


def run_query(engine: Engine, sql: str, *, row_limit: int, timeout: float) -> Result:
    """Run ``sql`` read-only within ``timeout`` seconds and fetch at most ``row_limit`` rows."""
    kind = dialect_of(engine)
    raw = _checkout(engine)
    started = time.perf_counter()
    cursor: Any = None
    healthy = False
    try:
        cursor = _open_cursor(engine, raw.driver_connection, kind, timeout)
        cursor.execute(sql)
        columns, rows = _fetch(cursor, row_limit)
        # A MySQL stream left half-read makes the server send all the rest before anything else.
        healthy = kind != "mysql" or len(rows) <= row_limit or _drained(cursor)
    except Exception as exc:
        healthy = not _is_disconnect(engine, raw, exc)
        raise _query_error(engine, exc, timeout, time.perf_counter() - started) from None
    finally:
        _release(raw, cursor, healthy)
    ms = (time.perf_counter() - started) * 1000
    logger.debug("%s query: %d rows in %.1f ms: %s", kind, len(rows), ms, sql)
    if ms >= timeout * 1000:
        # MariaDB's SLEEP() and BENCHMARK() answer 1 or 0 when interrupted, not an error.
        raise QueryTimedOut(timeout, f"the server answered only at the time limit ({ms:.0f} ms)")
    return Result(columns, rows[:row_limit], len(rows) > row_limit, ms)


def _checkout(engine: Engine) -> PoolProxiedConnection:
    # A first connection's failure arrives as the driver's own error, later ones wrapped.
    failures = (sa.exc.DBAPIError, sa.exc.TimeoutError, engine.dialect.loaded_dbapi.Error)
    try:
        return engine.raw_connection()
    except failures as exc:
        raise connection_failed(engine, exc) from None


def _open_cursor(engine: Engine, driver: Any, kind: str, timeout: float) -> Any:
    if kind == "postgresql":
        return _postgres_cursor(driver, timeout)
    if kind == "mysql":
        return _mysql_cursor(driver, timeout, bool(getattr(engine.dialect, "is_mariadb", 0)))
    return _sqlite_cursor(driver, timeout)


def _fetch(cursor: Any, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    if cursor.description is None:
        return [], []
    columns = [str(column[0]) for column in cursor.description]
    rows = [_plain_row(row) for row in cursor.fetchmany(limit + 1)]
    return columns, rows


def _drained(cursor: Any) -> bool:
    """Read a little of an unbuffered MySQL result: True if it ended (often just a LIMIT)."""
    try:
        return len(cursor.fetchmany(_DRAIN_ROWS)) < _DRAIN_ROWS
    except Exception:
        return False


def _plain_row(row: Any) -> tuple[Any, ...]:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def _postgres_cursor(driver: Any, timeout: float) -> Any:
    # Idle first, so that the next statement opens a fresh BEGIN READ ONLY.
    driver.rollback()
    driver.read_only = True
    with driver.cursor() as setup:
        setup.execute(f"SET LOCAL statement_timeout = {_ms(timeout)}")
    # A server-side cursor declares exactly one SELECT and streams it.
    return driver.cursor(name="sqlbot_query")


def _mysql_cursor(driver: Any, timeout: float, mariadb: bool) -> Any:
    import pymysql.cursors  # here, so that a PostgreSQL-only install needs no PyMySQL

    if mariadb:
        limit = f"SET SESSION max_statement_time = {timeout:.3f}"
    else:
        limit = f"SET SESSION max_execution_time = {_ms(timeout)}"
    with driver.cursor() as setup:
        # Also for the implicit transaction that a DDL statement's commit would start.
        setup.execute("SET SESSION TRANSACTION READ ONLY")
        setup.execute(limit)
        setup.execute("START TRANSACTION READ ONLY")
    return driver.cursor(pymysql.cursors.SSCursor)


def _sqlite_cursor(driver: Any, timeout: float) -> Any:
    driver.execute("PRAGMA query_only = ON")
    driver.set_progress_handler(_deadline_handler(time.monotonic() + timeout), 1000)
    return driver.cursor()


def _deadline_handler(deadline: float) -> Callable[[], int]:
    def handler() -> int:
        return 1 if time.monotonic() > deadline else 0

    return handler


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _release(raw: PoolProxiedConnection, cursor: Any, healthy: bool) -> None:
    """Roll back and return the connection, or throw it away when its state is unknown."""
    if not healthy:
        # Closing the socket is the quick way to stop a MySQL stream; the pool reconnects.
        _forget_stream(cursor)
        raw.invalidate()
        raw.close()
        return
    driver: Any = raw.driver_connection
    try:
        if cursor is not None:
            cursor.close()
        driver.rollback()
        if isinstance(driver, sqlite3.Connection):
            driver.set_progress_handler(None, 0)
    except Exception:
        logger.debug("rollback failed; discarding the connection", exc_info=True)
        raw.invalidate()
    finally:
        raw.close()


def _forget_stream(cursor: Any) -> None:
    """Stop PyMySQL from reading the rest of a stream later from a socket we closed."""
    result = getattr(cursor, "_result", None)
    if type(cursor).__module__.startswith("pymysql") and result is not None:
        result.unbuffered_active = False


def _is_disconnect(engine: Engine, raw: PoolProxiedConnection, exc: Exception) -> bool:
    dbapi = engine.dialect.loaded_dbapi
    if not isinstance(exc, dbapi.Error):
        return True
    return bool(engine.dialect.is_disconnect(exc, raw.driver_connection, None))


def _query_error(engine: Engine, exc: Exception, timeout: float, elapsed: float) -> Exception:
    secret = [engine.url.password or ""]
    detail = redact(f"{type(exc).__name__}: {exc}", secret)
    if _is_timeout(exc) and elapsed >= timeout * 0.9:
        return QueryTimedOut(timeout, detail)
    return QueryFailed(redact(_plain_message(exc), secret), detail)


def _is_timeout(exc: Exception) -> bool:
    if getattr(exc, "sqlstate", None) == _PG_TIMEOUT_STATE:
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc) == "interrupted"
    return _mysql_code(exc) in _MYSQL_TIMEOUT_CODES


def _mysql_code(exc: BaseException) -> int | None:
    """PyMySQL's error number (its first argument), or None for any other error."""
    if type(exc).__module__.startswith("pymysql") and exc.args and isinstance(exc.args[0], int):
        return exc.args[0]
    return None


def _plain_message(exc: BaseException) -> str:
    """The database's own words, without codes, hints or a second line."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary:
        return str(primary)
    if type(exc).__module__.startswith("pymysql") and len(exc.args) >= 2:
        return str(exc.args[1])
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def probe(engine: Engine) -> None:
    """Connect and run a trivial query; raise ConnectionFailed saying what went wrong."""
    sql = "SELECT COUNT(*) FROM sqlite_master" if dialect_of(engine) == "sqlite" else "SELECT 1"
    raw = _checkout(engine)
    try:
        with closing(raw.cursor()) as cursor:
            cursor.execute(sql)
            cursor.fetchall()
    except Exception as exc:
        raw.invalidate()
        raise connection_failed(engine, exc) from None
    finally:
        raw.close()


def connection_failed(engine: Engine, exc: BaseException) -> ConnectionFailed:
    """A ConnectionFailed whose reason says whether the server, the login or the database failed."""
    url = engine.url
    cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) and exc.orig else exc
    detail = redact(f"{type(cause).__name__}: {cause}", [url.password or ""])
    return ConnectionFailed(_connection_reason(url, dialect_of(engine), cause), detail)


def _connection_reason(url: URL, kind: str, cause: BaseException) -> str:
    if isinstance(cause, sa.exc.TimeoutError):
        return "every connection to the database is busy; try again in a moment"
    if kind == "sqlite":
        return _sqlite_reason(url, cause)
    part = _failed_part(kind, cause)
    if part == "database":
        return f"the database {url.database} does not exist"
    if part == "login":
        return f"the database refused the login for user {url.username}"
    port = url.port or _DEFAULT_PORTS[kind]
    return f"I could not reach the database server at {url.host or 'localhost'}:{port}"


def _failed_part(kind: str, cause: BaseException) -> str:
    """``"database"``, ``"login"`` or ``"server"``: which step of connecting failed."""
    if kind == "mysql":
        parts = {1049: "database", 1045: "login", 1044: "login", 1698: "login"}
        return parts.get(_mysql_code(cause) or 0, "server")
    text = str(cause)
    if re.search(r'database ".*" does not exist', text):
        return "database"
    if re.search(r"authentication failed|role \".*\" does not exist|pg_hba|permission", text):
        return "login"
    return "server"


def _sqlite_reason(url: URL, cause: BaseException) -> str:
    path = _sqlite_path(url)
    if path and not os.path.exists(path):
        return f"the database {path} does not exist"
    if "not a database" in str(cause):
        return f"the file {path} is not a SQLite database"
    return f"I could not open the SQLite database {path}"


def can_write(engine: Engine) -> bool:
    """Best effort: could this login change data (so an admin should get a warning)?"""
    kind = dialect_of(engine)
    if kind == "sqlite":
        path = _sqlite_path(engine.url)
        return bool(path) and os.access(str(path), os.W_OK)
    raw = _checkout(engine)
    try:
        with closing(raw.cursor()) as cursor:
            return _postgres_can_write(cursor) if kind == "postgresql" else _mysql_can_write(cursor)
    except Exception as exc:
        logger.warning("could not read this login's privileges: %s", redact(str(exc)))
        return False
    finally:
        _release(raw, None, healthy=True)


_PG_WRITABLE = """
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
    OR EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
          AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
"""
_MYSQL_WRITES = {"ALL", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "INDEX"}


def _postgres_can_write(cursor: Any) -> bool:
    cursor.execute(_PG_WRITABLE)
    return bool(cursor.fetchone()[0])


def _mysql_can_write(cursor: Any) -> bool:
    cursor.execute("SHOW GRANTS")
    for (grant,) in cursor.fetchall():
        match = re.match(r"GRANT (.+?) ON ", str(grant))
        words = {w.strip().split(" ")[0] for w in match.group(1).split(",")} if match else set()
        if words & _MYSQL_WRITES:
            return True
    return False
