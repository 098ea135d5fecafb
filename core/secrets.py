"""Keeping passwords, tokens and keys out of everything a person or a log can read."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"

# user:password@ in any URL-like text, whatever the scheme.
# Bounded runs and a scheme that starts a word keep this linear on long text.
_URL_PASSWORD = re.compile(
    r"(?P<head>(?<![\w+.-])[a-zA-Z][\w+.-]{0,30}://[^:/?#@\s]{0,256}:)(?P<pw>[^\s/]{0,1024})(?=@)"
)
# Slack and OpenAI-style tokens that could appear in a driver's message.
_TOKENS = re.compile(r"\b(xox[abprs]-[\w-]+|xapp-[\w-]+|sk-[\w-]{8,})")
# password=... in libpq-style connection strings and driver messages.
# MySQL's "(using password: YES)" says whether one was sent, not what it is: leave it.
_KEYWORD = re.compile(r"(?i)(password\s*[=:]\s*)(?!(?:YES|NO)\))('[^']*'|\"[^\"]*\"|\S+)")

_known: set[str] = set()


def remember(*values: str | None) -> None:
    """Register secret values so that ``redact`` removes them wherever they appear."""
    for value in values:
        if value and len(value) >= 4:
            _known.add(value)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Mask URL passwords, tokens and every remembered secret in ``text``.

    >>> redact("postgresql://bob:hunter22@db/x")
    'postgresql://bob:***@db/x'
    """
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    text = _TOKENS.sub(MASK, text)
    text = _KEYWORD.sub(lambda m: m.group(1) + MASK, text)
    for secret in sorted({*_known, *(e for e in extra if e)}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            cleaned_exc = redact(logging.Formatter().formatException(record.exc_info))
            cleaned = f"{cleaned}\n{cleaned_exc}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the redacting filter to every handler of ``logger`` (default: root)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
