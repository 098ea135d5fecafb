"""Slack Block Kit messages: an Answer (or SQL, or a note) in, blocks and fallback text out.

Everything that came from a person or a database is escaped here (FR-19); the only
markup sqlbot adds itself is the asker's mention, the code fences and bold labels.
Every message stays inside Slack's limits (FR-18): sections of at most 3,000
characters, at most 50 blocks, a short fallback text.
"""

from __future__ import annotations

import re
from typing import Any

from bot import messages
from core.model import Answer
from core.render import table_text

Block = dict[str, Any]

SECTION_CHARS = 3000
TEXT_CHARS = 3000
MAX_BLOCKS = 50
FENCE = "```"
CODE_CHARS = SECTION_CHARS - 2 * len(FENCE + "\n")
QUESTION_CHARS = 1000
FALLBACK_QUESTION_CHARS = 300
MAX_SQL_SECTIONS = 40
ACTION_IDS = ("show_sql", "download_csv", "feedback_up", "feedback_down")

_BACKTICKS = re.compile(r"`{3,}")
# Direction overrides can make text read differently from what it is: drop them.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


def escape(text: str) -> str:
    """Make text inert in Slack: no mention, channel ping or link survives (FR-19).

    >>> escape("<!channel> & <@U1>")
    '&lt;!channel&gt; &amp; &lt;@U1&gt;'
    """
    text = text.translate(_BIDI)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def answer_blocks(
    answer: Answer, *, asker: str | None = None, preview_rows: int = 20
) -> tuple[list[Block], str]:
    """The whole answer message: question, result, figures and buttons; and its fallback."""
    body, summary = _body(answer, preview_rows)
    blocks = [_question(answer.question, asker), *body, note_block(messages.context_line(answer))]
    if answer.verified_by and _USER_ID.match(answer.verified_by):
        # A user id is the one piece of markup let through: it names who verified the query.
        credit = messages.verified_by(f"<@{answer.verified_by}>")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": credit}]})
    actions = _actions(answer)
    if actions:
        blocks.append(actions)
    fallback = f"{_cut(answer.question, FALLBACK_QUESTION_CHARS)} — {summary}"
    return blocks, _escaped(fallback, TEXT_CHARS)


def sql_blocks(sql: str) -> tuple[list[Block], str]:
    """The SQL of an answer in code blocks, over several sections when it is long."""
    chunks = _chunks(sql.strip(), CODE_CHARS)
    blocks = [_code_section(chunk) for chunk in chunks[:MAX_SQL_SECTIONS]]
    if len(chunks) > MAX_SQL_SECTIONS:
        blocks.append(note_block(messages.SQL_TOO_LONG))
    return blocks, _escaped(sql.strip(), TEXT_CHARS)


def working_blocks(question: str, asker: str | None) -> tuple[list[Block], str]:
    """The "working on it" message that the answer later replaces."""
    return [_question(question, asker), note_block(messages.WORKING)], messages.WORKING


def error_blocks(text: str) -> tuple[list[Block], str]:
    """A message that is only a note: a failure, a refusal or advice."""
    return [_section(_escaped(text, SECTION_CHARS))], _escaped(text, TEXT_CHARS)


def note_block(text: str) -> Block:
    """A line of small print under a message, escaped."""
    return {"type": "context", "elements": [_mrkdwn(_escaped(text, SECTION_CHARS))]}


def _body(answer: Answer, preview_rows: int) -> tuple[list[Block], str]:
    """The blocks between question and figures, and a one-line summary for the fallback."""
    if answer.status != "ok":
        text = messages.failure_text(answer)
    elif not answer.rows:
        text = messages.NO_ROWS
    elif answer.single_value:
        text = messages.single_value(answer.columns[0], answer.rows[0][0])
    else:
        return _table(answer, preview_rows), messages.context_line(answer)
    return [_section(_escaped(text, SECTION_CHARS))], text


def _table(answer: Answer, preview_rows: int) -> list[Block]:
    """The leading rows as a code block, and a note on what the preview leaves out."""
    csv = answer.history_id is not None
    text, shown = table_text(
        answer.columns, answer.rows, max_chars=CODE_CHARS, max_rows=preview_rows, size=_code_size
    )
    if shown == 0:
        return [_section(escape(messages.too_wide(csv=csv)))]
    blocks = [_section(_fenced(text))]
    note = messages.rows_note(shown, answer.row_count, answer.truncated, csv=csv)
    if note:
        blocks.append(_section(escape(note)))
    return blocks


def _question(question: str, asker: str | None) -> Block:
    who = f"<@{escape(asker)}>" if asker else None
    return _section(messages.asked(who, _escaped(question, QUESTION_CHARS)))


def _actions(answer: Answer) -> Block | None:
    """Buttons carry the history id only, never the SQL (FR-24)."""
    if answer.history_id is None:
        return None
    value = str(answer.history_id)
    buttons = []
    if answer.sql:
        buttons.append(_button(messages.SHOW_SQL, "show_sql", value))
    if answer.status == "ok" and answer.rows and not answer.single_value:
        buttons.append(_button(messages.DOWNLOAD_CSV, "download_csv", value))
    buttons.append(_button(messages.FEEDBACK_UP, "feedback_up", value))
    buttons.append(_button(messages.FEEDBACK_DOWN, "feedback_down", value))
    return {"type": "actions", "elements": buttons}


def _button(label: str, action_id: str, value: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
        "value": value,
    }


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _code_section(text: str) -> Block:
    return _section(_fenced(text))


def _fenced(text: str) -> str:
    return f"{FENCE}\n{_code(text)}\n{FENCE}"


def _code(text: str) -> str:
    """Escaped text for a code block; a run of backticks would end the block early."""
    return escape(_BACKTICKS.sub(lambda run: "ˋ" * len(run.group()), text))


def _code_size(text: str) -> int:
    return len(_code(text))


def _escaped(text: str, limit: int) -> str:
    """``text`` escaped and cut so that the escaped form fits in ``limit`` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept: list[str] = []
    used = 1  # one for the "…"
    for char in text:
        size = len(escape(char))
        if used + size > limit:
            break
        kept.append(char)
        used += size
    return escape("".join(kept)) + "…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chunks(text: str, limit: int) -> list[str]:
    """Lines packed into pieces whose code-block form fits in ``limit`` characters."""
    chunks: list[str] = []
    current: list[str] = []
    used = -1  # the first line needs no newline before it
    for line in _short_lines(text, limit):
        size = _code_size(line) + 1
        if current and used + size > limit:
            chunks.append("\n".join(current))
            current, used = [], -1
        current.append(line)
        used += size
    if current:
        chunks.append("\n".join(current))
    return chunks


def _short_lines(text: str, limit: int) -> list[str]:
    """The lines of ``text``, each one longer than ``limit`` split into pieces that fit."""
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        piece, used = "", 0
        for char in line:
            size = _code_size(char)
            if used + size > limit:
                lines.append(piece)
                piece, used = "", 0
            piece += char
            used += size
        lines.append(piece)
    return lines
