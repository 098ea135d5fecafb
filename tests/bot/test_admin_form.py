from __future__ import annotations

import json

import pytest

from bot import admin_form
from bot.admin_form import Form, FormError

PASSWORD = "Sesame-Open-8812"


def _state(view: dict, **typed: str) -> dict:
    """A submitted copy of ``view`` with ``typed`` values in its inputs."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] == "static_select":
            chosen = typed.get(block["block_id"], element["initial_option"]["value"])
            values[block["block_id"]] = {
                "value": {"type": "static_select", "selected_option": {"value": chosen}}
            }
        else:
            text = typed.get(block["block_id"], element.get("initial_value"))
            values[block["block_id"]] = {"value": {"type": "plain_text_input", "value": text}}
    return {**view, "state": {"values": values}}


def test_a_submitted_form_reads_back_into_a_url() -> None:
    view = admin_form.form_view("{}")
    typed = {"name": "sales", "host": "db.internal", "port": "6432", "database": "shop"}
    typed |= {"user": "reader", "password": PASSWORD, "schemas": "public, sales"}

    form = admin_form.read(_state(view, **typed))

    assert form.url() == f"postgresql+psycopg://reader:{PASSWORD}@db.internal:6432/shop"
    assert form.schemas == ("public", "sales")
    assert PASSWORD not in repr(form)


@pytest.mark.parametrize(
    ("form", "block"),
    [
        (Form(engine="oracle", database="x"), "engine"),
        (Form(host="h"), "database"),
        (Form(database="shop"), "host"),
        (Form(host="h", database="shop", port="http"), "port"),
        (Form(host="h", database="shop", port="70000"), "port"),
    ],
)
def test_an_unusable_field_is_named(form: Form, block: str) -> None:
    with pytest.raises(FormError) as caught:
        form.url()
    assert caught.value.block == block


def test_a_sqlite_form_needs_only_the_file() -> None:
    assert Form(engine="sqlite", database="/srv/shop.sqlite").url() == "sqlite:////srv/shop.sqlite"


def test_a_form_shown_again_keeps_everything_but_the_password() -> None:
    form = Form(name="sales", engine="mysql", host="db", database="shop", password=PASSWORD)

    view = admin_form.form_view('{"channel": "C1"}', form, error="It failed.")

    assert PASSWORD not in json.dumps(view)
    assert view["blocks"][0]["text"]["text"] == "It failed."
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["host"]["initial_value"] == "db"
    assert inputs["engine"]["initial_option"]["value"] == "mysql"
    assert "initial_value" not in inputs["password"]


def test_the_modal_title_fits_slacks_24_characters() -> None:
    view = admin_form.form_view("")
    assert all(len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("postgresql://u:p@h/db", "postgresql://u:p@h/db"),
        ("<postgresql://u:p@h/db>", "postgresql://u:p@h/db"),
        ("<postgresql://u:p@h/db|postgresql://u:p@h/db>", "postgresql://u:p@h/db"),
        (
            "mysql://u:a&amp;b@h/db?charset=utf8mb4&amp;x=1",
            "mysql://u:a&b@h/db?charset=utf8mb4&x=1",
        ),
    ],
)
def test_slash_command_text_is_read_as_typed(typed: str, meant: str) -> None:
    assert admin_form.slack_text(typed) == meant
