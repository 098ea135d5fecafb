"""Every question and what became of it, in the bot's own SQLite file.

One connection guarded by a lock serves all threads, so two questions that
arrive at once are both written, in order. Error text is redacted before it is
stored. The same file remembers Slack event ids already handled (FR-16), so a
retried delivery is answered once even across a restart.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from core.model import Answer
from core.render import json_rows
from core.secrets import redact
from core.store import Store
from core.translate import Turn

HISTORY_COLUMNS: dict[str, Any] = {
    "id": int,
    "created_at": str,
    "user": str,
    "channel": str,
    "thread_ts": str,
    "message_ts": str,
    "connection": str,
    "question": str,
    "sql": str,
    "status": str,
    "row_count": int,
    "truncated": int,
    "model_ms": float,
    "db_ms": float,
    "tokens": int,
    "repairs": int,
    "columns": str,
    "preview": str,
    "error": str,
}
PREVIEW_ROWS = 20


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class History(Store):
    """The history table, the seen-events table and the feedback table."""

    def _migrate(self, db: sqlite_utils.Database) -> None:
        db.table("history").create(HISTORY_COLUMNS, pk="id", if_not_exists=True)
        # Files made before a column existed get it added (history only ever grows columns).
        missing = set(HISTORY_COLUMNS) - set(db.table("history").columns_dict)
        for name in sorted(missing):
            db.table("history").add_column(name, HISTORY_COLUMNS[name])
        db.table("history").create_index(["channel", "id"], if_not_exists=True)
        db.table("history").create_index(["channel", "thread_ts"], if_not_exists=True)
        db.table("attempts").create(
            {"history_id": int, "round": int, "sql": str, "error": str},
            pk=("history_id", "round"),
            if_not_exists=True,
        )
        db.table("events").create(
            {"event_id": str, "seen_at": str}, pk="event_id", if_not_exists=True
        )
        db.table("feedback").create(
            {"id": int, "history_id": int, "user": str, "value": str, "note": str, "at": str},
            pk="id",
            if_not_exists=True,
        )

    def record(
        self,
        answer: Answer,
        *,
        user: str = "",
        channel: str = "",
        thread_ts: str | None = None,
    ) -> int:
        """Store one answered (or failed) question and return its id."""
        row = {
            "created_at": _now(),
            "user": user,
            "channel": channel,
            "thread_ts": thread_ts,
            "connection": answer.connection,
            "question": answer.question,
            "sql": answer.sql,
            "status": answer.status,
            "row_count": answer.row_count,
            "truncated": int(answer.truncated),
            "model_ms": round(answer.model_ms, 1),
            "db_ms": round(answer.db_ms, 1),
            "tokens": answer.tokens,
            "repairs": answer.repairs,
            "columns": json.dumps(answer.columns),
            # The first rows, JSON-safe (FR-12): what the person saw, for later review.
            "preview": json.dumps(json_rows(answer.rows[:PREVIEW_ROWS]), ensure_ascii=False),
            "error": redact(answer.error_detail or answer.error or "") or None,
        }
        with self._locked() as db:
            table = db.table("history")
            table.insert(row)
            history_id = int(table.last_pk or 0)
            attempts = [
                {"history_id": history_id, "round": n, "sql": sql, "error": redact(error)}
                for n, (sql, error) in enumerate(answer.attempts, start=1)
            ]
            if attempts:
                db.table("attempts").insert_all(attempts)
            return history_id

    def attempts(self, history_id: int) -> list[dict[str, Any]]:
        """The statements rejected on the way to an answer, in order (repair rounds)."""
        sql = "SELECT round, sql, error FROM attempts WHERE history_id = ? ORDER BY round"
        with self._locked() as db:
            return list(db.query(sql, [history_id]))

    def get(self, history_id: int) -> dict[str, Any] | None:
        """One history row, or None."""
        with self._locked() as db:
            rows = list(db.query("SELECT * FROM history WHERE id = ?", [history_id]))
        return rows[0] if rows else None

    def set_message(self, history_id: int, message_ts: str, thread_ts: str | None) -> None:
        """Remember where in Slack the answer was posted, for follow-ups."""
        with self._locked() as db:
            db.table("history").update(
                history_id, {"message_ts": message_ts, "thread_ts": thread_ts}
            )

    def recent(self, channel: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """The newest rows first, for one channel or for all."""
        where, params = ("WHERE channel = ?", [channel]) if channel else ("", [])
        sql = f"SELECT * FROM history {where} ORDER BY id DESC LIMIT ?"
        with self._locked() as db:
            return list(db.query(sql, [*params, limit]))

    def thread_turns(self, channel: str, thread_ts: str, limit: int = 5) -> tuple[Turn, ...]:
        """Earlier questions answered in one thread, oldest first."""
        sql = (
            "SELECT question, sql, columns FROM history WHERE channel = ? AND thread_ts = ? "
            "AND status = 'ok' ORDER BY id DESC LIMIT ?"
        )
        with self._locked() as db:
            rows = list(db.query(sql, [channel, thread_ts, limit]))
        return tuple(
            Turn(r["question"], r["sql"], tuple(json.loads(r["columns"] or "[]")))
            for r in reversed(rows)
        )

    def answered_in(self, channel: str, thread_ts: str) -> bool:
        """True when the bot has answered a question in this thread."""
        sql = "SELECT 1 FROM history WHERE channel = ? AND thread_ts = ? LIMIT 1"
        with self._locked() as db:
            return bool(list(db.query(sql, [channel, thread_ts])))

    def first_sighting(self, event_id: str) -> bool:
        """True the first time an event id is seen; False for every redelivery."""
        with self._locked() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO events (event_id, seen_at) VALUES (?, ?)", [event_id, _now()]
            )
            return cursor.rowcount == 1

    def add_feedback(self, history_id: int, user: str, value: str, note: str = "") -> None:
        """Record a thumbs up or down (and what was wrong) for one answer."""
        row = {"history_id": history_id, "user": user, "value": value, "note": note, "at": _now()}
        with self._locked() as db:
            db.table("feedback").insert(row)

    def feedback(self, history_id: int) -> list[dict[str, Any]]:
        """Feedback given on one answer, oldest first."""
        sql = "SELECT user, value, note FROM feedback WHERE history_id = ? ORDER BY id"
        with self._locked() as db:
            return list(db.query(sql, [history_id]))

    def count(self) -> int:
        with self._locked() as db:
            return int(db.execute("SELECT COUNT(*) FROM history").fetchone()[0])
