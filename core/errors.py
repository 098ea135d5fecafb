"""One error tree for everything core can go wrong with.

Each error carries a short, plain ``reason`` that is safe to show a user: no
password, connection URL or stack trace ever goes into it. The full detail goes
to ``detail`` for the log and the history (secrets masked by the raiser).
"""

from __future__ import annotations


class SqlbotError(Exception):
    """Base of every error sqlbot raises on purpose."""

    status = "error"

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail if detail is not None else reason


class ConfigError(SqlbotError):
    """The configuration is missing something or holds a value we cannot use."""


class UnsafeQuery(SqlbotError):
    """The statement is not one bounded read, so it is never run."""

    status = "refused"


class TranslationDeclined(SqlbotError):
    """No query could be built for the question; ``reason`` says what was understood."""

    status = "declined"


class TranslationFailed(SqlbotError):
    """The translator (model or offline) failed to produce an answer at all."""


class ModelUnavailable(TranslationFailed):
    """The model endpoint timed out, refused us or kept failing after retries."""


class QueryTimedOut(SqlbotError):
    """The database stopped the query at the configured time limit."""

    status = "timeout"

    def __init__(self, seconds: float, detail: str | None = None) -> None:
        super().__init__(f"the query was cancelled after {seconds:g} s", detail)
        self.seconds = seconds


class QueryFailed(SqlbotError):
    """The database rejected the statement (syntax, unknown column, types...)."""


class ConnectionFailed(SqlbotError):
    """The database could not be reached or would not let us in."""


class NoSuchConnection(SqlbotError):
    """A connection name that is not registered."""


class RateLimited(SqlbotError):
    """The asker sent more questions per minute than allowed."""

    status = "refused"
