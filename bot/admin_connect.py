"""`/sqlbot connect`: register a database from a URL or from the connect form.

Either way the database is tested first (connect, list the tables, check the grants)
and saved only if that works. The form's submission is acknowledged with a
"testing…" view within Slack's three seconds; the result replaces it, and is also
left where `/sqlbot connect` was typed, through that command's response_url.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import admin_form, blocks, messages
from bot.admin_kit import Admins, Request, fallback, sections
from bot.service import Service
from core.connections import Connection
from core.errors import ConfigError, ConnectionFailed
from core.registry import Registry, check_name, normalize_url, registry_path, verify
from core.secrets import redact

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0


class Connector:
    """Tests and saves new connections for admins."""

    def __init__(self, service: Service, registry: Registry, admins: Admins) -> None:
        self.service = service
        self.registry = registry
        self.admins = admins

    def command(self, request: Request) -> None:
        """`/sqlbot connect` opens the form; `/sqlbot connect NAME URL [SCHEMAS]` tests now."""
        if not request.args:
            self._open_form(request)
            return
        if len(request.args) not in (2, 3):
            request.say(messages.CONNECT_USAGE)
            return
        name, url = request.args[0], admin_form.slack_text(request.args[1])
        schemas = tuple(s for s in (request.args[2:] or [""])[0].split(",") if s)
        connection = self.new_connection(name, url, schemas)
        request.say(messages.checking(connection.name))
        request.say(self.test_and_save(connection, request.user)[1])

    def _open_form(self, request: Request) -> None:
        metadata = {"channel": request.channel, "response_url": request.response_url}
        view = admin_form.form_view(json.dumps(metadata))
        try:
            request.client.views_open(trigger_id=request.trigger_id, view=view)
        except SlackApiError as exc:
            logger.warning("views.open failed: %s", exc.response.get("error"))
            request.say(messages.FORM_FAILED)

    def new_connection(self, name: str, url: str, schemas: tuple[str, ...]) -> Connection:
        """A connection to test, or ConfigError when the name or URL cannot be used."""
        name = check_name(name)
        connection = Connection(name, normalize_url(url), schemas)
        default = self.service.default
        if default and default.name == name and self.registry.get(name) is None:
            raise ConfigError(messages.name_taken(name))
        if connection.dialect == "sqlite" and _is_own_file(connection, self.service):
            raise ConfigError(messages.OWN_FILE)
        return connection

    def test_and_save(self, connection: Connection, user: str) -> tuple[bool, str]:
        """Test ``connection`` and save it if it works: (saved?, the words for the admin)."""
        try:
            checked = verify(connection, connect_timeout=CONNECT_TIMEOUT)
        except ConnectionFailed as exc:
            logger.info("testing %s failed: %s", connection.name, exc.detail)
            return False, messages.connect_failed(connection.name, blocks.escape(exc.reason))
        replaced = self.registry.save(connection, by=user)
        self.service.pipeline.databases.forget(connection.name)
        logger.info("%s registered %s (%s tables)", user, connection.name, checked.tables)
        return True, messages.connected(
            connection.name,
            blocks.escape(connection.where),
            checked.tables,
            replaced=replaced,
            writable_dialect=connection.dialect if checked.can_write else None,
            database=blocks.escape(_database(connection)),
        )

    # -- the form --------------------------------------------------------------------

    def on_submit(
        self, ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        """The form's view_submission: check the fields, then test and save."""
        user = body["user"]["id"]
        if not self.admins.check(user, client):
            ack(response_action="errors", errors={"name": messages.not_admin("connect")})
            return
        form = admin_form.read(view)
        try:
            connection = self._form_connection(form)
        except admin_form.FormError as exc:
            ack(response_action="errors", errors={exc.block: exc.text})
            return
        ack(response_action="update", view=admin_form.status_view(messages.checking(form.name)))
        self._finish(connection, form, view, user, client)

    def _form_connection(self, form: admin_form.Form) -> Connection:
        try:
            return self.new_connection(form.name, form.url(), form.schemas)
        except ConfigError as exc:
            raise admin_form.FormError("name", exc.reason) from None

    def _finish(
        self,
        connection: Connection,
        form: admin_form.Form,
        view: dict[str, Any],
        user: str,
        client: WebClient,
    ) -> None:
        try:
            saved, text = self.test_and_save(connection, user)
        except Exception:
            logger.exception("the connect form failed")
            saved, text = False, messages.INTERNAL_ERROR
        text = redact(text)
        metadata = view.get("private_metadata", "")
        if not saved:
            # Show the form again, filled in but for the password, with the reason on top.
            failed = admin_form.form_view(metadata, form, error=text)
            client.views_update(view_id=view["id"], view=failed)
            return
        client.views_update(view_id=view["id"], view=admin_form.status_view(text))
        _post_back(metadata, text)


def _database(connection: Connection) -> str:
    """The database name in a connection's URL, for the read-only grant statements."""
    return sa.make_url(connection.url).database or "your_database"


def _is_own_file(connection: Connection, service: Service) -> bool:
    """True for sqlbot's own SQLite file, which holds the history and the stored URLs."""
    database = sa.make_url(connection.url).database or ""
    own = registry_path(service.settings.data_dir).resolve()
    try:
        return bool(database) and own.samefile(database)
    except OSError:
        return False


def _post_back(metadata: str, text: str) -> None:
    """Leave the result where `/sqlbot connect` was typed, through its response_url."""
    try:
        url = json.loads(metadata or "{}").get("response_url")
    except ValueError:
        url = None
    if not url:
        return
    try:
        WebhookClient(url).send(text=fallback(text), blocks=sections(text))
    except Exception:
        logger.warning("could not post the connect result back", exc_info=True)
