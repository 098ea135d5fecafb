"""Real databases for tests: Chinook on SQLite, PostgreSQL and MariaDB/MySQL.

Fixtures (defined in ``tests/conftest.py``):

``engine_name``
    Parametrized over ``"sqlite"``, ``"postgresql"``, ``"mysql"`` (ids the same).
``chinook_url``
    A SQLAlchemy URL string of Chinook on the engine named by ``engine_name``; a test
    that takes it runs three times: ``test_x[sqlite]``, ``test_x[postgresql]``,
    ``test_x[mysql]``. The SQLite one is the shared file, read-only on disk; take
    ``chinook_sqlite_copy`` instead when a test must be able to write.
``chinook_sqlite_copy``
    URL of a private, writable copy of the SQLite Chinook file in ``tmp_path``.
``postgres_admin_url``, ``mysql_admin_url``
    URLs of the servers themselves (superuser / root), for creating and dropping things.
``scratch_url``
    An empty scratch database on ``engine_name`` (runs three times), dropped afterwards.

A server that cannot be reached makes the test skip with the reason; with
``SQLBOT_REQUIRE_SERVICES=1`` the skip becomes a failure.

Helpers for direct use:

``chinook_url_for(kind)``
    The Chinook URL for one engine, loading it first if needed.
``require_service(kind)`` / ``service_problem(kind)``
    Skip (or fail) when a server is down / the reason it is down, or None.
``admin_url(kind)``, ``url_text(url)``, ``database_url(kind, name)``
    Server URLs; ``url_text`` keeps the password that SQLAlchemy hides when printing.
``fresh_database(kind)``
    Context manager: a scratch database ``sqlbot_test_<random>`` (a temp file on
    SQLite), dropped on exit; yields its URL.
``new_login(kind)`` and ``grant(login, database, owner=...)``
    Context manager: a new login (no server-wide powers) with a distinctive password,
    dropped on exit; yields a ``Login``. Open it before any database you grant it on.
``writable_chinook(kind)``
    Context manager: a private Chinook that the yielded URL's login owns, so it may
    change anything in it (the worst case for a read-only layer). Dropped on exit.
``load_chinook(url, kind)``, ``sqlite_chinook_copy(folder)``
    Fill an empty database with Chinook; copy the SQLite file somewhere writable.
``checksum(url)``
    ``{table: (row_count, md5 of every row, sorted)}``: compare before and after.
``schema_names(url)``
    Every table, view, index, trigger, sequence and routine: DDL shows up here.
``admin_execute(kind, sql)``, ``create_database``, ``drop_database``, ``machine_lock``
    Admin chores and the cross-process lock used while loading.

Chinook is loaded into ``sqlbot_test_chinook`` once per machine: a run that finds it
there with the right row counts reuses it, and a file lock in /tmp stops parallel
runs from loading it twice. Table names differ by dialect (``Track`` on SQLite and
MySQL, ``track`` on PostgreSQL); unquoted ``Track`` works everywhere.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from core.secrets import redact

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHINOOK_DIR = SHARED / "data" / "chinook"
CHINOOK_SQLITE = CHINOOK_DIR / "Chinook_Sqlite.sqlite"
CHINOOK_DB = "sqlbot_test_chinook"
KINDS = ("sqlite", "postgresql", "mysql")

_SCRIPTS = {"postgresql": "Chinook_PostgreSql.sql", "mysql": "Chinook_MySql.sql"}
_DEFAULT_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
}
_ENV_URLS = {"postgresql": "SQLBOT_TEST_POSTGRES_URL", "mysql": "SQLBOT_TEST_MYSQL_URL"}
# The scripts create and enter their own database; we load into ours instead.
_FOREIGN_DB_LINE = re.compile(r"(?im)^\s*(drop\s+database|create\s+database|use\s|\\c\s).*$")
_STATEMENT_END = re.compile(r";[ \t]*$", re.MULTILINE)
# Send SQL as written: with an empty parameter list some drivers would read % as a marker.
_NO_PARAMETERS = {"no_parameters": True}


def admin_url(kind: str) -> URL:
    """The server URL for ``kind`` from the environment, or the local default."""
    url = make_url(os.environ.get(_ENV_URLS[kind]) or _DEFAULT_URLS[kind])
    if kind == "mysql" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def url_text(url: URL) -> str:
    """A URL as a string that still holds its password (SQLAlchemy hides it by default)."""
    return url.render_as_string(hide_password=False)


def database_url(kind: str, database: str) -> str:
    """The URL of ``database`` on the server for ``kind``."""
    return url_text(admin_url(kind).set(database=database))


def require_service(kind: str) -> None:
    """Skip (or fail under SQLBOT_REQUIRE_SERVICES=1) when the server for ``kind`` is down."""
    if kind == "sqlite":
        return
    problem = service_problem(kind)
    if problem is None:
        return
    if os.environ.get("SQLBOT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{problem} (SQLBOT_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(problem)


@cache
def service_problem(kind: str) -> str | None:
    url = admin_url(kind)
    engine = _plain_engine(url_text(url))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError as exc:
        where = f"{url.host}:{url.port}"
        reason = " ".join(redact(str(exc.orig or exc)).split())
        return f"{kind} at {where} is unreachable: {reason}"
    finally:
        engine.dispose()
    return None


def _plain_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for fixtures; deliberately not core.execute's, which is under test."""
    connect_args = {"connect_timeout": 5} if not url.startswith("sqlite") else {}
    return sa.create_engine(url, poolclass=sa.NullPool, connect_args=connect_args, **kwargs)


@contextmanager
def machine_lock(name: str) -> Iterator[None]:
    with open(f"/tmp/{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def chinook_url_for(kind: str) -> str:
    """The URL of Chinook on ``kind``, loading it once per machine if it is not intact."""
    if kind == "sqlite":
        return f"sqlite:///{CHINOOK_SQLITE}"
    require_service(kind)
    return _loaded_chinook(kind)


@cache
def _loaded_chinook(kind: str) -> str:
    url = database_url(kind, CHINOOK_DB)
    with machine_lock(f"{CHINOOK_DB}_{kind}"):
        if not _is_intact_chinook(url, kind, CHINOOK_DB):
            drop_database(kind, CHINOOK_DB)
            create_database(kind, CHINOOK_DB)
            load_chinook(url, kind)
    return url


def _is_intact_chinook(url: str, kind: str, name: str) -> bool:
    if not database_exists(kind, name):
        return False
    try:
        counts = {_norm(table): rows for table, (rows, _) in _row_counts(url).items()}
    except sa.exc.SQLAlchemyError:
        return False
    return counts == expected_row_counts()


@cache
def expected_row_counts() -> dict[str, int]:
    """Rows per table of Chinook v1.4.5, keyed by lower-case name without underscores."""
    with sqlite3.connect(f"file:{CHINOOK_SQLITE}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {_norm(n): conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _norm(table: str) -> str:
    return table.replace("_", "").lower()


def database_exists(kind: str, name: str) -> bool:
    sql = {
        "postgresql": "SELECT 1 FROM pg_database WHERE datname = :n",
        "mysql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :n",
    }[kind]
    engine = _plain_engine(url_text(admin_url(kind)))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), {"n": name}).first() is not None
    finally:
        engine.dispose()


def admin_execute(kind: str, sql: str) -> None:
    """Run one statement on the server for ``kind`` as its admin, outside a transaction."""
    engine = _plain_engine(url_text(admin_url(kind)), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql, execution_options=_NO_PARAMETERS)
    finally:
        engine.dispose()


_admin_execute = admin_execute  # the older name, still used by other test helpers


def create_database(kind: str, name: str) -> None:
    suffix = " CHARACTER SET utf8mb4" if kind == "mysql" else ""
    admin_execute(kind, f"CREATE DATABASE {name}{suffix}")


def drop_database(kind: str, name: str) -> None:
    force = " WITH (FORCE)" if kind == "postgresql" else ""
    admin_execute(kind, f"DROP DATABASE IF EXISTS {name}{force}")


def chinook_statements(kind: str) -> list[str]:
    """The statements of the Chinook script for ``kind``, minus its own database handling."""
    text = (CHINOOK_DIR / _SCRIPTS[kind]).read_text(encoding="utf-8")
    text = _FOREIGN_DB_LINE.sub("", text)
    parts = (part.strip() for part in _STATEMENT_END.split(text))
    return [part for part in parts if _has_code(part)]


def _has_code(statement: str) -> bool:
    without_comments = re.sub(r"/\*.*?\*/", "", statement, flags=re.S)
    return bool(without_comments.strip())


def load_chinook(url: str, kind: str) -> None:
    """Create and fill the Chinook tables in the empty database at ``url``, in one go."""
    engine = _plain_engine(url)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement in chinook_statements(kind):
                cursor.execute(statement)
            raw.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()


@contextmanager
def fresh_database(kind: str, tmp_dir: Path | None = None) -> Iterator[str]:
    """A scratch database ``sqlbot_test_<random>`` that is dropped on exit; yields its URL."""
    name = f"sqlbot_test_{uuid.uuid4().hex[:12]}"
    if kind == "sqlite":
        yield from _fresh_sqlite(name, tmp_dir)
        return
    require_service(kind)
    create_database(kind, name)
    try:
        yield database_url(kind, name)
    finally:
        drop_database(kind, name)


@dataclass(frozen=True)
class Login:
    """A throwaway database login; ``url(database)`` connects with it."""

    kind: str
    user: str
    password: str

    def url(self, database: str) -> str:
        url = admin_url(self.kind).set(username=self.user, password=self.password)
        return url_text(url.set(database=database))


@contextmanager
def new_login(kind: str) -> Iterator[Login]:
    """A login ``sqlbot_test_<random>`` with no privileges yet; dropped on exit."""
    require_service(kind)
    token = uuid.uuid4().hex[:12]
    login = Login(kind, f"sqlbot_test_{token}", f"pw-{token}-Zq7")
    if kind == "postgresql":
        admin_execute(kind, f"CREATE ROLE {login.user} LOGIN PASSWORD '{login.password}'")
    else:
        admin_execute(kind, f"CREATE USER '{login.user}'@'%' IDENTIFIED BY '{login.password}'")
    try:
        yield login
    finally:
        drop = (
            f"DROP ROLE {login.user}" if kind == "postgresql" else f"DROP USER '{login.user}'@'%'"
        )
        admin_execute(kind, drop)


def grant(login: Login, database: str, *, owner: bool) -> None:
    """Make ``login`` the owner of ``database``, or let it only read that database's tables."""
    if login.kind == "mysql":
        what = "ALL PRIVILEGES" if owner else "SELECT"
        admin_execute("mysql", f"GRANT {what} ON `{database}`.* TO '{login.user}'@'%'")
    elif owner:
        admin_execute("postgresql", f"ALTER DATABASE {database} OWNER TO {login.user}")
    else:
        _pg_grant_read(login.user, database)


def _pg_grant_read(user: str, database: str) -> None:
    engine = _plain_engine(database_url("postgresql", database))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {user}")
            conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}")
    finally:
        engine.dispose()


@contextmanager
def writable_chinook(kind: str, tmp_dir: Path | None = None) -> Iterator[str]:
    """A private Chinook whose login may change anything in it; yields that login's URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(dir=tmp_dir) as folder:
            yield sqlite_chinook_copy(Path(folder))
        return
    with new_login(kind) as login, fresh_database(kind) as scratch:
        database = str(make_url(scratch).database)
        grant(login, database, owner=True)
        url = login.url(database)
        load_chinook(url, kind)
        yield url


def schema_names(url: str) -> list[str]:
    """Every table, view, index, trigger, sequence and routine at ``url``: DDL shows here."""
    engine = _plain_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                _CATALOG[engine.dialect.name], execution_options=_NO_PARAMETERS
            )
            return sorted(f"{kind} {name}" for kind, name in rows)
    finally:
        engine.dispose()


_CATALOG = {
    "sqlite": "SELECT type, name FROM sqlite_master",
    "postgresql": """
        SELECT c.relkind::text, n.nspname || '.' || c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        UNION ALL
        SELECT 'routine', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')""",
    "mysql": """
        SELECT table_type, table_name FROM information_schema.tables
        WHERE table_schema = DATABASE()
        UNION ALL
        SELECT 'index', CONCAT(table_name, '.', index_name) FROM information_schema.statistics
        WHERE table_schema = DATABASE()
        UNION ALL
        SELECT routine_type, routine_name FROM information_schema.routines
        WHERE routine_schema = DATABASE()
        UNION ALL
        SELECT 'trigger', trigger_name FROM information_schema.triggers
        WHERE trigger_schema = DATABASE()""",
}


def _fresh_sqlite(name: str, tmp_dir: Path | None) -> Iterator[str]:
    with tempfile.TemporaryDirectory(dir=tmp_dir) as folder:
        yield f"sqlite:///{Path(folder) / name}.sqlite"


def sqlite_chinook_copy(folder: Path) -> str:
    """Copy the SQLite Chinook file into ``folder`` (writable) and return its URL."""
    target = folder / "chinook_copy.sqlite"
    shutil.copyfile(CHINOOK_SQLITE, target)
    target.chmod(0o644)
    return f"sqlite:///{target}"


def checksum(url: str) -> dict[str, tuple[int, str]]:
    """``{table: (row_count, md5 of all rows sorted)}`` for every table at ``url``."""
    return _row_counts(url, digest=True)


def _row_counts(url: str, digest: bool = False) -> dict[str, tuple[int, str]]:
    engine = _plain_engine(url)
    try:
        with engine.connect() as conn:
            quote = engine.dialect.identifier_preparer.quote
            tables = sa.inspect(conn).get_table_names()
            return {t: _table_sum(conn, quote(t), digest) for t in sorted(tables)}
    finally:
        engine.dispose()


def _table_sum(conn: sa.Connection, table: str, digest: bool) -> tuple[int, str]:
    if not digest:
        return conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one(), ""
    rows = sorted(repr(tuple(row)) for row in conn.exec_driver_sql(f"SELECT * FROM {table}"))
    md5 = hashlib.md5("\n".join(rows).encode("utf-8")).hexdigest()
    return len(rows), md5
