"""Words for table retrieval: identifiers and questions cut into comparable terms.

Both sides go through the same steps (split on case, underscores and
non-letters; lower case; a simple singular), so ``SongReleaseYear``,
``song_release_year`` and "songs released per year" meet on ``song``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

_CHUNK = re.compile(r"[^\W_]+")
_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_A-Za-z]+")
_MENTION = re.compile(r"[\w$]+(?:\s*\.\s*[\w$]+)?")

STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being both but by can could
    did display do does each every find for from get give had has have how i if in into is
    it its list many me much my not of on or our out over please return show tell than that
    the their them then there these they this those to under us was we were what when where
    whether which while who whom whose why will with within would you your""".split()
)
# Plural forms a trailing "s" rule gets wrong.
IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "mice": "mouse",
    "data": "datum",
}
# Words a question uses for what a schema usually calls otherwise.
SYNONYMS = {
    "employee": ("staff", "worker"),
    "staff": ("employee",),
    "worker": ("employee",),
    "client": ("customer",),
    "customer": ("client",),
    "movie": ("film",),
    "film": ("movie",),
    "song": ("track",),
    "track": ("song",),
    "nation": ("country",),
    "town": ("city",),
    "wage": ("salary",),
    "pay": ("salary",),
    "cost": ("price",),
    "old": ("age",),
    "oldest": ("age",),
    "young": ("age",),
    "youngest": ("age",),
    "born": ("birth",),
    "revenue": ("sale", "total"),
    "purchase": ("order",),
    "pupil": ("student",),
    "firm": ("company",),
}


def singular(word: str) -> str:
    """A crude singular of a lower-case word.

    >>> [singular(w) for w in ("countries", "matches", "singers", "status", "people")]
    ['country', 'match', 'singer', 'status', 'person']
    """
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def parts(text: str) -> list[str]:
    """Lower-case singular words of ``text``, split on case changes and separators.

    >>> parts("Song_ReleaseYear of HighSchoolers")
    ['song', 'release', 'year', 'of', 'high', 'schooler']
    """
    words = (p for chunk in _CHUNK.findall(text) for p in _PART.findall(chunk))
    return [singular(w.lower()) for w in words]


@functools.lru_cache(maxsize=65536)
def identifier_terms(name: str) -> frozenset[str]:
    """Terms of an identifier: its words and the words run together (names repeat: cached).

    >>> sorted(identifier_terms("home_town"))
    ['home', 'hometown', 'town']
    """
    words = parts(name)
    terms = {w for w in words if w not in STOPWORDS}
    if len(words) > 1:
        terms.add(singular("".join(words)))
    return frozenset(terms)


def question_words(question: str) -> list[str]:
    """The words of a question that can name something: no stopwords, singular.

    >>> question_words("How many orders were refunded?")
    ['order', 'refunded']
    """
    return [w for w in parts(question) if w not in STOPWORDS]


def question_terms(words: list[str]) -> dict[str, float]:
    """Terms with a weight: the question's words, word pairs run together, synonyms.

    >>> question_terms(["high", "schooler"])
    {'high': 1.0, 'schooler': 1.0, 'highschooler': 1.0}
    """
    terms: dict[str, float] = {}
    for word in words:
        terms[word] = 1.0
    for first, second in zip(words, words[1:], strict=False):
        terms.setdefault(singular(first + second), 1.0)
    for word in words:
        for other in SYNONYMS.get(word, ()):
            terms.setdefault(other, 0.7)
    return terms


def phrase(text: str) -> str:
    """A value or a stretch of question, normalised for exact comparison.

    >>> phrase("  North   America! ")
    'north america'
    """
    return " ".join(w.lower() for w in _CHUNK.findall(text))


def phrases(question: str, longest: int) -> Iterator[str]:
    """Every run of up to ``longest`` consecutive words of the question, normalised."""
    words = [w.lower() for w in _CHUNK.findall(question)]
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            yield " ".join(words[start:end])


def mentions(texts: Sequence[str]) -> set[str]:
    """Lower-case names (``table`` or ``schema.table``) that appear in ``texts``.

    >>> sorted(mentions(['SELECT id FROM "sales"."Orders" o']))
    ['from', 'id', 'o', 'sales.orders', 'select']
    """
    found: set[str] = set()
    for text in texts:
        plain = re.sub(r"[\"`\[\]]", "", text)
        found.update(re.sub(r"\s+", "", m).lower() for m in _MENTION.findall(plain))
    return found
