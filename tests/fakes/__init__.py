"""Slack and an OpenAI-compatible LLM, faked at the network edge on 127.0.0.1."""

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack, close_handler

__all__ = ["FakeOpenAI", "FakeSlack", "close_handler"]
