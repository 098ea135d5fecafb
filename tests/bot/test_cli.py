"""`python -m bot ask|console|demo` as a person runs them: a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests import dbs
from tests.fakes import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
CHINOOK = f"sqlite:///{dbs.CHINOOK_SQLITE}"


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SQLBOT_", "OPENAI_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith("SLACK_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ask_json_answers_from_a_model_on_chinook(tmp_path: Path) -> None:
    with FakeOpenAI() as model:
        model.reply("```sql\nSELECT COUNT(*) FROM Track;\n```")
        env = {"OPENAI_BASE_URL": model.base_url, "SQLBOT_DATA_DIR": str(tmp_path)}
        done = _run(["ask", "how many tracks are there?", "--connection", CHINOOK, "--json"], env)

    result = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert result["status"] == "ok"
    assert result["rows"] == [[3503]]
    assert result["row_count"] == 1 and result["truncated"] is False
    assert result["sql"].startswith("SELECT COUNT(*) FROM Track")
    assert {"columns", "error", "ms"} <= result.keys()
    assert "sqlite" in model.prompts[0][0]["content"].lower()


def test_ask_json_reports_a_refusal_with_exit_status_one(tmp_path: Path) -> None:
    with FakeOpenAI() as model:
        model.reply("```sql\nDELETE FROM Track\n```")
        env = {"OPENAI_BASE_URL": model.base_url, "SQLBOT_DATA_DIR": str(tmp_path)}
        done = _run(["ask", "remove the tracks", "--connection", CHINOOK, "--json"], env)

    result = json.loads(done.stdout)
    assert done.returncode == 1
    assert result["status"] == "refused"
    assert "change data" in result["error"]


def test_llm_translator_without_an_endpoint_says_how_to_configure_one(tmp_path: Path) -> None:
    env = {"SQLBOT_TRANSLATOR": "llm", "SQLBOT_DATA_DIR": str(tmp_path)}
    done = _run(["ask", "how many tracks?", "--connection", CHINOOK], env)

    assert done.returncode == 1
    assert "OPENAI_API_KEY" in done.stdout and "OPENAI_BASE_URL" in done.stdout
    assert "SQLBOT_MODEL" in done.stdout


def test_a_bad_setting_is_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    env = {"SQLBOT_ROW_LIMIT": "lots", "SQLBOT_DATA_DIR": str(tmp_path)}
    done = _run(["ask", "how many tracks?", "--connection", CHINOOK], env)

    assert done.returncode == 2
    assert "SQLBOT_ROW_LIMIT must be a whole number" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_connection_url_with_a_password_is_never_echoed(tmp_path: Path) -> None:
    url = "postgresql+psycopg://someone:Pa55-unique-w0rd@127.0.0.1:1/nothing"
    env = {"SQLBOT_TRANSLATOR": "offline", "SQLBOT_DATA_DIR": str(tmp_path)}
    done = _run(["ask", "how many tracks?", "--connection", url, "--json"], env)

    assert "Pa55-unique-w0rd" not in done.stdout + done.stderr
    assert json.loads(done.stdout)["status"] == "error"


def test_slack_mode_without_tokens_says_which_token_is_missing(tmp_path: Path) -> None:
    done = _run([], {"SQLBOT_DATA_DIR": str(tmp_path)})

    assert done.returncode == 2
    assert "SLACK_BOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_writes_the_same_shop_into_another_engine(tmp_path: Path, engine_name: str) -> None:
    with dbs.fresh_database(engine_name, tmp_path) as url:
        done = _run(["demo", "--url", url, "--day", "2026-12-04"], {})
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            customers = conn.execute(sa.text("SELECT COUNT(*) FROM customers")).scalar()
            orders = conn.execute(sa.text("SELECT COUNT(*) FROM orders")).scalar()
        engine.dispose()

    assert done.returncode == 0, done.stderr
    assert (customers, orders) == (600, 3000)


def test_a_damaged_data_file_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "sqlbot.sqlite").write_bytes(b"this is not a database at all" * 100)
    done = _run(["ask", "how many tracks?", "--connection", CHINOOK], _data(tmp_path))

    assert done.returncode == 2
    assert "not a database sqlbot can use" in done.stderr and "move it aside" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_data_dir_that_cannot_be_created_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    env = {"SQLBOT_DATA_DIR": str(tmp_path / "file" / "data")}
    done = _run(["ask", "how many tracks?", "--connection", CHINOOK], env)

    assert done.returncode == 2
    assert "SQLBOT_DATA_DIR" in done.stderr and "Traceback" not in done.stderr


def test_a_url_with_a_port_that_is_not_a_number_is_a_clear_message(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u:secret-ish@127.0.0.1:notaport/db"
    done = _run(["ask", "how many tracks?", "--connection", url], _data(tmp_path))

    assert done.returncode == 2
    assert "not a database URL I can read" in done.stderr
    assert "secret-ish" not in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_default_connection_name_is_named(tmp_path: Path) -> None:
    env = {**_data(tmp_path), "SQLBOT_DEFAULT_CONNECTION": "nonsense"}
    done = _run(["ask", "how many tracks?"], env)

    assert done.returncode == 2
    assert "SQLBOT_DEFAULT_CONNECTION is 'nonsense'" in done.stderr


def test_undecodable_bytes_and_huge_questions_are_answered_plainly(tmp_path: Path) -> None:
    env = {**_data(tmp_path), "SQLBOT_TRANSLATOR": "offline"}
    odd = subprocess.run(
        [sys.executable, "-m", "bot", "ask", b"\xff\xfe how many tracks are there", "--json"]
        + ["--connection", CHINOOK],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=60,
    )
    huge = _run(["ask", "a" * 50_000, "--connection", CHINOOK, "--json"], env)

    assert odd.returncode == 0, odd.stderr
    assert json.loads(odd.stdout)["rows"] == [[3503]]
    assert json.loads(huge.stdout)["status"] == "declined"
    assert "fewer than 2,000" in json.loads(huge.stdout)["error"]


def _data(tmp_path: Path) -> dict[str, str]:
    return {"SQLBOT_DATA_DIR": str(tmp_path)}


def test_verbose_logs_our_sql_but_never_raises_slacks_loggers_to_debug(tmp_path: Path) -> None:
    env = {**_data(tmp_path), "SQLBOT_TRANSLATOR": "offline"}
    done = _run(["-v", "ask", "how many tracks are there", "--connection", CHINOOK], env)
    probe = _run(["-v", "ask", "x", "--connection", CHINOOK], env)

    assert "DEBUG core.answer: running on Chinook_Sqlite: SELECT" in done.stderr
    assert "slack_bolt" not in done.stderr + probe.stderr


def test_verbose_never_lowers_the_root_level_that_bolt_copies() -> None:
    """Bolt's loggers take the root level; at DEBUG they would log a form's password."""
    import logging

    from bot.__main__ import configure_logging

    root = logging.getLogger()
    saved = root.level, logging.getLogger("core").level
    try:
        configure_logging("slack", verbose=True)
        assert root.level == logging.INFO
        assert logging.getLogger("core").level == logging.DEBUG
    finally:
        root.setLevel(saved[0])
        logging.getLogger("core").setLevel(saved[1])


def test_rotate_key_replaces_the_key_file_and_the_bot_still_starts(tmp_path: Path) -> None:
    first = _run(["ask", "how many tracks?", "--connection", CHINOOK], _data(tmp_path))
    before = (tmp_path / "secret.key").read_bytes()

    rotated = _run(["rotate-key"], _data(tmp_path))
    again = _run(["ask", "how many tracks?", "--connection", CHINOOK], _data(tmp_path))

    assert first.returncode in (0, 1) and rotated.returncode == 0, rotated.stderr
    assert (tmp_path / "secret.key").read_bytes() != before
    assert before.decode().strip() not in rotated.stdout + rotated.stderr
    assert again.returncode in (0, 1) and "Traceback" not in again.stderr
