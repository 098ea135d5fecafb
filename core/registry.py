"""Registered databases, the channel each one answers in, and what admins hid from it.

Everything lives in the bot's own SQLite file (the one the history uses). A
connection's whole URL is stored encrypted with the Fernet keys from ``core.keys``;
only what ``list`` shows (engine, host, port, database) is kept in plain text, so
the file's bytes never hold a password or a user name with one. A token made with
the key is kept too, so a wrong key stops the start with a clear error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlite_utils
from cryptography.fernet import InvalidToken

from core import execute
from core.connections import Connection, parse_url
from core.errors import ConfigError, ConnectionFailed, NoSuchConnection
from core.keys import Keys
from core.schema import Schema, Table, discover
from core.secrets import redact
from core.store import Store

SCHEMA_VERSION = 1
KEY_CHECK = "sqlbot key check"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")

CONNECTION_COLUMNS: dict[str, Any] = {
    "name": str,
    "dialect": str,
    "host": str,
    "port": int,
    "database": str,
    "secret": str,  # the Fernet token of the whole URL
    "schemas": str,  # a JSON list
    "created_by": str,
    "created_at": str,
    "updated_at": str,
}
CHANNEL_COLUMNS: dict[str, Any] = {
    "channel": str,
    "connection": str,
    "mapped_by": str,
    "mapped_at": str,
}
HIDDEN_COLUMNS: dict[str, Any] = {
    "connection": str,
    "item": str,
    "hidden_by": str,
    "hidden_at": str,
}


def registry_path(data_dir: Path) -> Path:
    """The bot's SQLite file, shared with the history."""
    return data_dir / "sqlbot.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check_name(name: str) -> str:
    """A connection name folded to lower case, or ConfigError saying what a name may be.

    >>> check_name("Chinook_PG")
    'chinook_pg'
    """
    folded = name.strip().lower()
    if not NAME_PATTERN.match(folded):
        raise ConfigError(
            "A connection name starts with a letter and has at most 40 letters, digits, _ or -."
        )
    return folded


# Drivers sqlbot installs, for URLs that name only the engine ("postgresql://...").
_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}


def normalize_url(url: str) -> str:
    """``url`` with a driver sqlbot has, when it names none.

    >>> normalize_url("postgres://bob@db/shop")
    'postgresql+psycopg://bob@db/shop'
    """
    scheme, sep, rest = url.strip().partition("://")
    driver = _DRIVERS.get(scheme.lower()) if sep else None
    return f"{driver}://{rest}" if driver else url.strip()


def hidden_item(schema: Schema, text: str) -> str | None:
    """What to store to hide ``text`` ("Table", "table.column", "schema.table[.column]").

    The answer is "table" or "table.column" in lower case, the form the guard and the
    schema filter read; None when ``schema`` has no such table or column.
    """
    parts = _name_parts(schema, text)
    if not all(parts) or len(parts) > 3:
        return None
    if len(parts) == 1 or (len(parts) == 2 and schema.table(".".join(parts))):
        table = schema.table(".".join(parts))
        return table.name.lower() if table else None
    table = schema.table(".".join(parts[:-1]))
    column = table.column(parts[-1]) if table else None
    if table is None or column is None:
        return None
    return f"{table.name.lower()}.{column.name.lower()}"


@dataclass(frozen=True)
class Entry:
    """What anyone may see of a registered connection: never a user name or password."""

    name: str
    dialect: str
    host: str
    port: int | None
    database: str
    schemas: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """ "postgresql db.internal:5432/shop", or "sqlite /path/file.sqlite"."""
        if self.dialect == "sqlite":
            return f"sqlite {self.database or 'memory'}"
        port = f":{self.port}" if self.port else ""
        return f"{self.dialect} {self.host or 'localhost'}{port}/{self.database}"


class Registry(Store):
    """Connections, channel mappings and hidden names, safe to use from many threads."""

    def __init__(self, path: Path, keys: Keys) -> None:
        self._keys = keys
        super().__init__(path)

    def _migrate(self, db: sqlite_utils.Database) -> None:
        db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
        db.table("connections").create(CONNECTION_COLUMNS, pk="name", if_not_exists=True)
        db.table("channels").create(CHANNEL_COLUMNS, pk="channel", if_not_exists=True)
        db.table("channels").create_index(["connection"], if_not_exists=True)
        db.table("hidden").create(HIDDEN_COLUMNS, pk=("connection", "item"), if_not_exists=True)
        db.table("pins").create(
            {"channel": str, "item": str, "by": str, "at": str},
            pk=("channel", "item"),
            if_not_exists=True,
        )
        # Later versions add their steps here, each guarded by the stored version.
        _set_meta(db, "registry_version", str(SCHEMA_VERSION))
        self._check_key(db)

    def _check_key(self, db: sqlite_utils.Database) -> None:
        token = _meta(db, "key_check")
        stored = db.execute("SELECT COUNT(*) FROM connections").fetchone()[0]
        # With nothing encrypted yet, any key will do: take this one.
        if token is None or not stored:
            _set_meta(db, "key_check", self._keys.encrypt(KEY_CHECK))
            return
        if not self._keys.opens(token):
            raise ConfigError(
                f"The secret key from {self._keys.source} is not the key the stored database "
                f"passwords in {self._path} were saved with, so they cannot be read. Set "
                "SQLBOT_SECRET_KEY (or restore the key file) to the key used before."
            )

    # -- pins ------------------------------------------------------------------------

    def pin(self, channel: str, items: list[str], *, by: str = "") -> None:
        """Always describe these tables to the model for questions in ``channel``."""
        rows = [{"channel": channel, "item": i.lower(), "by": by, "at": _now()} for i in items]
        with self._locked() as db:
            db.table("pins").upsert_all(rows, pk=("channel", "item"))

    def unpin(self, channel: str, items: list[str]) -> int:
        """Drop pins; returns how many there were."""
        with self._locked() as db:
            marks = ",".join("?" for _ in items)
            sql = f"DELETE FROM pins WHERE channel = ? AND item IN ({marks})"
            return int(db.execute(sql, [channel, *(i.lower() for i in items)]).rowcount)

    def pins(self, channel: str) -> tuple[str, ...]:
        with self._locked() as db:
            rows = db.query("SELECT item FROM pins WHERE channel = ? ORDER BY at", [channel])
            return tuple(r["item"] for r in rows)

    # -- connections -----------------------------------------------------------------

    def save(self, connection: Connection, *, by: str = "") -> bool:
        """Add ``connection``, or replace the one of that name (True) keeping its channels."""
        name = check_name(connection.name)
        parsed = parse_url(connection.url)
        row = {
            "name": name,
            "dialect": connection.dialect,
            "host": parsed.host or "",
            "port": parsed.port,
            "database": parsed.database or "",
            "secret": self._keys.encrypt(connection.url),
            "schemas": json.dumps(list(connection.schemas)),
            "updated_at": _now(),
        }
        with self._locked() as db, db.atomic():
            existing = list(db.query("SELECT name FROM connections WHERE name = ?", [name]))
            if existing:
                db.table("connections").update(name, row)
            else:
                db.table("connections").insert({**row, "created_by": by, "created_at": _now()})
        return bool(existing)

    def get(self, name: str) -> Connection | None:
        """The connection called ``name`` with its hidden names, or None."""
        with self._locked() as db:
            rows = list(db.query("SELECT * FROM connections WHERE name = ?", [name.lower()]))
            if not rows:
                return None
            hidden = self._hidden(db, rows[0]["name"])
        return self._connection(rows[0], hidden)

    def require(self, name: str) -> Connection:
        """Like ``get``, but a missing name is a NoSuchConnection."""
        connection = self.get(name)
        if connection is None:
            raise NoSuchConnection(f"there is no connection called {name}")
        return connection

    def names(self) -> list[str]:
        with self._locked() as db:
            return [r["name"] for r in db.query("SELECT name FROM connections ORDER BY name")]

    def entries(self) -> list[Entry]:
        """Every connection as ``list`` shows it, with its channels and hidden names."""
        with self._locked() as db:
            rows = list(db.query("SELECT * FROM connections ORDER BY name"))
            channels = _grouped(db, "SELECT connection, channel FROM channels ORDER BY channel")
            hidden = _grouped(db, "SELECT connection, item FROM hidden ORDER BY item")
        return [
            _entry(row, channels.get(row["name"], ()), hidden.get(row["name"], ())) for row in rows
        ]

    def remove(self, name: str) -> bool:
        """Forget a connection, its channel mappings and its hidden names."""
        name = name.lower()
        with self._locked() as db, db.atomic():
            db.execute("DELETE FROM channels WHERE connection = ?", [name])
            db.execute("DELETE FROM hidden WHERE connection = ?", [name])
            cursor = db.execute("DELETE FROM connections WHERE name = ?", [name])
            return cursor.rowcount == 1

    def _connection(self, row: dict[str, Any], hidden: frozenset[str]) -> Connection:
        try:
            url = self._keys.decrypt(row["secret"])
        except InvalidToken:
            raise ConfigError(
                f"The stored URL of {row['name']} cannot be decrypted with the key from "
                f"{self._keys.source}. Register it again with /sqlbot connect."
            ) from None
        schemas = tuple(json.loads(row["schemas"] or "[]"))
        return Connection(row["name"], url, schemas, hidden)

    # -- channels --------------------------------------------------------------------

    def use(self, channel: str, name: str, *, by: str = "") -> Connection:
        """Send questions asked in ``channel`` to ``name`` (one connection per channel)."""
        connection = self.require(name)
        row = {"channel": channel, "connection": connection.name, "mapped_by": by}
        with self._locked() as db:
            db.table("channels").upsert({**row, "mapped_at": _now()}, pk="channel")
        return connection

    def unmap(self, channel: str) -> bool:
        """Stop mapping ``channel``; True if it was mapped."""
        with self._locked() as db:
            cursor = db.execute("DELETE FROM channels WHERE channel = ?", [channel])
            return cursor.rowcount == 1

    def mapped_name(self, channel: str) -> str | None:
        """The name of the connection ``channel`` is mapped to, or None."""
        with self._locked() as db:
            rows = list(db.query("SELECT connection FROM channels WHERE channel = ?", [channel]))
        return str(rows[0]["connection"]) if rows else None

    def for_channel(self, channel: str | None) -> Connection | None:
        """The connection questions in ``channel`` go to, or None when it is not mapped."""
        name = self.mapped_name(channel) if channel else None
        return self.get(name) if name else None

    # -- hidden tables and columns ---------------------------------------------------

    def hide(self, name: str, item: str, *, by: str = "") -> bool:
        """Hide ``item`` ("table" or "table.column") of ``name``; False if it already was."""
        connection = self.require(name)
        row = {"connection": connection.name, "item": item.lower(), "hidden_by": by}
        with self._locked() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO hidden (connection, item, hidden_by, hidden_at) "
                "VALUES (?, ?, ?, ?)",
                [row["connection"], row["item"], row["hidden_by"], _now()],
            )
            return cursor.rowcount == 1

    def unhide(self, name: str, item: str) -> bool:
        """Show ``item`` again; False if it was not hidden."""
        with self._locked() as db:
            cursor = db.execute(
                "DELETE FROM hidden WHERE connection = ? AND item = ?", [name.lower(), item.lower()]
            )
            return cursor.rowcount == 1

    def hidden(self, name: str) -> frozenset[str]:
        with self._locked() as db:
            return self._hidden(db, name.lower())

    def _hidden(self, db: sqlite_utils.Database, name: str) -> frozenset[str]:
        rows = db.query("SELECT item FROM hidden WHERE connection = ?", [name])
        return frozenset(r["item"] for r in rows)

    # -- keys ------------------------------------------------------------------------

    def reencrypt(self, keys: Keys) -> int:
        """Encrypt every stored URL under ``keys``, all or nothing; returns how many."""
        with self._locked() as db, db.atomic():
            rows = list(db.query("SELECT name, secret FROM connections"))
            for row in rows:
                token = keys.encrypt(self._keys.decrypt(row["secret"]))
                db.execute("UPDATE connections SET secret = ? WHERE name = ?", [token, row["name"]])
            _set_meta(db, "key_check", keys.encrypt(KEY_CHECK))
            self._keys = keys
        return len(rows)


def _meta(db: sqlite_utils.Database, key: str) -> str | None:
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [key]))
    return str(rows[0]["value"]) if rows else None


def _set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def _grouped(db: sqlite_utils.Database, sql: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for owner, value in db.execute(sql).fetchall():
        groups.setdefault(owner, []).append(value)
    return {owner: tuple(values) for owner, values in groups.items()}


def _entry(row: dict[str, Any], channels: tuple[str, ...], hidden: tuple[str, ...]) -> Entry:
    schemas = tuple(json.loads(row["schemas"] or "[]"))
    return Entry(
        row["name"],
        row["dialect"],
        row["host"],
        row["port"],
        row["database"],
        schemas,
        channels,
        hidden,
    )


def find_table(schema: Schema, text: str) -> Table | None:
    """The table ``text`` names: "Customer", "public.customer", "`sales`.`orders`"."""
    return schema.table(".".join(_name_parts(schema, text)))


def _name_parts(schema: Schema, text: str) -> list[str]:
    """Dotted name parts without quotes, and without the default schema, which tables omit."""
    parts = [part.strip('"`[] ') for part in text.split(".")]
    default = (schema.default_schema or "").lower()
    if len(parts) > 1 and parts[0].lower() == default and not schema.table(".".join(parts[:2])):
        return parts[1:]
    return parts


# -- checking a connection before it is saved ------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What a connection test found: the tables it can see and whether it could write."""

    schema: Schema
    can_write: bool

    @property
    def tables(self) -> int:
        return len(self.schema.tables)


def verify(connection: Connection, *, connect_timeout: float = 5.0) -> Checked:
    """Connect, discover the tables (no samples) and check the grants; ConnectionFailed if not."""
    engine = execute.make_engine(connection.url, connect_timeout=connect_timeout, pool_size=1)
    try:
        execute.probe(engine)
        try:
            schema = discover(engine, connection.schemas, samples=False)
        except sa.exc.SQLAlchemyError as exc:
            detail = redact(f"{type(exc).__name__}: {exc}", [engine.url.password or ""])
            raise ConnectionFailed(
                "I connected, but could not list the tables; check the schema names "
                "and that this user may read them",
                detail,
            ) from None
        return Checked(schema, execute.can_write(engine))
    finally:
        engine.dispose()
