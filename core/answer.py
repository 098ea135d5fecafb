"""The pipeline: question -> schema -> SQL -> guard -> rows, recorded in the history."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from core import execute, guard
from core.connections import Connection, Databases
from core.errors import RateLimited, SqlbotError, TranslationDeclined
from core.history import History
from core.model import Answer, Translation
from core.ratelimit import RateLimiter
from core.schema import Schema
from core.secrets import redact
from core.translate import Translator, Turn

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: used for the history, rate limits and follow-ups."""

    user: str = ""
    channel: str = ""
    thread_ts: str | None = None


class Pipeline:
    """Answers questions against registered databases, one bounded read each."""

    def __init__(
        self,
        *,
        databases: Databases,
        translator: Translator,
        history: History,
        row_limit: int = 1000,
        timeout: float = 30.0,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.databases = databases
        self.translator = translator
        self.history = history
        self.row_limit = row_limit
        self.timeout = timeout
        self.limiter = limiter

    def ask(
        self,
        question: str,
        connection: Connection,
        asker: Asker = Asker(),
        turns: tuple[Turn, ...] = (),
    ) -> Answer:
        """Answer ``question`` on ``connection``; every outcome is recorded and returned."""
        answer = Answer(question=question, connection=connection.name)
        tokens = 0
        try:
            self._check_rate(asker)
            schema = self.databases.schema(connection)
            translation = self._translate(question, schema, turns, answer)
            tokens = translation.tokens
            self._run(translation, connection, answer)
        except SqlbotError as exc:
            self._fail(answer, exc)
        answer.history_id = self.history.record(
            answer,
            user=asker.user,
            channel=asker.channel,
            thread_ts=asker.thread_ts,
            tokens=tokens,
        )
        logger.info(
            "question %s on %s: %s, %s rows, %.0f ms",
            answer.history_id,
            connection.name,
            answer.status,
            answer.row_count,
            answer.ms,
        )
        return answer

    def run_sql(self, sql: str, connection: Connection) -> Answer:
        """Run SQL that a person or the history supplied, through the same guard and limits."""
        answer = Answer(question="", connection=connection.name)
        try:
            self._run(Translation(sql=sql), connection, answer)
        except SqlbotError as exc:
            self._fail(answer, exc)
        return answer

    def _check_rate(self, asker: Asker) -> None:
        if self.limiter and asker.user and not self.limiter.allow(asker.user):
            raise RateLimited("you are asking faster than I can answer")

    def _translate(
        self, question: str, schema: Schema, turns: tuple[Turn, ...], answer: Answer
    ) -> Translation:
        if not schema.tables:
            # Nothing visible to query: say so rather than ask the model to guess (FR-7).
            raise TranslationDeclined("I can't see any tables in this database")
        started = time.perf_counter()
        try:
            return self.translator.translate(
                question, schema, row_limit=self.row_limit, turns=turns
            )
        finally:
            answer.model_ms = (time.perf_counter() - started) * 1000

    def _run(self, translation: Translation, connection: Connection, answer: Answer) -> None:
        answer.sql = translation.sql
        answer.explanation = translation.explanation
        if not translation.sql:
            raise TranslationDeclined(translation.explanation or "I could not build a query")
        safe_sql = guard.check(
            translation.sql, connection.dialect, self.row_limit + 1, connection.hidden
        )
        answer.sql = safe_sql
        engine = self.databases.engine(connection)
        logger.debug("running on %s: %s", connection.name, safe_sql)
        result = execute.run_query(engine, safe_sql, row_limit=self.row_limit, timeout=self.timeout)
        answer.columns, answer.rows = result.columns, result.rows
        answer.truncated, answer.db_ms = result.truncated, result.ms

    def _fail(self, answer: Answer, exc: SqlbotError) -> None:
        answer.status = exc.status
        answer.error = redact(exc.reason)
        answer.error_detail = redact(exc.detail)
        if isinstance(exc, TranslationDeclined):
            answer.explanation = exc.reason
        logger.warning("question failed (%s): %s", exc.status, answer.error_detail)
