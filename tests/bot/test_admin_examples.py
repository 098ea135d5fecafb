"""`/sqlbot pin|unpin|examples`: pinned tables reach the prompt; examples are listed and removed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.test_admin import MEMBER, PG_CHANNEL, Bot, running_bot
from tests.dbs import CHINOOK_SQLITE

CHINOOK = f"sqlite:///{CHINOOK_SQLITE}"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    """The bot with a schema budget small enough that Chinook no longer fits whole."""
    with running_bot(tmp_path, SQLBOT_SCHEMA_TOKENS="600") as running:
        yield running


def test_a_pinned_table_always_reaches_the_prompt_of_a_large_schema(bot: Bot) -> None:
    bot.connect("chinook", CHINOOK, channel=PG_CHANNEL)
    bot.ask("how many tracks are there?", PG_CHANNEL)
    unpinned = bot.llm.prompts[-1][0]["content"]

    said = bot.reply_text("pin Employee")
    bot.ask("how many tracks are there?", PG_CHANNEL)
    pinned = bot.llm.prompts[-1][0]["content"]

    assert "`employee`" in said
    assert "TABLE Track" in unpinned and "TABLE Employee" not in unpinned
    assert "TABLE Track" in pinned and "TABLE Employee" in pinned


def test_only_admins_pin_and_unpin_removes(bot: Bot) -> None:
    bot.connect("chinook", CHINOOK, channel=PG_CHANNEL)

    refused = bot.reply_text("pin Track", user=MEMBER)
    bot.reply_text("pin Track Genre")
    after = bot.reply_text("unpin Track")

    assert "Only sqlbot admins" in refused
    assert bot.service.registry.pins(PG_CHANNEL) == ("genre",)
    assert "`genre`" in after and "`track`" not in after


def test_pinning_an_unknown_table_says_so(bot: Bot) -> None:
    bot.connect("chinook", CHINOOK, channel=PG_CHANNEL)

    said = bot.reply_text("pin Trackz")

    assert "Trackz" in said
    assert bot.service.registry.pins(PG_CHANNEL) == ()


def test_examples_are_listed_and_only_admins_remove_them(bot: Bot) -> None:
    bot.connect("chinook", CHINOOK, channel=PG_CHANNEL)
    store = bot.service.pipeline.examples
    assert store is not None
    first = store.add("chinook", "how many <!channel> tracks", "SELECT COUNT(*) FROM Track", "U9")

    listed = bot.reply_text("examples", user=MEMBER)
    refused = bot.reply_text(f"examples remove {first}", user=MEMBER)
    removed = bot.reply_text(f"examples remove {first}")

    assert f"#{first}: how many &lt;!channel&gt; tracks" in listed and "<@U9>" in listed
    assert "Only sqlbot admins" in refused
    assert f"Removed verified example #{first}" in removed
    assert store.for_connection("chinook") == []
