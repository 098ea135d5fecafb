"""Words for the offline translator: tokens, singular forms, identifier parts, synonyms.

Everything here is plain data and pure functions; nothing knows about a schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Words of the same meaning; the first of each group is the one schemas usually use.
SYNONYM_GROUPS = (
    ("customer", "client", "user", "buyer", "shopper", "member", "patron"),
    ("employee", "staff", "worker", "personnel", "colleague"),
    ("product", "article", "good"),
    ("order", "purchase"),
    ("total", "amount", "value"),
    ("price", "cost"),
    ("country", "nation"),
    ("city", "town"),
    ("track", "song", "tune"),
    ("artist", "band", "musician", "performer"),
    ("category", "kind"),
    ("type", "kind"),
    ("sex", "gender"),
    ("signup", "registration", "join", "register"),
    ("login", "logon", "signin"),
    ("salary", "pay", "wage"),
    ("quantity", "qty"),
    ("email", "mail"),
    ("phone", "telephone"),
    ("description", "desc"),
    ("birth", "born"),
)

# Short forms found in column names, read as the words they stand for.
ABBREVIATIONS = {
    "fname": ("first", "name"),
    "lname": ("last", "name"),
    "dob": ("birth", "date"),
    "qty": ("quantity",),
    "amt": ("amount",),
    "addr": ("address",),
    "desc": ("description",),
    "num": ("number",),
    "no": ("number",),
    "indep": ("independence",),
    "stu": ("student",),
    "emp": ("employee",),
    "cust": ("customer",),
    "dept": ("department",),
    "pct": ("percentage",),
    "ms": ("millisecond",),
    "sku": ("sku",),
}

# Adjectives of place that name a value ("French singers" means country France).
DEMONYMS = {
    "american": "united states",
    "british": "united kingdom",
    "french": "france",
    "german": "germany",
    "italian": "italy",
    "spanish": "spain",
    "brazilian": "brazil",
    "canadian": "canada",
    "chinese": "china",
    "japanese": "japan",
    "indian": "india",
    "dutch": "netherlands",
    "asian": "asia",
    "african": "africa",
    "european": "europe",
}

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}

IRREGULAR_PLURALS = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "data": "data",
    "media": "media",
    "series": "series",
    "news": "news",
    "analyses": "analysis",
    "indices": "index",
}
_KEEP_S = ("ss", "us", "is", "ous", "ics")

_QUOTED = re.compile(r"\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])")
_TOKEN = re.compile(r"\$?\d[\d,]*(?:\.\d+)?[kKmM]?\b|[^\W\d_]+|\d+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@dataclass(frozen=True)
class Token:
    """One word, number or quoted string of a question."""

    text: str
    kind: str = "word"
    number: float | None = None

    @property
    def stem(self) -> str:
        return singular(self.text) if self.kind == "word" else self.text


def singular(word: str) -> str:
    """The singular of an English plural; other words come back unchanged.

    >>> singular("countries"), singular("addresses"), singular("status")
    ('country', 'address', 'status')
    """
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=8192)
def identifier_words(name: str) -> tuple[str, ...]:
    """The lower-case singular words of an identifier, split on case and underscores.

    >>> identifier_words("LifeExpectancy"), identifier_words("order_items")
    (('life', 'expectancy'), ('order', 'item'))
    """
    words: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(_expanded(part))
    return tuple(singular(w) for w in words if w)


def _expanded(part: str) -> list[str]:
    """Camel-case pieces, short forms expanded; "LName" is "lname", that is last name."""
    pieces = [p.lower() for p in _CAMEL.findall(part)]
    if len(pieces) == 2 and len(pieces[0]) == 1 and "".join(pieces) in ABBREVIATIONS:
        pieces = ["".join(pieces)]
    return [w for p in pieces for w in ABBREVIATIONS.get(p, (p,))]


def synonyms(word: str) -> tuple[str, ...]:
    """Other words that mean ``word`` in a question about data."""
    found: list[str] = []
    for group in SYNONYM_GROUPS:
        if word in group:
            found.extend(w for w in group if w != word and w not in found)
    return tuple(found)


def normalise(question: str) -> str:
    """Typographic quotes made plain, contractions opened, possessives dropped."""
    text = question.replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"(?i)\b(can)'?t\b", r"\1 not", text)
    text = re.sub(r"(?i)\bwon'?t\b", "will not", text)
    text = re.sub(r"(?i)\b(\w+)n't\b", r"\1 not", text)
    text = re.sub(r"(?i)\b(haven|hasn|hadn|didn|doesn|don|isn|aren|wasn|weren)t\b", r"\1 not", text)
    text = re.sub(r"(?i)\b(have|has|had|did|does|do|is|are|was|were)n\b", r"\1", text)
    text = re.sub(r"(?i)\bwhat'?s\b", "what is", text)
    text = re.sub(r"(?i)\b(who|how|where|which|when)'s\b", r"\1 is", text)
    return re.sub(r"(?<=\w)'s\b", "", text)


def tokenize(question: str) -> list[Token]:
    """Words (lower case), numbers and quoted strings, in order."""
    tokens: list[Token] = []
    text = normalise(question)
    position = 0
    for match in _QUOTED.finditer(text):
        tokens.extend(_plain_tokens(text[position : match.start()]))
        tokens.append(Token(match.group(1) or match.group(2), "quoted"))
        position = match.end()
    tokens.extend(_plain_tokens(text[position:]))
    return tokens


def _plain_tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for raw in _TOKEN.findall(text):
        number = _number(raw)
        if number is not None:
            out.append(Token(raw.lower().lstrip("$"), "number", number))
        else:
            out.append(Token(raw.lower()))
    return out


def _number(raw: str) -> float | None:
    lowered = raw.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    cleaned = lowered.lstrip("$").replace(",", "")
    scale = {"k": 1e3, "m": 1e6}.get(cleaned[-1:], 1.0)
    cleaned = cleaned.rstrip("km")
    try:
        return float(cleaned) * scale
    except ValueError:
        return None


def value_words(value: str) -> tuple[str, ...]:
    """The lower-case words of a stored value, as a question would spell them."""
    return tuple(t.text for t in _plain_tokens(value) if t.kind in ("word", "number"))
