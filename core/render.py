"""Tables, CSV and JSON-safe values: plain data in, text or bytes out (no Slack here)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from tabulate import tabulate

NULL = "NULL"
ELLIPSIS = "…"
CELL_WIDTH = 40
TEXT_LIMIT = 10_000
TEXT_CUT = "…[cut]"

# Narrower and narrower cells, tried only when not even one row fits at full width.
_CUT_WIDTHS = (CELL_WIDTH, 24, 16, 10, 6, 3)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Rows = Sequence[Sequence[Any]]


def json_safe(value: Any) -> Any:
    """One database value as something ``json.dumps`` stores without loss or error.

    >>> json_safe(Decimal("1234567.89")), json_safe(b"\\x00\\xff"), json_safe(float("nan"))
    ('1234567.89', '0x00ff', 'NaN')
    """
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _float_word(value)
    if isinstance(value, str):
        return _bounded(value)
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    return _bounded(_scalar_text(value))


def json_rows(rows: Rows) -> list[list[Any]]:
    """Every value of every row made JSON-safe."""
    return [[json_safe(value) for value in row] for row in rows]


def cell_text(value: Any, width: int = CELL_WIDTH) -> str:
    """One value as table text: exact, on one line, at most ``width`` columns wide.

    >>> cell_text(Decimal("1234567.89")), cell_text(None), cell_text(0.1 + 0.2)
    ('1234567.89', 'NULL', '0.3')
    """
    return clip(_fold(_plain_text(value)[:TEXT_LIMIT]), width)


def value_text(value: Any, *, group: bool = True, width: int = 1000) -> str:
    """One value standing alone, as in a sentence; numbers get thousands separators.

    >>> value_text(3503), value_text(Decimal("1234567.80")), value_text(2024, group=False)
    ('3,503', '1,234,567.80', '2024')
    """
    text = cell_text(value, width)
    if group and _is_number(value):
        return _grouped(text)
    return text


def number_text(n: int) -> str:
    """A count with thousands separators.

    >>> number_text(1234)
    '1,234'
    """
    return f"{n:,}"


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` display columns, ending in "…" when anything was cut.

    >>> clip("abcdef", 4), clip("日本語です", 5)
    ('abc…', '日本…')
    """
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = len(ELLIPSIS)
    for char in text:
        used += _char_width(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font (CJK and most emoji take two)."""
    return sum(_char_width(char) for char in text)


def table_text(
    columns: Sequence[str],
    rows: Rows,
    *,
    max_chars: int,
    max_rows: int | None = None,
    size: Callable[[str], int] = len,
) -> tuple[str, int]:
    """The leading rows that fit in ``max_chars`` as an aligned table, and how many it shows.

    ``size`` measures a text against ``max_chars``; a front end that escapes the text
    passes the escaped length. When not even one row fits, cells are cut narrower; when
    no row fits at all, the text is empty. With no rows, the text is the header alone.
    """
    rows = rows[:max_rows] if max_rows is not None else rows
    if not columns:
        return "", 0
    right = _numeric_columns(len(columns), rows)
    headers = [cell_text(name) for name in columns]
    cells = [[cell_text(value) for value in row] for row in rows]
    for width in _CUT_WIDTHS:
        grid = _Grid(_narrow(headers, width), [_narrow(row, width) for row in cells], right)
        shown = grid.fitting_rows(max_chars, size)
        if shown > 0 or (shown == 0 and not rows):
            return grid.text(shown), shown
    return "", 0


def to_csv(columns: Sequence[str], rows: Rows) -> bytes:
    """Rows as CSV: UTF-8 with a byte order mark, so Excel shows accents and CJK right.

    NULL is an empty field. Text that Excel would run as a formula (``=``, ``+``, ``-``,
    ``@`` first, and not a plain number) is prefixed with ``'``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_defused(str(name)) for name in columns])
    writer.writerows([_csv_field(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


class _Grid:
    """Table cells ready for tabulate, rendered for any number of leading rows."""

    def __init__(self, headers: list[str], cells: list[list[str]], right: list[bool]) -> None:
        self.headers = headers
        self.cells = cells
        self.align = ["right" if flag else "left" for flag in right]

    def text(self, count: int) -> str:
        table = tabulate(
            self.cells[:count],
            headers=self.headers,
            tablefmt="simple",
            disable_numparse=True,
            colalign=self.align,
        )
        return "\n".join(line.rstrip() for line in table.splitlines())

    def fitting_rows(self, max_chars: int, size: Callable[[str], int]) -> int:
        """How many leading rows fit; -1 when not even the header does."""
        if size(self.text(0)) > max_chars:
            return -1
        # A table only grows with each row it shows, so a binary search finds the most.
        low, high = 0, len(self.cells)
        while low < high:
            middle = (low + high + 1) // 2
            if size(self.text(middle)) <= max_chars:
                low = middle
            else:
                high = middle - 1
        return low


def _narrow(texts: list[str], width: int) -> list[str]:
    if width >= CELL_WIDTH:
        return texts
    return [clip(text, width) for text in texts]


def _numeric_columns(count: int, rows: Rows) -> list[bool]:
    """Which columns hold numbers only (NULLs aside), so they align right."""
    return [
        _all_numbers([row[index] for row in rows if index < len(row)]) for index in range(count)
    ]


def _all_numbers(values: list[Any]) -> bool:
    present = [value for value in values if value is not None]
    return bool(present) and all(_is_number(value) for value in present)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _plain_text(value: Any) -> str:
    """A value as readable text, before folding and cutting."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime | dt.time):
        return _clock_text(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | dict):
        return json.dumps(json_safe(value), ensure_ascii=False)
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    """Exact text for values JSON has no type for."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "0x" + bytes(value[: TEXT_LIMIT // 2]).hex()
    return str(value)  # int, timedelta, UUID, IP addresses and the like


def _float_text(value: float) -> str:
    """A float as people write it: no float noise, no scientific notation for everyday sizes.

    >>> _float_text(1e-05), _float_text(2.0), _float_text(1234.5678), _float_text(1e20)
    ('0.00001', '2', '1234.57', '100000000000000000000')
    """
    size = abs(value)
    if not math.isfinite(value):
        return _float_word(value)
    if value == 0:
        return "0"
    if size >= 1e21 or size < 1e-9:
        return f"{value:.6g}"
    decimals = _decimals(size)
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _decimals(size: float) -> int:
    """Two decimals for thousands and up, four below; four significant digits under one."""
    if size >= 1000:
        return 2
    return 4 if size >= 1 else 3 - math.floor(math.log10(size))


def _float_word(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _clock_text(value: dt.datetime | dt.time) -> str:
    """ISO time of day, showing fractions of a second only when there are any."""
    if value.microsecond == 0:
        spec = "seconds"
    elif value.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec=spec)
    return value.isoformat(timespec=spec)


def _fold(text: str) -> str:
    """Newlines, tabs and other control characters become single spaces."""
    return _CONTROL.sub(" ", text)


def _bounded(text: str) -> str:
    if len(text) <= TEXT_LIMIT:
        return text
    return text[: TEXT_LIMIT - len(TEXT_CUT)] + TEXT_CUT


def _grouped(text: str) -> str:
    """Thousands separators in a number's whole part, leaving its digits exact."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.removeprefix("-").partition(".")
    if not whole.isdigit():
        return text
    return f"{sign}{int(whole):,}{dot}{fraction}"


def _csv_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else _float_word(value)
    if isinstance(value, str):
        return _defused(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(json_safe(value), ensure_ascii=False)
    return _scalar_text(value)


def _defused(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made literal."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
