"""Wiring: settings in, one pipeline out, shared by Slack, the console and `ask`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from core import keys
from core.answer import NOBODY, Asker, Pipeline
from core.connections import Connection, Databases, parse_url
from core.errors import ConfigError, TranslationDeclined
from core.examples import Examples
from core.history import History
from core.model import Answer, Translation
from core.ratelimit import RateLimiter
from core.registry import Registry, registry_path
from core.schema import Schema
from core.secrets import remember
from core.settings import Settings
from core.store import ensure_dir
from core.translate import LLMTranslator, Request, Translator, Turn

logger = logging.getLogger(__name__)

DEMO_NAME = "demo"


class NoModelTranslator:
    """Stands in when SQLBOT_TRANSLATOR=llm but no endpoint is configured: says how to fix it."""

    def translate(self, request: Request, schema: Schema, *, row_limit: int) -> Translation:
        from bot import messages

        raise TranslationDeclined(messages.NO_MODEL_CONFIGURED)


class OfflineAdapter:
    """The offline translator behind the pipeline's request interface."""

    def __init__(self) -> None:
        from core.offline import OfflineTranslator

        self._offline = OfflineTranslator()

    def translate(self, request: Request, schema: Schema, *, row_limit: int) -> Translation:
        return self._offline.translate(request.question, schema, row_limit=row_limit)


def make_translator(settings: Settings) -> Translator:
    """The model translator when one is configured, else the offline one."""
    if not settings.uses_llm:
        return OfflineAdapter()
    if not (settings.openai_api_key or settings.openai_base_url):
        return NoModelTranslator()
    return LLMTranslator(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.model,
        timeout=settings.model_timeout,
        send_samples=settings.send_samples,
        schema_tokens=settings.schema_tokens,
    )


def connection_from(value: str, name: str | None = None) -> Connection:
    """A connection for a URL given on the command line or in SQLBOT_DEFAULT_CONNECTION."""
    parsed = parse_url(value)
    if name is None:
        database = parsed.database or "database"
        name = Path(database).stem if parsed.get_backend_name() == "sqlite" else database
    return Connection(name=name, url=value)


def demo_connection(data_dir: Path, day: dt.date | None = None) -> Connection:
    """The generated demo shop, built in the data directory on first use each day."""
    from core import demo

    path = demo.ensure_sqlite(data_dir, day)
    return Connection(name=DEMO_NAME, url=f"sqlite:///{path.resolve()}")


@dataclass
class Service:
    """Everything a front end needs: the pipeline and a way to pick a connection."""

    settings: Settings
    pipeline: Pipeline
    default: Connection | None
    registry: Registry
    # Set by --connection: every question goes to ``default``, whatever the channel.
    fixed: bool = False

    @property
    def history(self) -> History:
        return self.pipeline.history

    def connection_for(self, channel: str | None) -> Connection | None:
        """The connection questions in ``channel`` go to, or None when there is none."""
        if self.fixed:
            return self.default
        mapped = self.registry.for_channel(channel) if channel else None
        if mapped is not None:
            return mapped
        named = registered_default(self.settings)
        if named:
            return self.registry.get(named)  # read afresh: its hidden list may have changed
        if self.default is not None and self.default.name == DEMO_NAME and self.registry.names():
            return None  # the demo stands in only until a team registers a database
        return self.default

    def connection_named(self, name: str) -> Connection | None:
        """A connection by name: the default's, or a registered one."""
        if self.default is not None and self.default.name == name:
            return self.default
        return self.registry.get(name) if name in self.registry.names() else None

    def ask(self, question: str, asker: Asker = NOBODY, turns: tuple[Turn, ...] = ()) -> Answer:
        connection = self.connection_for(asker.channel)
        named = registered_default(self.settings)
        if connection is None and named and not self.fixed:
            raise ConfigError(
                f"SQLBOT_DEFAULT_CONNECTION is {named!r}, which is neither a database URL "
                "nor the name of a registered connection."
            )
        if connection is None:
            raise ConfigError("No database is mapped to this channel.")
        pinned = self.registry.pins(asker.channel) if asker.channel else ()
        return self.pipeline.ask(Request(question, turns, pinned), connection, asker)

    def close(self) -> None:
        self.pipeline.databases.close()
        self.registry.close()


def build_service(settings: Settings, connection_url: str | None = None) -> Service:
    """Build the pipeline, history, registry and default connection from ``settings``."""
    remember(*settings.secrets())
    ensure_dir(settings.data_dir)
    store = settings.data_dir / "sqlbot.sqlite"
    registry = Registry(
        registry_path(settings.data_dir), keys.load(settings.secret_key, settings.data_dir)
    )
    pipeline = Pipeline(
        databases=Databases(),
        translator=make_translator(settings),
        history=History(store),
        examples=Examples(store),
        row_limit=settings.row_limit,
        timeout=settings.query_timeout,
        repair_rounds=settings.repair_rounds,
        limiter=RateLimiter(settings.rate_limit),
    )
    default = connection_from(connection_url) if connection_url else _default(settings)
    return Service(settings, pipeline, default, registry, fixed=connection_url is not None)


def registered_default(settings: Settings) -> str | None:
    """SQLBOT_DEFAULT_CONNECTION when it names a registered connection rather than a URL."""
    value = settings.default_connection
    return value if value and "://" not in value else None


def _default(settings: Settings) -> Connection | None:
    if registered_default(settings):
        return None  # looked up in the registry by connection_for, afresh each time
    if settings.default_connection:
        return connection_from(settings.default_connection)
    return demo_connection(settings.data_dir)
