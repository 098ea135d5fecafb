"""Discovery on real engines: every schema, keys, samples, estimates, and a bounded time."""

from __future__ import annotations

import time

import sqlalchemy as sa

from core.execute import make_engine
from core.schema import discover
from tests import dbs


def _setup(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def test_chinook_is_discovered_with_keys_samples_and_row_counts(chinook_url: str) -> None:
    engine = make_engine(chinook_url)
    schema = discover(engine)
    engine.dispose()

    track = schema.table("track")
    genre = schema.table("genre")
    assert track is not None and genre is not None
    assert len(schema.tables) == 11
    # SQLite counts; the servers' statistics are estimates (InnoDB's within a few percent).
    assert track.row_estimate is not None and abs(track.row_estimate - 3503) <= 350
    assert [c.lower().replace("_", "") for c in track.primary_key] == ["trackid"]
    refs = {fk.ref_table.lower().replace("_", "") for fk in track.foreign_keys}
    assert refs == {"album", "genre", "mediatype"}
    assert "Rock" in genre.columns[1].samples


def test_every_non_system_schema_is_discovered_and_qualified() -> None:
    with dbs.fresh_database("postgresql") as url:
        _setup(
            url,
            "CREATE SCHEMA sales",
            "CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric)",
            "CREATE TABLE public.notes (id int, body text)",
        )
        engine = make_engine(url)
        schema = discover(engine)
        engine.dispose()

    assert sorted(t.key for t in schema.tables) == ["notes", "sales.orders"]
    assert schema.table("sales.orders") is not None


def test_a_slow_view_does_not_stall_discovery() -> None:
    with dbs.fresh_database("postgresql") as url:
        _setup(url, "CREATE VIEW slow AS SELECT pg_sleep(30)::text AS t")
        engine = make_engine(url)
        started = time.monotonic()
        schema = discover(engine, sample_seconds=1)
        took = time.monotonic() - started
        engine.dispose()

    assert took < 5
    assert [t.name for t in schema.tables] == ["slow"]
    assert schema.tables[0].columns[0].samples == ()
