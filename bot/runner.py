"""Socket Mode: connect out to Slack (or SLACK_API_URL) and serve until stopped."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.service import build_service
from bot.slack_app import build_app, web_client
from core.errors import ConfigError
from core.settings import Settings

logger = logging.getLogger(__name__)


def make_handler(settings: Settings) -> SocketModeHandler:
    """The Bolt app behind a Socket Mode handler, every Web API call to SLACK_API_URL."""
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be set to the bot token (it starts with xoxb-).")
    if not settings.slack_app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN must be set to an app-level token with connections:write "
            "(it starts with xapp-)."
        )
    service = build_service(settings)
    app = build_app(service, web_client(settings.slack_bot_token, settings.slack_api_url))
    # apps.connections.open is a Web API call too, so it must go to the same base URL.
    opener = web_client(settings.slack_app_token, settings.slack_api_url)
    return SocketModeHandler(app, app_token=settings.slack_app_token, web_client=opener)


def run(settings: Settings) -> None:
    """Serve Slack until interrupted."""
    handler = make_handler(settings)
    logger.info("sqlbot is connecting to Slack in Socket Mode")
    handler.start()
