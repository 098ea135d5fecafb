"""How well the offline translator answers: Spider, the five first questions, our own set.

    .venv/bin/python -m bench.offline_eval [--skip-servers] [--show wrong,declined]

Each question is translated, run, and judged by execution against its gold query
(bench/evaluation.py). Prints answered-correct, answered-wrong and declined per
set, with the median and 95th-percentile translation time, and the time on a
100-table schema.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.evaluation import Gold, Runner, gold_result, same_rows, sqlite_runner
from core import demo
from core.errors import TranslationDeclined
from core.offline import OfflineTranslator
from core.schema import Column, ForeignKey, Schema, Table, discover

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SPIDER = DATA / "questions" / "spider_eval.jsonl"
CHINOOK = DATA / "chinook" / "Chinook_Sqlite.sqlite"
OWN = Path(__file__).with_name("offline_questions.jsonl")
DAY = dt.date(2026, 12, 4)
ROW_LIMIT = 100_000
SERVER_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
}
DEMO_DATABASE = "sqlbot_test_offline_demo"

# The questions people try first on the demo; users are the demo's customers.
FIRST_QUESTIONS = (
    ("Show me all customers from New York", "SELECT * FROM customers WHERE city = 'New York'"),
    (
        "What are the top 10 products by sales?",
        "SELECT p.name, SUM(oi.quantity * oi.unit_price) FROM products p "
        "JOIN order_items oi ON oi.product_id = p.id GROUP BY p.id "
        "ORDER BY SUM(oi.quantity * oi.unit_price) DESC LIMIT 10",
    ),
    (
        "Find users who haven't logged in for 30 days",
        "SELECT * FROM customers WHERE last_login < '2026-11-04' OR last_login IS NULL",
    ),
    (
        "Get the average order value by month",
        "SELECT strftime('%Y-%m', order_date), AVG(total) FROM orders GROUP BY 1",
    ),
    (
        "Show me all users who registered last month",
        "SELECT * FROM customers WHERE signup_date >= '2026-11-01' AND signup_date < '2026-12-01'",
    ),
)
TARGETS = {
    "spider": (0.40, 0.10),
    "first": (1.00, 0.00),
    "own": (0.85, 0.03),
}
# The figures reached so far, as (at least correct, at most wrong): a change that lowers
# one fails tests/core/test_offline.py. Raise them when the translator does better.
RECORDED = {"spider": (141, 3), "own": (86, 0)}


@dataclass(frozen=True)
class Case:
    """One question with its gold SQL (SQLite dialect) and the database it is asked of."""

    question: str
    gold: str
    db: str
    ordered: bool


@dataclass
class Outcome:
    case: Case
    status: str
    ms: float
    sql: str | None = None
    reason: str = ""


@dataclass
class Summary:
    """Outcomes of one set of questions."""

    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def share(self, status: str) -> float:
        return self.count(status) / len(self.outcomes) if self.outcomes else 0.0

    def percentile(self, q: float) -> float:
        times = sorted(o.ms for o in self.outcomes)
        if not times:
            return 0.0
        return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]

    @property
    def median(self) -> float:
        return statistics.median(o.ms for o in self.outcomes) if self.outcomes else 0.0


@dataclass
class Database:
    """A schema to translate against, a runner for predictions, and one for the gold."""

    schema: Schema
    run: Runner
    run_gold: Runner


def evaluate(name: str, cases: list[Case], databases: dict[str, Database]) -> Summary:
    """Translate, run and judge every case."""
    translator = OfflineTranslator(today=DAY)
    summary = Summary(name)
    golds: dict[Case, Gold] = {}
    for case in cases:
        database = databases[case.db]
        if case not in golds:
            golds[case] = gold_result(case.gold, database.run_gold, case.ordered)
        summary.outcomes.append(_judge(translator, case, database, golds[case]))
    return summary


def _judge(translator: OfflineTranslator, case: Case, database: Database, gold: Gold) -> Outcome:
    try:
        found = translator.translate(case.question, database.schema, row_limit=ROW_LIMIT)
    except TranslationDeclined as exc:
        return Outcome(case, "declined", _elapsed(translator, case, database), reason=exc.reason)
    try:
        rows = database.run(found.sql or "")
    except Exception as exc:  # a query that fails to run is a wrong answer
        return Outcome(case, "wrong", found.ms, found.sql, f"error: {exc}")
    status = "correct" if same_rows(rows, gold) else "wrong"
    return Outcome(case, status, found.ms, found.sql)


def _elapsed(translator: OfflineTranslator, case: Case, database: Database) -> float:
    """Declines raise before a Translation exists; time them again for the figures."""
    import time

    started = time.perf_counter()
    with suppress(TranslationDeclined):
        translator.translate(case.question, database.schema, row_limit=ROW_LIMIT)
    return (time.perf_counter() - started) * 1000


def sqlite_database(path: Path) -> Database:
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        schema = discover(engine)
    finally:
        engine.dispose()
    run = sqlite_runner(str(path))
    return Database(schema, run, run)


def spider_set() -> tuple[list[Case], dict[str, Database]]:
    cases, databases = [], {}
    for line in SPIDER.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["db"] not in databases:
            databases[item["db"]] = sqlite_database(DATA / item["db_path"])
        ordered = " order by " in " ".join(item["sql"].lower().split())
        cases.append(Case(item["question"], item["sql"], item["db"], ordered))
    return cases, databases


def own_set(demo_path: Path) -> tuple[list[Case], dict[str, Database]]:
    databases = {"demo": sqlite_database(demo_path), "chinook": sqlite_database(CHINOOK)}
    cases = []
    for line in OWN.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        cases.append(Case(item["question"], item["sql"], item["db"], bool(item["ordered"])))
    return cases, databases


def first_cases() -> list[Case]:
    ordered = ("top", "most")
    return [
        Case(q, sql, "demo", any(w in q.lower() for w in ordered)) for q, sql in FIRST_QUESTIONS
    ]


def demo_file(folder: Path) -> Path:
    return demo.ensure_sqlite(folder, DAY)


def server_demo(url: str, demo_path: Path) -> Database:
    """The demo written to a server database; gold queries still run on the SQLite copy."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    demo.write(engine, demo.generate(DAY))
    return server_database(engine, demo_path)


def server_database(engine: sa.Engine, gold_path: Path) -> Database:
    """A server copy of a database to translate against and run on; gold runs on SQLite."""
    schema = discover(engine)

    def run(sql: str) -> list[tuple[object, ...]]:
        # A raw cursor with no parameters: PyMySQL would read '%Y' as a placeholder.
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(sql)
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            raw.close()

    return Database(schema, run, sqlite_runner(str(gold_path)))


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A database named sqlbot_test_offline_demo on the local server, dropped afterwards."""
    admin = sa.make_url(SERVER_URLS[kind])
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    force = " WITH (FORCE)" if kind == "postgresql" else ""
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DEMO_DATABASE}{force}")
        conn.exec_driver_sql(f"CREATE DATABASE {DEMO_DATABASE}")
    try:
        yield admin.set(database=DEMO_DATABASE).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DEMO_DATABASE}{force}")
        engine.dispose()


NOUNS = (
    "account address asset booking branch campaign contract course delivery department device "
    "discount event expense feedback grade holiday incident inventory lead license loan meeting "
    "message note payment policy project promotion refund region report reservation review room "
    "schedule session shift skill store subscription supplier survey task team ticket trip vendor "
    "visit warehouse budget claim coupon document enrollment forecast goal invitation journal "
    "lesson milestone notification opportunity package permit quote receipt request return route "
    "sample segment shipment sprint stock tag target tenant transfer unit vehicle voucher wallet "
    "webinar workshop zone badge batch cart channel"
).split()


def wide_schema(size: int, keep: list[Schema]) -> Schema:
    """A schema of ``size`` tables: the tables of ``keep`` plus made-up ones with samples."""
    tables = [t for schema in keep for t in schema.tables][:size]
    for i, noun in enumerate(NOUNS[: size - len(tables)]):
        tables.append(_made_up_table(noun, i, tables[0].name))
    return Schema("sqlite", tuple(tables))


def _made_up_table(noun: str, i: int, parent: str) -> Table:
    statuses = tuple(f"{noun} state {k}" for k in range(12))
    columns = (
        Column("id", "INTEGER", False),
        Column(f"{noun}_name", "VARCHAR(80)", samples=tuple(f"{noun} {k}" for k in range(40))),
        Column("status", "VARCHAR(20)", samples=statuses),
        Column("created_at", "DATETIME"),
        Column("amount", "NUMERIC(10, 2)"),
        Column("notes", "TEXT"),
        Column(f"{parent.lower()}_id", "INTEGER"),
    )
    fk = ForeignKey((f"{parent.lower()}_id",), parent, ("id",))
    return Table(f"{noun}s", columns, None, ("id",), (fk,), row_estimate=1000 + i)


def timing_on_wide_schema(questions: list[str], keep: list[Schema], rounds: int = 3) -> Summary:
    """Translation times on a 100-table schema (the index is built before timing)."""
    import time

    schema = wide_schema(100, keep)
    translator = OfflineTranslator(today=DAY)
    summary = Summary("100 tables")
    for question in questions[:1]:
        _try(translator, question, schema)
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            _try(translator, question, schema)
            case = Case(question, "", "wide", False)
            summary.outcomes.append(Outcome(case, "timed", (time.perf_counter() - started) * 1000))
    return summary


def _try(translator: OfflineTranslator, question: str, schema: Schema) -> None:
    with suppress(TranslationDeclined):
        translator.translate(question, schema)


def report(summaries: list[Summary]) -> str:
    lines = [
        f"{'set':<22}{'items':>6}{'correct':>14}{'wrong':>13}{'declined':>14}"
        f"{'median':>9}{'p95':>9}",
    ]
    for s in summaries:
        if s.name == "100 tables":
            lines.append(
                f"{s.name:<22}{len(s.outcomes):>6}{'':>14}{'':>13}{'':>14}"
                f"{s.median:>7.1f}ms{s.percentile(0.95):>7.1f}ms"
            )
            continue
        cells = [f"{s.count(k):>4} {s.share(k):>6.1%}" for k in ("correct", "wrong", "declined")]
        lines.append(
            f"{s.name:<22}{len(s.outcomes):>6}{cells[0]:>14}{cells[1]:>13}{cells[2]:>14}"
            f"{s.median:>7.1f}ms{s.percentile(0.95):>7.1f}ms"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-servers", action="store_true", help="SQLite only")
    parser.add_argument("--show", default="", help="list outcomes: wrong,declined,correct")
    args = parser.parse_args(argv)
    summaries = run_all(not args.skip_servers)
    print(report(summaries))
    for problem in check_targets(summaries) + check_recorded(summaries):
        print(f"below target: {problem}")
    _show(summaries, {s for s in args.show.split(",") if s})
    return 0


def run_all(servers: bool) -> list[Summary]:
    with tempfile.TemporaryDirectory() as folder:
        demo_path = demo_file(Path(folder))
        cases, databases = spider_set()
        summaries = [evaluate("spider (291)", cases, databases)]
        own_cases, own_dbs = own_set(demo_path)
        summaries.append(evaluate("first five, sqlite", first_cases(), own_dbs))
        for kind in ("postgresql", "mysql") if servers else ():
            summaries.append(_first_on_server(kind, demo_path))
        summaries.append(evaluate(f"own ({len(own_cases)})", own_cases, own_dbs))
        for kind in ("postgresql", "mysql") if servers else ():
            summaries.append(_chinook_on_server(kind, own_cases))
        keep = [own_dbs["demo"].schema, own_dbs["chinook"].schema]
        summaries.append(timing_on_wide_schema([c.question for c in own_cases], keep))
    return summaries


def _chinook_on_server(kind: str, cases: list[Case]) -> Summary:
    """Our Chinook questions on the server's Chinook (track.track_id on PostgreSQL)."""
    from tests.dbs import chinook_url_for  # loads Chinook into sqlbot_test_chinook once

    engine = sa.create_engine(chinook_url_for(kind), poolclass=sa.pool.NullPool)
    database = server_database(engine, CHINOOK)
    chinook = [c for c in cases if c.db == "chinook"]
    return evaluate(f"own chinook, {kind}", chinook, {"chinook": database})


def _first_on_server(kind: str, demo_path: Path) -> Summary:
    with scratch_database(kind) as url:
        database = server_demo(url, demo_path)
        return evaluate(f"first five, {kind}", first_cases(), {"demo": database})


def _show(summaries: list[Summary], statuses: set[str]) -> None:
    for summary in summaries:
        for o in summary.outcomes:
            if o.status in statuses:
                print(f"\n[{summary.name}] {o.status}: {o.case.question}")
                print(f"   gold: {o.case.gold}")
                print(f"   got:  {o.sql or o.reason}")


def check_recorded(summaries: list[Summary]) -> list[str]:
    """Sets whose figures fell below those recorded in RECORDED, as sentences."""
    fallen = []
    for s in summaries:
        key = s.name.split(" (")[0]
        if key in RECORDED:
            least, most = RECORDED[key]
            if s.count("correct") < least or s.count("wrong") > most:
                fallen.append(
                    f"{s.name}: {s.count('correct')} correct (was {least}), "
                    f"{s.count('wrong')} wrong (was {most})"
                )
    return fallen


def check_targets(summaries: list[Summary]) -> list[str]:
    """Targets missed, as sentences (empty when every target is met)."""
    missed = []
    for s in summaries:
        key = s.name.split()[0]
        if key not in TARGETS:
            continue
        least, most = TARGETS[key]
        if s.share("correct") < least or s.share("wrong") > most:
            missed.append(
                f"{s.name}: {s.share('correct'):.0%} correct, {s.share('wrong'):.0%} wrong"
            )
    return missed


if __name__ == "__main__":
    sys.exit(main())
