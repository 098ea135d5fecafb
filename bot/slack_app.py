"""The Bolt app: `/ask`, mentions and the answer's buttons.

Every handler acknowledges first and works after (Slack allows three seconds,
FR-15); a "working on it" note is posted and then replaced by the answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot import admin, blocks, messages
from bot.admin_kit import Admins
from bot.service import Service
from core.answer import Asker
from core.model import Answer
from core.render import to_csv

logger = logging.getLogger(__name__)

FEEDBACK_VIEW = "sqlbot_feedback"
NOTE_BLOCK, NOTE_ACTION = "what_was_wrong", "note"
NOT_MEMBER_ERRORS = ("not_in_channel", "channel_not_found", "is_archived")
_NO_MARKUP = str.maketrans({"<": "‹", ">": "›"})
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def web_client(token: str, base_url: str | None) -> WebClient:
    """A Web API client that retries rate limits (FR-23) and dropped connections."""
    client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client


def build_app(service: Service, client: WebClient, workers: Executor | None = None) -> App:
    """A Bolt app answering through ``service``; Web API calls go through ``client``."""
    app = App(
        client=client,
        process_before_response=False,
        listener_executor=workers or ThreadPoolExecutor(max_workers=8),
    )
    handlers = Handlers(service, admin.register(app, service).admins)
    app.command("/ask")(handlers.on_ask)
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    app.action("show_sql")(handlers.on_show_sql)
    app.action("download_csv")(handlers.on_download_csv)
    app.action("feedback_up")(handlers.on_feedback)
    app.action("feedback_down")(handlers.on_feedback)
    app.view(FEEDBACK_VIEW)(handlers.on_feedback_note)
    app.error(handlers.on_error)
    return app


def _failsafe(func: Callable[..., None]) -> Callable[..., None]:
    """Keep one broken request from taking anything else down; the user hears about it."""

    def wrapper(self: Handlers, **kwargs: Any) -> None:
        try:
            func(self, **kwargs)
        except Exception:
            logger.exception("handler %s failed", func.__name__)
            self.tell_failure(kwargs)

    wrapper.__name__ = func.__name__
    return wrapper


class Handlers:
    """Slack listeners; each one turns a request into a call on the service."""

    def __init__(self, service: Service, admins: Admins) -> None:
        self.service = service
        self.admins = admins

    # -- questions -------------------------------------------------------------------

    def on_ask(self, ack: Any, command: dict[str, Any], client: WebClient, respond: Any) -> None:
        question = (command.get("text") or "").strip()
        if not question:
            ack(text=messages.ASK_USAGE)
            return
        if self.service.connection_for(command["channel_id"]) is None:
            ack(text=messages.no_connection(self.service.registry.names()))
            return
        ack()
        self._answer_command(question=question, command=command, client=client, respond=respond)

    @_failsafe
    def _answer_command(
        self, question: str, command: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        user, channel = command["user_id"], command["channel_id"]
        working, text = blocks.working_blocks(question, user)
        try:
            posted = client.chat_postMessage(channel=channel, blocks=working, text=text)
        except SlackApiError as exc:
            if _error(exc) not in NOT_MEMBER_ERRORS:
                raise
            self._answer_by_response_url(question, command, respond)
            return
        ts = posted["ts"]
        answer = self.service.ask(question, Asker(user, channel, ts))
        self._finish(client, channel, ts, answer, asker=user, thread_ts=ts)

    def _answer_by_response_url(self, question: str, command: dict[str, Any], respond: Any) -> None:
        # Not a member: answer privately through the command's response_url and say how to invite.
        user, channel = command["user_id"], command["channel_id"]
        answer = self.service.ask(question, Asker(user, channel))
        answer_blocks, text = blocks.answer_blocks(answer, asker=user)
        note = blocks.note_block(messages.NOT_IN_CHANNEL)
        respond(blocks=[*answer_blocks, note][:50], text=text, response_type="ephemeral")

    def on_mention(self, event: dict[str, Any], client: WebClient) -> None:
        if self._first_sighting(event):
            self._answer_mention(event=event, client=client)

    def on_message(self, event: dict[str, Any], client: WebClient) -> None:
        """A plain reply in a thread the bot answered is a follow-up question."""
        thread, channel, text = event.get("thread_ts"), event.get("channel"), event.get("text")
        if not thread or not channel or not isinstance(text, str) or not text:
            return
        if event.get("subtype") or event.get("bot_id"):
            return
        if not self.service.history.answered_in(channel, thread):
            return
        if self._first_sighting(event):
            self._answer_mention(event=event, client=client)

    def _first_sighting(self, event: dict[str, Any]) -> bool:
        # Keyed on the message itself: a retried delivery (FR-16) and the message event that
        # Slack sends beside app_mention are the same message, answered once.
        key = f"{event.get('channel')}:{event.get('ts')}"
        return self.service.history.first_sighting(key)

    @_failsafe
    def _answer_mention(self, event: dict[str, Any], client: WebClient) -> None:
        question = _MENTION.sub("", event.get("text") or "").strip()
        channel, user = event["channel"], event.get("user", "")
        thread = event.get("thread_ts") or event["ts"]
        if not question:
            client.chat_postMessage(channel=channel, thread_ts=thread, text=messages.ASK_USAGE)
            return
        if self.service.connection_for(channel) is None:
            text = messages.no_connection(self.service.registry.names())
            client.chat_postMessage(channel=channel, thread_ts=thread, text=text)
            return
        turns = self.service.history.thread_turns(channel, thread) if event.get("thread_ts") else ()
        working, text = blocks.working_blocks(question, None)
        posted = client.chat_postMessage(
            channel=channel, thread_ts=thread, blocks=working, text=text
        )
        answer = self.service.ask(question, Asker(user, channel, thread), turns)
        self._finish(client, channel, posted["ts"], answer, asker=None, thread_ts=thread)

    def _finish(
        self,
        client: WebClient,
        channel: str,
        ts: str,
        answer: Answer,
        *,
        asker: str | None,
        thread_ts: str,
    ) -> None:
        answer_blocks, text = blocks.answer_blocks(answer, asker=asker)
        try:
            client.chat_update(channel=channel, ts=ts, blocks=answer_blocks, text=text)
        except SlackApiError as exc:
            # The note stays "working" unless we say otherwise; the answer is in the history.
            logger.error("could not post answer %s: %s", answer.history_id, _error(exc))
            client.chat_update(channel=channel, ts=ts, text=messages.POST_FAILED, blocks=[])
            return
        if answer.history_id is not None:
            self.service.history.set_message(answer.history_id, ts, thread_ts)

    # -- buttons ---------------------------------------------------------------------

    def on_show_sql(self, ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        self._show_sql(body=body, client=client)

    @_failsafe
    def _show_sql(self, body: dict[str, Any], client: WebClient) -> None:
        row = self._history_row(body)
        if row is None or not row.get("sql"):
            self._ephemeral(client, body, messages.ANSWER_NOT_FOUND)
            return
        sql_blocks, text = blocks.sql_blocks(row["sql"])
        client.chat_postMessage(
            channel=_channel(body), thread_ts=_thread(body), blocks=sql_blocks, text=text
        )

    def on_download_csv(self, ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        self._download_csv(body=body, client=client)

    @_failsafe
    def _download_csv(self, body: dict[str, Any], client: WebClient) -> None:
        row = self._history_row(body)
        # The answer's own database, even if the channel has been mapped elsewhere since.
        connection = self.service.connection_named(row["connection"]) if row else None
        if row is None or not row.get("sql") or connection is None:
            self._ephemeral(client, body, messages.ANSWER_NOT_FOUND)
            return
        answer = self.service.pipeline.run_sql(row["sql"], connection)
        if answer.status != "ok":
            self._ephemeral(client, body, messages.failure_text(answer))
            return
        try:
            client.files_upload_v2(
                channel=_channel(body),  # the conversation id, never a #name (FR-22)
                thread_ts=_thread(body),
                content=to_csv(answer.columns, answer.rows),
                filename=f"sqlbot-{row['id']}.csv",
                # Titles are shown as typed, so angle brackets become look-alikes, not entities.
                title=messages.csv_title(row["question"], answer).translate(_NO_MARKUP),
            )
        except SlackApiError as exc:
            if _error(exc) not in NOT_MEMBER_ERRORS:
                raise
            self._ephemeral(client, body, messages.NOT_IN_CHANNEL)

    def on_feedback(self, ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        self._record_feedback(body=body, client=client)

    @_failsafe
    def _record_feedback(self, body: dict[str, Any], client: WebClient) -> None:
        row = self._history_row(body)
        if row is None:
            self._ephemeral(client, body, messages.ANSWER_NOT_FOUND)
            return
        user = body["user"]["id"]
        if body["actions"][0]["action_id"] == "feedback_down":
            self.service.history.add_feedback(row["id"], user, "down")
            client.views_open(trigger_id=body["trigger_id"], view=feedback_view(row["id"]))
            return
        self.service.history.add_feedback(row["id"], user, "up")
        examples = self.service.pipeline.examples
        trusted = user == row["user"] or self.admins.check(user, client)
        if row["status"] != "ok" or not row["sql"] or examples is None or not trusted:
            self._ephemeral(client, body, messages.FEEDBACK_ONLY_ASKER)
            return
        examples.add(row["connection"], row["question"], row["sql"], user)
        self._ephemeral(client, body, messages.FEEDBACK_VERIFIED)

    def on_feedback_note(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The 👎 form: record what the person says was wrong."""
        ack()
        note = view["state"]["values"].get(NOTE_BLOCK, {}).get(NOTE_ACTION, {}).get("value")
        history_id = int(view.get("private_metadata") or 0)
        if self.service.history.get(history_id) is not None:
            self.service.history.add_feedback(history_id, body["user"]["id"], "note", note or "")

    # -- helpers ---------------------------------------------------------------------

    def _history_row(self, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            history_id = int(body["actions"][0]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        row = self.service.history.get(history_id)
        # A button only ever opens an answer given in the same conversation.
        if row is None or row.get("channel") != _channel(body):
            return None
        return row

    def _ephemeral(self, client: WebClient, body: dict[str, Any], text: str) -> None:
        # Ephemeral text is mrkdwn too: a quoted database error must not ping anyone (FR-19).
        client.chat_postEphemeral(
            channel=_channel(body),
            user=body["user"]["id"],
            text=blocks.escape(text),
            thread_ts=_thread(body),
        )

    def tell_failure(self, kwargs: dict[str, Any]) -> None:
        """Best effort: tell the person something broke, without details."""
        try:
            client, respond = kwargs.get("client"), kwargs.get("respond")
            if respond is not None:
                respond(text=messages.INTERNAL_ERROR, response_type="ephemeral")
            elif client is not None and "event" in kwargs:
                event = kwargs["event"]
                thread = event.get("thread_ts") or event["ts"]
                client.chat_postMessage(
                    channel=event["channel"], thread_ts=thread, text=messages.INTERNAL_ERROR
                )
            elif client is not None and "body" in kwargs:
                self._ephemeral(client, kwargs["body"], messages.INTERNAL_ERROR)
        except Exception:
            logger.exception("could not tell the user about a failure")

    def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        logger.error("unhandled Slack request failure: %s", type(error).__name__)


def feedback_view(history_id: int) -> dict[str, Any]:
    """The 👎 modal: one free-text question, the answer's history id kept in the metadata."""
    return {
        "type": "modal",
        "callback_id": FEEDBACK_VIEW,
        "private_metadata": str(history_id),
        "title": {"type": "plain_text", "text": messages.FEEDBACK_TITLE},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "label": {"type": "plain_text", "text": messages.FEEDBACK_LABEL},
                "element": {
                    "type": "plain_text_input",
                    "action_id": NOTE_ACTION,
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response is not None else ""


def _channel(body: dict[str, Any]) -> str:
    channel = body.get("channel") or {}
    return str(channel.get("id") or body.get("container", {}).get("channel_id", ""))


def _thread(body: dict[str, Any]) -> str | None:
    message = body.get("message") or {}
    container = body.get("container") or {}
    return message.get("thread_ts") or message.get("ts") or container.get("message_ts")
