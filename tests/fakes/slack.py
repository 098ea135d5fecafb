"""A local stand-in for Slack: the Web API over HTTP and Socket Mode over WebSocket.

Everything listens on 127.0.0.1 on ports the OS picks. The real `WebClient`,
the real Bolt `App` and the real builtin `SocketModeClient` talk to it unchanged::

    with FakeSlack() as slack:
        web = WebClient(token="xoxb-test", base_url=slack.api_url)
        app = App(client=web)
        handler = SocketModeHandler(app, app_token="xapp-test", ping_interval=1)
        handler.connect()
        envelope_id = slack.send_slash_command(text="how many orders?")
        seconds, _ = slack.wait_for_ack(envelope_id)
        slack.wait_for_call("chat.postMessage")
        handler.close()

Timing fields are `time.monotonic()` seconds.
"""

from __future__ import annotations

import asyncio
import email
import itertools
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

# Web API parameters that arrive as JSON text in form bodies.
JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")
TRIGGER_LIFETIME = 3.0  # seconds Slack accepts a trigger_id for views.open


@dataclass
class Call:
    """One Web API request as the fake saw it and answered it."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    time: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class ResponsePost:
    """One JSON body POSTed to a response_url."""

    name: str
    body: dict[str, Any]
    time: float


@dataclass
class Ack:
    """The client's acknowledgement of one envelope."""

    envelope_id: str
    seconds: float  # after the envelope was sent
    payload: dict[str, Any] | None


class SlackError(Exception):
    """An `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


class FakeSlack:
    """Slack's Web API and Socket Mode, scripted by the test.

    Args:
        bot_user_id, bot_id, team_id, app_id: identities returned by auth.test.
        channels: channel id -> name; names resolve in chat.postMessage.
        users: user id -> fields merged into users.info (e.g. {"is_admin": True}).
    """

    def __init__(
        self,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T1",
        app_id: str = "A1",
        channels: dict[str, str] | None = None,
        users: dict[str, dict[str, Any]] | None = None,
    ):
        self.bot_user_id, self.bot_id = bot_user_id, bot_id
        self.team_id, self.app_id = team_id, app_id
        self.channels = dict(channels or {"C1": "general"})
        self.users = {k: dict(v) for k, v in (users or {}).items()}
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._counter = itertools.count(1)
        self._init_records()
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._connections_open,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.delete": self._delete,
            "conversations.info": self._conversation_info,
            "conversations.join": self._join,
            "users.info": self._user_info,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    def _init_records(self) -> None:
        self._calls: list[Call] = []
        self._messages: dict[str, dict[str, Any]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._triggers: dict[str, float | None] = {}
        self._tickets: set[str] = set()
        self._failures: dict[str, deque[str]] = defaultdict(deque)
        self._rate_limits: dict[str, deque[int]] = defaultdict(deque)
        self._not_member: set[str] = set()
        self._pending_files: dict[str, dict[str, Any]] = {}
        self._live: list[ServerConnection] = []
        self._sent_at: dict[str, float] = {}
        self.responses: list[ResponsePost] = []
        self.uploads: dict[str, bytes] = {}
        self.files: list[dict[str, Any]] = []
        self.sent: dict[str, dict[str, Any]] = {}
        self.acks: dict[str, Ack] = {}
        self.received: list[dict[str, Any]] = []
        self.connections_opened = 0

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start the HTTP and WebSocket servers in background threads; returns self."""
        self._http = _Server(("127.0.0.1", 0), _Handler)
        self._http.fake = self  # type: ignore[attr-defined]
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, args=(0.05,), daemon=True
        )
        self._http_thread.start()

        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._loop_thread.start()
        self._ws = self._run(self._open_socket_server())
        return self

    def stop(self) -> None:
        """Close every socket and join every thread the fake started (idempotent)."""
        if self._loop is None or self._loop.is_closed():
            return
        self._run(self._close_socket_server())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop_thread.join(5)
        self._loop.close()
        self._http.shutdown()
        self._http.server_close()
        self._http_thread.join(5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        """Pass as `WebClient(base_url=...)`; ends with /api/."""
        return self.base_url + "api/"

    # -- records -------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Web API calls so far (all of them, or of one method), failed ones included."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Messages the app posted and not deleted, as last updated, ordered by ts."""
        with self._lock:
            return [dict(self._messages[ts]) for ts in sorted(self._messages)]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10, what: str = "") -> Any:
        """Poll `predicate` until it returns something truthy; return that value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up after {timeout}s waiting for {what or predicate}")
            time.sleep(0.01)

    def wait_for_call(self, method: str, n: int = 1, timeout: float = 10) -> list[Call]:
        """Wait until `method` was called at least `n` times; return those calls."""
        return self.wait_for(
            lambda: len(self.calls(method)) >= n and self.calls(method),
            timeout,
            f"{n} call(s) to {method}",
        )

    def wait_for_ack(self, envelope_id: str, timeout: float = 5) -> tuple[float, Any]:
        """Wait for the envelope's ack; return (seconds after sending, ack payload or None)."""
        ack = self.wait_for(lambda: self.acks.get(envelope_id), timeout, f"ack of {envelope_id}")
        return ack.seconds, ack.payload

    def wait_for_connection(self, n: int = 1, timeout: float = 10) -> None:
        """Wait until `n` Socket Mode connections were opened and one is live."""
        self.wait_for(
            lambda: self.connections_opened >= n and self._live,
            timeout,
            f"Socket Mode connection number {n}",
        )

    # -- scripting -----------------------------------------------------------

    def fail_next(self, method: str, error: str = "not_in_channel", times: int = 1) -> None:
        """Answer the next `times` calls of `method` with {"ok": false, "error": error}."""
        with self._lock:
            self._failures[method].extend([error] * times)

    def rate_limit_next(self, method: str, times: int = 2, retry_after: int = 2) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and Retry-After."""
        with self._lock:
            self._rate_limits[method].extend([retry_after] * times)

    def not_member(self, *channel_ids: str) -> None:
        """Make the bot an outsider: posts and uploads there fail with not_in_channel."""
        with self._lock:
            self._not_member.update(channel_ids)

    def member(self, *channel_ids: str) -> None:
        """Undo `not_member` (conversations.join does the same)."""
        with self._lock:
            self._not_member.difference_update(channel_ids)

    def response_url(self, name: str) -> str:
        """A URL on the fake whose POSTed JSON bodies land in `responses`."""
        return f"{self.base_url}response/{name}"

    # -- Socket Mode: what Slack sends ----------------------------------------

    def send_slash_command(
        self,
        command: str = "/ask",
        text: str = "",
        user_id: str = "U1",
        channel_id: str = "C1",
        user_name: str | None = None,
        channel_name: str | None = None,
    ) -> str:
        """Deliver a slash command; returns the envelope_id."""
        payload = {
            "token": "fake-verification-token",
            "team_id": self.team_id,
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": channel_name or self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_name or self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self.response_url(f"command-{next(self._counter)}"),
            "trigger_id": self._new_trigger(),
        }
        return self._send_envelope("slash_commands", payload, accepts_response_payload=True)

    def send_event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Deliver an Events API event; returns the envelope_id."""
        event = dict(event)
        if "ts" in event:
            event.setdefault("event_ts", event["ts"])
        payload = {
            "token": "fake-verification-token",
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._counter):08d}",
            "event_time": int(time.time()),
            "authorizations": [self._authorization()],
            "is_ext_shared_channel": False,
            "event_context": "4-fake-event-context",
        }
        retry = {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        return self._send_envelope("events_api", payload, **retry)

    def send_mention(
        self,
        text: str,
        user_id: str = "U1",
        channel_id: str = "C1",
        thread_ts: str | None = None,
        ts: str | None = None,
    ) -> str:
        """Deliver an app_mention of the bot ("<@UBOT> " + text); returns the envelope_id."""
        event = {
            "type": "app_mention",
            "user": user_id,
            "text": f"<@{self.bot_user_id}> {text}",
            "ts": ts or self._next_ts(),
            "channel": channel_id,
            "team": self.team_id,
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.send_event(event)

    def redeliver(self, envelope_id: str, retry_reason: str = "timeout") -> str:
        """Send an event again as Slack retries it: same event_id, next retry_attempt."""
        previous = self.sent[envelope_id]
        payload = previous["payload"]
        return self.send_event(
            payload["event"],
            event_id=payload["event_id"],
            retry_attempt=previous.get("retry_attempt", 0) + 1,
            retry_reason=retry_reason,
        )

    def send_block_action(
        self,
        action_id: str,
        value: str | None = None,
        user_id: str = "U1",
        channel_id: str = "C1",
        message_ts: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Click a button; returns the envelope_id.

        Without `message_ts`, clicks the newest posted message in the channel that has a
        button with `action_id`; without `value`, sends that button's value.
        """
        message = self._message_with_action(channel_id, message_ts, action_id)
        block_id, button = _find_element(message.get("blocks") or [], action_id)
        thread_ts = thread_ts or message.get("thread_ts")
        container = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        if thread_ts:
            container["thread_ts"] = thread_ts
        action = {
            "action_id": action_id,
            "block_id": block_id or "fake-block",
            "text": button.get("text") or {"type": "plain_text", "text": action_id},
            "value": value if value is not None else button.get("value", ""),
            "type": button.get("type", "button"),
            "action_ts": f"{time.time():.6f}",
        }
        payload = {
            "type": "block_actions",
            "user": self._user_ref(user_id),
            "api_app_id": self.app_id,
            "token": "fake-verification-token",
            "container": container,
            "trigger_id": self._new_trigger(),
            "team": {"id": self.team_id, "domain": "fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": self._channel_name(channel_id)},
            "message": message,
            "state": {"values": {}},
            "response_url": self.response_url(f"action-{next(self._counter)}"),
            "actions": [action],
        }
        return self._send_envelope("interactive", payload)

    def send_view_submission(
        self,
        callback_id: str,
        state_values: dict[str, Any],
        user_id: str = "U1",
        private_metadata: str = "",
    ) -> str:
        """Submit a modal; reuses the last view opened with `callback_id` if any."""
        view = self._last_view(callback_id)
        view.update(
            callback_id=callback_id,
            private_metadata=private_metadata or view.get("private_metadata", ""),
            state={"values": state_values},
        )
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": self._user_ref(user_id),
            "api_app_id": self.app_id,
            "token": "fake-verification-token",
            "trigger_id": self._new_trigger(),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._send_envelope("interactive", payload, accepts_response_payload=True)

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect; later envelopes go to its next connection."""
        ws = self._live_socket()
        with self._lock:
            self._live.remove(ws)
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        self._run(ws.send(json.dumps(message)))

    def drop_socket(self) -> None:
        """Reset the live connection's TCP socket without a WebSocket close.

        Waits first until the client has answered a ping, so the reset hits a session
        that is reading, as a network failure mid-session does.
        """
        ws = self._live_socket()
        self.wait_for(lambda: ws.latency > 0, 5, "the client to answer a ping")
        with self._lock:
            self._live.remove(ws)
        self._loop.call_soon_threadsafe(_abort, ws)

    # -- Socket Mode: the server ---------------------------------------------

    def _run(self, coroutine: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _open_socket_server(self) -> Any:
        return await serve(
            self._on_socket,
            "127.0.0.1",
            0,
            process_request=self._check_ticket,
            compression=None,
            # Frequent pings also wake the builtin client's blocking recv(), so its
            # close() returns at once instead of after its 3 s socket timeout.
            ping_interval=0.2,
            ping_timeout=5,
            close_timeout=1,
        )

    async def _close_socket_server(self) -> None:
        self._ws.close()
        await self._ws.wait_closed()

    def _socket_url(self, ticket: str) -> str:
        host, port = self._ws.sockets[0].getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _check_ticket(self, connection: ServerConnection, request: Any) -> Any:
        # Tickets from apps.connections.open work once, as on Slack.
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")

    async def _on_socket(self, ws: ServerConnection) -> None:
        with self._lock:
            self.connections_opened += 1
            hello = {
                "type": "hello",
                "num_connections": len(self._live) + 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        await ws.send(json.dumps(hello))
        with self._lock:
            self._live.append(ws)
        try:
            async for text in ws:
                self._on_client_message(text)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if ws in self._live:
                    self._live.remove(ws)

    def _on_client_message(self, text: str | bytes) -> None:
        message = json.loads(text)
        envelope_id = message.get("envelope_id")
        with self._lock:
            self.received.append(message)
            sent_at = self._sent_at.get(envelope_id)
            if sent_at is not None and envelope_id not in self.acks:
                seconds = time.monotonic() - sent_at
                self.acks[envelope_id] = Ack(envelope_id, seconds, message.get("payload"))

    def _live_socket(self, timeout: float = 10) -> ServerConnection:
        with self._lock:
            if self._live:
                return self._live[-1]
        self.wait_for(lambda: self._live, timeout, "a live Socket Mode connection")
        with self._lock:
            return self._live[-1]

    def _send_envelope(self, kind: str, payload: dict[str, Any], **extra: Any) -> str:
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "payload": payload, "type": kind}
        envelope.update({"accepts_response_payload": False, **extra})
        ws = self._live_socket()
        with self._lock:
            self.sent[envelope_id] = envelope
            self._sent_at[envelope_id] = time.monotonic()
        self._run(ws.send(json.dumps(envelope)))
        return envelope_id

    # -- Web API: transport ----------------------------------------------------

    def _serve_http(self, path: str, headers: dict[str, str], body: bytes):
        """Route one HTTP request; returns (status, extra headers, body bytes)."""
        url = urlsplit(path)
        if url.path.startswith("/api/"):
            params = _parse_params(url.query, headers, body)
            return self._api(url.path[len("/api/") :], params, headers)
        if url.path.startswith("/upload/v1/"):
            return self._receive_upload(url.path.rsplit("/", 1)[-1], body)
        if url.path.startswith("/response/"):
            return self._receive_response(url.path.rsplit("/", 1)[-1], body)
        return 404, {}, b"not found"

    def _api(self, method: str, params: dict[str, Any], headers: dict[str, str]):
        token = params.pop("token", None)
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[len("bearer ") :]
        call = Call(method, params, headers, time.monotonic())
        call.status, extra, call.response = self._answer(method, params, token)
        with self._lock:
            self._calls.append(call)
        return call.status, extra, json.dumps(call.response).encode()

    def _answer(self, method: str, params: dict[str, Any], token: str | None):
        with self._lock:
            if self._rate_limits[method]:
                retry_after = self._rate_limits[method].popleft()
                return 429, {"Retry-After": str(retry_after)}, _error("ratelimited")
            if self._failures[method]:
                return 200, {}, _error(self._failures[method].popleft())
        handler = self._methods.get(method)
        if handler is None:
            return 200, {}, _error("unknown_method")
        try:
            _check_token(method, token)
            with self._lock:
                return 200, {}, {"ok": True, **handler(params)}
        except SlackError as e:
            return 200, {}, _error(e.error)

    def _receive_upload(self, file_id: str, body: bytes):
        with self._lock:
            if file_id not in self._pending_files:
                return 404, {}, b"unknown upload"
            self.uploads[file_id] = body
        return 200, {}, f"OK - {len(body)}".encode()

    def _receive_response(self, name: str, body: bytes):
        with self._lock:
            self.responses.append(ResponsePost(name, json.loads(body or b"{}"), time.monotonic()))
        return 200, {}, b"ok"

    # -- Web API: methods (called with the lock held) ---------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake Team",
            "user": "sqlbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        return {"url": self._socket_url(ticket)}

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        self._require_member(channel)
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                message[key] = params[key]
        self._messages[ts] = {"channel": channel, **message}
        return {"channel": channel, "ts": ts, "message": message}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        stored = self._stored_message(channel, params.get("ts"))
        for key in ("text", "blocks", "attachments"):
            if key in params:
                stored[key] = params[key]
        stored["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        message = {k: v for k, v in stored.items() if k != "channel"}
        return {"channel": channel, "ts": stored["ts"], "text": stored["text"], "message": message}

    def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        self._resolve_channel(params.get("channel"))
        if not params.get("user"):
            raise SlackError("user_not_in_channel")
        return {"message_ts": self._next_ts()}

    def _delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        stored = self._stored_message(channel, params.get("ts"))
        del self._messages[stored["ts"]]
        return {"channel": channel, "ts": stored["ts"]}

    def _conversation_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_info(self._resolve_channel(params.get("channel")))}

    def _join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        self._not_member.discard(channel)
        return {"channel": self._channel_info(channel)}

    def _user_info(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("user"):
            raise SlackError("user_not_found")
        return {"user": self._user(params["user"])}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._use_trigger(params.get("trigger_id"))
        view = self._new_view(params.get("view"))
        return {"view": view}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        old = self._views.get(params.get("view_id", ""))
        if old is None:
            matches = [v for v in self._views.values() if v.get("external_id")]
            old = next((v for v in matches if v["external_id"] == params.get("external_id")), None)
        if old is None:
            raise SlackError("not_found")
        return {"view": self._new_view(params.get("view"), view_id=old["id"])}

    def _get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._counter):08d}"
        self._pending_files[file_id] = {"filename": params["filename"]}
        return {"upload_url": f"{self.base_url}upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel_id")
        if channel:
            if not CHANNEL_ID.match(channel):
                raise SlackError("channel_not_found")
            self._require_member(channel)
        files = params.get("files") or []
        if not files or any(f.get("id") not in self.uploads for f in files):
            raise SlackError("file_not_found")
        done = [self._record_file(f, params) for f in files]
        return {"files": [{"id": f["id"], "title": f["title"], "name": f["name"]} for f in done]}

    # -- Web API: helpers ------------------------------------------------------

    def _record_file(self, item: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        name = self._pending_files[item["id"]]["filename"]
        record = {
            "id": item["id"],
            "title": item.get("title") or name,
            "name": name,
            "channel_id": params.get("channel_id"),
            "channels": params.get("channels"),
            "thread_ts": params.get("thread_ts"),
            "initial_comment": params.get("initial_comment"),
            "content": self.uploads[item["id"]],
        }
        self.files.append(record)
        return record

    def _next_ts(self) -> str:
        n = next(self._counter) * 100
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _resolve_channel(self, channel: str | None) -> str:
        if channel and CHANNEL_ID.match(channel):
            return channel
        name = (channel or "").lstrip("#")
        for channel_id, known in self.channels.items():
            if known == name:
                return channel_id
        raise SlackError("channel_not_found")

    def _require_member(self, channel: str) -> None:
        if channel in self._not_member:
            raise SlackError("not_in_channel")

    def _stored_message(self, channel: str, ts: str | None) -> dict[str, Any]:
        stored = self._messages.get(ts or "")
        if stored is None or stored["channel"] != channel:
            raise SlackError("message_not_found")
        return stored

    def _channel_name(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id.lower())

    def _channel_info(self, channel_id: str) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": self._channel_name(channel_id),
            "is_channel": channel_id.startswith("C"),
            "is_private": channel_id.startswith("G"),
            "is_im": channel_id.startswith("D"),
            "is_archived": False,
            "is_member": channel_id not in self._not_member,
            "created": 1_700_000_000,
            "num_members": 3,
        }

    def _user(self, user_id: str) -> dict[str, Any]:
        name = "sqlbot" if user_id == self.bot_user_id else user_id.lower()
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": name.title(),
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_bot": user_id == self.bot_user_id,
            "deleted": False,
            "tz": "Europe/London",
            "profile": {"display_name": name, "real_name": name.title()},
        }
        user.update(self.users.get(user_id, {}))
        return user

    def _user_ref(self, user_id: str) -> dict[str, Any]:
        name = self._user(user_id)["name"]
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _authorization(self) -> dict[str, Any]:
        return {
            "enterprise_id": None,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }

    def _new_trigger(self) -> str:
        trigger_id = f"{next(self._counter)}.1700000000.{uuid.uuid4().hex[:20]}"
        with self._lock:
            self._triggers[trigger_id] = time.monotonic()
        return trigger_id

    def _use_trigger(self, trigger_id: str | None) -> None:
        # Slack accepts a trigger once, within three seconds of the user's action.
        if trigger_id not in self._triggers:
            raise SlackError("invalid_trigger_id")
        issued = self._triggers[trigger_id]
        if issued is None:
            raise SlackError("trigger_exchanged")
        if time.monotonic() - issued > TRIGGER_LIFETIME:
            raise SlackError("expired_trigger_id")
        self._triggers[trigger_id] = None

    def _new_view(self, view: Any, view_id: str | None = None) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        view_id = view_id or f"V{next(self._counter):08d}"
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "hash": uuid.uuid4().hex[:16],
            "root_view_id": view_id,
            "previous_view_id": None,
            **view,
        }
        self._views[view_id] = stored
        return stored

    def _last_view(self, callback_id: str) -> dict[str, Any]:
        with self._lock:
            views = [v for v in self._views.values() if v.get("callback_id") == callback_id]
            if views:
                return json.loads(json.dumps(views[-1]))
        view_id = f"V{next(self._counter):08d}"
        return {"id": view_id, "type": "modal", "team_id": self.team_id, "blocks": []}

    def _message_with_action(
        self, channel_id: str, message_ts: str | None, action_id: str
    ) -> dict[str, Any]:
        with self._lock:
            candidates = [m for m in self.messages if m["channel"] == channel_id]
        if message_ts is not None:
            found = [m for m in candidates if m["ts"] == message_ts]
            fallback = {"type": "message", "ts": message_ts, "text": "", "user": self.bot_user_id}
            return _public(found[0]) if found else fallback
        found = [m for m in candidates if _find_element(m.get("blocks") or [], action_id)[1]]
        if not found:
            raise AssertionError(f"no message in {channel_id} has a button {action_id!r}")
        return _public(found[-1])


def close_handler(handler: Any) -> None:
    """Close a Bolt `SocketModeHandler` at once.

    slack_sdk's builtin client polls its message queue with a 1 s timeout, so a plain
    `handler.close()` takes a second; marking it closed and waking the queue first
    ends that wait.
    """
    handler.client.closed = True
    handler.client.message_queue.put(None)
    handler.close()


def _public(stored: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stored.items() if k != "channel"}


def _find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str | None, dict]:
    """The (block_id, element) carrying `action_id`, or (None, {}).

    >>> _find_element([{"block_id": "b", "elements": [{"action_id": "x"}]}], "x")
    ('b', {'action_id': 'x'})
    """
    for block in blocks:
        elements = list(block.get("elements") or []) + [block.get("accessory") or {}]
        for element in elements:
            if element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None, {}


def _check_token(method: str, token: str | None) -> None:
    if not token:
        raise SlackError("not_authed")
    if not token.startswith(("xoxb-", "xoxp-", "xapp-")):
        raise SlackError("invalid_auth")
    # apps.connections.open takes the app-level token, and only it.
    if token.startswith("xapp-") != (method == "apps.connections.open"):
        raise SlackError("not_allowed_token_type")


def _error(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def _parse_params(query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Web API arguments from the query string and a JSON, form or multipart body."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    content_type = headers.get("content-type", "")
    if "json" in content_type:
        params.update(json.loads(body or b"{}"))
    elif "multipart/form-data" in content_type:
        params.update(_multipart(content_type, body))
    elif body:
        form = parse_qs(body.decode(), keep_blank_values=True)
        params.update({k: v[-1] for k, v in form.items()})
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str) and params[key][:1] in ("[", "{"):
            params[key] = json.loads(params[key])
    return params


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    parts = email.message_from_bytes(head + body).get_payload()
    fields: dict[str, Any] = {}
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        has_file = part.get_filename() is not None
        fields[name] = data if has_file else data.decode()
    return fields


def _abort(ws: ServerConnection) -> None:
    # Linger 0 makes close() send a TCP reset, as when a network path dies.
    sock = ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ws.transport.abort()


class _Server(ThreadingHTTPServer):
    # Not daemon threads: server_close() then joins every handler thread.
    daemon_threads = False


class _Handler(BaseHTTPRequestHandler):
    timeout = 10

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, data = self.server.fake._serve_http(self.path, headers, body)
        content_type = "application/json" if data[:1] == b"{" else "text/plain"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away; there is no one left to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass
