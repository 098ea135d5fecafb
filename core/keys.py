"""The Fernet keys that encrypt stored database credentials: loading, creating, rotating.

The key comes from SQLBOT_SECRET_KEY when it is set, else from ``secret.key`` in the
data directory, which is generated on first start with mode 0600. Either may hold
several keys (comma- or line-separated): the first encrypts, the others are still
accepted for reading. Rotation relies on that to survive a crash at any step: the
file first holds the new and the old key, then the passwords are re-encrypted in one
transaction, then the file holds only the new key.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import ConfigError
from core.settings import Settings

logger = logging.getLogger(__name__)

KEY_FILE = "secret.key"
ENV_NAME = "SQLBOT_SECRET_KEY"
NEW_KEY_HINT = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Keys:
    """The key that encrypts (``primary``), older keys that still decrypt, and where they live."""

    primary: bytes = field(repr=False)
    older: tuple[bytes, ...] = field(default=(), repr=False)
    source: str = ENV_NAME

    def fernet(self) -> MultiFernet:
        """Encrypts with ``primary``; decrypts with any of the keys."""
        return MultiFernet([Fernet(key) for key in (self.primary, *self.older)])

    def encrypt(self, plain: str) -> str:
        return self.fernet().encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The plain text, or ``InvalidToken`` when none of the keys made ``token``."""
        return self.fernet().decrypt(token.encode()).decode()

    def opens(self, token: str) -> bool:
        try:
            self.decrypt(token)
        except InvalidToken:
            return False
        return True

    def text(self) -> str:
        """The keys as one line, primary first, for a key file or the environment."""
        return ",".join(key.decode() for key in (self.primary, *self.older))


def new_key() -> bytes:
    """A fresh random Fernet key."""
    return Fernet.generate_key()


def parse(text: str, source: str) -> Keys:
    """Keys from ``text`` (comma- or line-separated); never repeats the text when it is wrong."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not parts:
        raise ConfigError(f"{source} holds no key. Make one with: {NEW_KEY_HINT}")
    keys = []
    for part in parts:
        try:
            Fernet(part.encode())
        except (ValueError, TypeError):
            raise ConfigError(
                f"{source} must hold a Fernet key (44 characters of URL-safe base64). "
                f"Make one with: {NEW_KEY_HINT}"
            ) from None
        keys.append(part.encode())
    return Keys(keys[0], tuple(keys[1:]), source)


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def load(secret_key: str, data_dir: Path) -> Keys:
    """The keys from SQLBOT_SECRET_KEY, else from the key file, which is created if missing."""
    if secret_key.strip():
        return parse(secret_key, ENV_NAME)
    path = key_file(data_dir)
    if not path.exists():
        keys = Keys(new_key(), (), str(path))
        write_key_file(path, keys)
        logger.info("generated a new secret key in %s", path)
        return keys
    _tighten(path)
    return parse(path.read_text(encoding="ascii", errors="replace"), str(path))


def _tighten(path: Path) -> None:
    # A key anyone on the machine can read protects nothing.
    if path.stat().st_mode & 0o077:
        logger.warning("%s was readable by others; setting its mode to 0600", path)
        path.chmod(0o600)


def write_key_file(path: Path, keys: Keys) -> None:
    """Replace the key file in one step, created with mode 0600 from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, (keys.text().replace(",", "\n") + "\n").encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


@dataclass(frozen=True)
class Rotation:
    """What ``rotate`` did: how many secrets it re-encrypted and where the new key went."""

    count: int
    where: str
    # Set only when the key lives in SQLBOT_SECRET_KEY: the operator must store it there.
    new_key: str | None = field(default=None, repr=False)


def rotate(settings: Settings) -> Rotation:
    """Re-encrypt every stored secret under a new key. Stop the bot first."""
    from core.registry import Registry, registry_path

    old = load(settings.secret_key, settings.data_dir)
    new = Keys(new_key(), (old.primary, *old.older), old.source)
    registry = Registry(registry_path(settings.data_dir), old)
    try:
        if old.source == ENV_NAME:
            count = registry.reencrypt(Keys(new.primary, (), ENV_NAME))
            return Rotation(count, ENV_NAME, new.primary.decode())
        path = key_file(settings.data_dir)
        write_key_file(path, new)
        count = registry.reencrypt(new)
        write_key_file(path, Keys(new.primary, (), str(path)))
    finally:
        registry.close()
    logger.info("re-encrypted %s secrets under a new key in %s", count, path)
    return Rotation(count, str(path))
