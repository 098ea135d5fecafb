"""A real sqlbot (Bolt app, Socket Mode handler, openai client) wired to local fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.runner import Bot, make_bot
from core.settings import Settings
from tests.fakes import FakeOpenAI, FakeSlack, close_handler

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY")


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk ignores NO_PROXY: keep every test call on 127.0.0.1."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(users={"UADMIN": {"is_admin": True}}) as fake:
        yield fake


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default_reply="I cannot answer that from this schema.") as fake:
        yield fake


@pytest.fixture
def bot_settings(slack: FakeSlack, model: FakeOpenAI, tmp_path: Path) -> Settings:
    """Settings as an operator would write them, pointing at the fakes."""
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-test-token",
        slack_api_url=slack.api_url,
        openai_api_key="sk-test-key-000000",
        openai_base_url=model.base_url,
        model="fake-model",
        translator="llm",
        data_dir=tmp_path / "data",
        query_timeout=10,
        model_timeout=20,
    )


StartBot = Callable[..., Bot]


@pytest.fixture
def start_bot(bot_settings: Settings, slack: FakeSlack) -> Iterator[StartBot]:
    """Start the bot exactly as `python -m bot` does, with settings overrides."""
    running: list[Bot] = []

    def start(**overrides: Any) -> Bot:
        bot = make_bot(replace(bot_settings, **overrides), ping_interval=1)
        bot.handler.connect()
        running.append(bot)
        slack.wait_for_connection(len(running))
        return bot

    yield start
    for bot in running:
        close_handler(bot.handler)
        bot.workers.shutdown(wait=True, cancel_futures=True)
        bot.service.close()
