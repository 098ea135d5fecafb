"""`/sqlbot`: help for everyone, and the admin commands that register databases, map
channels to them and hide what nobody may read.

Every command is acknowledged at once and answered through its response_url, so only
the caller sees the answer (`use` tells the whole channel). `connect` lives in
bot.admin_connect, the connect form in bot.admin_form. Nothing a person typed after
the verb is logged: a `connect` line may hold a password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import admin_form, blocks, messages
from bot.admin_connect import Connector
from bot.admin_examples import ExampleCommands
from bot.admin_kit import (
    Admins,
    Request,
    button,
    columns_text,
    fenced,
    history_line,
    sections,
    tables_text,
)
from bot.service import Service
from core import execute
from core.connections import Connection, Databases
from core.errors import SqlbotError
from core.registry import Registry, find_table, hidden_item
from core.schema import Schema
from core.secrets import redact

logger = logging.getLogger(__name__)

FORGET_CONFIRM = "sqlbot_forget_confirm"
FORGET_CANCEL = "sqlbot_forget_cancel"
ADMIN_VERBS = frozenset({"connect", "use", "hide", "unhide", "refresh", "forget", "pin", "unpin"})
HISTORY_DEFAULT, HISTORY_MAX = 10, 100
# Longer schema text goes into a file: two code sections is as much as reads well inline.
INLINE_CODE_CHARS = 2 * blocks.CODE_CHARS


def register(app: App, service: Service, registry: Registry | None = None) -> Admin:
    """Answer `/sqlbot`, the connect form and the forget buttons on ``app``."""
    admin = Admin(service, registry or service.registry)  # type: ignore[attr-defined]
    app.command("/sqlbot")(admin.on_command)
    app.view(admin_form.CALLBACK_ID)(admin.connector.on_submit)
    app.action(FORGET_CONFIRM)(admin.on_forget_confirm)
    app.action(FORGET_CANCEL)(admin.on_forget_cancel)
    return admin


class Admin:
    """The `/sqlbot` subcommands, each a method taking a Request."""

    def __init__(self, service: Service, registry: Registry) -> None:
        self.service = service
        self.registry = registry
        self.admins = Admins(service.settings.admins)
        self.connector = Connector(service, registry, self.admins)
        self.examples = ExampleCommands(service, self.admins)
        self._commands: dict[str, Callable[[Request], None]] = {
            "help": self.help,
            "connect": self.connector.command,
            "use": self.use,
            "list": self.list,
            "schema": self.schema,
            "hide": self.hide,
            "unhide": self.unhide,
            "refresh": self.refresh,
            "history": self.history,
            "forget": self.forget,
            "pin": self.examples.pin,
            "unpin": self.examples.unpin,
            "examples": self.examples.examples,
        }

    @property
    def databases(self) -> Databases:
        return self.service.pipeline.databases

    # -- the command -----------------------------------------------------------------

    def on_command(
        self, ack: Any, command: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        ack()
        words = (command.get("text") or "").split()
        verb = words[0].lower() if words else "help"
        request = Request(
            user=command["user_id"],
            channel=command["channel_id"],
            args=words[1:],
            respond=respond,
            client=client,
            trigger_id=command.get("trigger_id"),
            response_url=command.get("response_url"),
        )
        # Only the verb, and only a known one: the rest of a connect line may hold a password.
        logger.info(
            "%s ran /sqlbot %s in %s",
            request.user,
            verb if verb in self._commands else "(unknown)",
            request.channel,
        )
        self.run(verb, request)

    def run(self, verb: str, request: Request) -> None:
        """Run one subcommand, turning every failure into words for the caller."""
        handler = self._commands.get(verb)
        try:
            if handler is None:
                said = messages.unknown_subcommand(blocks.escape(verb), self._is_admin(request))
                request.say(said)
            elif verb in ADMIN_VERBS and not self._is_admin(request):
                request.say(messages.not_admin(verb))
            else:
                handler(request)
        except SqlbotError as exc:
            request.say(messages.admin_failed(blocks.escape(exc.reason)))
        except Exception:
            logger.exception("/sqlbot %s failed", verb)
            request.say(messages.INTERNAL_ERROR)

    def _is_admin(self, request: Request) -> bool:
        return self.admins.check(request.user, request.client)

    # -- help, list, use -------------------------------------------------------------

    def help(self, request: Request) -> None:
        request.say(messages.sqlbot_help(self._is_admin(request)))

    def list(self, request: Request) -> None:
        lines = [
            messages.list_line(
                entry.name,
                blocks.escape(entry.where),
                [f"<#{c}>" for c in entry.channels],
                len(entry.hidden),
            )
            for entry in self.registry.entries()
        ]
        default = self.service.connection_for(None)
        where = blocks.escape(default.where) if default else None
        request.say(messages.connection_list(lines, default.name if default else None, where))

    def use(self, request: Request) -> None:
        if len(request.args) != 1:
            current = self.registry.mapped_name(request.channel)
            request.say(messages.use_usage(current, self.registry.names()))
            return
        name = request.args[0].lower()
        if self.registry.get(name) is None:
            request.say(messages.unknown_connection(blocks.escape(name), self.registry.names()))
            return
        connection = self.registry.use(request.channel, name, by=request.user)
        said = messages.now_using(
            connection.name, blocks.escape(connection.where), f"<@{request.user}>"
        )
        request.say(said, in_channel=True)

    # -- schema ----------------------------------------------------------------------

    def schema(self, request: Request) -> None:
        connection = self.service.connection_for(request.channel)
        if connection is None:
            request.say(messages.no_connection(self.registry.names()))
            return
        schema = self._discover(connection, hidden_removed=True)
        if not request.args:
            title = messages.schema_title(connection.name, len(schema.tables))
            self._say_code(request, title, tables_text(schema))
            return
        table = find_table(schema, request.args[0])
        if table is None:
            asked = blocks.escape(request.args[0])
            request.say(messages.no_such_table(asked, connection.name))
            return
        title = messages.table_title(blocks.escape(table.key), connection.name)
        self._say_code(request, title, columns_text(table))

    def _discover(self, connection: Connection, *, hidden_removed: bool) -> Schema:
        """The schema (all of it, or what is not hidden), with failures in plain words."""
        try:
            if hidden_removed:
                return self.databases.schema(connection)
            engine = self.databases.engine(connection)
            return self.databases.schemas.get(connection.name, engine, connection.schemas)
        except sa.exc.SQLAlchemyError as exc:
            raise execute.connection_failed(self.databases.engine(connection), exc) from None

    def _say_code(self, request: Request, title: str, text: str) -> None:
        """Short text inline as code; long text as a file in the channel (or cut, if I can't)."""
        if len(blocks.escape(text)) <= INLINE_CODE_CHARS:
            request.say(f"{title}\n{fenced(text)}")
            return
        try:
            request.client.files_upload_v2(
                channel=request.channel,
                content=text,
                filename="sqlbot-schema.txt",
                title=redact(title.replace("*", "")),
            )
        except SlackApiError as exc:
            logger.info("schema upload failed: %s", exc.response.get("error"))
            cut = text[: blocks.CODE_CHARS - 200].rsplit("\n", 1)[0]
            request.say(f"{title}\n{fenced(cut)}\n{messages.SCHEMA_CUT}")
            return
        request.say(messages.schema_uploaded(title))

    # -- hide, unhide, refresh -------------------------------------------------------

    def hide(self, request: Request) -> None:
        if len(request.args) != 2:
            request.say(messages.HIDE_USAGE)
            return
        connection = self.registry.require(request.args[0])
        schema = self._discover(connection, hidden_removed=False)
        item = hidden_item(schema, request.args[1])
        if item is None:
            asked = blocks.escape(request.args[1])
            request.say(messages.no_such_table(asked, connection.name))
            return
        changed = self.registry.hide(connection.name, item, by=request.user)
        logger.info("%s hid %s in %s", request.user, item, connection.name)
        request.say(messages.hidden(connection.name, blocks.escape(item), changed))

    def unhide(self, request: Request) -> None:
        if len(request.args) != 2:
            request.say(messages.UNHIDE_USAGE)
            return
        connection = self.registry.require(request.args[0])
        item = _hidden_match(connection.hidden, request.args[1])
        changed = item is not None and self.registry.unhide(connection.name, item)
        shown = blocks.escape(item or request.args[1])
        request.say(messages.unhidden(connection.name, shown, changed))

    def refresh(self, request: Request) -> None:
        if request.args:
            connection: Connection | None = self.registry.require(request.args[0])
        else:
            connection = self.service.connection_for(request.channel)
        if connection is None:
            request.say(messages.no_connection(self.registry.names()))
            return
        self.databases.schemas.refresh(connection.name)
        request.say(messages.refreshed(connection.name))

    # -- history ---------------------------------------------------------------------

    def history(self, request: Request) -> None:
        everywhere = bool(request.args) and request.args[0].lower() == "all"
        if everywhere and not self._is_admin(request):
            request.say(messages.not_admin("history all"))
            return
        count = _count(request.args[1:] if everywhere else request.args)
        if count is None:
            request.say(messages.HISTORY_USAGE)
            return
        rows = self.service.history.recent(None if everywhere else request.channel, count)
        lines = [history_line(row, everywhere) for row in rows]
        request.say(messages.history_list(lines, everywhere))

    # -- forget ----------------------------------------------------------------------

    def forget(self, request: Request) -> None:
        if len(request.args) != 1:
            request.say(messages.FORGET_USAGE)
            return
        connection = self.registry.require(request.args[0])
        entry = next(e for e in self.registry.entries() if e.name == connection.name)
        text = messages.forget_question(connection.name, [f"<#{c}>" for c in entry.channels])
        buttons = {
            "type": "actions",
            "elements": [
                button(messages.FORGET_BUTTON, FORGET_CONFIRM, connection.name, "danger"),
                button(messages.KEEP_BUTTON, FORGET_CANCEL, connection.name),
            ],
        }
        request.respond(text=text, blocks=[*sections(text), buttons], response_type="ephemeral")

    def on_forget_confirm(
        self, ack: Any, body: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        ack()
        user, name = body["user"]["id"], _action_value(body)
        if not self.admins.check(user, client):
            respond(text=messages.not_admin("forget"), response_type="ephemeral")
            return
        removed = self.registry.remove(name)
        self.databases.forget(name)
        logger.info("%s forgot %s", user, name)
        respond(text=messages.forgotten(blocks.escape(name), removed), replace_original=True)

    def on_forget_cancel(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        respond(text=messages.kept(blocks.escape(_action_value(body))), replace_original=True)


def _hidden_match(hidden: frozenset[str], text: str) -> str | None:
    """Which stored hidden name ``text`` means: "Customer.Email", "public.customer"..."""
    parts = [p.strip('"`[]').lower() for p in text.split(".")]
    candidates = [".".join(parts), ".".join(parts[1:]), ".".join(parts[-1:])]
    return next((c for c in candidates if c in hidden), None)


def _count(args: list[str]) -> int | None:
    if not args:
        return HISTORY_DEFAULT
    if len(args) == 1 and args[0].isdigit() and int(args[0]) > 0:
        return min(int(args[0]), HISTORY_MAX)
    return None


def _action_value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")
