"""Verified examples: questions whose SQL a person confirmed, reused as few-shot pairs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils

from core.retrieval_text import singular
from core.store import Store

MAX_EXAMPLES = 3
MIN_SIMILARITY = 0.2
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of in on for to by and or is are was were me show list what".split())


@dataclass(frozen=True)
class Example:
    """A question and the SQL someone verified for it on one connection."""

    id: int
    connection: str
    question: str
    sql: str
    verified_by: str


def words(text: str) -> frozenset[str]:
    """Content words, singular, lower case.

    >>> sorted(words("How many Tracks per genre?"))
    ['genre', 'how', 'many', 'per', 'track']
    """
    return frozenset(singular(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


def similarity(a: str, b: str) -> float:
    """Share of content words two questions have in common (Jaccard)."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


class Examples(Store):
    """The verified examples table in the bot's SQLite file."""

    def _migrate(self, db: sqlite_utils.Database) -> None:
        columns = {
            "id": int,
            "connection": str,
            "question": str,
            "sql": str,
            "verified_by": str,
            "at": str,
        }
        db.table("examples").create(columns, pk="id", if_not_exists=True)

    def add(self, connection: str, question: str, sql: str, verified_by: str) -> int:
        """Store (or refresh) the verified SQL for a question; returns the example id."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._locked() as db:
            table = db.table("examples")
            known = list(
                db.query(
                    "SELECT id FROM examples WHERE connection = ? AND question = ?",
                    [connection, question],
                )
            )
            if known:
                table.update(known[0]["id"], {"sql": sql, "verified_by": verified_by, "at": at})
                return int(known[0]["id"])
            row = {"connection": connection, "question": question, "sql": sql}
            table.insert({**row, "verified_by": verified_by, "at": at})
            return int(table.last_pk or 0)

    def for_connection(self, connection: str) -> list[Example]:
        with self._locked() as db:
            rows = list(
                db.query("SELECT * FROM examples WHERE connection = ? ORDER BY id", [connection])
            )
        return [_example(r) for r in rows]

    def remove(self, example_id: int) -> bool:
        with self._locked() as db:
            cursor = db.execute("DELETE FROM examples WHERE id = ?", [example_id])
            return cursor.rowcount == 1

    def closest(
        self, connection: str, question: str, n: int = MAX_EXAMPLES
    ) -> list[tuple[float, Example]]:
        """The ``n`` verified examples most like ``question`` with their similarity, best first."""
        scored = [(similarity(question, e.question), e) for e in self.for_connection(connection)]
        scored = [(s, e) for s, e in scored if s >= MIN_SIMILARITY]
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return scored[:n]


def _example(row: dict[str, object]) -> Example:
    return Example(
        id=int(str(row["id"])),
        connection=str(row["connection"]),
        question=str(row["question"]),
        sql=str(row["sql"]),
        verified_by=str(row["verified_by"]),
    )
