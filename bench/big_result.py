"""How fast and how lean is run_query on a 5,000,000-row table? (FR-14; not part of the tests)

    .venv/bin/python bench/big_result.py [--engine postgresql|mysql]

Creates a table ``big`` in a ``sqlbot_test_big`` database on the local PostgreSQL and
MariaDB/MySQL (once; later runs reuse it), then answers ``SELECT * FROM big`` two ways:
through the whole pipeline (guard adds LIMIT 1001, rows rendered as Slack blocks), and
straight through ``run_query`` with no LIMIT at all, which proves the rows stream. Each
engine and path is measured in its own child process, so each peak RSS is its alone.
Targets: under 1 s and under 150 MB.
Server URLs come from SQLBOT_TEST_POSTGRES_URL and SQLBOT_TEST_MYSQL_URL as in the tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.blocks import answer_blocks  # noqa: E402
from core.answer import Pipeline  # noqa: E402
from core.connections import Connection, Databases  # noqa: E402
from core.execute import make_engine, probe, run_query  # noqa: E402
from core.history import History  # noqa: E402
from core.model import Result, Translation  # noqa: E402
from core.translate import Request  # noqa: E402
from tests import dbs  # noqa: E402

DATABASE = "sqlbot_test_big"
ROWS = 5_000_000
ROW_LIMIT = 1000
TARGET_SECONDS = 1.0
TARGET_MB = 150.0

_CREATE = {
    "postgresql": [
        "CREATE TABLE big (id integer PRIMARY KEY, name text, grp integer, "
        "created_at timestamp, amount numeric(10, 2))",
        "INSERT INTO big SELECT g, md5(g::text), g % 1000, "
        "timestamp '2024-01-01' + g * interval '1 second', (g % 100000) / 100.0 "
        f"FROM generate_series(1, {ROWS}) AS g",
    ],
    "mysql": [
        "CREATE TABLE digits (d INT PRIMARY KEY)",
        "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
        "CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(40), grp INT, "
        "created_at DATETIME, amount DECIMAL(10, 2))",
        "INSERT INTO big SELECT n, MD5(n), n % 1000, "
        "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL n SECOND, (n % 100000) / 100 FROM "
        "(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d "
        "+ 1000000 * h.d + 1 AS n FROM digits a, digits b, digits c, digits e, "
        f"digits f, digits g, digits h) AS numbers WHERE n <= {ROWS}",
        "DROP TABLE digits",
    ],
}


def big_url(kind: str) -> str:
    """The URL of the benchmark database on ``kind``, creating table ``big`` if needed."""
    problem = dbs.service_problem(kind)
    if problem:
        raise SystemExit(problem)
    with dbs.machine_lock(f"{DATABASE}_{kind}"):
        if not _has_big_table(kind):
            _create_big_table(kind)
    return dbs.database_url(kind, DATABASE)


def _has_big_table(kind: str) -> bool:
    if not dbs.database_exists(kind, DATABASE):
        return False
    engine = sa.create_engine(dbs.database_url(kind, DATABASE), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT COUNT(*) FROM big").scalar() == ROWS
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def _create_big_table(kind: str) -> None:
    print(f"creating {ROWS:,} rows in {DATABASE} on {kind} (once)...", file=sys.stderr)
    dbs.drop_database(kind, DATABASE)
    dbs.create_database(kind, DATABASE)
    engine = sa.create_engine(dbs.database_url(kind, DATABASE), poolclass=sa.NullPool)
    try:
        with engine.begin() as conn:
            for statement in _CREATE[kind]:
                conn.exec_driver_sql(statement, execution_options={"no_parameters": True})
    finally:
        engine.dispose()


class _Fixed:
    """A translator that always answers with the big SELECT."""

    def translate(self, request: object, schema: object, *, row_limit: int) -> Translation:
        return Translation(sql="SELECT * FROM big")


def _through_pipeline(url: str) -> Result:
    """The whole answer: schema, guard (LIMIT added), execution and Slack blocks."""
    with tempfile.TemporaryDirectory() as data:
        pipeline = Pipeline(
            databases=Databases(),
            translator=_Fixed(),
            history=History(Path(data) / "history.sqlite"),
            row_limit=ROW_LIMIT,
        )
        connection = Connection("big", url)
        pipeline.databases.schema(connection)  # discovery happens once per connection
        started = time.perf_counter()
        answer = pipeline.ask(Request("show me everything in big"), connection)
        answer_blocks(answer)
        seconds = time.perf_counter() - started
        pipeline.databases.close()
    return Result(answer.columns, answer.rows, answer.truncated, seconds * 1000)


def measure(url: str, path: str) -> dict[str, float | int | bool]:
    """Answer the big SELECT once on a connected engine; figures for one engine and path."""
    engine = make_engine(url)
    probe(engine)
    before_mb = _peak_mb()
    if path == "pipeline":
        result = _through_pipeline(url)
    else:
        result = run_query(engine, "SELECT * FROM big", row_limit=ROW_LIMIT, timeout=30)
    seconds = result.ms / 1000
    follow_up = run_query(engine, "SELECT COUNT(*) FROM big", row_limit=1, timeout=30)
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": len(result.rows),
        "truncated": result.truncated,
        "peak_mb": _peak_mb(),
        "before_mb": before_mb,
        "count_after": int(follow_up.rows[0][0]),
    }


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, path: str) -> dict[str, float | int | bool]:
    command = [sys.executable, __file__, "--child", kind, "--path", path]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    figures: dict[str, float | int | bool] = json.loads(output.stdout)
    return figures


def _print_table(figures: dict[str, dict[str, float | int | bool]]) -> None:
    header = f"{'engine, path':<24}{'time to result':>16}{'rows':>7}{'truncated':>11}"
    print(header + f"{'RSS before':>12}{'peak RSS':>10}  verdict")
    for kind, f in figures.items():
        ok = float(f["seconds"]) < TARGET_SECONDS and float(f["peak_mb"]) < TARGET_MB
        print(
            f"{kind:<24}{float(f['seconds']) * 1000:>13.0f} ms{f['rows']:>7}"
            f"{str(f['truncated']):>11}{float(f['before_mb']):>9.0f} MB"
            f"{float(f['peak_mb']):>7.0f} MB  {'ok' if ok else 'MISSED'}"
        )
    print(f"targets: under {TARGET_SECONDS:g} s and under {TARGET_MB:g} MB peak; {ROWS:,} rows")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["postgresql", "mysql"], action="append")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="pipeline", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(dbs.database_url(args.child, DATABASE), args.path)))
        return 0
    kinds = args.engine or ["postgresql", "mysql"]
    for kind in kinds:
        big_url(kind)
    figures = {
        f"{kind}, {label}": _child(kind, path)
        for kind in kinds
        for path, label in (("pipeline", "guarded"), ("direct", "no LIMIT"))
    }
    _print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
