"""A local stand-in for an OpenAI-compatible chat completions endpoint.

`FakeOpenAI` listens on 127.0.0.1 on a port the OS picks, so the real `openai`
client runs against it unchanged::

    with FakeOpenAI() as llm:
        llm.reply("SELECT 1")
        client = openai.OpenAI(base_url=llm.base_url, api_key="test")
        client.chat.completions.create(model="m", messages=[...])
        assert llm.requests[0]["messages"][-1]["content"] == ...
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], str]

ERRORS = {
    429: ("Rate limit reached for requests. Please try again later.", "requests"),
    500: ("The server had an error while processing your request.", "server_error"),
    503: ("The engine is currently overloaded, please try again later.", "server_error"),
}


@dataclass
class _Failure:
    status: int
    retry_after: float | None


class FakeOpenAI:
    """An OpenAI-compatible HTTP server whose replies the test scripts.

    Args:
        default_reply: text (or a function of the request JSON returning text)
            used when no scripted reply is queued.
        model: the model name listed by GET /v1/models.
    """

    def __init__(self, default_reply: str | Responder = "SELECT 1", model: str = "fake-model"):
        self.default_reply = default_reply
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._replies: deque[str | Responder] = deque()
        self._failures: deque[_Failure] = deque()
        self._delays: deque[float] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ids = 0

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeOpenAI:
        """Start serving in a background thread; returns self."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release any held replies, close the socket and join every thread."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- scripting -----------------------------------------------------------

    def reply(self, *texts: str) -> None:
        """Queue replies, one per coming request, first in first out."""
        with self._lock:
            self._replies.extend(texts)

    def reply_with(self, responder: Responder) -> None:
        """Queue one reply computed from the request JSON."""
        with self._lock:
            self._replies.append(responder)

    def delay(self, seconds: float, times: int = 1) -> None:
        """Hold each of the next `times` responses for `seconds`."""
        with self._lock:
            self._delays.extend([seconds] * times)

    def hang(self, times: int = 1) -> None:
        """Hold the next `times` responses until the fake stops (past any client timeout)."""
        self.delay(float("inf"), times)

    def fail_next(
        self, status: int = 429, times: int = 1, retry_after: float | None = None
    ) -> None:
        """Answer the next `times` requests with an HTTP error (429, 500, 503...)."""
        with self._lock:
            self._failures.extend([_Failure(status, retry_after)] * times)

    @property
    def prompts(self) -> list[list[dict[str, Any]]]:
        """The `messages` list of every chat completion request, in order."""
        return [r.get("messages", []) for r in self.requests]

    # -- serving -------------------------------------------------------------

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes):
        """Route one HTTP request; returns (status, headers, JSON-able body)."""
        if method == "GET" and path.rstrip("/") == "/v1/models":
            return 200, {}, self._models()
        if method != "POST" or path.rstrip("/") != "/v1/chat/completions":
            return 404, {}, _error(f"Unknown request URL: {method} {path}", "invalid_request_error")

        request = json.loads(body or b"{}")
        if request.get("stream"):
            # TODO: streaming (server-sent events) is not faked; refuse plainly instead.
            return 400, {}, _error("The fake does not stream; call without stream.", "fake")
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            delay = self._delays.popleft() if self._delays else 0.0
            failure = self._failures.popleft() if self._failures else None
        self._stopping.wait(None if delay == float("inf") else delay)
        if failure is not None:
            return self._failure(failure)
        return 200, {}, self._completion(request)

    def _next_text(self, request: dict[str, Any]) -> str:
        with self._lock:
            source = self._replies.popleft() if self._replies else self.default_reply
            self._ids += 1
        return source(request) if callable(source) else source

    def _completion(self, request: dict[str, Any]) -> dict[str, Any]:
        text = self._next_text(request)
        prompt_tokens = sum(_tokens(m.get("content")) for m in request.get("messages", []))
        completion_tokens = _tokens(text)
        return {
            "id": f"chatcmpl-fake{self._ids}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", self.model),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_fake",
        }

    def _failure(self, failure: _Failure):
        message, kind = ERRORS.get(failure.status, ("The fake was told to fail.", "server_error"))
        headers = {}
        if failure.retry_after is not None:
            headers["retry-after"] = f"{failure.retry_after:g}"
            headers["retry-after-ms"] = str(int(failure.retry_after * 1000))
        return failure.status, headers, _error(message, kind)

    def _models(self) -> dict[str, Any]:
        model = {"id": self.model, "object": "model", "created": 1700000000, "owned_by": "fake"}
        return {"object": "list", "data": [model]}


def _tokens(content: Any) -> int:
    """A rough token count: words.

    >>> _tokens("SELECT 1 FROM t")
    4
    """
    return len(str(content or "").split())


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


class _Server(ThreadingHTTPServer):
    # Not daemon threads: server_close() then joins every handler thread.
    daemon_threads = False


class _Handler(BaseHTTPRequestHandler):
    timeout = 10

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.server.fake._handle(method, self.path, headers, body)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (timeout tests); nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass
