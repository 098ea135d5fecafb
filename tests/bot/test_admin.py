"""`/sqlbot` end to end: the real Bolt app in Socket Mode against FakeSlack, the real
openai client against FakeOpenAI, and Chinook on real PostgreSQL and MariaDB servers.

The app is built the way bot/runner.py builds it (``make_app`` below), so these tests
also prove the wiring: the registry inside the service, channel mappings deciding
where `/ask` goes, and `/sqlbot` answered by bot.admin.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot import messages, runner
from bot.service import Service
from core.settings import Settings
from tests import dbs, logins
from tests.fakes import FakeOpenAI, FakeSlack, close_handler

ADMIN, MEMBER, OWNER = "UADMIN", "UMEMBER", "UOWNER"
PG_CHANNEL, MY_CHANNEL, BARE_CHANNEL = "CPG", "CMY", "CBARE"
COUNT_TRACKS = "```sql\nSELECT COUNT(*) AS tracks FROM Track\n```"
# A customer's e-mail from Chinook: it must never reach the model once Email is hidden.
CUSTOMER_EMAIL = "luisg@embraer.com.br"


@dataclass
class Bot:
    """A running sqlbot and the fakes it talks to."""

    slack: FakeSlack
    llm: FakeOpenAI
    service: Service
    data_dir: Path

    def command(
        self, text: str, user: str = ADMIN, channel: str = PG_CHANNEL, command: str = "/sqlbot"
    ) -> str:
        return self.slack.send_slash_command(command, text, user_id=user, channel_id=channel)

    def replies(self, envelope_id: str, n: int = 1) -> list[dict[str, Any]]:
        """The first ``n`` messages posted to that command's response_url."""
        name = self.slack.sent[envelope_id]["payload"]["response_url"].rsplit("/", 1)[-1]

        def posted() -> list[dict[str, Any]]:
            bodies = [r.body for r in self.slack.responses if r.name == name]
            return bodies if len(bodies) >= n else []

        return self.slack.wait_for(posted, what=f"{n} response(s) to {envelope_id}")[:n]

    def reply_text(self, text: str, user: str = ADMIN, channel: str = PG_CHANNEL) -> str:
        """Run one `/sqlbot` command and return the (fallback) text of its last reply."""
        envelope = self.command(text, user, channel)
        self.slack.wait_for_ack(envelope)
        return str(self.replies(envelope, _expected_replies(text))[-1]["text"])

    def connect(self, name: str, url: str, channel: str | None = None) -> str:
        said = self.reply_text(f"connect {name} {url}")
        if channel:
            self.reply_text(f"use {name}", channel=channel)
        return said

    def ask(self, question: str, channel: str) -> dict[str, Any]:
        """Ask in ``channel`` and wait for the answer's history row."""
        before = self.service.history.count()
        self.command(question, user=MEMBER, channel=channel, command="/ask")
        self.slack.wait_for(lambda: self.service.history.count() > before, what="an answer")
        return self.service.history.recent(channel, 1)[0]


def _expected_replies(text: str) -> int:
    # `connect NAME URL` first says it is testing, then how the test went.
    words = text.split()
    return 2 if words[:1] == ["connect"] and len(words) > 1 else 1


def _text(body: Any) -> str:
    """Every "text" string in a message, a view or a list of blocks, one per line."""
    if isinstance(body, list):
        return "\n".join(_text(item) for item in body)
    if not isinstance(body, dict):
        return ""
    found = [body["text"]] if isinstance(body.get("text"), str) else []
    found += [_text(value) for key, value in body.items() if isinstance(value, (dict, list))]
    return "\n".join(part for part in found if part)


def make_app(data_dir: Path, slack: FakeSlack, llm: FakeOpenAI, **env: str) -> runner.Bot:
    """The bot as `python -m bot` builds it (bot/runner.py), pointed at the fakes."""
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": slack.api_url,
            "OPENAI_BASE_URL": llm.base_url,
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
            "SQLBOT_MODEL": "fake-model",
            "SQLBOT_DATA_DIR": str(data_dir),
            "SQLBOT_ADMINS": ADMIN,
            **env,
        }
    )
    return runner.make_bot(settings, ping_interval=1)


@contextmanager
def running_bot(tmp_path: Path, **env: str) -> Iterator[Bot]:
    """A connected bot with its fakes, closed on exit; ``env`` adds settings."""
    channels = {PG_CHANNEL: "pg-questions", MY_CHANNEL: "my-questions", BARE_CHANNEL: "bare"}
    users = {OWNER: {"is_owner": True}}
    with FakeSlack(channels=channels, users=users) as slack, FakeOpenAI(COUNT_TRACKS) as llm:
        running = make_app(tmp_path / "data", slack, llm, **env)
        running.handler.connect()
        slack.wait_for_connection()
        try:
            yield Bot(slack, llm, running.service, tmp_path / "data")
        finally:
            close_handler(running.handler)
            running.workers.shutdown(wait=True, cancel_futures=True)
            running.service.close()


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    with running_bot(tmp_path) as running:
        yield running


@pytest.fixture
def pg_url() -> str:
    return dbs.chinook_url_for("postgresql")


@pytest.fixture
def my_url() -> str:
    return dbs.chinook_url_for("mysql")


def _form_values(**fields: str) -> dict[str, Any]:
    """View state as Slack sends it for the connect form."""
    values: dict[str, Any] = {}
    for block, value in fields.items():
        if block == "engine":
            option = {"text": {"type": "plain_text", "text": value}, "value": value}
            values[block] = {"value": {"type": "static_select", "selected_option": option}}
        else:
            values[block] = {"value": {"type": "plain_text_input", "value": value}}
    return values


def _submit_form(bot: Bot, **fields: str) -> tuple[dict[str, Any], str]:
    """Open the form with `/sqlbot connect`, submit it; (the ack, the final view's text)."""
    envelope = bot.command("connect")
    opened = bot.slack.wait_for_call("views.open")[-1]
    assert opened.ok, opened.response
    updates = len(bot.slack.calls("views.update"))
    submission = bot.slack.send_view_submission("sqlbot_connect", _form_values(**fields), ADMIN)
    _, ack = bot.slack.wait_for_ack(submission)
    update = bot.slack.wait_for_call("views.update", updates + 1)[-1]
    assert update.ok, update.response
    assert envelope
    return ack or {}, _text({"view": update.params["view"]})


def _mysql_form(url: str) -> dict[str, str]:
    parsed = sa.make_url(url)
    return {
        "engine": "mysql",
        "host": parsed.host or "",
        "port": str(parsed.port or ""),
        "database": parsed.database or "",
        "user": parsed.username or "",
        "password": parsed.password or "",
    }


# -- registering databases and mapping channels -------------------------------------------


def test_an_admin_registers_chinook_by_url_and_by_form_and_each_channel_asks_its_own(
    bot: Bot, pg_url: str, my_url: str
) -> None:
    said = bot.connect("chinook_pg", pg_url)
    assert "Registered *chinook_pg* (postgresql 127.0.0.1:5432/sqlbot_test_chinook)" in said
    assert "I can see 11 tables" in said
    # The test server's login is a superuser: the admin is told how to make a reader.
    assert "This login can change data" in said
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA public TO sqlbot" in said

    with logins.mysql_login(dbs.CHINOOK_DB) as (_, _, reader_url):
        ack, result = _submit_form(bot, name="chinook_my", **_mysql_form(reader_url))
        assert ack["response_action"] == "update"
        assert "Registered *chinook_my* (mysql 127.0.0.1:3306/sqlbot_test_chinook)" in result
        assert "I can see 11 tables" in result
        assert "can change data" not in result

        said = bot.reply_text("use chinook_pg", channel=PG_CHANNEL)
        assert "mapped this channel to *chinook_pg*" in said
        bot.reply_text("use chinook_my", channel=MY_CHANNEL)

        pg = bot.ask("how many tracks are there?", PG_CHANNEL)
        my = bot.ask("how many tracks are there?", MY_CHANNEL)

    assert (pg["connection"], pg["status"], pg["row_count"]) == ("chinook_pg", "ok", 1)
    assert (my["connection"], my["status"], my["row_count"]) == ("chinook_my", "ok", 1)
    dialects = [p[0]["content"].split(" SQL query")[0] for p in bot.llm.prompts]
    assert ["PostgreSQL" in d for d in dialects] == [True, False]
    assert ["MySQL" in d for d in dialects] == [False, True]


def test_the_form_result_is_also_left_where_connect_was_typed(bot: Bot, my_url: str) -> None:
    envelope = bot.command("connect")
    bot.slack.wait_for_call("views.open")
    bot.slack.send_view_submission(
        "sqlbot_connect", _form_values(name="chinook_my", **_mysql_form(my_url)), ADMIN
    )

    [posted] = bot.replies(envelope)

    assert "Registered *chinook_my*" in _text(posted)
    assert bot.service.registry.names() == ["chinook_my"]


def test_a_form_with_a_bad_field_is_answered_on_that_field(bot: Bot) -> None:
    bot.command("connect")
    bot.slack.wait_for_call("views.open")
    fields = {"name": "9 lives", "engine": "postgresql", "host": "127.0.0.1", "database": "x"}

    submission = bot.slack.send_view_submission("sqlbot_connect", _form_values(**fields), ADMIN)
    _, ack = bot.slack.wait_for_ack(submission)

    assert ack["response_action"] == "errors"
    assert "starts with a letter" in ack["errors"]["name"]


def test_a_channel_without_a_mapping_is_told_how_to_get_one(bot: Bot, pg_url: str) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    bot.command("how many tracks?", user=MEMBER, channel=BARE_CHANNEL, command="/ask")

    expected = messages.no_connection(["chinook_pg"])
    bot.slack.wait_for(lambda: _said_anywhere(bot, expected), what="the no-mapping advice")
    assert "`/sqlbot use NAME`" in expected and "chinook_pg" in expected


def _said_anywhere(bot: Bot, text: str) -> bool:
    bodies = [r.body for r in bot.slack.responses] + bot.slack.messages
    bodies += [a.payload or {} for a in bot.slack.acks.values()]
    return any(text in _text(body) for body in bodies)


def test_use_replaces_the_channels_mapping(bot: Bot, pg_url: str, my_url: str) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)
    bot.connect("chinook_my", my_url, channel=PG_CHANNEL)

    row = bot.ask("how many tracks are there?", PG_CHANNEL)

    assert row["connection"] == "chinook_my"
    assert "There is no connection called nope" in bot.reply_text("use nope")


# -- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["connect", "connect x sqlite:///x.sqlite", "use chinook_pg", "hide chinook_pg customer"]
    + ["unhide chinook_pg customer", "refresh", "forget chinook_pg", "history all"],
)
def test_a_member_is_refused_admin_commands(bot: Bot, pg_url: str, command: str) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    envelope = bot.command(command, user=MEMBER)
    said = _text(bot.replies(envelope)[-1])

    verb = " ".join(command.split()[:2]) if command == "history all" else command.split()[0]
    assert said.startswith(f"Only sqlbot admins can run `/sqlbot {verb}`")
    assert bot.slack.calls("views.open") == []
    assert bot.service.registry.mapped_name(PG_CHANNEL) == "chinook_pg"
    assert bot.service.registry.hidden("chinook_pg") == frozenset()


def test_a_workspace_owner_counts_as_an_admin(bot: Bot, pg_url: str) -> None:
    bot.connect("chinook_pg", pg_url)

    said = bot.reply_text("use chinook_pg", user=OWNER, channel=MY_CHANNEL)

    assert "mapped this channel to *chinook_pg*" in said
    assert [c.params["user"] for c in bot.slack.calls("users.info")] == [OWNER]


def test_anyone_may_list_and_read_help(bot: Bot, pg_url: str) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    listed = bot.reply_text("list", user=MEMBER)
    helped = bot.reply_text("help", user=MEMBER)

    assert "*chinook_pg*: postgresql 127.0.0.1:5432/sqlbot_test_chinook · <#CPG>" in listed
    assert "You can run the commands for everyone" in helped
    for verb in ("connect", "use", "list", "schema", "hide", "unhide", "refresh", "history"):
        assert f"`/sqlbot {verb}" in helped
    assert "`/sqlbot forget NAME`" in helped


def test_an_unknown_subcommand_gets_the_help(bot: Bot) -> None:
    said = bot.reply_text("frobnicate <!channel>", user=MEMBER)

    assert said.startswith("I don't know `/sqlbot frobnicate`. Here is what I can do:")
    assert "`/sqlbot schema [TABLE]`" in said


# -- hiding --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_a_hidden_column_is_kept_from_the_model_the_schema_and_every_query(
    bot: Bot, kind: str
) -> None:
    bot.connect("chinook", dbs.chinook_url_for(kind), channel=PG_CHANNEL)

    said = bot.reply_text("hide chinook Customer.Email")
    assert said.startswith("Hidden customer.email in *chinook*")

    bot.llm.reply("```sql\nSELECT FirstName, Email FROM Customer\n```")
    refused = bot.ask("what are the customers' e-mail addresses?", PG_CHANNEL)
    assert refused["status"] == "refused"
    assert "customer.email" in refused["error"]

    prompt = bot.llm.prompts[-1][0]["content"]
    customer = _table_in_prompt(prompt, "customer")
    assert "firstname" in customer.replace("_", "") and "email" not in customer
    assert CUSTOMER_EMAIL not in prompt
    assert "email" in _table_in_prompt(prompt, "employee")  # only Customer's was hidden

    columns = bot.reply_text(
        "schema public.customer" if kind == "postgresql" else "schema Customer", user=MEMBER
    )
    assert "country" in columns.lower() and "email" not in columns.lower()
    tables = bot.reply_text("schema", user=MEMBER)
    assert "has 11 tables" in tables


def _table_in_prompt(prompt: str, name: str) -> str:
    """The lines of one table in the model's prompt, lower-cased."""
    for section in prompt.split("\n\n"):
        first = section.splitlines()[0].lower().replace('"', "").replace("`", "")
        if first == f"table {name}":
            return section.lower()
    raise AssertionError(f"no table {name} in the prompt")


def test_a_hidden_table_is_not_listed_nor_read_and_unhide_brings_it_back(
    bot: Bot, pg_url: str
) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    assert bot.reply_text("hide chinook_pg public.employee").startswith("Hidden employee")
    assert "has 10 tables" in bot.reply_text("schema")
    assert "I can't find employee" in bot.reply_text("schema employee")
    bot.llm.reply("```sql\nSELECT e.first_name FROM employee e\n```")
    assert bot.ask("who works here?", PG_CHANNEL)["status"] == "refused"

    assert "visible again" in bot.reply_text("unhide chinook_pg Employee")
    assert "has 11 tables" in bot.reply_text("schema")


def test_hiding_something_that_does_not_exist_says_so(bot: Bot, pg_url: str) -> None:
    bot.connect("chinook_pg", pg_url)

    said = bot.reply_text("hide chinook_pg customer.emial")

    assert said.startswith("I can't find customer.emial in *chinook_pg*")
    assert bot.service.registry.hidden("chinook_pg") == frozenset()


# -- failures that say which part failed ----------------------------------------------------


def test_a_wrong_password_says_the_login_was_refused(bot: Bot) -> None:
    dbs.chinook_url_for("mysql")
    with logins.mysql_login(dbs.CHINOOK_DB) as (user, password, url):
        wrong = url.replace(password, "Wrong-Horse-Battery-1187")
        said = bot.connect("chinook_my", wrong)

    assert said == (
        f"I couldn't register *chinook_my*: the database refused the login for user {user}. "
        "Nothing was saved. Check the details and try again."
    )
    assert bot.service.registry.names() == []


def test_an_unreachable_host_says_so_and_the_form_comes_back_without_the_password(
    bot: Bot,
) -> None:
    port = logins.closed_port()
    form = {"name": "gone", "engine": "postgresql", "host": "127.0.0.1", "port": str(port)}
    form |= {"database": "shop", "user": "reader", "password": "Never-Echo-Me-4410"}

    _, result = _submit_form(bot, **form)

    assert f"I could not reach the database server at 127.0.0.1:{port}" in result
    assert "Nothing was saved" in result
    shown = bot.slack.calls("views.update")[-1].params["view"]
    assert shown["callback_id"] == "sqlbot_connect"
    assert "Never-Echo-Me-4410" not in json.dumps(shown)
    initial = {b["block_id"]: b["element"].get("initial_value") for b in shown["blocks"][1:]}
    assert initial["host"] == "127.0.0.1" and initial["password"] is None
    assert bot.service.registry.names() == []


def test_a_missing_database_says_so(bot: Bot) -> None:
    url = dbs.database_url("postgresql", "sqlbot_test_nothing_here")

    said = bot.connect("nothing", url)

    assert "the database sqlbot_test_nothing_here does not exist" in said


def test_no_password_reaches_slack_the_logs_the_history_or_the_file(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for name in ("bot", "core"):
        caplog.set_level(logging.DEBUG, logger=name)
    dbs.chinook_url_for("mysql")
    with logins.mysql_login(dbs.CHINOOK_DB) as (_, password, url):
        bot.connect("by_url", url, channel=PG_CHANNEL)
        _submit_form(bot, name="by_form", **_mysql_form(url))
        bot.connect("refused", url.replace(password, password[::-1]))
        bot.reply_text("list")
        bot.ask("how many tracks are there?", PG_CHANNEL)

    assert bot.service.registry.names() == ["by_form", "by_url"]
    for secret in (password, password[::-1]):
        assert secret not in _everything_slack_got(bot.slack)
        assert secret not in caplog.text
        assert secret not in json.dumps(bot.service.history.recent(None, 100))
        for path in bot.data_dir.iterdir():
            assert secret.encode() not in path.read_bytes(), path.name


def _everything_slack_got(slack: FakeSlack) -> str:
    """Every Web API call, response_url post and acknowledgement the app sent."""
    calls = [{"method": c.method, "params": c.params} for c in slack.calls()]
    posts = [r.body for r in slack.responses]
    return json.dumps([calls, posts, slack.received], default=str)


# -- schema, history, refresh, forget -------------------------------------------------------


def test_schema_shows_row_estimates_and_one_tables_keys(bot: Bot, pg_url: str) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    tables = bot.reply_text("schema", user=MEMBER)
    track = bot.reply_text("schema Track", user=MEMBER)

    assert re.search(r"track\s+3,503 rows\s+9 columns", tables)
    assert re.search(r"track_id\s+INTEGER\s+primary key, not null", track)
    assert re.search(r"album_id\s+INTEGER\s+→ album\.album_id", track)


def test_a_long_schema_goes_into_a_file(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "wide.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for n in range(120):
            conn.exec_driver_sql(f"CREATE TABLE quarterly_report_table_{n:03d} (id INTEGER)")
    engine.dispose()
    bot.connect("wide", f"sqlite:///{path}", channel=PG_CHANNEL)

    said = bot.reply_text("schema")

    assert "I posted it here as a file" in said
    [upload] = bot.slack.files
    assert upload["channel_id"] == PG_CHANNEL
    assert b"quarterly_report_table_119" in upload["content"]


def test_history_shows_this_channels_questions_and_all_only_for_admins(
    bot: Bot, pg_url: str, my_url: str
) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)
    bot.connect("chinook_my", my_url, channel=MY_CHANNEL)
    bot.ask("how many tracks are there?", PG_CHANNEL)
    bot.ask("how many tracks in the other one?", MY_CHANNEL)

    here = bot.reply_text("history", user=MEMBER, channel=PG_CHANNEL)
    everywhere = bot.reply_text("history all 5", user=ADMIN, channel=PG_CHANNEL)

    assert "The last 1 questions in this channel" in here
    assert "`ok` · 1 row ·" in here and f"<@{MEMBER}>" in here
    assert "how many tracks are there?" in here and "other one" not in here
    assert "<#CMY>" in everywhere and "<#CPG>" in everywhere


def test_refresh_drops_the_cached_schema(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "growing.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE first (id INTEGER)")
    bot.connect("growing", f"sqlite:///{path}", channel=PG_CHANNEL)
    assert "has 1 table." in bot.reply_text("schema")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE second (id INTEGER)")
    engine.dispose()

    assert "has 1 table." in bot.reply_text("schema")
    assert "afresh" in bot.reply_text("refresh growing")
    assert "has 2 tables" in bot.reply_text("schema")


def test_forget_asks_first_then_removes_the_connection_and_its_mappings(
    bot: Bot, pg_url: str
) -> None:
    bot.connect("chinook_pg", pg_url, channel=PG_CHANNEL)

    question = bot.replies(bot.command("forget chinook_pg"))[-1]
    assert "Forget *chinook_pg*" in _text(question) and "<#CPG>" in _text(question)
    buttons = [b for b in question["blocks"] if b["type"] == "actions"][0]["elements"]
    assert [b["action_id"] for b in buttons] == ["sqlbot_forget_confirm", "sqlbot_forget_cancel"]

    _click(bot, "sqlbot_forget_cancel", "chinook_pg")
    assert bot.service.registry.names() == ["chinook_pg"]

    _click(bot, "sqlbot_forget_confirm", "chinook_pg", user=MEMBER)
    assert bot.service.registry.names() == ["chinook_pg"]

    said = _click(bot, "sqlbot_forget_confirm", "chinook_pg")
    assert said.startswith("Forgot chinook_pg")
    assert bot.service.registry.names() == []
    assert bot.service.registry.mapped_name(PG_CHANNEL) is None


def _click(bot: Bot, action_id: str, value: str, user: str = ADMIN) -> str:
    """Click a button of the (ephemeral) confirmation; return what replaced it."""
    before = len(bot.slack.responses)
    bot.slack.send_block_action(action_id, value, user, PG_CHANNEL, message_ts="1.000001")
    bot.slack.wait_for(lambda: len(bot.slack.responses) > before, what=f"{action_id} answer")
    return _text(bot.slack.responses[-1].body)
