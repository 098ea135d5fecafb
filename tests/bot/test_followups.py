"""Follow-ups: a later message in a thread the bot answered sees the earlier turns."""

from __future__ import annotations

import time

from tests.bot.conftest import StartBot
from tests.bot.test_slack_e2e import CHINOOK, COUNT_REPLY, _answered, _text
from tests.fakes import FakeOpenAI, FakeSlack

ROCK_REPLY = (
    "```sql\nSELECT COUNT(*) FROM Track JOIN Genre ON Track.GenreId = Genre.GenreId "
    "WHERE Genre.Name = 'Rock'\n```"
)


def _reply_in_thread(slack: FakeSlack, text: str, thread_ts: str, ts: str) -> dict:
    return {
        "type": "message",
        "user": "U1",
        "text": text,
        "channel": "C1",
        "channel_type": "channel",
        "ts": ts,
        "thread_ts": thread_ts,
    }


def test_a_reply_in_the_thread_is_a_follow_up_with_the_earlier_turn(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY, ROCK_REPLY)
    start_bot(default_connection=CHINOOK)
    slack.send_mention("how many tracks are there?", ts="1700000200.000100")
    _answered(slack, "3503")

    event = _reply_in_thread(slack, "and only rock?", "1700000200.000100", "1700000201.000100")
    slack.send_event(event)

    answer = _answered(slack, "1297")
    assert answer["thread_ts"] == "1700000200.000100"
    sent = model.prompts[-1]
    assert [m["role"] for m in sent[1:]] == ["user", "assistant", "user"]
    assert sent[1]["content"] == "how many tracks are there?"
    assert "SELECT COUNT(*) FROM Track" in sent[2]["content"]
    assert sent[3]["content"] == "and only rock?"


def test_a_mention_delivered_also_as_a_message_gets_one_reply(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY, ROCK_REPLY, ROCK_REPLY)
    start_bot(default_connection=CHINOOK)
    slack.send_mention("how many tracks are there?", ts="1700000300.000100")
    _answered(slack, "3503")

    text = f"<@{slack.bot_user_id}> and only rock?"
    reply = _reply_in_thread(slack, text, "1700000300.000100", "1700000301.000100")
    slack.send_event(reply)
    slack.send_event({**reply, "type": "app_mention"})
    _answered(slack, "1297")
    time.sleep(1)

    assert len(model.prompts) == 2
    assert len(slack.calls("chat.postMessage")) == 2


def test_thread_context_survives_a_restart(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY, ROCK_REPLY)
    first = start_bot(default_connection=CHINOOK)
    slack.send_mention("how many tracks are there?", ts="1700000400.000100")
    _answered(slack, "3503")
    first.handler.close()
    first.service.close()

    start_bot(default_connection=CHINOOK)
    event = _reply_in_thread(slack, "and only rock?", "1700000400.000100", "1700000401.000100")
    slack.send_event(event)

    _answered(slack, "1297")
    assert model.prompts[-1][1]["content"] == "how many tracks are there?"


def test_chatter_in_a_thread_the_bot_never_answered_is_ignored(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    start_bot(default_connection=CHINOOK)

    slack.send_event(_reply_in_thread(slack, "lunch?", "1600000000.000100", "1600000001.000100"))
    time.sleep(1.5)

    assert model.prompts == []
    assert slack.calls("chat.postMessage") == []


def test_after_a_dropped_socket_it_reconnects_and_answers(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-21: the TCP connection dies without a goodbye."""
    model.reply(COUNT_REPLY)
    start_bot(default_connection=CHINOOK)

    slack.drop_socket()
    slack.wait_for_connection(2, timeout=20)
    slack.send_mention("how many tracks are there?")

    assert "3503" in _text(_answered(slack, "3503")).replace(",", "")
    assert len(slack.calls("chat.postMessage")) == 1
