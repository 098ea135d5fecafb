"""What the admin commands share: who is an admin, one request and how to answer it,
and text cut to Slack's sizes (sections of 3,000 characters, at most 50 blocks).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks, messages
from core.schema import Schema, Table
from core.secrets import redact

logger = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 60.0
FALLBACK_CHARS = 3000
# Room in a section to close a code block and open it again in the next one.
_SECTION_TEXT = blocks.SECTION_CHARS - 2 * len(blocks.FENCE + "\n")


class Admins:
    """Who may run admin commands: SQLBOT_ADMINS, and workspace admins and owners.

    What users.info says is kept for a minute, so a burst of commands costs one call.
    """

    def __init__(self, ids: frozenset[str], ttl: float = ADMIN_CACHE_SECONDS) -> None:
        self.ids = ids
        self.ttl = ttl
        self._seen: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def check(self, user: str, client: WebClient) -> bool:
        if user in self.ids:
            return True
        with self._lock:
            known = self._seen.get(user)
        if known and time.monotonic() - known[1] < self.ttl:
            return known[0]
        allowed = _workspace_admin(user, client)
        with self._lock:
            self._seen[user] = (allowed, time.monotonic())
        return allowed


def _workspace_admin(user: str, client: WebClient) -> bool:
    try:
        info = client.users_info(user=user)["user"]
    except SlackApiError as exc:
        logger.warning("users.info failed for %s: %s", user, exc.response.get("error"))
        return False
    roles = ("is_admin", "is_owner", "is_primary_owner")
    return any(info.get(role) for role in roles) and not info.get("deleted")


@dataclass
class Request:
    """One `/sqlbot` command: who, where, the words after the verb, and how to answer."""

    user: str
    channel: str
    args: list[str]
    respond: Any
    client: WebClient
    trigger_id: str | None = None
    response_url: str | None = None

    def say(self, text: str, *, in_channel: bool = False) -> None:
        """Answer the caller (or, ``in_channel``, everyone there) in mrkdwn."""
        text = redact(text)
        kind = "in_channel" if in_channel else "ephemeral"
        self.respond(text=fallback(text), blocks=sections(text), response_type=kind)


def sections(text: str) -> list[dict[str, Any]]:
    """Mrkdwn sections of at most 3,000 characters each, split between lines."""
    pieces: list[str] = []
    for line in text.split("\n"):
        if pieces and len(pieces[-1]) + 1 + len(line) <= _SECTION_TEXT:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line[:_SECTION_TEXT])
    shown = _balance_fences(pieces)[: blocks.MAX_BLOCKS]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": p}} for p in shown]


def _balance_fences(pieces: list[str]) -> list[str]:
    # A code block split over two sections must close in the first and reopen in the next.
    balanced, open_fence = [], False
    for piece in pieces:
        text = (blocks.FENCE + "\n" + piece) if open_fence else piece
        open_fence = text.count(blocks.FENCE) % 2 == 1
        balanced.append(text + ("\n" + blocks.FENCE if open_fence else ""))
    return balanced


def fallback(text: str) -> str:
    """A message's notification text, cut to a size Slack takes."""
    return text if len(text) <= FALLBACK_CHARS else text[: FALLBACK_CHARS - 1] + "…"


def fenced(text: str) -> str:
    """Escaped ``text`` in a code block."""
    return f"{blocks.FENCE}\n{blocks.escape(text)}\n{blocks.FENCE}"


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def tables_text(schema: Schema) -> str:
    """One line per table: its name, an estimate of its rows, and its column count."""
    width = max((len(t.key) for t in schema.tables), default=0)
    lines = []
    for table in schema.tables:
        rows = messages.row_estimate(table.row_estimate)
        lines.append(f"{table.key:<{width}}  {rows:>14}  {len(table.columns)} columns")
    return "\n".join(lines)


def columns_text(table: Table) -> str:
    """One line per column: name, type, and its key, reference and nullability."""
    refs = {c: fk for fk in table.foreign_keys for c in fk.columns}
    width = max((len(c.name) for c in table.columns), default=0)
    type_width = max((len(c.type) for c in table.columns), default=0)
    lines = []
    for column in table.columns:
        notes = []
        if column.name in table.primary_key:
            notes.append("primary key")
        fk = refs.get(column.name)
        if fk is not None:
            owner = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
            notes.append(f"→ {owner}.{', '.join(fk.ref_columns)}")
        if not column.nullable:
            notes.append("not null")
        line = f"{column.name:<{width}}  {column.type:<{type_width}}  {', '.join(notes)}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def history_line(row: dict[str, Any], everywhere: bool) -> str:
    """One history row for `/sqlbot history`, every value escaped."""
    return messages.history_line(
        status=blocks.escape(row["status"] or ""),
        rows=row["row_count"] or 0,
        ms=(row["model_ms"] or 0) + (row["db_ms"] or 0),
        who=f"<@{row['user']}>" if row["user"] else "someone",
        when=row["created_at"],
        question=blocks.escape(" ".join((row["question"] or "").split())[:150]),
        where=f"<#{row['channel']}>" if everywhere and row["channel"] else None,
    )
