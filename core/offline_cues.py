"""The fixed vocabulary of questions: words that ask for counts, order, filters, changes.

A cue is ``(kind, data)``. Words listed as fillers carry no meaning for the query;
any other word the translator cannot place makes it decline.
"""

from __future__ import annotations

Cue = tuple[str, object]


def _phrases(kind: str, data: object, *texts: str) -> dict[tuple[str, ...], Cue]:
    return {tuple(text.split()): (kind, data) for text in texts}


CUES: dict[tuple[str, ...], Cue] = {
    **_phrases("count", None, "how many", "number of", "total number of", "count of", "count"),
    **_phrases("count", None, "the number of", "numbers of", "amount of", "tally of"),
    **_phrases("agg", "avg", "average", "avg", "mean"),
    **_phrases("agg", "sum", "sum of", "sum", "total", "combined", "overall"),
    **_phrases("agg", "min", "minimum", "min"),
    **_phrases("agg", "max", "maximum", "max"),
    **_phrases("super", (True, "price"), "most expensive", "priciest", "dearest"),
    **_phrases("super", (False, "price"), "cheapest", "least expensive"),
    **_phrases("super", (True, "length"), "longest"),
    **_phrases("super", (False, "length"), "shortest"),
    **_phrases("super", (False, "age"), "youngest"),
    **_phrases("super", (True, "age"), "oldest"),
    **_phrases("super", (True, "weight"), "heaviest"),
    **_phrases("super", (False, "weight"), "lightest"),
    **_phrases("super", (True, "size"), "largest", "biggest"),
    **_phrases("super", (False, "size"), "smallest"),
    **_phrases("super", (True, "population"), "most populated", "most populous"),
    **_phrases("super", (True, "recency"), "most recent", "latest", "newest"),
    **_phrases("super", (False, "recency"), "earliest", "least recent"),
    **_phrases("super", (True, "quantity"), "most sold"),
    **_phrases("super", (True, None), "highest", "most", "greatest"),
    **_phrases("super", (False, None), "lowest", "least", "fewest"),
    **_phrases("super", (True, "count"), "largest number of", "greatest number of"),
    **_phrases("super", (True, "count"), "most number of", "highest number of"),
    **_phrases("super", (True, "count"), "greatest amount of", "largest amount of"),
    **_phrases("super", (False, "count"), "smallest number of", "lowest number of"),
    **_phrases("top", True, "top", "best", "leading"),
    **_phrases("top", False, "bottom", "worst"),
    **_phrases("super", (True, "common"), "most common", "most frequent"),
    **_phrases("super", (False, "common"), "least common", "least frequent"),
    **_phrases("super", (True, "popular"), "most popular", "best selling", "top selling"),
    **_phrases("super", (False, "popular"), "least popular", "worst selling"),
    **_phrases("cmp", (">", None), "more than", "over", "above", "greater than", "exceeding"),
    **_phrases("cmp", (">", None), "bigger than", "larger than", "higher than", "exceeds"),
    **_phrases("cmp", (">", None), "greater", "more", "bigger", "larger", "higher"),
    **_phrases("cmp", (">=", None), "at least", "no less than", "no fewer than", "minimum of"),
    **_phrases("cmp", ("<", None), "less than", "under", "below", "fewer than", "smaller than"),
    **_phrases("cmp", ("<", None), "lower than", "less", "fewer", "smaller", "lower"),
    **_phrases("cmp", ("<=", None), "at most", "no more than", "up to", "maximum of"),
    **_phrases("cmp", (">", "age"), "older than", "older"),
    **_phrases("cmp", ("<", "age"), "younger than", "younger"),
    **_phrases("cmp", (">", "weight"), "heavier than", "heavier"),
    **_phrases("cmp", ("<", "weight"), "lighter than", "lighter"),
    **_phrases("cmp", (">", "length"), "longer than", "longer"),
    **_phrases("cmp", ("<", "length"), "shorter than", "shorter"),
    **_phrases("cmp", ("<", "price"), "cheaper than", "cheaper"),
    **_phrases("cmp", (">", "price"), "more expensive than", "pricier than"),
    **_phrases("cmp", ("=", None), "equal to", "equals", "exactly", "equal"),
    **_phrases("cmp", ("between", None), "between"),
    **_phrases("orabove", ">=", "or more", "or greater", "or above", "or higher", "or over"),
    **_phrases("orabove", "<=", "or less", "or fewer", "or below", "or lower", "or under"),
    **_phrases("group", None, "per", "by", "for each", "in each", "each", "for every", "every"),
    **_phrases("group", None, "grouped by", "group by", "broken down by", "split by"),
    **_phrases("order", None, "sorted by", "sort by", "ordered by", "order by", "ranked by"),
    **_phrases("order", None, "in order of", "sorted", "ordered", "arranged by", "sorted on"),
    **_phrases("order", True, "in descending order of", "in descending order by"),
    **_phrases("order", False, "in ascending order of", "in ascending order by"),
    **_phrases("dir", True, "descending", "desc", "in descending order", "descending order"),
    **_phrases("dir", True, "highest first", "largest first", "biggest first", "most first"),
    **_phrases("dir", True, "high to low", "from highest to lowest", "highest to lowest"),
    **_phrases("dir", True, "newest first", "latest first", "most recent first"),
    **_phrases("dir", False, "ascending", "asc", "in ascending order", "ascending order"),
    **_phrases("dir", False, "lowest first", "smallest first", "least first", "oldest first"),
    **_phrases("dir", False, "low to high", "from lowest to highest", "lowest to highest"),
    **_phrases("dir", False, "in alphabetical order", "alphabetically", "alphabetical order"),
    **_phrases("dir", False, "a to z", "from a to z"),
    **_phrases("dir", True, "from the oldest to the youngest", "from oldest to youngest"),
    **_phrases("dir", True, "oldest to youngest"),
    **_phrases("dir", False, "from the youngest to the oldest", "from youngest to oldest"),
    **_phrases("dir", False, "youngest to oldest"),
    **_phrases("distinct", None, "distinct", "different", "unique"),
    **_phrases("neg", None, "without", "not", "never", "no", "none", "lacking", "without any"),
    **_phrases("neg", None, "without a", "without an", "with no", "no longer"),
    **_phrases("have", None, "with", "have", "has", "having", "had", "got", "containing a"),
    **_phrases("and", None, "and", "as well as", "along with", "together with", "plus"),
    **_phrases("or", None, "or", "either"),
    **_phrases("like", "contains", "containing", "contains", "contain", "that contain"),
    **_phrases("like", "contains", "including the word", "with the word", "containing the word"),
    **_phrases("like", "contains", "contain the word", "contains the word", "include"),
    **_phrases("like", "starts", "starting with", "starts with", "beginning with", "begins with"),
    **_phrases("like", "starts", "start with", "begin with"),
    **_phrases("like", "ends", "ending with", "ends with", "end with", "ending in"),
    **_phrases("null", None, "missing", "empty", "blank", "null", "unknown", "unset"),
    **_phrases("than", None, "than", "then", "than that of", "compared to"),
    **_phrases("measure", "money", "revenue", "sales", "spent", "spend", "spending", "income"),
    **_phrases("measure", "money", "turnover", "earnings", "money", "sale", "sold for"),
    **_phrases("measure", "quantity", "sold", "units sold", "quantity sold", "units"),
    **_phrases("event", "signup", "signed up", "sign up", "registered", "joined", "signups"),
    **_phrases("event", "login", "logged in", "log in", "logged on", "signed in", "logins"),
    **_phrases("event", "login", "seen", "active", "visited"),
    **_phrases("event", "hire", "hired", "started"),
    **_phrases("event", "birth", "born"),
    **_phrases("event", "order", "ordered", "placed an order", "placed orders", "bought"),
    **_phrases("event", "order", "purchased", "made a purchase"),
    **_phrases("event", "ship", "shipped"),
    **_phrases("event", "release", "released"),
    **_phrases("event", "new", "new"),
    **_phrases("event", "invoice", "invoiced", "billed"),
    **_phrases("id", None, "id", "ids", "identifier", "identifiers"),
    **_phrases("own", None, "their", "its", "his", "her", "with their", "and their"),
    **_phrases("own", None, "with its", "and its", "along with their"),
    **_phrases("both", None, "both", "all of", "except", "other than", "but not", "apart from"),
    **_phrases("both", None, "same", "only", "than any", "than all", "but", "per cent"),
}

# Asking for a change: never answered, whatever else the question says.
CHANGE_VERBS = frozenset(
    "delete remove drop truncate update insert alter create add rename replace grant revoke "
    "set modify change erase purge wipe destroy overwrite merge upsert".split()
)

FILLERS = frozenset(
    """
    a an the of in on at to for from into about as is are was were be been being am it its
    this that these those there here what which who whom whose where when how why do does did
    done doing we us our i me my you your they them their he she his her one ones s
    show list give get find display return tell fetch pull see view print report lookup look
    please pls plz can could would should will shall may might must let know want need like
    all any every some also just currently ever so then now still already each other
    info information detail details data record records row rows entry entries everything
    thing things stuff whole full complete entire kind sort set
    live lives living located locate situated belong belongs belonging based
    made make makes making handle handles handled handling place places placed
    serve serves served serving support supports supported supporting help helps helped
    own owns owned owning raised keep keeps kept play plays played playing perform performed
    performs speak speaks spoken speaking use uses used using occur occurred occurs happen
    happened happens write wrote written writes take took taken took work works worked
    assigned associated related linked attached belonged appear appears appeared feature
    featured features hold holds held go goes went come comes came exist exists existing
    called named titled known listed recorded registered stored available
    our hey hi hello thanks thank ok okay yeah right currently overall
    dollar dollars usd bucks euro euros eur pound pounds gbp
    do we have there are
    """.split()
)
