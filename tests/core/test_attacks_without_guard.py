"""The execute layer alone keeps data safe: every attack runs with no guard in front (FR-9).

Each attack from ../shared/cases/attacks.jsonl goes straight to ``run_query`` on every
engine it names, as a login that owns a private Chinook and so could change anything
in it. Errors are expected; a change to any table, view or index is a bug in
``run_query``. The login has no server-wide powers, so attacks such as
``pg_terminate_backend`` cannot reach other people's sessions on a shared server.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from core.errors import SqlbotError
from core.execute import make_engine, run_query
from tests import dbs

ATTACKS_FILE = dbs.SHARED / "cases" / "attacks.jsonl"
TIMEOUT = 3.0


def _attacks() -> list[dict[str, Any]]:
    lines = ATTACKS_FILE.read_text(encoding="utf-8").splitlines()
    return [case for case in map(json.loads, filter(str.strip, lines)) if "kind" in case]


CASES = [
    pytest.param(case, kind, id=f"{case['id']}-{kind}")
    for case in _attacks()
    for kind in case["engines"]
]


@dataclass
class Target:
    """A private Chinook, an engine on it, and how it looked before any attack."""

    url: str
    engine: Engine
    before: dict[str, tuple[int, str]]
    schema: dict[str, list[str]]


@pytest.fixture(scope="module")
def target_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Target]]:
    """One target per engine, made on first use and dropped after the module."""
    made: dict[str, Target] = {}
    with ExitStack() as stack:

        def target(kind: str) -> Target:
            if kind not in made:
                folder = tmp_path_factory.mktemp(kind)
                url = stack.enter_context(dbs.writable_chinook(kind, folder))
                engine = make_engine(url)
                stack.callback(engine.dispose)
                made[kind] = Target(url, engine, dbs.checksum(url), dbs.schema_names(url))
            return made[kind]

        yield target


def test_attack_list_is_not_empty() -> None:
    assert len(CASES) > 50


@pytest.mark.parametrize(("case", "kind"), CASES)
def test_attack_changes_nothing(
    case: dict[str, Any], kind: str, target_for: Callable[[str], Target]
) -> None:
    target = target_for(kind)
    started = time.time()

    # Errors are fine (only ours may escape); changes are not.
    with suppress(SqlbotError):
        run_query(target.engine, case["sql"], row_limit=100, timeout=TIMEOUT)

    assert dbs.checksum(target.url) == target.before
    assert dbs.schema_names(target.url) == target.schema
    assert _files_written_since(case["sql"], started) == []
    count = run_query(target.engine, "SELECT COUNT(*) FROM Track", row_limit=1, timeout=TIMEOUT)
    assert count.rows == [(3503,)]


def _files_written_since(sql: str, started: float) -> list[str]:
    """Files an attack names (the servers run on this host) that appeared after ``started``."""
    paths = (Path(p) for p in re.findall(r"'(/tmp/[^']+)'", sql))
    return [str(p) for p in paths if p.exists() and os.stat(p).st_mtime >= started - 1]
