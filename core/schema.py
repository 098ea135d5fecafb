"""Schema discovery: tables, columns, keys and a few sample values, per connection.

Discovery uses SQLAlchemy's inspector over every non-system schema (or a
configured list). Low-cardinality text columns keep their distinct values: the
offline translator links words of a question to them, and the model's prompt
shows a few, clearly marked as data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

# Schemas that belong to the server, never to the team's data.
SYSTEM_SCHEMAS = frozenset(
    {
        "information_schema",
        "pg_catalog",
        "pg_toast",
        "mysql",
        "performance_schema",
        "sys",
    }
)
SAMPLE_SCAN_ROWS = 20000
SAMPLE_MAX_DISTINCT = 400
SAMPLE_MAX_LENGTH = 80
SAMPLE_SECONDS = 5
TEXT_TYPES = ("CHAR", "TEXT", "STRING", "CLOB", "ENUM", "NAME")


@dataclass(frozen=True)
class Column:
    """One column: its name as the database spells it, a type name, and samples."""

    name: str
    type: str
    nullable: bool = True
    comment: str | None = None
    samples: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return any(t in self.type.upper() for t in TEXT_TYPES)


@dataclass(frozen=True)
class ForeignKey:
    """``columns`` of this table refer to ``ref_columns`` of ``ref_table``."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None


@dataclass(frozen=True)
class Table:
    """A table or view; ``schema`` is None for the connection's default schema."""

    name: str
    columns: tuple[Column, ...]
    schema: str | None = None
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    comment: str | None = None
    row_estimate: int | None = None

    @property
    def key(self) -> str:
        """Lower-case ``schema.table`` (or ``table``), for lookups."""
        return (f"{self.schema}.{self.name}" if self.schema else self.name).lower()

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)


@dataclass(frozen=True)
class Schema:
    """Everything discovered about one connection's database."""

    dialect: str
    tables: tuple[Table, ...]
    default_schema: str | None = None
    server_version: str = ""
    _index: dict[str, Table] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for table in self.tables:
            self._index.setdefault(table.key, table)
            self._index.setdefault(table.name.lower(), table)

    def table(self, name: str) -> Table | None:
        """The table called ``name`` (case-insensitive, ``schema.table`` allowed)."""
        return self._index.get(name.lower())

    def without(self, hidden: Iterable[str]) -> Schema:
        """A copy with hidden tables (``table``) and columns (``table.column``) removed."""
        hidden_set = {h.lower() for h in hidden}
        if not hidden_set:
            return self
        kept = []
        for table in self.tables:
            if table.key in hidden_set or table.name.lower() in hidden_set:
                continue
            columns = tuple(
                c
                for c in table.columns
                if f"{table.name.lower()}.{c.name.lower()}" not in hidden_set
                and f"{table.key}.{c.name.lower()}" not in hidden_set
            )
            kept.append(_replace_columns(table, columns))
        return Schema(self.dialect, tuple(kept), self.default_schema, self.server_version)


def _replace_columns(table: Table, columns: tuple[Column, ...]) -> Table:
    names = {c.name for c in columns}
    fks = tuple(fk for fk in table.foreign_keys if set(fk.columns) <= names)
    pk = tuple(c for c in table.primary_key if c in names)
    return Table(table.name, columns, table.schema, pk, fks, table.comment, table.row_estimate)


def dialect_name(engine: Engine) -> str:
    """The dialect family sqlbot knows: ``sqlite``, ``postgresql`` or ``mysql``."""
    name = engine.dialect.name
    return "mysql" if name == "mariadb" else name


def discover(
    engine: Engine,
    schemas: Sequence[str] = (),
    samples: bool = True,
    sample_seconds: int = SAMPLE_SECONDS,
) -> Schema:
    """Read every table of every non-system schema (or only ``schemas``)."""
    started = time.perf_counter()
    inspector = sa.inspect(engine)
    default = inspector.default_schema_name
    tables: list[Table] = []
    for schema_name in _schemas(inspector, schemas):
        owner = None if schema_name == default else schema_name
        for name in _table_names(inspector, schema_name):
            tables.append(_read_table(inspector, name, schema_name, owner))
    if samples:
        estimates = _row_estimates(engine)
        tables = [_with_samples(engine, t, estimates, sample_seconds) for t in tables]
    result = Schema(dialect_name(engine), tuple(tables), default, _server_version(engine))
    logger.info(
        "discovered %s tables in %.0f ms", len(tables), (time.perf_counter() - started) * 1000
    )
    return result


def _schemas(inspector: sa.Inspector, wanted: Sequence[str]) -> list[str]:
    if wanted:
        return list(wanted)
    names = inspector.get_schema_names()
    default = inspector.default_schema_name
    if inspector.engine.dialect.name == "mysql" or inspector.engine.dialect.name == "mariadb":
        # On MySQL a schema is a database: stay inside the one the URL names.
        return [default] if default else []
    keep = [n for n in names if n.lower() not in SYSTEM_SCHEMAS and not n.startswith("pg_")]
    # The default schema first, so unqualified names resolve to it.
    return sorted(keep, key=lambda n: (n != default, n))


def _table_names(inspector: sa.Inspector, schema: str) -> list[str]:
    names = list(inspector.get_table_names(schema=schema))
    names += [v for v in inspector.get_view_names(schema=schema) if v not in names]
    return [n for n in names if not n.startswith("sqlite_")]


def _read_table(inspector: sa.Inspector, name: str, schema: str, owner: str | None) -> Table:
    columns = tuple(
        Column(
            name=str(c["name"]),
            type=_type_name(c["type"]),
            nullable=bool(c.get("nullable", True)),
            comment=c.get("comment"),
        )
        for c in inspector.get_columns(name, schema=schema)
    )
    pk = tuple(inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or ())
    default = inspector.default_schema_name
    fks = tuple(_foreign_key(fk, default) for fk in inspector.get_foreign_keys(name, schema=schema))
    comment = _table_comment(inspector, name, schema)
    return Table(name, columns, owner, pk, fks, comment)


def _foreign_key(fk: Any, default: str | None) -> ForeignKey:
    ref_schema = fk.get("referred_schema")
    return ForeignKey(
        columns=tuple(fk["constrained_columns"]),
        ref_table=fk["referred_table"],
        ref_columns=tuple(fk["referred_columns"]),
        # A reference into the default schema is spelled without it, like the tables.
        ref_schema=None if ref_schema in (None, default) else ref_schema,
    )


def _type_name(type_: object) -> str:
    try:
        return str(type_)
    except Exception:  # some dialect types cannot compile without a dialect
        return type(type_).__name__.upper()


def _table_comment(inspector: sa.Inspector, name: str, schema: str) -> str | None:
    try:
        return inspector.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:
        return None


def _server_version(engine: Engine) -> str:
    info = getattr(engine.dialect, "server_version_info", None)
    version = ".".join(str(p) for p in info) if info else ""
    # MariaDB speaks MySQL's dialect under its own version numbers; say which it is.
    return f"{version} (MariaDB)" if getattr(engine.dialect, "is_mariadb", False) else version


# The server's own statistics: counting a table of millions of rows would take seconds.
# A PostgreSQL table never analyzed has reltuples -1; one of few pages is cheap to count.
_ESTIMATES = {
    "postgresql": (
        "SELECT n.nspname, c.relname, CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint "
        "WHEN c.relpages < 10000 THEN NULL ELSE -1 END FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm')"
    ),
    "mysql": (
        "SELECT table_schema, table_name, table_rows FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
    ),
}
COUNT_IT = None


def _row_estimates(engine: Engine) -> dict[tuple[str, str], int | None]:
    """(schema, table) -> the server's row estimate; None where counting is cheap."""
    sql = _ESTIMATES.get(dialect_name(engine))
    if sql is None:
        return {}
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(sql).all()
            conn.rollback()
    except sa.exc.SQLAlchemyError:
        return {}
    return {(str(s), str(t)): None if n is None else int(n) for s, t, n in rows}


def _estimate(
    conn: sa.Connection, source: str, table: Table, estimates: dict[tuple[str, str], int | None]
) -> int:
    """Rows in ``table``: the server's estimate, a count where cheap, or -1 for unknown."""
    schema = table.schema or conn.dialect.default_schema_name or ""
    key = (schema, table.name)
    if conn.dialect.name == "sqlite" or (key in estimates and estimates[key] is COUNT_IT):
        return int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {source}").scalar() or 0)
    known = estimates.get(key)
    return -1 if known is None else known


def _with_samples(
    engine: Engine,
    table: Table,
    estimates: dict[tuple[str, str], int | None] | None = None,
    seconds: int = SAMPLE_SECONDS,
) -> Table:
    """Attach distinct values of low-cardinality text columns, and a row estimate."""
    preparer = engine.dialect.identifier_preparer
    source = preparer.quote(table.name)
    if table.schema:
        source = f"{preparer.quote_schema(table.schema)}.{source}"
    columns = []
    try:
        with engine.connect() as conn:
            _bound_time(conn, seconds)
            rows = _estimate(conn, source, table, estimates or {})
            for column in table.columns:
                values = _distinct_values(conn, preparer.quote(column.name), source, column)
                columns.append(_sampled(column, values))
            conn.rollback()
    except sa.exc.SQLAlchemyError as exc:
        logger.warning("could not sample %s: %s", table.key, type(exc).__name__)
        return table
    return Table(
        table.name,
        tuple(columns),
        table.schema,
        table.primary_key,
        table.foreign_keys,
        table.comment,
        rows if rows >= 0 else None,
    )


def _bound_time(conn: sa.Connection, seconds: int) -> None:
    """Stop any one sampling query after ``seconds``: a slow view must not stall discovery."""
    name = conn.dialect.name
    if name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {seconds * 1000}")
    elif name in ("mysql", "mariadb"):
        # MariaDB and MySQL spell the limit differently; the session ends with the checkout.
        is_mariadb = getattr(conn.dialect, "is_mariadb", False)
        variable = "max_statement_time" if is_mariadb else "max_execution_time"
        value = seconds if is_mariadb else seconds * 1000
        conn.exec_driver_sql(f"SET SESSION {variable} = {value}")


def _distinct_values(
    conn: sa.Connection, column: str, source: str, meta: Column
) -> tuple[str, ...]:
    if not meta.is_text:
        return ()
    sql = (
        f"SELECT DISTINCT {column} FROM (SELECT {column} FROM {source} "
        f"LIMIT {SAMPLE_SCAN_ROWS}) s WHERE {column} IS NOT NULL LIMIT {SAMPLE_MAX_DISTINCT + 1}"
    )
    values = [r[0] for r in conn.exec_driver_sql(sql)]
    if len(values) > SAMPLE_MAX_DISTINCT:
        return ()
    return tuple(str(v) for v in values if isinstance(v, str) and len(v) <= SAMPLE_MAX_LENGTH)


def _sampled(column: Column, values: tuple[str, ...]) -> Column:
    return Column(column.name, column.type, column.nullable, column.comment, values)


class SchemaCache:
    """Discovered schemas per connection name, dropped on ``refresh``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._schemas: dict[str, Schema] = {}

    def get(self, name: str, engine: Engine, schemas: Sequence[str] = ()) -> Schema:
        with self._lock:
            cached = self._schemas.get(name)
        if cached is not None:
            return cached
        schema = discover(engine, schemas)
        with self._lock:
            return self._schemas.setdefault(name, schema)

    def refresh(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._schemas.clear()
            else:
                self._schemas.pop(name, None)
