"""Question -> SQL through any OpenAI-compatible model, and reading SQL out of its reply."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

from core.errors import ModelUnavailable, TranslationDeclined
from core.examples import Example
from core.model import Translation
from core.prompt import DIALECT_NAMES, PromptContext, system_prompt
from core.retrieval import select_tables
from core.schema import Schema

logger = logging.getLogger(__name__)

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_START = re.compile(r"(?im)^\s*`?(select|with)\b")
_STATEMENT = re.compile(
    r"(?i)\s*(select|with|insert|update|delete|drop|create|alter|truncate|grant|merge|call)\b"
)


@dataclass(frozen=True)
class Turn:
    """An earlier question in the same conversation, for follow-ups."""

    question: str
    sql: str | None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Request:
    """One question with everything around it: earlier turns, pins and verified examples."""

    question: str
    turns: tuple[Turn, ...] = ()
    pinned: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Failure:
    """A statement the database rejected, for a repair round."""

    sql: str
    error: str
    hints: tuple[str, ...] = ()


class Translator(Protocol):
    """Anything that turns a question about ``schema`` into a Translation."""

    def translate(self, request: Request, schema: Schema, *, row_limit: int) -> Translation: ...


class Repairer(Protocol):
    """A translator that can try again when the database rejects its SQL."""

    def repair(
        self, request: Request, schema: Schema, failures: tuple[Failure, ...], *, row_limit: int
    ) -> Translation: ...


def extract_sql(reply: str) -> str | None:
    """The one statement in a model's reply, or None when it holds no SQL.

    >>> extract_sql("```sql\\nSELECT 1;\\n```\\nOr:\\n```sql\\nSELECT 2;\\n```")
    'SELECT 1'
    >>> extract_sql("Here it is:\\nSELECT COUNT(*) FROM t") is None
    False
    """
    fenced = _FENCE.findall(reply)
    blocks = [body for _, body in fenced if _START.search(body)]
    # A block of other SQL (DROP, DELETE...) still goes to the guard, so the user hears why.
    blocks += [body for lang, body in fenced if lang.lower() == "sql" or _STATEMENT.match(body)]
    if blocks:
        return _first_statement(blocks[0])
    match = _START.search(reply)
    if match is None:
        return None
    return _first_statement(_until_prose(reply[match.start() :]))


def _until_prose(text: str) -> str:
    # Without fences a blank line ends the statement: what follows is explanation.
    return re.split(r"\n\s*\n", text, maxsplit=1)[0]


def _first_statement(text: str) -> str | None:
    """Text up to a trailing ';', leaving any later statements in for the guard to see."""
    text = text.strip()
    if text.startswith("`") and text.endswith("`") and text.count("`") == 2:
        text = text[1:-1].strip()  # inline code around the whole statement
    end = _statement_end(text)
    statement = text if end is None else text[:end]
    rest = "" if end is None else text[end + 1 :].strip()
    if rest and not rest.startswith("--"):
        # A second statement in the same block: keep it, so the guard refuses the batch.
        statement = text.rstrip().rstrip(";")
    return statement.strip() or None


def _statement_end(text: str) -> int | None:
    """Index of the first ';' outside quotes and comments."""
    closing = {"'": "'", '"': '"', "`": "`", "--": "\n", "/*": "*/"}
    i, until = 0, None
    while i < len(text):
        if until is not None:
            if text.startswith(until, i):
                i, until = i + len(until), None
                continue
        elif text[i] == ";":
            return i
        else:
            opener = next((o for o in closing if text.startswith(o, i)), None)
            if opener:
                i, until = i + len(opener), closing[opener]
                continue
        i += 1
    return None


class LLMTranslator:
    """Asks an OpenAI-compatible chat model for one query."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        timeout: float = 60.0,
        max_retries: int = 2,
        today: dt.date | None = None,
        send_samples: bool = True,
        schema_tokens: int = 6000,
    ) -> None:
        import openai

        self._client = openai.OpenAI(
            api_key=api_key or "not-needed",
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.model = model
        self._today = today
        self._send_samples = send_samples
        self._schema_tokens = schema_tokens

    def translate(self, request: Request, schema: Schema, *, row_limit: int) -> Translation:
        return self.complete(self._messages(request, schema, row_limit))

    def repair(
        self, request: Request, schema: Schema, failures: tuple[Failure, ...], *, row_limit: int
    ) -> Translation:
        """Ask again, showing the model each rejected statement and the database's words."""
        messages = self._messages(request, schema, row_limit)
        for failure in failures:
            messages.append({"role": "assistant", "content": f"```sql\n{failure.sql}\n```"})
            messages.append({"role": "user", "content": repair_prompt(schema, failure)})
        return self.complete(messages)

    def _messages(self, request: Request, schema: Schema, row_limit: int) -> list[dict[str, str]]:
        context = PromptContext(self._today or dt.date.today(), row_limit, self._send_samples)
        hints = [t.sql for t in request.turns if t.sql] + [e.sql for e in request.examples]
        tables = select_tables(
            request.question,
            schema,
            budget_tokens=self._schema_tokens,
            pinned=request.pinned,
            send_samples=self._send_samples,
            hints=hints,
        )
        messages = [{"role": "system", "content": system_prompt(schema, context, tables)}]
        messages += _example_messages(request.examples)
        messages += _turn_messages(request.turns)
        messages.append({"role": "user", "content": request.question})
        return messages

    def complete(self, messages: list[dict[str, str]]) -> Translation:
        """Send ``messages`` and read one statement out of the reply."""
        started = time.perf_counter()
        reply, tokens = self._ask(messages)
        ms = (time.perf_counter() - started) * 1000
        sql = extract_sql(reply)
        if sql is None:
            # A prose-only reply is the model saying it cannot: declined, not an error.
            raise TranslationDeclined(_explanation(reply), f"model replied without SQL: {reply}")
        return Translation(sql=sql, explanation=_prose(reply), ms=ms, tokens=tokens)

    def _ask(self, messages: list[dict[str, str]]) -> tuple[str, int]:
        import openai

        try:
            payload: Any = messages
            response: Any = self._client.chat.completions.create(
                model=self.model, messages=payload, temperature=0
            )
        except openai.APITimeoutError as exc:
            raise ModelUnavailable("the model took too long to answer", repr(exc)) from exc
        except openai.RateLimitError as exc:
            raise ModelUnavailable("the model is rate-limiting us right now", str(exc)) from exc
        except openai.AuthenticationError as exc:
            reason = "the model refused our API key (check OPENAI_API_KEY)"
            raise ModelUnavailable(reason, str(exc)) from exc
        except openai.BadRequestError as exc:
            reason = "the model could not take this question (it may be too large for it)"
            raise ModelUnavailable(reason, str(exc)) from exc
        except openai.APIError as exc:
            raise ModelUnavailable("the model service is failing right now", str(exc)) from exc
        except ValueError as exc:  # a 200 whose body is not the JSON the API promises
            raise ModelUnavailable("the model's reply could not be read", repr(exc)) from exc
        return _reply_text(response), _tokens(response)


def repair_prompt(schema: Schema, failure: Failure) -> str:
    """The follow-up message of a repair round (FR-4)."""
    dialect = DIALECT_NAMES.get(schema.dialect, schema.dialect)
    lines = [f"That query failed on {dialect}: {failure.error}"]
    lines += [f"Hint: {hint}" for hint in failure.hints]
    lines.append(f"Write one corrected {dialect} query in a ```sql block.")
    return "\n".join(lines)


def _example_messages(examples: tuple[Example, ...]) -> list[dict[str, str]]:
    messages = []
    for example in examples:
        messages.append({"role": "user", "content": example.question})
        messages.append({"role": "assistant", "content": f"```sql\n{example.sql}\n```"})
    return messages


def _turn_messages(turns: tuple[Turn, ...]) -> list[dict[str, str]]:
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": turn.question})
        if turn.sql:
            columns = f"\n-- columns: {', '.join(turn.columns)}" if turn.columns else ""
            messages.append({"role": "assistant", "content": f"```sql\n{turn.sql}\n```{columns}"})
    return messages


def _reply_text(response: Any) -> str:
    choices = getattr(response, "choices", None) or []
    if not choices:
        return ""
    content = getattr(choices[0].message, "content", None)
    return content or ""


def _tokens(response: Any) -> int:
    usage = getattr(response, "usage", None)
    return int(getattr(usage, "total_tokens", 0) or 0)


def _prose(reply: str) -> str:
    """The model's words around its SQL, if it said anything besides the query."""
    words = " ".join(_FENCE.sub(" ", reply).split()) if _FENCE.search(reply) else ""
    return _explanation(words) if words else ""


def _explanation(reply: str) -> str:
    text = " ".join(reply.split())
    if not text:
        return "The model gave no answer."
    return text if len(text) <= 500 else text[:499] + "…"
