"""The fakes speak the real protocols: real slack_sdk, Bolt and openai clients run against them."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.fakes import FakeOpenAI, FakeSlack, close_handler

BUTTONS = [
    {
        "type": "actions",
        "block_id": "answer-actions",
        "elements": [
            {
                "type": "button",
                "action_id": "show_sql",
                "text": {"type": "plain_text", "text": "Show SQL"},
                "value": "42",
            }
        ],
    }
]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk reads these and ignores NO_PROXY: 127.0.0.1 traffic would leave the machine.
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_thread_left_behind() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left:
            return
        time.sleep(0.05)
    raise AssertionError(f"threads still running: {left}")


@pytest.fixture
def slack(no_thread_left_behind: None) -> Iterator[FakeSlack]:
    with FakeSlack(users={"UADMIN": {"is_admin": True}}) as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url)


@pytest.fixture
def llm(no_thread_left_behind: None) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def app(slack: FakeSlack) -> Iterator[App]:
    executor = ThreadPoolExecutor(max_workers=2)
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    yield App(client=client, listener_executor=executor)
    executor.shutdown()


@pytest.fixture
def handler(app: App, slack: FakeSlack) -> Iterator[SocketModeHandler]:
    # The handler's SocketModeClient uses app.client, so it asks the fake for its URL.
    handler = SocketModeHandler(app, app_token="xapp-test", ping_interval=1)
    yield handler
    close_handler(handler)


# -- Web API -------------------------------------------------------------------


def test_post_message_returns_channel_and_increasing_ts(slack: FakeSlack, web: WebClient):
    first = web.chat_postMessage(channel="C1", text="working on it")
    second = web.chat_postMessage(channel="#general", text="reply", thread_ts=first["ts"])

    assert first["channel"] == second["channel"] == "C1"
    assert first["ts"] < second["ts"]
    assert slack.calls("chat.postMessage")[1].params["thread_ts"] == first["ts"]
    assert slack.calls("chat.postMessage")[0].headers["authorization"] == "Bearer xoxb-test"


def test_update_leaves_one_message_with_the_final_text_and_blocks(slack: FakeSlack, web: WebClient):
    posted = web.chat_postMessage(channel="C1", text="working on it")
    web.chat_update(channel="C1", ts=posted["ts"], text="42 rows", blocks=BUTTONS)

    assert [(m["ts"], m["text"], m["blocks"]) for m in slack.messages] == [
        (posted["ts"], "42 rows", BUTTONS)
    ]


def test_update_and_delete_of_an_unknown_ts_fail(web: WebClient):
    with pytest.raises(SlackApiError, match="message_not_found"):
        web.chat_update(channel="C1", ts="1.000001", text="x")
    with pytest.raises(SlackApiError, match="message_not_found"):
        web.chat_delete(channel="C1", ts="1.000001")


def test_fail_next_fails_that_many_calls(slack: FakeSlack, web: WebClient):
    slack.fail_next("chat.postMessage", error="channel_not_found", times=1)

    with pytest.raises(SlackApiError, match="channel_not_found"):
        web.chat_postMessage(channel="C1", text="x")
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


def test_not_member_refuses_posts_and_uploads_until_joined(slack: FakeSlack, web: WebClient):
    slack.not_member("C9")

    with pytest.raises(SlackApiError, match="not_in_channel"):
        web.chat_postMessage(channel="C9", text="x")
    with pytest.raises(SlackApiError, match="not_in_channel"):
        web.files_upload_v2(channel="C9", content="a,b\n", filename="answer.csv")
    assert web.conversations_info(channel="C9")["channel"]["is_member"] is False

    web.conversations_join(channel="C9")
    assert web.chat_postMessage(channel="C9", text="x")["ok"]


def test_429_then_success_is_retried_by_the_rate_limit_handler(slack: FakeSlack):
    slack.rate_limit_next("chat.postMessage", times=1, retry_after=0)
    web = WebClient(token="xoxb-test", base_url=slack.api_url)
    web.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))

    assert web.chat_postMessage(channel="C1", text="hello")["ok"]
    calls = slack.calls("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert len(slack.messages) == 1


def test_429_carries_retry_after(slack: FakeSlack):
    slack.rate_limit_next("chat.postMessage", times=1, retry_after=2)
    request = urllib.request.Request(slack.api_url + "chat.postMessage", data=b"", method="POST")

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    with caught.value as response:
        assert response.code == 429
        assert response.headers["Retry-After"] == "2"


def test_tokens_are_checked_like_slack(slack: FakeSlack, web: WebClient):
    with pytest.raises(SlackApiError, match="unknown_method"):
        web.api_call("chat.nonsense")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        web.apps_connections_open(app_token="xoxb-test")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        WebClient(token="xapp-test", base_url=slack.api_url).chat_postMessage(
            channel="C1", text="x"
        )


def test_apps_connections_open_gives_a_fresh_url_each_time(web: WebClient):
    first = web.apps_connections_open(app_token="xapp-test")["url"]
    second = web.apps_connections_open(app_token="xapp-test")["url"]

    assert first.startswith("ws://127.0.0.1:")
    assert first != second


def test_a_socket_url_works_once(web: WebClient):
    url = web.apps_connections_open(app_token="xapp-test")["url"]

    with connect(url) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    with pytest.raises(InvalidStatus):
        connect(url)


def test_auth_test_and_users_info(web: WebClient):
    assert web.auth_test()["user_id"] == "UBOT"
    assert web.users_info(user="UADMIN")["user"]["is_admin"] is True
    assert web.users_info(user="U1")["user"]["is_admin"] is False


def test_upload_v2_lands_in_the_thread_with_its_bytes(slack: FakeSlack, web: WebClient):
    web.files_upload_v2(
        channel="C1", thread_ts="1700000000.000100", content="a,b\n1,2\n", filename="answer.csv"
    )

    (record,) = slack.files
    assert record["channel_id"] == "C1"
    assert record["thread_ts"] == "1700000000.000100"
    assert record["title"] == "answer.csv"
    assert record["content"] == b"a,b\n1,2\n"


def test_upload_to_a_channel_name_is_refused(web: WebClient):
    with pytest.raises(SlackApiError, match="channel_not_found"):
        web.files_upload_v2(channel="#general", content="a\n", filename="answer.csv")


def test_views_open_wants_a_trigger_from_slack(web: WebClient):
    view = {"type": "modal", "callback_id": "connect", "title": {"type": "plain_text", "text": "x"}}
    with pytest.raises(SlackApiError, match="invalid_trigger_id"):
        web.views_open(trigger_id="made-up", view=view)


def test_response_url_records_json(slack: FakeSlack):
    WebhookClient(slack.response_url("r1")).send(text="done", response_type="ephemeral")

    assert [(r.name, r.body["text"]) for r in slack.responses] == [("r1", "done")]


# -- Socket Mode with a real Bolt app --------------------------------------------


def test_slash_command_is_acked_fast_then_answered(
    slack: FakeSlack, app: App, handler: SocketModeHandler
):
    @app.command("/ask")
    def ask(ack, command, say):
        ack()
        say(f"you asked: {command['text']}")

    handler.connect()
    envelope_id = slack.send_slash_command(text="how many orders?")

    seconds, payload = slack.wait_for_ack(envelope_id)
    assert seconds < 1 and payload is None
    (call,) = slack.wait_for_call("chat.postMessage")
    assert call.params["text"] == "you asked: how many orders?"


def test_bolt_reconnects_after_disconnect_and_answers_the_next_mention(
    slack: FakeSlack, app: App, handler: SocketModeHandler
):
    @app.event("app_mention")
    def mention(event, say):
        say(text="hi", thread_ts=event["ts"])

    handler.connect()
    slack.wait_for_connection(1)
    slack.send_disconnect()
    slack.wait_for_connection(2)
    envelope_id = slack.send_mention("how many orders?")

    slack.wait_for_ack(envelope_id)
    (call,) = slack.wait_for_call("chat.postMessage")
    assert call.params["thread_ts"] == slack.sent[envelope_id]["payload"]["event"]["ts"]
    assert len(slack.calls("apps.connections.open")) == 2


def test_bolt_reconnects_after_a_dropped_socket(
    slack: FakeSlack, app: App, handler: SocketModeHandler
):
    @app.event("app_mention")
    def mention(event, say):
        say(text="hi", thread_ts=event["ts"])

    handler.connect()
    slack.wait_for_connection(1)
    slack.drop_socket()
    envelope_id = slack.send_mention("still there?")

    slack.wait_for_ack(envelope_id)
    slack.wait_for_call("chat.postMessage")
    assert slack.connections_opened == 2


def test_redelivery_keeps_the_event_id(slack: FakeSlack, app: App, handler: SocketModeHandler):
    seen = []

    @app.event("app_mention")
    def mention(body):
        seen.append(body["event_id"])

    handler.connect()
    first = slack.send_mention("hi")
    second = slack.redeliver(first)

    slack.wait_for_ack(second)
    assert slack.sent[second]["retry_attempt"] == 1
    assert slack.sent[second]["retry_reason"] == "timeout"
    slack.wait_for(lambda: len(seen) == 2)
    assert seen[0] == seen[1]


def test_block_action_clicks_the_posted_button(
    slack: FakeSlack, app: App, handler: SocketModeHandler, web: WebClient
):
    clicked = []

    @app.action("show_sql")
    def show_sql(ack, body, action):
        ack()
        clicked.append((action["value"], body["container"]["message_ts"]))

    posted = web.chat_postMessage(channel="C1", text="42 rows", blocks=BUTTONS)
    handler.connect()
    slack.wait_for_ack(slack.send_block_action("show_sql"))

    slack.wait_for(lambda: clicked)
    assert clicked == [("42", posted["ts"])]


def test_view_submission_ack_carries_response_action(
    slack: FakeSlack, app: App, handler: SocketModeHandler
):
    @app.command("/sqlbot")
    def open_modal(ack, body, client):
        ack()
        view = {
            "type": "modal",
            "callback_id": "connect",
            "title": {"type": "plain_text", "text": "Connect"},
            "blocks": [],
        }
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view("connect")
    def submitted(ack, view):
        ack(response_action="errors", errors={"url": view["state"]["values"]["url"]["v"]["value"]})

    handler.connect()
    slack.send_slash_command(command="/sqlbot", text="connect")
    slack.wait_for_call("views.open")
    state = {"url": {"v": {"type": "plain_text_input", "value": "bad url"}}}
    envelope_id = slack.send_view_submission("connect", state)

    _, payload = slack.wait_for_ack(envelope_id)
    assert payload == {"response_action": "errors", "errors": {"url": "bad url"}}


# -- OpenAI-compatible endpoint ----------------------------------------------------


def ask(llm: FakeOpenAI, **options) -> str:
    client = openai.OpenAI(base_url=llm.base_url, api_key="test", **options)
    messages = [{"role": "user", "content": "how many orders?"}]
    reply = client.chat.completions.create(model="gpt-test", messages=messages)
    return reply.choices[0].message.content


def test_openai_client_gets_the_scripted_reply_and_the_prompt_is_recorded(llm: FakeOpenAI):
    llm.reply("SELECT COUNT(*) FROM orders")

    assert ask(llm) == "SELECT COUNT(*) FROM orders"
    assert llm.requests[0]["model"] == "gpt-test"
    assert llm.prompts == [[{"role": "user", "content": "how many orders?"}]]


def test_replies_come_in_order_then_the_default(llm: FakeOpenAI):
    llm.reply("one")
    llm.reply_with(lambda request: request["messages"][-1]["content"].upper())
    llm.default_reply = "fallback"

    assert [ask(llm), ask(llm), ask(llm)] == ["one", "HOW MANY ORDERS?", "fallback"]


@pytest.mark.parametrize("status", [429, 500])
def test_openai_client_retries_through_failures(llm: FakeOpenAI, status: int):
    llm.fail_next(status=status, times=2, retry_after=0.05)
    llm.reply("SELECT 1")

    assert ask(llm, max_retries=2) == "SELECT 1"
    assert len(llm.requests) == 3


def test_a_hung_reply_times_out_the_client(llm: FakeOpenAI):
    llm.hang()

    with pytest.raises(openai.APITimeoutError):
        ask(llm, timeout=0.3, max_retries=0)


def test_delay_holds_the_reply(llm: FakeOpenAI):
    llm.delay(0.3)
    started = time.monotonic()

    ask(llm)
    assert time.monotonic() - started >= 0.3


def test_models_are_listed(llm: FakeOpenAI):
    client = openai.OpenAI(base_url=llm.base_url, api_key="test")

    assert [m.id for m in client.models.list()] == ["fake-model"]
