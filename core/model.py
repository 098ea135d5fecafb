"""Plain data passed between core's steps and out to front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("ok", "refused", "declined", "error", "timeout")


@dataclass(frozen=True)
class Result:
    """Rows fetched by one query; ``truncated`` means more rows existed than were fetched."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    ms: float


@dataclass(frozen=True)
class Translation:
    """What a translator produced for one question."""

    sql: str | None
    explanation: str = ""
    ms: float = 0.0
    tokens: int = 0
    confidence: float = 1.0


@dataclass
class Answer:
    """Everything a front end needs to show the outcome of one question."""

    question: str
    connection: str
    status: str = "ok"
    sql: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None
    error_detail: str | None = field(default=None, repr=False)
    # The condition behind a failure (an error class name), so front ends can advise on it.
    error_kind: str | None = None
    explanation: str = ""
    model_ms: float = 0.0
    db_ms: float = 0.0
    history_id: int | None = None
    repairs: int = 0
    tokens: int = 0
    verified_by: str | None = None
    # Statements the database rejected before the final one: (sql, error), for the history.
    attempts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ms(self) -> float:
        return self.model_ms + self.db_ms

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def single_value(self) -> bool:
        return self.status == "ok" and len(self.columns) == 1 and len(self.rows) == 1
