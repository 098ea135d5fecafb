"""Answers rendered as Slack blocks: golden files plus the limits every message must keep.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/bot/test_blocks.py``
and read the diff before committing it.
"""

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot import blocks, messages
from bot.blocks import ACTION_IDS, answer_blocks, escape, sql_blocks
from core.model import Answer

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ASKER = "U0ASKER01"
FR19_CELLS = {
    "AT&T": "AT&amp;T",
    "a < b": "a &lt; b",
    "<!channel>": "&lt;!channel&gt;",
    "<@U012ABCDEF>": "&lt;@U012ABCDEF&gt;",
    "<https://example.test|click>": "&lt;https://example.test|click&gt;",
}


def _answer(**fields: Any) -> Answer:
    base: dict[str, Any] = {
        "question": "how many tracks are there per genre?",
        "connection": "chinook",
        "sql": "SELECT g.Name, COUNT(*) FROM Track t JOIN Genre g USING (GenreId) GROUP BY 1",
        "model_ms": 412.0,
        "db_ms": 8.4,
        "history_id": 42,
    }
    return Answer(**{**base, **fields})


def _long_rows() -> list[tuple[Any, ...]]:
    # FR-18: 150 rows of 4 columns, about 9,000 characters as a table.
    return [
        (n, f"Customer number {n}", f"customer{n}@example.test", Decimal(n * 37) / 4)
        for n in range(1, 151)
    ]


def _wide_rows() -> list[tuple[Any, ...]]:
    return [
        tuple(f"row {r} column {c} with a long text value" for c in range(12)) for r in range(25)
    ]


ANSWERS: dict[str, Answer] = {
    "wide_table": _answer(columns=[f"column_number_{c}" for c in range(12)], rows=_wide_rows()),
    "long_table_fr18": _answer(columns=["id", "name", "email", "total"], rows=_long_rows()),
    "nulls": _answer(
        columns=["id", "region", "closed_at", "score"],
        rows=[(1, None, None, 1.5), (2, "north", dt.datetime(2024, 1, 31, 23, 59, 59), None)]
        + [(n, None, None, None) for n in range(3, 8)],
    ),
    "unicode": _answer(
        columns=["都市", "名前", "emoji", "n"],
        rows=[
            ("東京", "山田太郎", "🎉", 1),
            ("Zürich", "Zoë", "👍🏽", 22),
            ("서울", "김", "—", 333),
        ],
    ),
    "fr19_markup": _answer(
        question="who is <!channel> & <@U012ABCDEF>?",
        columns=["cell", "n"],
        rows=[(cell, n) for n, cell in enumerate(FR19_CELLS)],
    ),
    "fr12_values": _answer(
        columns=["total", "at", "day", "blob", "missing"],
        rows=[
            (
                Decimal("1234567.89"),
                dt.datetime(2024, 1, 31, 23, 59, 59),
                dt.date(2024, 2, 29),
                b"\x00\xff",
                None,
            ),
            (Decimal("0.10"), dt.datetime(2024, 2, 1), dt.date(2024, 3, 1), b"", None),
        ],
    ),
    "single_value": _answer(question="how many tracks?", columns=["Total"], rows=[(3503,)]),
    "single_value_year": _answer(question="busiest year?", columns=["year"], rows=[(2024,)]),
    "single_value_null": _answer(
        question="latest refund?", columns=["refunded_at"], rows=[(None,)]
    ),
    "zero_rows": _answer(columns=["name"], rows=[]),
    "refused": _answer(
        question="drop the employee table",
        sql="DROP TABLE employee",
        status="refused",
        error="DROP statements change the database",
    ),
    "rate_limited": _answer(
        sql=None,
        status="refused",
        error="you are asking faster than I can answer",
        error_kind="RateLimited",
    ),
    "declined": _answer(
        question="what does the invoices table mean?",
        sql=None,
        status="declined",
        explanation="The invoices table stores customer orders.",
        error="The invoices table stores customer orders.",
    ),
    "no_model": _answer(
        sql=None,
        status="declined",
        explanation=messages.NO_MODEL_CONFIGURED,
        error=messages.NO_MODEL_CONFIGURED,
    ),
    "error": _answer(status="error", error='column "nme" does not exist <b>'),
    "timeout": _answer(status="timeout", error="the query was cancelled after 15 s", db_ms=15012.0),
    "truncated": _answer(
        question="list orders",
        columns=["id", "total"],
        rows=[(n, Decimal(n) / 100) for n in range(1000)],
        truncated=True,
    ),
    "truncated_small_preview": _answer(
        columns=["id"], rows=[(n,) for n in range(5)], truncated=True
    ),
    "repaired": _answer(columns=["a", "b"], rows=[(1, 2), (3, 4)], repairs=1),
    "no_history": _answer(columns=["a", "b"], rows=[(1, 2)] * 30, history_id=None),
    "too_wide": _answer(columns=[f"column_{c}" for c in range(400)], rows=[tuple(range(400))]),
}


def _rendered(name: str) -> dict[str, Any]:
    produced, text = answer_blocks(ANSWERS[name], asker=ASKER)
    return {"blocks": produced, "text": text}


def _golden(name: str, produced: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(produced, indent=2, ensure_ascii=False) + "\n")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert produced == json.loads(path.read_text())


def _texts(produced: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn or plain text in the blocks."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node["text"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(produced)
    return found


def _buttons(produced: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in produced if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_answer_blocks_match_the_golden_file(name):
    _golden(name, _rendered(name))


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_answer_blocks_stay_inside_slack_limits(name):
    produced, text = answer_blocks(ANSWERS[name], asker=ASKER)
    assert len(produced) <= blocks.MAX_BLOCKS
    assert len(text) <= blocks.TEXT_CHARS
    assert all(len(t) <= blocks.SECTION_CHARS for t in _texts(produced))
    # Slack refuses messages whose blocks add up to much past 13,000 characters.
    assert len(json.dumps(produced, ensure_ascii=False)) < 10_000
    for block in produced:
        Block.parse(block).validate_json()


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_answer_blocks_leave_no_live_markup(name):
    produced, text = answer_blocks(ANSWERS[name], asker=ASKER)
    first, *rest = _texts(produced)
    assert first.startswith(f"<@{ASKER}> asked: ")
    for item in [first.removeprefix(f"<@{ASKER}>"), *rest, text]:
        assert "<" not in item and ">" not in item
        assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", item, re.DOTALL)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_answer_blocks_never_say_none(name):
    produced, text = answer_blocks(ANSWERS[name], asker=ASKER)
    assert not re.search(r"\bNone\b", json.dumps(produced) + text)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_buttons_carry_the_history_id_and_a_known_action(name):
    answer = ANSWERS[name]
    buttons = _buttons(answer_blocks(answer, asker=ASKER)[0])
    actions = [b["action_id"] for b in buttons]
    assert set(actions) <= set(ACTION_IDS)
    assert len(actions) == len(set(actions))
    if answer.history_id is None:
        assert buttons == []
        return
    assert all(b["value"] == str(answer.history_id) for b in buttons)
    assert actions[-2:] == ["feedback_up", "feedback_down"]
    assert ("show_sql" in actions) == bool(answer.sql)
    has_table = answer.status == "ok" and answer.rows and not answer.single_value
    assert ("download_csv" in actions) == bool(has_table)


def test_fr19_cells_are_sent_escaped_exactly():
    table = _texts(answer_blocks(ANSWERS["fr19_markup"])[0])[1]
    for raw, sent in FR19_CELLS.items():
        assert sent in table
        assert raw not in table


def test_fr19_the_question_is_escaped():
    produced, text = answer_blocks(ANSWERS["fr19_markup"], asker=ASKER)
    echoed = "who is &lt;!channel&gt; &amp; &lt;@U012ABCDEF&gt;?"
    assert _texts(produced)[0] == f"<@{ASKER}> asked: {echoed}"
    assert text.startswith(echoed)


def test_fr18_long_table_is_a_preview_with_a_note():
    texts = _texts(answer_blocks(ANSWERS["long_table_fr18"])[0])
    assert texts[1].startswith("```\n") and texts[1].endswith("\n```")
    assert texts[1].count("\n") == 20 + 2 + 1
    assert texts[2] == "Showing 20 of 150 rows. Download the CSV for all of them."


def test_fr14_capped_result_never_states_a_total():
    texts = _texts(answer_blocks(ANSWERS["truncated"])[0])
    assert texts[2] == (
        "Showing 20 of the first 1,000 rows; there are more. "
        "Download the CSV or narrow the question."
    )
    assert texts[3].startswith("1,000+ rows · ")
    assert not re.search(r"\b1,000 rows\b", " ".join(texts).replace("first 1,000 rows", ""))


def test_fr12_values_show_exactly_in_the_table():
    table = _texts(answer_blocks(ANSWERS["fr12_values"])[0])[1]
    for shown in ("1234567.89", "2024-01-31 23:59:59", "2024-02-29", "0x00ff", "NULL", "0.10"):
        assert shown in table


def test_single_value_is_a_sentence():
    texts = _texts(answer_blocks(ANSWERS["single_value"])[0])
    assert texts[1] == "*Total*: 3,503"
    assert _texts(answer_blocks(ANSWERS["single_value_year"])[0])[1] == "*year*: 2024"


def test_context_line_names_rows_time_connection_and_repairs():
    assert _texts(answer_blocks(ANSWERS["repaired"])[0])[2] == (
        "2 rows · 420 ms · chinook · needed a repair"
    )


def test_timeout_says_when_it_was_cancelled():
    texts = _texts(answer_blocks(ANSWERS["timeout"])[0])
    assert texts[1].startswith("The query was cancelled after 15 s. Try a narrower question")


def test_question_without_asker_has_no_mention():
    assert _texts(answer_blocks(ANSWERS["zero_rows"])[0])[0] == (
        "Question: how many tracks are there per genre?"
    )


def test_a_very_long_question_is_cut_to_fit():
    produced, text = answer_blocks(_answer(question="& " * 5000, rows=[]), asker=ASKER)
    assert len(_texts(produced)[0]) <= blocks.SECTION_CHARS
    assert len(text) <= blocks.TEXT_CHARS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AT&T", "AT&amp;T"),
        ("<!here>", "&lt;!here&gt;"),
        ("&amp;", "&amp;amp;"),
        ("plain", "plain"),
    ],
)
def test_escape(text, expected):
    assert escape(text) == expected


def _code_bodies(produced: list[dict[str, Any]]) -> list[str]:
    bodies = []
    for text in _texts(produced):
        assert text.startswith("```\n") and text.endswith("\n```")
        bodies.append(text[4:-4])
    return bodies


def test_sql_blocks_escape_the_sql():
    produced, text = sql_blocks("SELECT * FROM t WHERE a < 1 AND b = '<!channel>'")
    _golden("sql_short", {"blocks": produced, "text": text})
    assert _code_bodies(produced) == ["SELECT * FROM t WHERE a &lt; 1 AND b = '&lt;!channel&gt;'"]


def test_sql_blocks_split_long_sql_over_sections():
    sql = "\n".join(f"SELECT {n} AS a, '<&>' AS b UNION ALL" for n in range(400)) + "\nSELECT 0, ''"
    produced, text = sql_blocks(sql)
    bodies = _code_bodies(produced)
    assert len(bodies) > 1
    assert all(len(t) <= blocks.SECTION_CHARS for t in _texts(produced))
    assert "\n".join(bodies) == escape(sql)
    assert len(text) <= blocks.TEXT_CHARS


def test_sql_blocks_split_one_very_long_line():
    sql = "SELECT " + ", ".join(f"'a&b' AS c{n}" for n in range(2000))
    bodies = _code_bodies(sql_blocks(sql)[0])
    assert "".join(bodies) == escape(sql)
    assert all(len(body) <= blocks.CODE_CHARS for body in bodies)


def test_sql_blocks_stay_under_fifty_blocks():
    produced, _ = sql_blocks("SELECT 1;\n" * 100_000)
    assert len(produced) <= blocks.MAX_BLOCKS
    assert _texts(produced)[-1] == messages.SQL_TOO_LONG


def test_sql_blocks_keep_backtick_runs_from_closing_the_code_block():
    bodies = _code_bodies(sql_blocks("SELECT '```' AS `quoted`")[0])
    assert bodies == ["SELECT 'ˋˋˋ' AS `quoted`"]


def test_working_blocks():
    produced, text = blocks.working_blocks("how many <b>?", ASKER)
    _golden("working", {"blocks": produced, "text": text})
    assert text == messages.WORKING


def test_error_blocks_escape_the_text():
    produced, text = blocks.error_blocks("Something went wrong: <!channel>")
    assert _texts(produced) == ["Something went wrong: &lt;!channel&gt;"]
    assert text == "Something went wrong: &lt;!channel&gt;"


@pytest.mark.parametrize(
    ("ms", "expected"), [(0.4, "0 ms"), (85.2, "85 ms"), (1234, "1.2 s"), (125_000, "2 min 5 s")]
)
def test_duration(ms, expected):
    assert messages.duration(ms) == expected


def test_csv_title_never_states_a_capped_total():
    assert messages.csv_title("list orders", ANSWERS["truncated"]) == (
        "list orders (first 1,000 rows)"
    )
    assert messages.csv_title("", ANSWERS["repaired"]) == "sqlbot result (2 rows)"


def test_note_block_is_small_escaped_print():
    assert blocks.note_block(messages.NOT_IN_CHANNEL) == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": messages.NOT_IN_CHANNEL}],
    }
