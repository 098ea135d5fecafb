"""The bot's own SQLite file: one connection per user of it, a lock, and migrations."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils


class Store:
    """Base for the tables sqlbot keeps (history, examples, registry): safe from many threads.

    The file is created readable by its owner only: it holds questions, answers and
    (encrypted) database logins.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db = sqlite_utils.Database(conn)
        self._lock = threading.Lock()
        self._path = path
        try:
            with self._locked() as db:
                db.execute("PRAGMA journal_mode=WAL")
                self._migrate(db)
        except Exception:
            conn.close()
            raise

    @contextmanager
    def _locked(self) -> Iterator[sqlite_utils.Database]:
        with self._lock:
            yield self._db

    def _migrate(self, db: sqlite_utils.Database) -> None:
        """Create this store's tables if they are missing."""

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()
