"""Configuration, read once from the environment (and a ``.env`` file if present)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError

DEFAULT_MODEL = "gpt-4o-mini"
TRANSLATORS = ("llm", "offline", "auto")


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int = 1, maximum: int = 10**6
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum} and {maximum:,}.")
    return value


def _float(env: Mapping[str, str], name: str, default: float, maximum: float = 3600) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}.") from None
    # NaN and infinity would switch the limit off: a limit must be a real, bounded number.
    if not math.isfinite(value) or not 0 < value <= maximum:
        raise ConfigError(f"{name} must be more than 0 and at most {maximum:g} seconds.")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


@dataclass(frozen=True)
class Settings:
    """Everything sqlbot reads from its environment. Secrets never appear in ``repr``."""

    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str | None = None
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str | None = None
    model: str = DEFAULT_MODEL
    translator: str = "auto"
    data_dir: Path = Path("data")
    secret_key: str = field(default="", repr=False)
    admins: frozenset[str] = frozenset()
    default_connection: str | None = field(default=None, repr=False)
    row_limit: int = 1000
    query_timeout: float = 30.0
    rate_limit: int = 20
    model_timeout: float = 60.0
    send_samples: bool = True
    schema_tokens: int = 6000
    repair_rounds: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``), checking every value."""
        env = os.environ if env is None else env
        translator = env.get("SQLBOT_TRANSLATOR", "auto").strip().lower() or "auto"
        if translator not in TRANSLATORS:
            raise ConfigError(
                f"SQLBOT_TRANSLATOR must be llm, offline or auto, not {translator!r}."
            )
        admins = frozenset(a.strip() for a in env.get("SQLBOT_ADMINS", "").split(",") if a.strip())
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_api_url=env.get("SLACK_API_URL", "").strip() or None,
            openai_api_key=env.get("OPENAI_API_KEY", "").strip(),
            openai_base_url=env.get("OPENAI_BASE_URL", "").strip() or None,
            model=env.get("SQLBOT_MODEL", "").strip() or DEFAULT_MODEL,
            translator=translator,
            data_dir=Path(env.get("SQLBOT_DATA_DIR", "").strip() or "data"),
            secret_key=env.get("SQLBOT_SECRET_KEY", "").strip(),
            admins=admins,
            default_connection=env.get("SQLBOT_DEFAULT_CONNECTION", "").strip() or None,
            row_limit=_int(env, "SQLBOT_ROW_LIMIT", 1000, maximum=100_000),
            query_timeout=_float(env, "SQLBOT_QUERY_TIMEOUT", 30.0),
            rate_limit=_int(env, "SQLBOT_RATE_LIMIT", 20, maximum=10_000),
            model_timeout=_float(env, "SQLBOT_MODEL_TIMEOUT", 60.0),
            send_samples=_bool(env, "SQLBOT_SEND_SAMPLES", True),
            schema_tokens=_int(env, "SQLBOT_SCHEMA_TOKENS", 6000, minimum=200, maximum=200_000),
            repair_rounds=_int(env, "SQLBOT_REPAIR_ROUNDS", 2, minimum=0, maximum=5),
        )

    @property
    def uses_llm(self) -> bool:
        """True when questions go to the model rather than the offline translator."""
        if self.translator == "auto":
            return bool(self.openai_api_key or self.openai_base_url)
        return self.translator == "llm"

    def secrets(self) -> list[str]:
        """Values that must never be shown or logged."""
        values = [self.slack_bot_token, self.slack_app_token, self.openai_api_key, self.secret_key]
        return [v for v in values if v]


def load_dotenv_file(path: Path = Path(".env")) -> None:
    """Read ``.env`` into the process environment without overriding what is set."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)
