from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from core.connections import Connection
from core.errors import ConfigError, ConnectionFailed, NoSuchConnection
from core.history import History
from core.keys import Keys
from core.model import Answer
from core.registry import (
    Registry,
    check_name,
    find_table,
    hidden_item,
    normalize_url,
    registry_path,
    verify,
)
from core.schema import Schema, discover
from tests import dbs, logins

PASSWORD = "Zebra-Quartz-7731"
USER = "reporting_reader"
URL = f"postgresql+psycopg://{USER}:{PASSWORD}@db.example.internal:6543/shop?sslmode=require"


@pytest.fixture
def key() -> Keys:
    return Keys(Fernet.generate_key(), (), "test key")


@pytest.fixture
def registry(tmp_path: Path, key: Keys) -> Iterator[Registry]:
    registry = Registry(registry_path(tmp_path), key)
    yield registry
    registry.close()


def test_a_saved_connection_comes_back_whole(registry: Registry) -> None:
    registry.save(Connection("Shop", URL, ("public", "sales")), by="U1")

    shop = registry.require("shop")

    assert (shop.name, shop.url, shop.schemas) == ("shop", URL, ("public", "sales"))
    assert registry.names() == ["shop"]


def test_the_file_never_holds_the_password_or_user(tmp_path: Path, registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.use("C1", "shop")
    registry.close()

    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("sqlbot"))

    assert b"sqlbot" in raw or b"connections" in raw  # the file really was read
    assert PASSWORD.encode() not in raw
    assert USER.encode() not in raw


def test_list_entries_show_where_but_never_who(registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.use("C1", "shop")
    registry.hide("shop", "customer.email")

    [entry] = registry.entries()

    assert entry.where == "postgresql db.example.internal:6543/shop"
    assert (entry.channels, entry.hidden) == (("C1",), ("customer.email",))
    assert USER not in repr(entry) and PASSWORD not in repr(entry)


@pytest.mark.parametrize("name", ["", "1st", "has space", "x" * 41, "semi;colon", "ünï"])
def test_names_that_are_not_simple_words_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="starts with a letter"):
        check_name(name)


def test_replacing_a_connection_keeps_its_channels_and_hidden_names(registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.use("C1", "shop")
    registry.hide("shop", "Customer.Email")

    replaced = registry.save(Connection("shop", "sqlite:///elsewhere.sqlite"))

    assert replaced is True
    assert registry.for_channel("C1") == Connection(
        "shop", "sqlite:///elsewhere.sqlite", (), frozenset({"customer.email"})
    )


def test_each_channel_has_one_connection(registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.save(Connection("hr", "sqlite:///hr.sqlite"))

    registry.use("C1", "shop")
    registry.use("C2", "shop")
    registry.use("C1", "hr")

    assert registry.mapped_name("C1") == "hr"
    assert registry.mapped_name("C2") == "shop"
    assert registry.for_channel("C3") is None
    assert registry.for_channel(None) is None


def test_mapping_an_unknown_name_is_refused(registry: Registry) -> None:
    with pytest.raises(NoSuchConnection):
        registry.use("C1", "nope")


def test_removing_a_connection_removes_its_mappings_and_hides(registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.use("C1", "shop")
    registry.hide("shop", "customer")

    assert registry.remove("shop") is True

    assert registry.for_channel("C1") is None
    assert registry.entries() == []
    registry.save(Connection("shop", URL))
    assert registry.hidden("shop") == frozenset()
    assert registry.remove("never") is False


def test_hide_and_unhide_report_whether_anything_changed(registry: Registry) -> None:
    registry.save(Connection("shop", URL))

    assert registry.hide("shop", "Customer.Email") is True
    assert registry.hide("shop", "customer.email") is False
    assert registry.require("shop").hidden == frozenset({"customer.email"})
    assert registry.unhide("shop", "CUSTOMER.EMAIL") is True
    assert registry.unhide("shop", "customer.email") is False


def test_a_wrong_key_stops_the_start_with_a_clear_error(tmp_path: Path, key: Keys) -> None:
    first = Registry(registry_path(tmp_path), key)
    first.save(Connection("shop", URL))
    first.close()

    with pytest.raises(ConfigError) as caught:
        Registry(registry_path(tmp_path), Keys(Fernet.generate_key(), (), "SQLBOT_SECRET_KEY"))

    assert "SQLBOT_SECRET_KEY is not the key" in caught.value.reason
    assert PASSWORD not in caught.value.reason


def test_with_nothing_stored_a_new_key_is_simply_taken(tmp_path: Path, key: Keys) -> None:
    Registry(registry_path(tmp_path), key).close()

    other = Registry(registry_path(tmp_path), Keys(Fernet.generate_key()))
    other.save(Connection("shop", URL))

    assert other.require("shop").url == URL
    other.close()


def test_reencrypt_moves_every_secret_to_the_new_key(tmp_path: Path, registry: Registry) -> None:
    registry.save(Connection("shop", URL))
    registry.save(Connection("hr", "sqlite:///hr.sqlite"))
    new = Keys(Fernet.generate_key())

    assert registry.reencrypt(new) == 2
    registry.close()

    reopened = Registry(registry_path(tmp_path), new)
    assert reopened.require("shop").url == URL
    reopened.close()


def test_registry_and_history_share_one_file(tmp_path: Path, registry: Registry) -> None:
    history = History(registry_path(tmp_path))

    registry.save(Connection("shop", URL))
    history.record(Answer(question="how many?", connection="shop"), channel="C1")

    assert history.count() == 1 and registry.names() == ["shop"]


def test_many_threads_can_write_at_once(registry: Registry) -> None:
    def work(n: int) -> None:
        registry.save(Connection(f"db{n}", f"sqlite:///db{n}.sqlite"))
        registry.use(f"C{n}", f"db{n}")
        registry.hide(f"db{n}", "t.secret")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(registry.names()) == 20
    assert all(registry.for_channel(f"C{n}").name == f"db{n}" for n in range(20))


# -- checking a connection before saving it ---------------------------------------------


def test_verify_counts_the_tables_of_chinook(chinook_url: str, engine_name: str) -> None:
    checked = verify(Connection("chinook", chinook_url))

    assert checked.tables == 11
    if engine_name != "sqlite":  # the servers' test logins are superusers
        assert checked.can_write is True


def test_verify_sees_a_read_only_login_as_read_only() -> None:
    with logins.mysql_login(dbs.CHINOOK_DB) as (_, _, url):
        dbs.chinook_url_for("mysql")
        checked = verify(Connection("chinook", url))

    assert checked.tables == 11 and checked.can_write is False


def test_verify_says_the_login_was_refused_without_the_password() -> None:
    dbs.chinook_url_for("mysql")
    with logins.mysql_login(dbs.CHINOOK_DB) as (user, password, url):
        wrong = url.replace(password, "Not-The-Password-5520")
        with pytest.raises(ConnectionFailed) as caught:
            verify(Connection("chinook", wrong))

    assert caught.value.reason == f"the database refused the login for user {user}"
    assert "Not-The-Password-5520" not in caught.value.reason + caught.value.detail


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_verify_says_the_server_is_unreachable(kind: str) -> None:
    port = logins.closed_port()
    url = dbs.admin_url(kind).set(port=port, password="Unreached-Pw-3301")

    with pytest.raises(ConnectionFailed) as caught:
        verify(Connection("gone", dbs.url_text(url)), connect_timeout=2)

    assert caught.value.reason == f"I could not reach the database server at 127.0.0.1:{port}"
    assert "Unreached-Pw-3301" not in caught.value.detail


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_verify_says_the_database_is_missing(kind: str) -> None:
    dbs.require_service(kind)
    url = dbs.database_url(kind, "sqlbot_test_missing_db")

    with pytest.raises(ConnectionFailed) as caught:
        verify(Connection("missing", url))

    assert caught.value.reason == "the database sqlbot_test_missing_db does not exist"


# -- names typed by admins ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("mysql://u@h/db", "mysql+pymysql://u@h/db"),
        ("MariaDB://u@h/db", "mariadb+pymysql://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///tmp/x.sqlite", "sqlite:///tmp/x.sqlite"),
    ],
)
def test_urls_without_a_driver_get_one_sqlbot_has(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.fixture(scope="module")
def chinook() -> Schema:
    engine = sa.create_engine(dbs.chinook_url_for("sqlite"))
    try:
        return discover(engine, samples=False)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Customer", "customer"),
        ("Customer.Email", "customer.email"),
        ('"Customer"."Email"', "customer.email"),
        ("`customer`.`email`", "customer.email"),
        ("main.Customer", "customer"),
        ("main.Customer.Email", "customer.email"),
        ("Customer.Emial", None),
        ("Nowhere", None),
        ("Customer.", None),
        ("a.b.c.d", None),
    ],
)
def test_hidden_names_are_read_against_the_schema(
    chinook: Schema, typed: str, stored: str | None
) -> None:
    assert hidden_item(chinook, typed) == stored


def test_a_table_is_found_with_or_without_its_default_schema(chinook: Schema) -> None:
    assert find_table(chinook, "main.track") is chinook.table("Track")
    assert find_table(chinook, '"Track"') is chinook.table("Track")
    assert find_table(chinook, "elsewhere.track") is None
