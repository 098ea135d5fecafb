"""End to end: Slack's own protocol (faked on 127.0.0.1) -> real bot -> real databases."""

from __future__ import annotations

import time

from tests.bot.conftest import StartBot
from tests.dbs import CHINOOK_SQLITE
from tests.fakes import FakeOpenAI, FakeSlack

CHINOOK = f"sqlite:///{CHINOOK_SQLITE}"

COUNT_REPLY = "```sql\nSELECT COUNT(*) FROM Track\n```"


def _text(message: dict) -> str:
    """Everything a person sees in a message: its text and every block's text."""
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text", ""))
        for element in block.get("elements") or []:
            if isinstance(element, dict) and isinstance(element.get("text"), str):
                parts.append(element["text"])
            elif isinstance(element, dict) and isinstance(element.get("text"), dict):
                parts.append(element["text"].get("text", ""))
    return "\n".join(parts)


def _digits(text: str) -> str:
    return text.replace(",", "")


def _answered(slack: FakeSlack, needle: str) -> dict:
    return slack.wait_for(
        lambda: next((m for m in slack.messages if needle in _digits(_text(m))), None),
        timeout=15,
        what=f"a message containing {needle}",
    )


def test_ask_answers_with_the_count_from_each_engine(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI, chinook_url: str
) -> None:
    model.reply(COUNT_REPLY)
    start_bot(default_connection=chinook_url)

    envelope = slack.send_slash_command(text="How many tracks are there?", user_id="U1")
    seconds, _ = slack.wait_for_ack(envelope)

    message = _answered(slack, "3503")
    assert seconds < 1
    assert "<@U1>" in _text(message)
    assert message["channel"] == "C1"
    assert "SELECT COUNT(*) FROM Track" not in _text(message)


def test_show_sql_posts_the_query_in_the_thread(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI, chinook_url: str
) -> None:
    model.reply(COUNT_REPLY)
    start_bot(default_connection=chinook_url)
    slack.send_slash_command(text="How many tracks are there?")
    answer = _answered(slack, "3503")

    button = _button(answer, "show_sql")
    assert button["value"].isdigit()
    slack.send_block_action("show_sql", user_id="U1", channel_id="C1")

    sql_message = _answered(slack, "FROM Track")
    assert "SELECT COUNT(*) FROM Track" in _text(sql_message)
    assert sql_message.get("thread_ts") == answer["ts"]


def test_a_mention_is_answered_in_a_thread_under_it(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI, chinook_url: str
) -> None:
    model.reply(COUNT_REPLY)
    start_bot(default_connection=chinook_url)

    slack.send_mention("how many tracks are there?", ts="1700000100.000100")

    message = _answered(slack, "3503")
    assert message.get("thread_ts") == "1700000100.000100"
    question = model.prompts[-1][-1]["content"]
    assert question == "how many tracks are there?"


def test_a_slow_model_is_acked_at_once_and_answered_exactly_once(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-15: the model takes 6 s; Slack's 3-second ack is still met."""
    model.delay(6)
    model.reply(COUNT_REPLY)
    start_bot(default_connection=CHINOOK)

    envelope = slack.send_slash_command(text="How many tracks are there?")
    seconds, _ = slack.wait_for_ack(envelope)
    working = slack.wait_for_call("chat.postMessage", timeout=3)

    _answered(slack, "3503")
    assert seconds < 1
    assert len(working) == 1
    assert len(slack.calls("chat.postMessage")) == 1
    assert len(slack.calls("chat.update")) == 1


def _button(message: dict, action_id: str) -> dict:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {message}")


def test_the_answer_waits_out_rate_limits_and_posts_once(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-23: two 429s with Retry-After: 2, then ok."""
    model.reply(COUNT_REPLY)
    start_bot(default_connection=CHINOOK)
    slack.rate_limit_next("chat.postMessage", times=2, retry_after=2)

    started = time.monotonic()
    slack.send_slash_command(text="How many tracks are there?")
    _answered(slack, "3503")

    assert time.monotonic() - started >= 4
    assert len([c for c in slack.calls("chat.postMessage") if c.ok]) == 1


def test_outside_a_channel_it_answers_through_the_response_url(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY)
    start_bot(default_connection=CHINOOK)
    slack.not_member("C1")

    slack.send_slash_command(text="How many tracks are there?")

    post = slack.wait_for(lambda: slack.responses, what="a response_url post")[0]
    text = _text(post.body)
    assert "3503" in _digits(text)
    assert "/invite" in text
    assert post.body.get("response_type") == "ephemeral"


def test_a_redelivered_mention_is_answered_once(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-16: the same event arrives again with retry_attempt 1."""
    model.reply(COUNT_REPLY, COUNT_REPLY)
    bot = start_bot(default_connection=CHINOOK)

    first = slack.send_mention("how many tracks are there?")
    slack.wait_for_ack(first)
    slack.redeliver(first, retry_reason="timeout")
    _answered(slack, "3503")
    time.sleep(1)

    assert len(slack.calls("chat.postMessage")) == 1
    assert bot.service.history.count() == 1


def test_after_a_refresh_disconnect_it_reconnects_and_answers_once(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-21: Slack asks the bot to reconnect; the next mention still gets one reply."""
    model.reply(COUNT_REPLY)
    start_bot(default_connection=CHINOOK)

    slack.send_disconnect("refresh_requested")
    slack.wait_for_connection(2)
    slack.send_mention("how many tracks are there?")

    _answered(slack, "3503")
    assert len(slack.calls("chat.postMessage")) == 1


def test_cells_that_look_like_slack_markup_never_ping_anyone(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-19, through the whole path: data and the echoed question are escaped."""
    model.reply(
        "```sql\nSELECT 'AT&T' AS a, '<!channel>' AS b UNION ALL "
        "SELECT '<@U012ABCDEF>', '<https://example.test|click>'\n```"
    )
    start_bot(default_connection=CHINOOK)

    slack.send_slash_command(text="show me <!here> & <@U999>")

    message = _answered(slack, "AT&amp;T")
    text = _text(message)
    assert "&lt;!channel&gt;" in text and "&lt;@U012ABCDEF&gt;" in text
    assert "&lt;https://example.test|click&gt;" in text
    assert "&lt;!here&gt; &amp; &lt;@U999&gt;" in text
    assert "<!channel>" not in text and "<!here>" not in text and "<@U999>" not in text


def test_a_button_for_an_unknown_answer_says_it_is_not_found(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-24: every button has a handler, and a stale id gets an ephemeral note."""
    start_bot(default_connection=CHINOOK)
    slack.channels["C1"] = "general"

    slack.send_block_action("show_sql", value="987654", user_id="U1", message_ts="1.1")

    note = slack.wait_for_call("chat.postEphemeral")[0]
    assert note.params["user"] == "U1"
    assert "can't find" in note.params["text"].lower() or "not found" in note.params["text"]


def test_download_csv_uploads_to_the_conversation_and_thread(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-22: the file goes to the channel id and the answer's thread."""
    model.reply("```sql\nSELECT GenreId, Name FROM Genre ORDER BY GenreId\n```")
    start_bot(default_connection=CHINOOK)
    slack.send_slash_command(text="list the genres")
    answer = _answered(slack, "Rock")

    slack.send_block_action("download_csv", user_id="U1", channel_id="C1")

    upload = slack.wait_for(lambda: slack.files, what="a CSV upload")[0]
    assert upload["channel_id"] == "C1"
    assert upload["thread_ts"] == answer["ts"]
    content = upload["content"].decode("utf-8-sig")
    assert content.splitlines()[0] == "GenreId,Name"
    assert len(content.splitlines()) == 26


def test_a_prose_reply_is_declined_with_the_models_words(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    """FR-2b: no SQL in the reply: nothing runs, the user sees why."""
    model.reply("The invoices table stores customer orders.")
    bot = start_bot(default_connection=CHINOOK)

    slack.send_slash_command(text="what is an invoice?")

    message = _answered(slack, "stores customer orders")
    assert "show_sql" not in str(message.get("blocks"))
    assert bot.service.history.recent()[0]["status"] == "declined"


def test_a_destructive_reply_is_refused_and_nothing_changes(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI, chinook_url: str
) -> None:
    model.reply("```sql\nDROP TABLE Track\n```", COUNT_REPLY)
    bot = start_bot(default_connection=chinook_url)

    slack.send_slash_command(text="clean up the tracks")
    refusal = _answered(slack, "change")
    slack.send_slash_command(text="How many tracks are there?")
    _answered(slack, "3503")

    assert "didn't run" in _text(refusal) or "did not run" in _text(refusal)
    assert bot.service.history.recent(limit=2)[1]["status"] == "refused"


def test_thumbs_up_from_the_asker_saves_a_verified_example_that_is_reused(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    long_tracks = "```sql\nSELECT COUNT(*) FROM Track WHERE Milliseconds > 300000\n```"
    model.reply(long_tracks, long_tracks)
    bot = start_bot(default_connection=CHINOOK)
    slack.send_slash_command(text="how many tracks are longer than 5 minutes?", user_id="U1")
    _answered(slack, "1 row")

    slack.send_block_action("feedback_up", user_id="U1", channel_id="C1")
    note = slack.wait_for_call("chat.postEphemeral")[0]
    slack.send_slash_command(text="how many tracks are longer than 5 minutes", user_id="U2")
    credited = _answered(slack, "verified by")

    assert "verified example" in note.params["text"]
    assert bot.service.pipeline.examples is not None
    assert len(bot.service.pipeline.examples.for_connection("Chinook_Sqlite")) == 1
    assert "<@U1>" in _text(credited)
    assert "Milliseconds > 300000" in model.prompts[1][2]["content"]


def test_thumbs_up_from_someone_else_is_thanked_but_not_saved(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY)
    bot = start_bot(default_connection=CHINOOK)
    slack.send_slash_command(text="How many tracks are there?", user_id="U1")
    _answered(slack, "3503")

    slack.send_block_action("feedback_up", user_id="U7", channel_id="C1")
    note = slack.wait_for_call("chat.postEphemeral")[0]

    assert "Only the person who asked" in note.params["text"]
    assert bot.service.pipeline.examples is not None
    assert bot.service.pipeline.examples.for_connection("Chinook_Sqlite") == []


def test_thumbs_down_asks_what_was_wrong_and_records_it(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY)
    bot = start_bot(default_connection=CHINOOK)
    slack.send_slash_command(text="How many tracks are there?", user_id="U1")
    _answered(slack, "3503")

    slack.send_block_action("feedback_down", user_id="U1", channel_id="C1")
    slack.wait_for_call("views.open")
    values = {"what_was_wrong": {"note": {"type": "plain_text_input", "value": "wanted albums"}}}
    ack = slack.send_view_submission("sqlbot_feedback", values, user_id="U1")
    slack.wait_for_ack(ack)

    notes = bot.service.history.feedback(bot.service.history.recent()[0]["id"])
    assert [(n["value"], n["note"]) for n in notes] == [("down", ""), ("note", "wanted albums")]


def test_when_slack_refuses_the_answer_the_working_note_says_so(
    start_bot: StartBot, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.reply(COUNT_REPLY)
    bot = start_bot(default_connection=CHINOOK)
    slack.fail_next("chat.update", error="msg_too_long")

    slack.send_slash_command(text="How many tracks are there?")

    note = _answered(slack, "Slack kept turning me away")
    assert "Working" not in _text(note)
    assert bot.service.history.recent()[0]["status"] == "ok"
