"""The pipeline: question -> schema -> SQL -> guard -> rows, recorded in the history."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from core import execute, guard
from core.connections import Connection, Databases
from core.errors import (
    QueryFailed,
    RateLimited,
    SqlbotError,
    TranslationDeclined,
    UnsafeQuery,
)
from core.examples import Examples
from core.hints import did_you_mean
from core.history import History
from core.identifiers import fit_identifiers
from core.model import Answer, Translation
from core.ratelimit import RateLimiter
from core.schema import Schema
from core.secrets import redact
from core.translate import Failure, Repairer, Request, Translator

logger = logging.getLogger(__name__)

# A question longer than this is a pasted document, not a question.
MAX_QUESTION_CHARS = 2000
# An example this close to the question is what the answer is built on.
CREDIT_SIMILARITY = 0.5


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: used for the history, rate limits and follow-ups."""

    user: str = ""
    channel: str = ""
    thread_ts: str | None = None


NOBODY = Asker()


class Pipeline:
    """Answers questions against registered databases, one bounded read each."""

    def __init__(
        self,
        *,
        databases: Databases,
        translator: Translator,
        history: History,
        examples: Examples | None = None,
        row_limit: int = 1000,
        timeout: float = 30.0,
        repair_rounds: int = 2,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.databases = databases
        self.translator = translator
        self.history = history
        self.examples = examples
        self.row_limit = row_limit
        self.timeout = timeout
        self.repair_rounds = repair_rounds
        self.limiter = limiter

    def ask(self, request: Request, connection: Connection, asker: Asker = NOBODY) -> Answer:
        """Answer ``request`` on ``connection``; every outcome is recorded and returned."""
        request = replace(request, question=clean_question(request.question))
        answer = Answer(question=request.question, connection=connection.name)
        try:
            self._check_rate(asker)
            _check_length(request.question)
            schema = self.databases.schema(connection)
            request = self._with_examples(request, connection, answer)
            self._answer(request, schema, connection, answer)
        except SqlbotError as exc:
            self._fail(answer, exc)
        answer.history_id = self.history.record(
            answer, user=asker.user, channel=asker.channel, thread_ts=asker.thread_ts
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

    def _with_examples(self, request: Request, connection: Connection, answer: Answer) -> Request:
        if self.examples is None:
            return request
        scored = self.examples.closest(connection.name, request.question)
        if scored and scored[0][0] >= CREDIT_SIMILARITY:
            answer.verified_by = scored[0][1].verified_by
        found = tuple(example for _, example in scored)
        return Request(request.question, request.turns, request.pinned, found)

    def _answer(
        self, request: Request, schema: Schema, connection: Connection, answer: Answer
    ) -> None:
        if not schema.tables:
            # Nothing visible to query: say so rather than ask the model to guess (FR-7).
            raise TranslationDeclined("I can't see any tables in this database")
        translation = self._timed(
            answer, lambda: self.translator.translate(request, schema, row_limit=self.row_limit)
        )
        failures: list[Failure] = []
        while True:
            try:
                self._run(_fitted(translation, schema), connection, answer)
                return
            except (QueryFailed, UnsafeQuery) as exc:
                if not self._can_repair(exc, len(failures)):
                    raise
                failures.append(self._failure(translation, exc, schema, answer))
                failed_exc = exc
            translation = self._repair(request, schema, tuple(failures), answer)
            if translation.sql in {f.sql for f in failures}:
                raise failed_exc  # the model repeats itself: another round would too

    def _can_repair(self, exc: SqlbotError, rounds: int) -> bool:
        # Only a statement the database (or parser) could not take is worth another try;
        # a refusal of a write stays a refusal.
        unreadable = isinstance(exc, UnsafeQuery) and exc.detail.startswith("garbage")
        repairable = isinstance(exc, QueryFailed) or unreadable
        return repairable and rounds < self.repair_rounds and hasattr(self.translator, "repair")

    def _failure(
        self, translation: Translation, exc: SqlbotError, schema: Schema, answer: Answer
    ) -> Failure:
        # The guard's detail starts with its kind ("garbage: ..."); the model needs the rest.
        error = redact(exc.detail.removeprefix("garbage: "))
        answer.attempts.append((translation.sql or "", error))
        return Failure(translation.sql or "", error, tuple(did_you_mean(error, schema)))

    def _repair(
        self, request: Request, schema: Schema, failures: tuple[Failure, ...], answer: Answer
    ) -> Translation:
        repairer: Repairer = self.translator  # type: ignore[assignment]
        answer.repairs += 1
        return self._timed(
            answer, lambda: repairer.repair(request, schema, failures, row_limit=self.row_limit)
        )

    def _timed(self, answer: Answer, call: Callable[[], Translation]) -> Translation:
        started = time.perf_counter()
        try:
            translation = call()
        finally:
            answer.model_ms += (time.perf_counter() - started) * 1000
        answer.tokens += translation.tokens
        return translation

    def _run(self, translation: Translation, connection: Connection, answer: Answer) -> None:
        answer.sql = translation.sql
        answer.explanation = translation.explanation
        if not translation.sql:
            raise TranslationDeclined(translation.explanation or "I could not build a query")
        safe_sql = guard.check(
            translation.sql,
            connection.dialect,
            self.row_limit + 1,
            connection.hidden,
            connection.database,
        )
        answer.sql = safe_sql
        engine = self.databases.engine(connection)
        logger.debug("running on %s: %s", connection.name, safe_sql)
        started = time.perf_counter()
        try:
            result = execute.run_query(
                engine, safe_sql, row_limit=self.row_limit, timeout=self.timeout
            )
        finally:
            answer.db_ms += (time.perf_counter() - started) * 1000
        answer.columns, answer.rows, answer.truncated = (
            result.columns,
            result.rows,
            result.truncated,
        )

    def _fail(self, answer: Answer, exc: SqlbotError) -> None:
        answer.status = exc.status
        answer.error_kind = type(exc).__name__
        answer.error = redact(exc.reason)
        answer.error_detail = redact(exc.detail)
        if isinstance(exc, TranslationDeclined):
            answer.explanation = exc.reason
        logger.warning("question failed (%s): %s", exc.status, answer.error_detail)


def _fitted(translation: Translation, schema: Schema) -> Translation:
    """The translation with identifiers spelled as the schema needs them (FR-5)."""
    if not translation.sql:
        return translation
    return replace(translation, sql=fit_identifiers(translation.sql, schema))


def clean_question(text: str) -> str:
    """The question as text a person typed: no control characters or broken encodings.

    >>> clean_question("how many\\x00 orders?\\udcff ")
    'how many orders?'
    """
    # Undecodable bytes arrive as lone surrogates, which nothing downstream can encode.
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return "".join(c for c in text if c.isprintable() or c in "\n\t").strip()


def _check_length(question: str) -> None:
    if len(question) > MAX_QUESTION_CHARS:
        raise TranslationDeclined(
            f"that question is {len(question):,} characters long; please ask it in fewer "
            f"than {MAX_QUESTION_CHARS:,}"
        )
