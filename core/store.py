"""The bot's own SQLite file: one connection per user of it, a lock, and migrations."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from core.errors import ConfigError


class Store:
    """Base for the tables sqlbot keeps (history, examples, registry): safe from many threads.

    The file is created readable by its owner only: it holds questions, answers and
    (encrypted) database logins.
    """

    def __init__(self, path: Path) -> None:
        conn = _open(path)
        self._db = sqlite_utils.Database(conn)
        self._lock = threading.Lock()
        self._path = path
        try:
            with self._locked() as db:
                db.execute("PRAGMA journal_mode=WAL")
                self._migrate(db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ConfigError(
                f"{path} is not a database sqlbot can use ({exc}). It may be damaged: move it "
                "aside and I will start a fresh one, or restore it from a backup."
            ) from None
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


def ensure_dir(path: Path) -> None:
    """Create the data directory, or say plainly why it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"I can't create the data directory {path} ({exc.strerror}). Set SQLBOT_DATA_DIR "
            "to a folder I can write to."
        ) from None


def _open(path: Path) -> sqlite3.Connection:
    """Open (creating, owner-only) the store's file, or say plainly why not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return sqlite3.connect(path, check_same_thread=False, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            f"I can't create or open {path} ({reason}). Set SQLBOT_DATA_DIR to a folder "
            "I can write to."
        ) from None
