"""What columns are for: a table's label, its dates, its money, the column behind "longest".

These are guesses from names and types, used where a question leaves them
implicit ("most expensive product" means the product's price).
"""

from __future__ import annotations

from core.offline_index import MONEY_WORDS, is_key, kind_of
from core.offline_words import identifier_words, synonyms
from core.schema import Column, Table

# The columns an adjective is about: "longest" means a length, "oldest" an age.
CONCEPTS = {
    "price": ("price", "cost", "fee"),
    "length": ("length", "duration", "millisecond", "second", "minute", "runtime"),
    "age": ("age",),
    "weight": ("weight",),
    "size": ("size", "area", "capacity", "byte"),
    "population": ("population",),
    "money": tuple(MONEY_WORDS),
    "quantity": ("quantity", "qty", "unit"),
}
CREATION_WORDS = ("created", "create", "creation", "signup", "registration", "join", "start")
EVENT_WORDS = {
    "signup": ("signup", "registration", "register", "registered", "join", "joined", "created"),
    "login": ("login", "logon", "signin", "seen", "active", "activity"),
    "hire": ("hire", "hired", "employment", "start"),
    "birth": ("birth", "born", "dob"),
    "order": ("order", "purchase"),
    "ship": ("ship", "shipped", "shipping", "delivery"),
    "release": ("release", "released"),
    "new": CREATION_WORDS + ("signup", "registration", "register"),
    "invoice": ("invoice", "billing", "billed"),
}


def words_of(column: Column) -> tuple[str, ...]:
    return identifier_words(column.name)


def label_columns(table: Table) -> tuple[Column, ...]:
    """The columns that name a row: ``name`` or ``title``, or first and last name."""
    table_words = identifier_words(table.name)
    plain = [c for c in table.columns if kind_of(c) == "text" and not is_key(table, c)]
    for label in ("name", "title"):
        for column in plain:
            words = words_of(column)
            rest = words[len(table_words) :] if words[: len(table_words)] == table_words else words
            if rest == (label,):
                return (column,)
        first = [c for c in plain if words_of(c)[-2:] == ("first", "name")]
        last = [c for c in plain if words_of(c)[-2:] == ("last", "name")]
        if first and last:
            return (first[0], last[0])
    named = [c for c in plain if words_of(c)[-1:] in (("name",), ("title",))]
    return (named[0],) if named else ()


def date_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if kind_of(c) == "date"]


def event_date(table: Table, event: str) -> Column | None:
    """The date column an event verb is about ("logged in" -> last_login)."""
    wanted = set(EVENT_WORDS.get(event, (event,)))
    found = [c for c in date_columns(table) if wanted & _with_synonyms(words_of(c))]
    return found[0] if len(found) == 1 else None


def _with_synonyms(words: tuple[str, ...]) -> set[str]:
    out = set(words)
    for word in words:
        out.update(synonyms(word))
    return out


def default_date(table: Table) -> tuple[Column | None, bool]:
    """The table's main date column, and whether that choice is clear."""
    dates = date_columns(table)
    if len(dates) == 1:
        return dates[0], True
    table_words = set(identifier_words(table.name))
    own = [c for c in dates if table_words & set(words_of(c))]
    if len(own) == 1:
        return own[0], True
    created = [c for c in dates if set(CREATION_WORDS) & _with_synonyms(words_of(c))]
    if len(created) == 1:
        return created[0], False
    return None, False


def numeric_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if kind_of(c) == "number" and not is_key(table, c)]


def concept_columns(table: Table, concept: str) -> list[Column]:
    """Numeric columns whose names carry one of the concept's words."""
    wanted = set(CONCEPTS.get(concept, (concept,)))
    return [c for c in numeric_columns(table) if wanted & set(words_of(c))]


def money_column(table: Table) -> Column | None:
    """The one money column of a table (``total``, ``amount``, ``price``...), if clear."""
    found = concept_columns(table, "money")
    totals = [c for c in found if {"total", "amount"} & set(words_of(c))]
    if len(totals) == 1:
        return totals[0]
    return found[0] if len(found) == 1 else None


def line_measure(table: Table) -> tuple[Column, Column] | None:
    """``(quantity, unit price)`` for a table of order lines, else None."""
    quantity = [c for c in numeric_columns(table) if "quantity" in words_of(c)]
    price = concept_columns(table, "price")
    if len(quantity) == 1 and len(price) == 1:
        return quantity[0], price[0]
    return None


def flag_true(column: Column) -> str | int | None:
    """The stored value meaning "yes" for an ``is_x`` column (``'T'``, ``1``), if known."""
    samples = {s.upper() for s in column.samples}
    for yes in ("T", "Y", "YES", "TRUE", "1"):
        if yes in samples:
            return next(s for s in column.samples if s.upper() == yes)
    if kind_of(column) in ("bool", "number") and not column.samples:
        return 1
    return None
