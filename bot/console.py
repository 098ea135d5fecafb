"""The terminal front end: the same pipeline as Slack, printed as plain text."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, TextIO

from bot import messages
from bot.service import Service, build_service
from core.answer import Asker
from core.model import Answer
from core.render import json_rows, table_text
from core.settings import Settings

CONSOLE_USER = "console"
TABLE_CHARS = 20000
PROMPT = "sqlbot> "


def answer_json(answer: Answer) -> dict[str, Any]:
    """The stable JSON shape scripts and benchmarks read (DESIGN.md, "Command line")."""
    return {
        "status": answer.status,
        "sql": answer.sql,
        "columns": answer.columns,
        "rows": json_rows(answer.rows),
        "row_count": answer.row_count,
        "truncated": answer.truncated,
        "error": answer.error,
        "explanation": answer.explanation,
        "ms": round(answer.ms, 1),
        "model_ms": round(answer.model_ms, 1),
        "db_ms": round(answer.db_ms, 1),
        "connection": answer.connection,
        "history_id": answer.history_id,
    }


def answer_text(answer: Answer) -> str:
    """What Slack would show, as terminal text."""
    parts = [f"Q: {answer.question}"]
    if answer.status != "ok":
        parts.append(messages.failure_text(answer))
    elif answer.single_value:
        parts.append(messages.single_value(answer.columns[0], answer.rows[0][0]))
    elif not answer.rows:
        parts.append(messages.NO_ROWS)
    else:
        table, shown = table_text(answer.columns, answer.rows, max_chars=TABLE_CHARS)
        parts.append(table)
        note = messages.rows_note(shown, answer.row_count, answer.truncated, csv=False)
        if note:
            parts.append(note)
    parts.append(messages.context_line(answer))
    if answer.sql:
        parts.append(f"SQL: {answer.sql}")
    return "\n".join(parts)


def _session(settings: Settings, connection_url: str | None) -> Service:
    return build_service(settings, connection_url)


def ask_once(
    settings: Settings,
    question: str,
    connection_url: str | None,
    *,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Answer one question; exit status 0 when it was answered, 1 otherwise."""
    service = _session(settings, connection_url)
    try:
        answer = service.ask(question, Asker(CONSOLE_USER, CONSOLE_USER))
    finally:
        service.close()
    if as_json:
        print(json.dumps(answer_json(answer), ensure_ascii=False), file=out)
    else:
        print(answer_text(answer), file=out)
    return 0 if answer.status == "ok" else 1


def interactive(settings: Settings, connection_url: str | None) -> int:
    """A prompt loop: one question a line, until end of input or `quit`."""
    service = _session(settings, connection_url)
    connection = service.connection_for(CONSOLE_USER)
    print(messages.console_banner(connection.name if connection else "none", settings.uses_llm))
    try:
        while True:
            try:
                question = input(PROMPT).strip()
            except EOFError:
                print()
                return 0
            if question.lower() in ("quit", "exit", r"\q"):
                return 0
            if question:
                answer = service.ask(question, Asker(CONSOLE_USER, CONSOLE_USER))
                print(answer_text(answer) + "\n")
    finally:
        service.close()


def write_demo(url: str, day: str | None) -> int:
    """Write the demo shop into the database at ``url``."""
    import sqlalchemy as sa

    from core import demo
    from core.connections import parse_url
    from core.errors import ConnectionFailed

    when = dt.date.fromisoformat(day) if day else dt.date.today()
    engine = sa.create_engine(parse_url(url))
    try:
        demo.write(engine, demo.generate(when))
    except sa.exc.OperationalError as exc:
        raise ConnectionFailed(messages.DEMO_FAILED, str(exc)) from None
    finally:
        engine.dispose()
    print(messages.demo_written(when.isoformat()))
    return 0


def rotate_key(settings: Settings) -> int:
    """Re-encrypt every stored login under a fresh key."""
    from core import keys

    rotation = keys.rotate(settings)
    print(messages.key_rotated(rotation.count, rotation.where, rotation.new_key))
    return 0
