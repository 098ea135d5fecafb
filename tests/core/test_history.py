"""The history: every question kept, concurrently, privately, and redacted."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.examples import Examples
from core.history import History
from core.model import Answer


def _answer(n: int) -> Answer:
    return Answer(f"question {n}", "demo", sql=f"SELECT {n}", columns=["n"], rows=[(n,)])


def test_questions_arriving_at_once_are_all_kept(tmp_path: Path) -> None:
    history = History(tmp_path / "sqlbot.sqlite")
    # A second store on the same file, as the registry and examples are in the bot.
    Examples(tmp_path / "sqlbot.sqlite")

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda n: history.record(_answer(n), user=f"U{n}"), range(200)))

    assert len(set(ids)) == 200
    assert history.count() == 200
    assert sorted(r["question"] for r in history.recent(limit=500)) == sorted(
        f"question {n}" for n in range(200)
    )


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sqlbot.sqlite"
    path.write_bytes(b"")
    path.chmod(0o644)

    History(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_errors_are_stored_without_secrets(tmp_path: Path) -> None:
    history = History(tmp_path / "sqlbot.sqlite")
    answer = Answer("q", "pg", status="error", error="could not connect")
    answer.error_detail = "connection to postgresql://bob:hunter22secret@db/x failed"

    row = history.get(history.record(answer)) or {}

    assert "hunter22secret" not in str(row)
    assert row["error"] == "connection to postgresql://bob:***@db/x failed"


def test_an_event_is_seen_once(tmp_path: Path) -> None:
    history = History(tmp_path / "sqlbot.sqlite")

    first = history.first_sighting("C1:1700000000.000100")
    again = history.first_sighting("C1:1700000000.000100")
    after_restart = History(tmp_path / "sqlbot.sqlite").first_sighting("C1:1700000000.000100")

    assert (first, again, after_restart) == (True, False, False)


def test_thread_turns_come_oldest_first_and_only_answered_ones(tmp_path: Path) -> None:
    history = History(tmp_path / "sqlbot.sqlite")
    history.record(_answer(1), channel="C1", thread_ts="1.1")
    history.record(Answer("failed", "demo", status="error"), channel="C1", thread_ts="1.1")
    history.record(_answer(2), channel="C1", thread_ts="1.1")
    history.record(_answer(3), channel="C1", thread_ts="2.2")

    turns = history.thread_turns("C1", "1.1")

    assert [t.question for t in turns] == ["question 1", "question 2"]
    assert turns[0].sql == "SELECT 1" and turns[0].columns == ("n",)
    assert history.answered_in("C1", "1.1") and not history.answered_in("C1", "9.9")


def test_repair_rounds_are_kept_in_order(tmp_path: Path) -> None:
    history = History(tmp_path / "sqlbot.sqlite")
    answer = _answer(1)
    answer.attempts = [("SELECT nope", "no such column: nope"), ("SELECT n0pe", "no such column")]

    history_id = history.record(answer)

    assert [a["sql"] for a in history.attempts(history_id)] == ["SELECT nope", "SELECT n0pe"]
