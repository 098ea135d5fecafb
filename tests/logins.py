"""Throwaway database logins for tests of what a login may or may not do.

``mysql_login(database)`` creates a MariaDB/MySQL user ``sqlbot_test_<random>`` with
a distinctive password and SELECT on ``database``, yields (user, password, url), and
drops the user afterwards. PostgreSQL here trusts every local login, so a wrong
password can only be tested on MariaDB.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests import dbs


@contextmanager
def mysql_login(database: str) -> Iterator[tuple[str, str, str]]:
    """A user that may only read ``database``; yields (user, password, its URL)."""
    dbs.require_service("mysql")
    user = f"sqlbot_test_{uuid.uuid4().hex[:8]}"
    password = f"Pw-{uuid.uuid4().hex[:10]}-Zq"
    dbs._admin_execute("mysql", f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
    try:
        dbs._admin_execute("mysql", f"GRANT SELECT, SHOW VIEW ON {database}.* TO '{user}'@'%'")
        url = dbs.admin_url("mysql").set(username=user, password=password, database=database)
        yield user, password, dbs.url_text(url)
    finally:
        dbs._admin_execute("mysql", f"DROP USER IF EXISTS '{user}'@'%'")


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
