"""Named databases: their URLs, engines and schemas, and which one a channel uses."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from core import execute
from core.errors import ConfigError
from core.schema import Schema, SchemaCache
from core.secrets import remember

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}


@dataclass(frozen=True)
class Connection:
    """A database sqlbot may read, by name. The URL (and its password) never shows in repr."""

    name: str
    url: str = field(repr=False)
    schemas: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        parsed = parse_url(self.url)
        remember(parsed.password)

    @property
    def dialect(self) -> str:
        return DIALECTS[parse_url(self.url).get_backend_name()]

    @property
    def database(self) -> str | None:
        """The database (on MySQL, the schema) the URL names."""
        return parse_url(self.url).database

    @property
    def where(self) -> str:
        """Engine, host and database, never the user or password: "postgresql 10.0.0.5/shop"."""
        parsed = parse_url(self.url)
        if self.dialect == "sqlite":
            return f"sqlite {parsed.database or 'memory'}"
        host = parsed.host or "localhost"
        port = f":{parsed.port}" if parsed.port else ""
        return f"{self.dialect} {host}{port}/{parsed.database or ''}"


def parse_url(url: str) -> sa.URL:
    """A SQLAlchemy URL, or a ConfigError that does not repeat the URL (it may hold a password)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number only fails when read)
    except (ArgumentError, ValueError):
        raise ConfigError("That is not a database URL I can read.") from None
    if parsed.get_backend_name() not in DIALECTS:
        raise ConfigError(
            f"I can read PostgreSQL, MySQL/MariaDB and SQLite, not {parsed.get_backend_name()}."
        )
    return parsed


class Databases:
    """Engines and discovered schemas per connection, created on first use."""

    def __init__(self, *, connect_timeout: float = 5.0) -> None:
        self._connect_timeout = connect_timeout
        self._engines: dict[str, tuple[str, Engine]] = {}
        self._lock = threading.Lock()
        # name -> (discovered schema, hidden names, that schema without them)
        self._filtered: dict[str, tuple[Schema, frozenset[str], Schema]] = {}
        self.schemas = SchemaCache()

    def engine(self, connection: Connection) -> Engine:
        """The pooled engine for ``connection``; a changed URL gets a fresh engine."""
        with self._lock:
            known = self._engines.get(connection.name)
            if known and known[0] == connection.url:
                return known[1]
            engine = execute.make_engine(connection.url, connect_timeout=self._connect_timeout)
            self._engines[connection.name] = (connection.url, engine)
        if known:
            known[1].dispose()
        return engine

    def schema(self, connection: Connection) -> Schema:
        """The discovered schema, without what the admins hid.

        The same object comes back until a refresh, so indexes built on it are reused.
        """
        engine = self.engine(connection)
        try:
            schema = self.schemas.get(connection.name, engine, connection.schemas)
        except sa.exc.SQLAlchemyError as exc:
            # Discovery is the first thing to touch a database: say which part failed.
            raise execute.connection_failed(engine, exc) from None
        with self._lock:
            known = self._filtered.get(connection.name)
            if known and known[0] is schema and known[1] == connection.hidden:
                return known[2]
            filtered = schema.without(connection.hidden)
            self._filtered[connection.name] = (schema, connection.hidden, filtered)
            return filtered

    def forget(self, name: str) -> None:
        """Close the engine and drop the schema of a removed or changed connection."""
        with self._lock:
            known = self._engines.pop(name, None)
            self._filtered.pop(name, None)
        if known:
            known[1].dispose()
        self.schemas.refresh(name)

    def close(self) -> None:
        with self._lock:
            engines = [engine for _, engine in self._engines.values()]
            self._engines.clear()
        for engine in engines:
            engine.dispose()
