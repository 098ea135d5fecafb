"""The README stays true: every setting, command and script the code knows is in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ENV_NAME = re.compile(r"\b((?:SQLBOT|SLACK|OPENAI)_[A-Z_]+[A-Z])\b")


def _code_files() -> list[Path]:
    files = [*ROOT.glob("core/*.py"), *ROOT.glob("bot/*.py"), *ROOT.glob("tests/**/*.py")]
    return [*files, ROOT / ".ci" / "run", *ROOT.glob("scripts/*")]


def _names_in_code() -> set[str]:
    names: set[str] = set()
    for path in _code_files():
        names |= set(ENV_NAME.findall(path.read_text()))
    return names


def test_readme_names_every_environment_variable_the_code_reads() -> None:
    names = _names_in_code()
    assert {"SLACK_BOT_TOKEN", "SQLBOT_ROW_LIMIT", "OPENAI_BASE_URL"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert missing == []


def test_readme_names_every_slash_command_in_the_manifest() -> None:
    commands = re.findall(r"command:\s*(/\w+)", (ROOT / "manifest.yml").read_text())
    assert commands == ["/ask", "/sqlbot"]
    assert all(f"`{c}" in README for c in commands)


def test_readme_names_every_sqlbot_subcommand_in_the_help() -> None:
    from bot import messages

    subcommands = set(re.findall(r"`/sqlbot (\w+)", messages.sqlbot_help(is_admin=True)))
    assert {"help", "connect", "use", "hide", "forget"} <= subcommands
    assert sorted(s for s in subcommands if f"`/sqlbot {s}" not in README) == []


def test_readme_names_every_command_line_verb() -> None:
    from bot.__main__ import parser

    verbs = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = [v for v in verbs if v != "slack" and f"python -m bot {v}" not in README]
    assert missing == []


@pytest.mark.parametrize("script", ["scripts/run", "scripts/test"])
def test_the_two_readme_commands_exist_and_parse(script: str) -> None:
    assert f"bash {script}" in README
    subprocess.run(["bash", "-n", str(ROOT / script)], check=True)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert "bash scripts/test" in (ROOT / ".ci" / "run").read_text()
