from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core import keys
from core.connections import Connection
from core.errors import ConfigError
from core.registry import Registry, registry_path
from core.settings import Settings

URL = "postgresql+psycopg://reader:Rotate-Me-9431@db.example.internal:5432/shop"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _save_one(data_dir: Path, secret_key: str = "") -> None:
    registry = Registry(registry_path(data_dir), keys.load(secret_key, data_dir))
    registry.save(Connection("shop", URL))
    registry.close()


def _read_back(data_dir: Path, secret_key: str = "") -> str:
    registry = Registry(registry_path(data_dir), keys.load(secret_key, data_dir))
    try:
        return registry.require("shop").url
    finally:
        registry.close()


def test_first_start_generates_a_key_file_only_its_owner_can_read(tmp_path: Path) -> None:
    loaded = keys.load("", tmp_path / "data")

    path = tmp_path / "data" / keys.KEY_FILE
    assert _mode(path) == 0o600
    assert keys.load("", tmp_path / "data").primary == loaded.primary
    assert loaded.source == str(path)


def test_a_key_file_readable_by_others_is_tightened(tmp_path: Path) -> None:
    keys.load("", tmp_path)
    (tmp_path / keys.KEY_FILE).chmod(0o644)

    keys.load("", tmp_path)

    assert _mode(tmp_path / keys.KEY_FILE) == 0o600


def test_the_environment_key_wins_and_no_file_is_written(tmp_path: Path) -> None:
    secret = Fernet.generate_key().decode()

    loaded = keys.load(secret, tmp_path)

    assert loaded.primary == secret.encode()
    assert loaded.source == "SQLBOT_SECRET_KEY"
    assert not (tmp_path / keys.KEY_FILE).exists()


def test_a_key_that_is_not_fernet_is_refused_without_repeating_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        keys.load("hunter2-is-not-a-key", tmp_path)

    assert "hunter2" not in caught.value.reason
    assert "SQLBOT_SECRET_KEY must hold a Fernet key" in caught.value.reason


def test_older_keys_after_the_first_still_decrypt() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = Fernet(old).encrypt(b"secret").decode()

    both = keys.parse(f"{new.decode()}, {old.decode()}", "test")

    assert both.decrypt(token) == "secret"
    assert keys.Keys(new).opens(token) is False


def test_keys_never_show_in_repr() -> None:
    key = Fernet.generate_key()
    assert key.decode() not in repr(keys.Keys(key, (key,)))


def test_rotate_reencrypts_under_a_new_key_file(tmp_path: Path) -> None:
    _save_one(tmp_path)
    old = (tmp_path / keys.KEY_FILE).read_text()

    rotation = keys.rotate(Settings(data_dir=tmp_path))

    assert rotation.count == 1
    assert rotation.new_key is None
    new = (tmp_path / keys.KEY_FILE).read_text()
    assert new != old and len(new.split()) == 1
    assert _mode(tmp_path / keys.KEY_FILE) == 0o600
    assert _read_back(tmp_path) == URL
    with pytest.raises(ConfigError, match="not the key"):
        Registry(registry_path(tmp_path), keys.parse(old, "the old key"))


def test_rotate_with_an_environment_key_hands_back_the_new_one(tmp_path: Path) -> None:
    old = Fernet.generate_key().decode()
    _save_one(tmp_path, old)

    rotation = keys.rotate(Settings(data_dir=tmp_path, secret_key=old))

    assert rotation.count == 1 and rotation.new_key
    assert _read_back(tmp_path, rotation.new_key) == URL
    with pytest.raises(ConfigError, match="not the key"):
        _read_back(tmp_path, old)


def test_a_rotation_cut_short_before_the_database_changed_still_starts(tmp_path: Path) -> None:
    _save_one(tmp_path)
    old = keys.load("", tmp_path)
    # The first step of a rotation: the file holds the new key and the old one.
    keys.write_key_file(tmp_path / keys.KEY_FILE, keys.Keys(keys.new_key(), (old.primary,)))

    assert _read_back(tmp_path) == URL
