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
