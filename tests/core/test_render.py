import csv
import datetime as dt
import doctest
import io
import json
import uuid
from decimal import Decimal

import pytest

from core import render
from core.render import cell_text, json_rows, json_safe, number_text, table_text, to_csv

FR12_ROW = (
    Decimal("1234567.89"),
    dt.datetime(2024, 1, 31, 23, 59, 59),
    dt.date(2024, 2, 29),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    b"\x00\xff",
    None,
)


def test_render_doctests_hold():
    assert doctest.testmod(render).failed == 0


def test_json_rows_store_fr12_values_exactly():
    assert json_rows([FR12_ROW]) == [
        [
            "1234567.89",
            "2024-01-31T23:59:59",
            "2024-02-29",
            "12345678-1234-5678-1234-567812345678",
            "0x00ff",
            None,
        ]
    ]


def test_json_rows_survive_strict_json():
    rows = [FR12_ROW, (float("nan"), float("inf"), -float("inf"), True, 7, [1, Decimal("2.5")])]
    text = json.dumps(json_rows(rows), allow_nan=False)
    assert json.loads(text)[1] == ["NaN", "Infinity", "-Infinity", True, 7, [1, "2.5"]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.time(8, 30), "08:30:00"),
        (dt.timedelta(days=1, seconds=5), "1 day, 0:00:05"),
        (memoryview(b"\x01\xab"), "0x01ab"),
        (bytearray(b""), "0x"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.0000001"), "0.0000001"),
        (0.5, 0.5),
        (False, False),
        ({"a": dt.date(2024, 1, 1)}, {"a": "2024-01-01"}),
    ],
)
def test_json_safe_keeps_each_kind_of_value(value, expected):
    assert json_safe(value) == expected


def test_json_safe_cuts_very_long_text_with_a_marker():
    cut = json_safe("x" * 50_000)
    assert len(cut) == render.TEXT_LIMIT
    assert cut.endswith(render.TEXT_CUT)
    assert json_safe("x" * render.TEXT_LIMIT) == "x" * render.TEXT_LIMIT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "NULL"),
        (Decimal("1234567.89"), "1234567.89"),
        (Decimal("12.50"), "12.50"),
        (0.1 + 0.2, "0.3"),
        (1e-05, "0.00001"),
        (2.0, "2"),
        (3.14159265, "3.1416"),
        (1234567.891, "1234567.89"),
        (1e20, "100000000000000000000"),
        (-0.0, "0"),
        (1e-12, "1e-12"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        (12345678901234567890, "12345678901234567890"),
        (True, "true"),
        (dt.datetime(2024, 1, 31, 23, 59, 59), "2024-01-31 23:59:59"),
        (dt.datetime(2024, 1, 31, 23, 59, 59, 250000), "2024-01-31 23:59:59.250"),
        (dt.datetime(2024, 1, 31, 23, 59, 59, 1), "2024-01-31 23:59:59.000001"),
        (dt.date(2024, 2, 29), "2024-02-29"),
        (b"\x00\xff", "0x00ff"),
        ("two\nlines\tand\r\ntab", "two lines and tab"),
        ("x" * 41, "x" * 39 + "…"),
        ("x" * 40, "x" * 40),
        ("日本語" * 10, "日本語" * 6 + "日…"),
        ([1, None], "[1, null]"),
    ],
)
def test_cell_text(value, expected):
    assert cell_text(value) == expected


def test_number_text_groups_thousands():
    assert number_text(1234) == "1,234"
    assert number_text(0) == "0"


@pytest.mark.parametrize(
    ("value", "group", "expected"),
    [
        (3503, True, "3,503"),
        (2024, False, "2024"),
        (-1234567.891, True, "-1,234,567.89"),
        (Decimal("-0.5"), True, "-0.5"),
        (None, True, "NULL"),
        ("AT&T", True, "AT&T"),
    ],
)
def test_value_text(value, group, expected):
    assert render.value_text(value, group=group) == expected


def test_table_text_aligns_numbers_right_and_shows_null_token():
    text, shown = table_text(["id", "name"], [(1, "a"), (100, None)], max_chars=1000)
    assert shown == 2
    assert text.splitlines() == ["  id  name", "----  ------", "   1  a", " 100  NULL"]


def test_table_text_keeps_decimal_digits_exact():
    text, _ = table_text(["total"], [(Decimal("1234567.89"),)], max_chars=1000)
    assert "1234567.89" in text
    assert "None" not in text


def test_table_text_with_no_rows_is_the_header():
    text, shown = table_text(["a", "b"], [], max_chars=100)
    assert (text, shown) == ("a    b\n---  ---", 0)


def test_table_text_honours_max_rows():
    _, shown = table_text(["n"], [(n,) for n in range(100)], max_chars=10_000, max_rows=20)
    assert shown == 20


def _wide_rows():
    return [tuple(f"value {r}-{c} " * 5 for c in range(15)) for r in range(30)]


def _unicode_rows():
    return [("東京都渋谷区" * r, "🎉🚀" * r, "naïve café", r) for r in range(1, 60)]


def _null_rows():
    return [(None, None, n, None) for n in range(500)]


TABLES = {
    "wide": ([f"column_{c}" for c in range(15)], _wide_rows()),
    "long": (
        ["id", "name", "total", "day"],
        [(n, f"name {n}", n * 1.5, None) for n in range(2000)],
    ),
    "nulls": (["a", "b", "c", "d"], _null_rows()),
    "unicode": (["地址", "emoji", "text", "n"], _unicode_rows()),
}


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("max_chars", [0, 20, 60, 200, 1000, 2992])
def test_table_text_never_exceeds_max_chars(name, max_chars):
    columns, rows = TABLES[name]
    text, shown = table_text(columns, rows, max_chars=max_chars)
    assert len(text) <= max_chars
    assert 0 <= shown <= len(rows)
    if shown:
        assert len(text.splitlines()) == shown + 2


def test_table_text_counts_with_the_given_size():
    rows = [("a&b",)] * 50
    text, shown = table_text(["x"], rows, max_chars=200, size=lambda s: len(s) * 2)
    assert len(text) * 2 <= 200
    assert 0 < shown < 50


def test_table_text_cuts_cells_narrower_before_showing_nothing():
    columns, rows = TABLES["wide"]
    text, shown = table_text(columns, rows, max_chars=600)
    assert shown >= 1
    assert len(text) <= 600
    assert "…" in text


def test_table_text_shows_nothing_when_no_row_can_fit():
    assert table_text([f"c{n}" for n in range(50)], [(1,) * 50], max_chars=40) == ("", 0)


def test_table_text_aligns_wide_characters():
    wcwidth = pytest.importorskip("wcwidth", reason="tabulate's widechars extra (wcwidth)")
    columns, rows = TABLES["unicode"]
    text, shown = table_text(columns, rows[:5], max_chars=3000)
    # The last column holds numbers, aligned right, so every line ends at the same column.
    assert shown == 5
    assert len({wcwidth.wcswidth(line) for line in text.splitlines()}) == 1


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_to_csv_round_trips_through_the_csv_module():
    rows = [
        FR12_ROW,
        ("comma, here", 'quote " here', "new\nline", "日本語", 0.1, True),
        (-5, "-5", "", None, float("nan"), Decimal("-0.50")),
    ]
    assert _read_csv(to_csv(["a", "b", "c", "d", "e", "f"], rows)) == [
        ["a", "b", "c", "d", "e", "f"],
        [
            "1234567.89",
            "2024-01-31T23:59:59",
            "2024-02-29",
            "12345678-1234-5678-1234-567812345678",
            "0x00ff",
            "",
        ],
        ["comma, here", 'quote " here', "new\nline", "日本語", "0.1", "true"],
        ["-5", "-5", "", "", "NaN", "-0.50"],
    ]


def test_to_csv_keeps_long_text_whole():
    assert _read_csv(to_csv(["t"], [("y" * 20_000,)]))[1] == ["y" * 20_000]


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("x")'])
def test_to_csv_makes_spreadsheet_formulas_literal(text):
    assert _read_csv(to_csv([text], [(text,)])) == [["'" + text], ["'" + text]]
