"""Every sentence a person reads from sqlbot: what happened, then what to do.

Texts here are plain: whoever puts them into Slack escapes them (``bot.blocks``), so a
database value or error quoted in a message can never ping or link anyone.
"""

from __future__ import annotations

import re
from typing import Any

from core.model import Answer
from core.render import number_text, value_text

# -- labels ------------------------------------------------------------------------------

SHOW_SQL = "Show SQL"
DOWNLOAD_CSV = "Download CSV"
FEEDBACK_UP = "👍"
FEEDBACK_DOWN = "👎"

# -- fixed messages ----------------------------------------------------------------------

WORKING = "Working on it…"
ASK_USAGE = (
    "Ask me a question about your data, for example "
    "`/ask how many customers are there in each state?`"
)
NO_ROWS = "No rows matched. Try a wider question: a longer date range or fewer conditions."
NOT_IN_CHANNEL = (
    "I'm not a member of this channel, so I can't post there. "
    "Invite me with `/invite @sqlbot`, then try again."
)
ANSWER_NOT_FOUND = (
    "I can't find that question any more; it may have been forgotten or asked elsewhere. "
    "Ask it again and I'll answer afresh."
)
RATE_LIMITED = "You're asking faster than I can answer. Wait a minute, then ask again."
FEEDBACK_THANKS = "Thanks for the feedback; it helps improve the answers."
INTERNAL_ERROR = (
    "Something broke on my side while answering. It has been logged; please try again in a minute."
)
POST_FAILED = (
    "I couldn't post the answer because Slack kept turning me away. Please try again in a minute."
)
SQL_TOO_LONG = "That SQL is too long to show in full here, so the rest was cut."
NO_MODEL_CONFIGURED = (
    "No language model is configured, so I can't translate questions yet. "
    "An admin can set OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible "
    "server such as Ollama) and SQLBOT_MODEL, then restart me; or set "
    "SQLBOT_TRANSLATOR=offline to use the built-in translator for simple questions."
)
DEMO_FAILED = "could not write the demo shop there; check the URL and that the server is running"
# TODO: list `connect`, `use`, `list`, `schema`, `history` and `forget` once they exist.
HELP = (
    "I answer questions about this channel's database with one read-only query.\n"
    "• `/ask <question>`: I answer here, with a table, the figures and buttons to "
    "show the SQL, download a CSV or rate the answer.\n"
    "• `@sqlbot <question>`: I answer in a thread; mention me again there for a follow-up.\n"
    "• `/sqlbot help`: this text.\n"
    "Commands to register databases and map channels are not available yet; "
    "until then I answer from the default connection."
)

# A lone number in these columns is a label, not a quantity: no thousands separators.
_LABEL_COLUMN = re.compile(r"(?i:^id|_id|year|code|zip|phone|number)$|[a-z]Id$|ID$")


def asked(who: str | None, question: str) -> str:
    """The echoed question; ``who`` and ``question`` come already formatted for Slack."""
    return f"{who} asked: {question}" if who else f"Question: {question}"


def single_value(column: str, value: Any) -> str:
    """A one-value answer as a sentence: "*Total*: 3,503"."""
    group = not _LABEL_COLUMN.search(column)
    text = value_text(value, group=group)
    return f"{column}: {text}" if "*" in column else f"*{column}*: {text}"


def rows_note(shown: int, total: int, truncated: bool, *, csv: bool = True) -> str | None:
    """What the preview leaves out, or None when it shows everything (FR-14)."""
    if truncated:
        # Rows were capped: ``total`` is only what was fetched, never the real count.
        todo = "Download the CSV or narrow the question." if csv else "Narrow the question."
        if shown < total:
            return f"Showing {shown:,} of the first {total:,} rows; there are more. {todo}"
        return f"These are the first {total:,} rows; there are more. {todo}"
    if shown < total:
        todo = "Download the CSV for all of them." if csv else "Ask for fewer rows to see them all."
        return f"Showing {shown:,} of {total:,} rows. {todo}"
    return None


def too_wide(*, csv: bool = True) -> str:
    """When not one row of the result fits in a message."""
    todo = "Use Download CSV to see it all." if csv else "Try asking for fewer columns."
    return f"This result is too wide to preview here. {todo}"


def context_line(answer: Answer) -> str:
    """The figures under an answer: "12 rows · 85 ms · chinook"."""
    parts = []
    if answer.status == "ok":
        parts.append(row_count(answer.row_count, capped=answer.truncated))
    parts += [duration(answer.ms), answer.connection]
    if answer.repairs:
        parts.append("needed a repair" if answer.repairs == 1 else "needed repairs")
    return " · ".join(parts)


def row_count(rows: int, *, capped: bool = False) -> str:
    """ "1 row", "12 rows"; "1,000+ rows" when the result was capped."""
    if capped:
        return f"{number_text(rows)}+ rows"
    return "1 row" if rows == 1 else f"{number_text(rows)} rows"


def duration(ms: float) -> str:
    """ "85 ms", "1.2 s", "2 min 5 s"."""
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s"


def failure_text(answer: Answer) -> str:
    """Why a question got no rows, and what to try, for every status but ok."""
    if answer.status == "refused":
        # The guard refuses SQL it was given; a refusal before any SQL is the rate limit.
        return refused(answer.error) if answer.sql else RATE_LIMITED
    if answer.status == "declined":
        return declined(answer.explanation or answer.error)
    if answer.status == "timeout":
        return timed_out(answer.error)
    return failed(answer.error)


def refused(reason: str | None) -> str:
    """The guard would not run the statement."""
    because = f": {_clause(reason)}" if reason else ""
    return (
        f"I didn't run that query{because}. I can only run a single read of existing data; "
        "try asking about existing rows instead."
    )


def declined(explanation: str | None) -> str:
    """No query could be built; the translator's own words say why."""
    if explanation == NO_MODEL_CONFIGURED:
        return explanation
    said = f" {_sentence(explanation)}" if explanation else ""
    return (
        f"I couldn't turn that into a query.{said} "
        "Try naming the tables or columns you mean, or ask a simpler question."
    )


def timed_out(reason: str | None) -> str:
    """The database stopped the query at the time limit (FR-13)."""
    said = _sentence(reason) if reason else "The query took too long and was cancelled."
    return (
        f"{said} Try a narrower question: a shorter date range, fewer tables, "
        "or a total instead of every row."
    )


def failed(reason: str | None) -> str:
    """Anything else that went wrong, in plain words."""
    said = f"Something went wrong: {_clause(reason)}." if reason else "Something went wrong."
    return (
        f"{said} Try asking again in other words; if it keeps failing, "
        "ask an admin to check the database connection."
    )


def csv_title(question: str, answer: Answer) -> str:
    """The title of an uploaded CSV file."""
    rows = f"first {answer.row_count:,} rows" if answer.truncated else row_count(answer.row_count)
    about = question.strip()[:150] or "sqlbot result"
    return f"{about} ({rows})"


def console_banner(connection: str, uses_llm: bool) -> str:
    """The first lines of `python -m bot console`."""
    how = (
        "with the configured language model"
        if uses_llm
        else "with the offline translator (set OPENAI_API_KEY or OPENAI_BASE_URL to use a model)"
    )
    return f"sqlbot on {connection}, {how}.\nType a question, or `quit` to leave."


def demo_written(day: str) -> str:
    """After `python -m bot demo` wrote the demo shop."""
    return f"Wrote the demo shop as of {day}."


def _clause(text: str) -> str:
    return text.strip().rstrip(".")


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
