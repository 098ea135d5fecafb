"""No password, token or key reaches Slack, a log line, the history or an error (issue 3)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from core.secrets import redact
from tests import dbs
from tests.bot.conftest import StartBot
from tests.fakes import FakeOpenAI, FakeSlack

PASSWORD = "Zq7-distinct-Pa55word"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://bob:hunter22@db/x", "postgresql://bob:***@db/x"),
        ("mysql+pymysql://u:p@ss@h:3306/d", "mysql+pymysql://u:***@h:3306/d"),
        ("host=db password=hunter22 user=bob", "host=db password=*** user=bob"),
        ("token xoxb-123-456-abc and xapp-1-A-2", "token *** and ***"),
        ("key sk-abcdefghijklmnop", "key ***"),
        ("(using password: YES)", "(using password: YES)"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_redact_masks_secrets_and_leaves_the_rest(text: str, expected: str) -> None:
    assert redact(text) == expected


def _urls() -> list[str]:
    closed = f"postgresql+psycopg://someone:{PASSWORD}@127.0.0.1:1/nothing"
    urls = [closed]
    if dbs.service_problem("mysql") is None:
        wrong = dbs.admin_url("mysql").set(username="sqlbot_nobody", password=PASSWORD)
        urls.append(dbs.url_text(wrong))
    if dbs.service_problem("postgresql") is None:
        # Trust auth here accepts any password, so this one connects and then fails a query.
        working = dbs.admin_url("postgresql").set(password=PASSWORD, database="sqlbot_test_chinook")
        dbs.chinook_url_for("postgresql")
        urls.append(dbs.url_text(working))
    return urls


@pytest.mark.parametrize("url", _urls(), ids=["closed-port", "wrong-login", "query-error"][:3])
def test_a_password_never_leaves_through_slack_logs_or_history(
    url: str,
    start_bot: StartBot,
    slack: FakeSlack,
    model: FakeOpenAI,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="core")
    caplog.set_level(logging.DEBUG, logger="bot")
    model.default_reply = "```sql\nSELECT nosuch FROM Track\n```"
    bot = start_bot(default_connection=url)

    slack.send_slash_command(text="how many tracks are there?")
    slack.wait_for(lambda: bot.service.history.count() == 1, what="the question recorded")
    slack.wait_for_call("chat.update")

    said = json.dumps([c.params for c in slack.calls()]) + json.dumps(
        [r.body for r in slack.responses]
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert bot.service.history.recent()[0]["status"] == "error"
    assert PASSWORD not in said
    assert PASSWORD not in logged
    assert PASSWORD.encode() not in stored
    assert PASSWORD not in json.dumps(bot.service.history.recent())
