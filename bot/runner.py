"""Socket Mode: connect out to Slack (or SLACK_API_URL) and serve until stopped."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.service import Service, build_service
from bot.slack_app import build_app, web_client
from core.errors import ConfigError
from core.settings import Settings

logger = logging.getLogger(__name__)

WORKERS = 8
# Seconds between pings: a dropped socket is noticed after a few missed pongs (FR-21).
PING_INTERVAL = 5.0


@dataclass
class Bot:
    """A running Socket Mode bot: the handler, its service and its worker pool."""

    handler: SocketModeHandler
    service: Service
    workers: ThreadPoolExecutor

    def close(self) -> None:
        self.handler.close()
        self.workers.shutdown(wait=False, cancel_futures=True)
        self.service.close()


def make_bot(settings: Settings, ping_interval: float = PING_INTERVAL) -> Bot:
    """The Bolt app behind a Socket Mode handler, every Web API call to SLACK_API_URL."""
    _check_tokens(settings)
    service = build_service(settings)
    workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sqlbot")
    client = web_client(settings.slack_bot_token, settings.slack_api_url)
    app = build_app(service, client, workers)
    # apps.connections.open is a Web API call too, so it must go to the same base URL.
    opener = web_client(settings.slack_app_token, settings.slack_api_url)
    handler = SocketModeHandler(
        app, app_token=settings.slack_app_token, web_client=opener, ping_interval=ping_interval
    )
    return Bot(handler, service, workers)


def _check_tokens(settings: Settings) -> None:
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be set to the bot token (it starts with xoxb-).")
    if not settings.slack_app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN must be set to an app-level token with connections:write "
            "(it starts with xapp-)."
        )


def run(settings: Settings) -> None:
    """Serve Slack until interrupted."""
    bot = make_bot(settings)
    logger.info("sqlbot is connecting to Slack in Socket Mode")
    try:
        bot.handler.start()
    finally:
        bot.close()
