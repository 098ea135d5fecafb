"""The connect form: a Slack modal asking for a database's details, and reading them back.

Slack has no masked input, so the password is a plain text field; it is never put
back into a view, a message or a log. A form shown again after a failed test keeps
every field but the password.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bot import blocks, messages

CALLBACK_ID = "sqlbot_connect"
FIELD = "value"  # the action_id of every input, so a value is state[block_id]["value"]
DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "sqlite": "sqlite"}
ENGINE_LABELS = {"postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB", "sqlite": "SQLite file"}


class FormError(Exception):
    """A field of the form holds something unusable; ``block`` names the field."""

    def __init__(self, block: str, text: str) -> None:
        super().__init__(text)
        self.block = block
        self.text = text


@dataclass(frozen=True)
class Form:
    """What the admin typed into the connect form."""

    name: str = ""
    engine: str = "postgresql"
    host: str = ""
    port: str = ""
    database: str = ""
    user: str = ""
    password: str = ""
    schema_list: str = ""

    def __repr__(self) -> str:
        return f"Form(name={self.name!r}, engine={self.engine!r}, host={self.host!r})"

    @property
    def schemas(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.schema_list.replace(" ", ",").split(",") if s.strip())

    def url(self) -> str:
        """The database URL the form describes, or FormError for the field that is wrong."""
        if self.engine not in DRIVERS:
            raise FormError("engine", messages.FORM_ENGINE)
        if not self.database:
            raise FormError("database", messages.FORM_DATABASE)
        if self.engine == "sqlite":
            return f"sqlite:///{self.database}"
        if not self.host:
            raise FormError("host", messages.FORM_HOST)
        url = sa.URL.create(
            DRIVERS[self.engine],
            username=self.user or None,
            password=self.password or None,
            host=self.host,
            port=self._port(),
            database=self.database,
        )
        return url.render_as_string(hide_password=False)

    def _port(self) -> int | None:
        if not self.port:
            return None
        if not self.port.isdigit() or not 0 < int(self.port) < 65536:
            raise FormError("port", messages.FORM_PORT)
        return int(self.port)


def read(view: dict[str, Any]) -> Form:
    """The form's values from a view_submission's ``view``."""
    values = view.get("state", {}).get("values", {})

    def text(block: str) -> str:
        element = values.get(block, {}).get(FIELD) or {}
        if element.get("type") == "static_select" or "selected_option" in element:
            return str((element.get("selected_option") or {}).get("value") or "")
        return str(element.get("value") or "").strip()

    return Form(
        name=text("name"),
        engine=text("engine") or "postgresql",
        host=text("host"),
        port=text("port"),
        database=text("database"),
        user=text("user"),
        password=text("password"),
        schema_list=text("schemas"),
    )


def form_view(metadata: str, form: Form | None = None, error: str | None = None) -> dict[str, Any]:
    """The modal; filled in from ``form`` (never its password) with ``error`` on top."""
    form = form or Form()
    top = [_note(error)] if error else [_note(messages.FORM_INTRO)]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(messages.FORM_TITLE),
        "submit": _plain(messages.FORM_SUBMIT),
        "close": _plain(messages.FORM_CLOSE),
        "private_metadata": metadata,
        "blocks": [*top, *_inputs(form)],
    }


def _inputs(form: Form) -> list[dict[str, Any]]:
    return [
        _text_input("name", messages.FORM_NAME, form.name, hint=messages.FORM_NAME_HINT),
        _engine_input(form.engine),
        _text_input("host", messages.FORM_HOST_LABEL, form.host, optional=True),
        _text_input("port", messages.FORM_PORT_LABEL, form.port, optional=True),
        _text_input("database", messages.FORM_DATABASE_LABEL, form.database),
        _text_input("user", messages.FORM_USER, form.user, optional=True),
        _text_input(
            "password", messages.FORM_PASSWORD, "", optional=True, hint=messages.FORM_PASSWORD_HINT
        ),
        _text_input(
            "schemas",
            messages.FORM_SCHEMAS,
            form.schema_list,
            optional=True,
            hint=messages.FORM_SCHEMAS_HINT,
        ),
    ]


def status_view(text: str) -> dict[str, Any]:
    """A modal that only says something: "testing…", or the result."""
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_ID}_status",
        "title": _plain(messages.FORM_TITLE),
        "close": _plain(messages.FORM_DONE),
        "blocks": [_note(text)],
    }


def slack_text(text: str) -> str:
    """Text as typed, from a slash command's text: entities decoded, link brackets removed.

    >>> slack_text("<postgresql://u@h/db?a=1&amp;b=2>")
    'postgresql://u@h/db?a=1&b=2'
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0]
    return html.unescape(text)


def _text_input(
    block: str, label: str, value: str, *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": FIELD}
    if value:
        element["initial_value"] = value
    input_block: dict[str, Any] = {
        "type": "input",
        "block_id": block,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        input_block["hint"] = _plain(hint)
    return input_block


def _engine_input(engine: str) -> dict[str, Any]:
    options = [{"text": _plain(label), "value": key} for key, label in ENGINE_LABELS.items()]
    chosen = next((o for o in options if o["value"] == engine), options[0])
    return {
        "type": "input",
        "block_id": "engine",
        "label": _plain(messages.FORM_ENGINE_LABEL),
        "element": {
            "type": "static_select",
            "action_id": FIELD,
            "options": options,
            "initial_option": chosen,
        },
    }


def _note(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[: blocks.SECTION_CHARS]}}


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}
