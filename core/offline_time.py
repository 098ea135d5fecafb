"""Time phrases of a question ("last month", "in 2023", "by month") read against a given day.

Periods are half-open ranges of dates, ``start <= d < end``, so they work the same on
DATE, DATETIME and ISO text columns. Years are also kept as whole numbers, for
schemas that store a year in a column of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.offline_words import Token

UNITS = {"day": 1, "week": 7, "month": 30, "year": 365, "quarter": 91}
BUCKETS = {
    "daily": "day",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
    "annual": "year",
}
MONTHS = (
    "january february march april may june july august september october november december"
).split()
_IN = ("in", "during", "for", "within", "of")
_LAST = ("last", "past", "previous", "prior")
# The longest time phrase ("in the last 30 days") and the word before one ("year 2020").
LONGEST = 6


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` (inclusive) to ``end`` (exclusive); either may be open."""

    start: dt.date | None
    end: dt.date | None
    label: str
    years: tuple[int | None, int | None] | None = None
    rolling: bool = False


@dataclass(frozen=True)
class Bucket:
    """Group by a part of a date: ``year``, ``month`` or ``day``."""

    unit: str


@dataclass(frozen=True)
class TimeMatch:
    """A time phrase found at some position: how many tokens it spans and what it means."""

    length: int
    meaning: Period | Bucket


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def shift(day: dt.date, unit: str, count: int) -> dt.date:
    """``day`` moved back ``count`` units (months and years by the calendar)."""
    if unit == "month":
        start = month_start(day, count)
        return start.replace(day=min(day.day, 28))
    if unit == "year":
        return _safe_date(day.year - count, day.month, day.day)
    return day - dt.timedelta(days=UNITS[unit] * count)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 28)


def _unit(word: str) -> str | None:
    stem = word[:-1] if word.endswith("s") else word
    return stem if stem in UNITS else None


def read_time(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    """The time phrase starting at ``tokens[at]``, if there is one."""
    # Read a few tokens around ``at``, not the whole question: linking calls this at every
    # position, and copying every word each time made long questions cost their square.
    first = max(0, at - 1)
    window = tokens[first : at + LONGEST]
    for reader in (_bucket, _calendar, _rolling, _year, _month):
        found = reader(window, at - first, today)
        if found is not None:
            return found
    return None


def _words(tokens: Sequence[Token], at: int, n: int) -> tuple[str, ...]:
    return tuple(t.text for t in tokens[at : at + n])


def _bucket(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    first = tokens[at].text
    if first in BUCKETS:
        return TimeMatch(1, Bucket(BUCKETS[first]))
    pair = _words(tokens, at, 2)
    if len(pair) == 2 and pair[0] in ("by", "per", "each") and pair[1] in ("day", "month", "year"):
        return TimeMatch(2, Bucket(pair[1]))
    triple = _words(tokens, at, 3)
    if triple in (("for", "each", "month"), ("for", "each", "year"), ("in", "each", "month")):
        return TimeMatch(3, Bucket(triple[2]))
    return None


def _calendar(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    pair = _words(tokens, at, 2)
    if pair[:1] == ("today",):
        return TimeMatch(1, Period(today, today + dt.timedelta(days=1), "today"))
    if pair[:1] == ("yesterday",):
        return TimeMatch(1, Period(today - dt.timedelta(days=1), today, "yesterday"))
    if len(pair) < 2 or pair[0] not in ("this", "last", "previous", "current"):
        return None
    period = _named_period(pair[1], pair[0] != "this" and pair[0] != "current", today)
    return TimeMatch(2, period) if period else None


def _named_period(unit: str, previous: bool, today: dt.date) -> Period | None:
    label = f"{'last' if previous else 'this'} {unit}"
    if unit == "month":
        start = month_start(today, 1 if previous else 0)
        return Period(start, month_start(start, -1), label)
    if unit == "year":
        year = today.year - (1 if previous else 0)
        return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), label, (year, year))
    if unit == "week":
        monday = today - dt.timedelta(days=today.weekday() + (7 if previous else 0))
        return Period(monday, monday + dt.timedelta(days=7), label)
    if unit == "quarter":
        first = month_start(today, (today.month - 1) % 3 + (3 if previous else 0))
        return Period(first, month_start(first, -3), label)
    return None


def _rolling(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    """ "in the last 30 days", "past 3 months", "for 30 days", "last year" (rolling)."""
    i = at
    words = [t.text for t in tokens]
    if i < len(words) and words[i] in _IN:
        i += 1
    if i < len(words) and words[i] == "the":
        i += 1
    saw_the = i > at and words[i - 1] == "the"
    saw_last = i < len(words) and words[i] in _LAST
    calendar = saw_last and words[i] in ("last", "previous") and not saw_the
    i += 1 if saw_last else 0
    count = 1
    if i < len(tokens) and tokens[i].kind == "number" and tokens[i].number is not None:
        count = int(tokens[i].number or 0)
        i += 1
    elif not saw_last or calendar:
        return None  # "for last month" is the calendar month, read where "last" starts
    unit = _unit(words[i]) if i < len(words) else None
    if unit is None or (not saw_last and words[at] not in ("for", "in", "within")):
        return None
    start = shift(today, unit, count)
    label = f"the last {count} {unit}{'s' if count != 1 else ''}"
    return TimeMatch(i + 1 - at, Period(start, None, label, rolling=True))


def _year(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    words = [t.text for t in tokens]
    lead = words[at]
    i = at + 1 if lead in ("in", "during", "for", "since", "after", "before", "from", "of") else at
    if i >= len(tokens) or not _is_year(tokens[i]):
        return None
    year = int(tokens[i].number or 0)
    if i == at and (at == 0 or words[at - 1] not in ("year", "of")):
        return None
    return TimeMatch(i + 1 - at, _year_period(lead, year))


def _is_year(token: Token) -> bool:
    number = token.number
    return (
        token.kind == "number"
        and number is not None
        and number.is_integer()
        and (1900 <= number <= 2100)
    )


def _year_period(lead: str, year: int) -> Period:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    if lead in ("since", "from"):
        return Period(start, None, f"since {year}", (year, None))
    if lead == "after":
        return Period(end, None, f"after {year}", (year + 1, None))
    if lead == "before":
        return Period(None, start, f"before {year}", (None, year - 1))
    return Period(start, end, f"in {year}", (year, year))


def _month(tokens: Sequence[Token], at: int, today: dt.date) -> TimeMatch | None:
    words = [t.text for t in tokens]
    i = at + 1 if words[at] in ("in", "during", "since") else at
    if i >= len(words) or words[i] not in MONTHS:
        return None
    month = MONTHS.index(words[i]) + 1
    year = today.year if month <= today.month else today.year - 1
    length = i + 1 - at
    if i + 1 < len(tokens) and _is_year(tokens[i + 1]):
        year, length = int(tokens[i + 1].number or 0), length + 1
    elif i == at:
        return None  # a bare "may" or "march" is more often a verb than a month
    start = dt.date(year, month, 1)
    if words[at] == "since":
        return TimeMatch(length, Period(start, None, f"since {words[i]} {year}"))
    return TimeMatch(length, Period(start, month_start(start, -1), f"in {words[i]} {year}"))
