"""Fixtures shared by every test; the databases behind them are described in tests/dbs.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path, not the repository root that holds `core` and `bot`.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests import dbs  # noqa: E402


@pytest.fixture(params=dbs.KINDS, ids=list(dbs.KINDS))
def engine_name(request: pytest.FixtureRequest) -> str:
    """``"sqlite"``, ``"postgresql"`` or ``"mysql"``; the test runs once for each."""
    return str(request.param)


@pytest.fixture
def chinook_url(engine_name: str) -> str:
    """URL of Chinook on ``engine_name`` (skips when that server is unreachable)."""
    return dbs.chinook_url_for(engine_name)


@pytest.fixture
def chinook_sqlite_copy(tmp_path: Path) -> str:
    """URL of a private, writable copy of the SQLite Chinook file."""
    return dbs.sqlite_chinook_copy(tmp_path)


@pytest.fixture
def postgres_admin_url() -> str:
    """URL of the PostgreSQL server as its superuser (skips when unreachable)."""
    dbs.require_service("postgresql")
    return dbs.url_text(dbs.admin_url("postgresql"))


@pytest.fixture
def mysql_admin_url() -> str:
    """URL of the MariaDB/MySQL server as root (skips when unreachable)."""
    dbs.require_service("mysql")
    return dbs.url_text(dbs.admin_url("mysql"))


@pytest.fixture
def scratch_url(engine_name: str, tmp_path: Path) -> Iterator[str]:
    """URL of an empty scratch database on ``engine_name``, dropped after the test."""
    with dbs.fresh_database(engine_name, tmp_path) as url:
        yield url
