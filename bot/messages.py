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
    if answer.error_kind == "RateLimited":
        return RATE_LIMITED
    if answer.status == "refused":
        return refused(answer.error)
    if answer.status == "declined":
        return declined(answer.explanation or answer.error)
    if answer.status == "timeout":
        return timed_out(answer.error)
    if answer.error_kind == "ConnectionFailed":
        return unreachable(answer.error)
    if answer.error_kind in ("ModelUnavailable", "TranslationFailed"):
        return model_failed(answer.error)
    return failed(answer.error)


def unreachable(reason: str | None) -> str:
    """The database could not be reached or would not let us in."""
    said = f": {_clause(reason)}" if reason else ""
    return (
        f"I couldn't get into the database{said}. Try again in a minute; if it keeps "
        "failing, ask an admin to check the connection with `/sqlbot list`."
    )


def model_failed(reason: str | None) -> str:
    """The model did not answer, even after retries."""
    said = f": {_clause(reason)}" if reason else ""
    return f"I couldn't get an answer from the model{said}. Please try again in a minute."


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


# == admin: `/sqlbot` and the connect form (bot/admin*.py) ==========
# These texts are Slack mrkdwn. bot.admin escapes every value it passes in (hosts,
# tables, questions...) and passes channels and people as <#C…> and <@U…>.

ADMIN_WHO = "admins (SQLBOT_ADMINS, plus workspace admins and owners)"
_HELP_ANYONE = (
    ("`/ask &lt;question&gt;`", "`/ask how many customers are there in each country?`"),
    ("`@sqlbot &lt;question&gt;`", "answered in a thread; mention me there again to follow up"),
    ("`/sqlbot help`", "this text"),
    ("`/sqlbot list`", "the registered databases and the channels they answer in"),
    ("`/sqlbot schema [TABLE]`", "`/sqlbot schema customer`"),
    ("`/sqlbot history [N]`", "`/sqlbot history 20`: this channel's last questions"),
    ("`/sqlbot examples`", "the verified questions and queries I reuse for this database"),
)
_HELP_ADMIN = (
    (
        "`/sqlbot connect`",
        "opens a form; or `/sqlbot connect sales postgresql://reader:PASSWORD@db.internal/sales`",
    ),
    ("`/sqlbot use NAME`", "`/sqlbot use sales`: questions here go to sales"),
    ("`/sqlbot hide NAME TABLE[.COLUMN]`", "`/sqlbot hide sales customer.email`"),
    ("`/sqlbot unhide NAME TABLE[.COLUMN]`", "`/sqlbot unhide sales customer.email`"),
    ("`/sqlbot refresh [NAME]`", "`/sqlbot refresh sales`: read the tables again"),
    ("`/sqlbot history all [N]`", "`/sqlbot history all 50`: every channel's questions"),
    ("`/sqlbot forget NAME`", "`/sqlbot forget sales`, after a confirmation"),
    ("`/sqlbot pin TABLE…`", "`/sqlbot pin orders customers`: always shown to the model here"),
    ("`/sqlbot unpin TABLE…`", "`/sqlbot unpin orders`"),
    ("`/sqlbot examples remove ID`", "`/sqlbot examples remove 3`"),
)
CONNECT_USAGE = (
    "Use `/sqlbot connect` for a form, or `/sqlbot connect NAME URL [SCHEMA,…]`, for example "
    "`/sqlbot connect sales postgresql://reader:PASSWORD@db.internal:5432/sales`."
)
HIDE_USAGE = "Say what to hide: `/sqlbot hide NAME TABLE` or `/sqlbot hide NAME TABLE.COLUMN`."
UNHIDE_USAGE = "Say what to show again: `/sqlbot unhide NAME TABLE[.COLUMN]`."
HISTORY_USAGE = "Use `/sqlbot history`, `/sqlbot history 20` or (admins) `/sqlbot history all 20`."
FORGET_USAGE = "Say which connection to forget: `/sqlbot forget NAME` (see `/sqlbot list`)."
OWN_FILE = "That is sqlbot's own file, with its history and stored logins; register another one."
SCHEMA_CUT = (
    "That is only the start: invite me here (`/invite @sqlbot`) to get all of it as a file."
)
FORM_FAILED = (
    "Slack wouldn't open the form (it allows only a few seconds). Try `/sqlbot connect` "
    "again, or type `/sqlbot connect NAME URL`."
)
FORGET_BUTTON = "Forget it"
KEEP_BUTTON = "Keep it"

FORM_TITLE = "Connect a database"
FORM_SUBMIT = "Test and save"
FORM_CLOSE = "Cancel"
FORM_DONE = "Close"
FORM_INTRO = (
    "I'll connect, read the tables and only save the connection if that works. "
    "Use a login that can only read."
)
FORM_NAME = "Name"
FORM_NAME_HINT = "How people will refer to it, e.g. sales. Letters, digits, _ and -."
FORM_ENGINE_LABEL = "Engine"
FORM_HOST_LABEL = "Host"
FORM_PORT_LABEL = "Port"
FORM_DATABASE_LABEL = "Database (for SQLite: the file's path on the bot's machine)"
FORM_USER = "User"
FORM_PASSWORD = "Password"
FORM_PASSWORD_HINT = "Slack shows what you type here. I store it encrypted and never show it again."
FORM_SCHEMAS = "Schemas (optional)"
FORM_SCHEMAS_HINT = "Comma-separated; leave empty for every schema this login can see."
FORM_ENGINE = "Choose PostgreSQL, MySQL / MariaDB or SQLite."
FORM_DATABASE = "Say which database (or, for SQLite, which file)."
FORM_HOST = "Say which server: a host name or an IP address."
FORM_PORT = "A port is a number from 1 to 65535; leave it empty for the usual one."

_READ_ONLY_GRANTS = {
    "postgresql": (
        "CREATE ROLE sqlbot LOGIN PASSWORD 'choose-one';\n"
        "GRANT CONNECT ON DATABASE {database} TO sqlbot;\n"
        "GRANT USAGE ON SCHEMA public TO sqlbot;\n"
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO sqlbot;\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO sqlbot;\n"
        "ALTER ROLE sqlbot SET default_transaction_read_only = on;"
    ),
    "mysql": (
        "CREATE USER 'sqlbot'@'%' IDENTIFIED BY 'choose-one';\n"
        "GRANT SELECT, SHOW VIEW ON {database}.* TO 'sqlbot'@'%';"
    ),
}


def sqlbot_help(is_admin: bool) -> str:
    """`/sqlbot help`: every command with an example, and what this person may run."""
    lines = [
        "I answer questions about this channel's database with one read-only query.",
        "*For everyone*",
        *(f"• {command}: {example}" for command, example in _HELP_ANYONE),
        f"*For {ADMIN_WHO}*",
        *(f"• {command}: {example}" for command, example in _HELP_ADMIN),
    ]
    if is_admin:
        lines.append("You are an admin, so you can run all of these.")
    else:
        lines.append(f"You can run the commands for everyone; the others are for {ADMIN_WHO}.")
    return "\n".join(lines)


def unknown_subcommand(word: str, is_admin: bool) -> str:
    return f"I don't know `/sqlbot {word}`. Here is what I can do:\n" + sqlbot_help(is_admin)


def not_admin(command: str) -> str:
    """A refusal of an admin command."""
    return (
        f"Only sqlbot admins can run `/sqlbot {command}`. Ask one of the {ADMIN_WHO} "
        "to do it for you."
    )


def admin_failed(reason: str) -> str:
    return f"That didn't work: {_clause(reason)}. Check the command with `/sqlbot help`."


def checking(name: str) -> str:
    return f"Testing *{name}*: connecting and reading its tables…"


def name_taken(name: str) -> str:
    return f"{name} is the name of the default connection; choose another name."


def connect_failed(name: str, reason: str) -> str:
    """A connection test failed; ``reason`` says which part, never the password."""
    return (
        f"I couldn't register *{name}*: {_clause(reason)}. Nothing was saved. "
        "Check the details and try again."
    )


def connected(
    name: str,
    where: str,
    tables: int,
    *,
    replaced: bool,
    writable_dialect: str | None,
    database: str,
) -> str:
    """A connection passed its test and was saved; with a warning if it can write."""
    verb = "Updated" if replaced else "Registered"
    seen = "one table" if tables == 1 else f"{tables:,} tables"
    lines = [f"{verb} *{name}* ({where}): I can see {seen}."]
    if tables == 0:
        lines.append(
            "With no tables I can't answer anything: check the schema list and that "
            "this login may read the tables."
        )
    if writable_dialect:
        lines.append(_write_warning(writable_dialect, database))
    lines.append(f"Map a channel to it by typing `/sqlbot use {name}` there.")
    return "\n".join(lines)


def _write_warning(dialect: str, database: str) -> str:
    head = (
        ":warning: This login can change data. I only ever run reads, but a login that "
        "can only read is the safer third layer."
    )
    grants = _READ_ONLY_GRANTS.get(dialect)
    if grants is None:
        return f"{head} Make the file read-only for the bot's user, e.g. `chmod a-w` it."
    statements = grants.format(database=database)
    how = "For example, run this as an admin and register the new login:"
    return f"{head} {how}\n```\n{statements}\n```"


def use_usage(current: str | None, names: list[str]) -> str:
    here = f"This channel asks *{current}*." if current else "No database is mapped here."
    return f"{here} Map one with `/sqlbot use NAME`; registered: {_names(names)}."


def unknown_connection(name: str, names: list[str]) -> str:
    return f"There is no connection called {name}. Registered: {_names(names)}."


def now_using(name: str, where: str, who: str) -> str:
    return f"{who} mapped this channel to *{name}* ({where}). Questions asked here now go to it."


def no_connection(names: list[str]) -> str:
    """`/ask` (or `/sqlbot schema`) where no database is mapped and there is no default."""
    if not names:
        return (
            "No database is registered yet. An admin can add one with `/sqlbot connect`, "
            "then map this channel to it with `/sqlbot use NAME`."
        )
    return (
        "No database is mapped to this channel. An admin can map one by typing "
        f"`/sqlbot use NAME` here; registered: {_names(names)}."
    )


def list_line(name: str, where: str, channels: list[str], hidden: int) -> str:
    """One registered connection in `/sqlbot list`."""
    mapped = ", ".join(channels) if channels else "no channel yet"
    hides = f" · {hidden} hidden" if hidden else ""
    return f"• *{name}*: {where} · {mapped}{hides}"


def connection_list(lines: list[str], default: str | None, default_where: str | None) -> str:
    """`/sqlbot list`."""
    parts = ["*Registered databases*", *lines] if lines else ["No database is registered yet."]
    if default:
        parts.append(f"Channels without a mapping ask *{default}* ({default_where}).")
    elif lines:
        parts.append("Channels without a mapping have no database until an admin maps one.")
    return "\n".join(parts)


def row_estimate(rows: int | None) -> str:
    if rows is None:
        return "rows unknown"
    return row_count(rows)


def schema_title(name: str, tables: int) -> str:
    count = "1 table" if tables == 1 else f"{tables:,} tables"
    return f"*{name}* has {count}. `/sqlbot schema TABLE` shows one table's columns."


def table_title(table: str, name: str) -> str:
    return f"*{table}* in *{name}*:"


def schema_uploaded(title: str) -> str:
    return f"{title} It is long, so I posted it here as a file."


def no_such_table(table: str, name: str) -> str:
    return (
        f"I can't find {table} in *{name}*. `/sqlbot schema` lists its tables "
        "(write TABLE or TABLE.COLUMN)."
    )


def hidden(name: str, item: str, changed: bool) -> str:
    if not changed:
        return f"{item} was already hidden in *{name}*."
    return (
        f"Hidden {item} in *{name}*: the model won't see it, `/sqlbot schema` won't list "
        "it, and I'll refuse any query that reads it."
    )


def unhidden(name: str, item: str, changed: bool) -> str:
    if not changed:
        return f"{item} isn't hidden in *{name}*; `/sqlbot list` shows what is."
    return f"{item} in *{name}* is visible again."


def refreshed(name: str) -> str:
    return f"I'll read the tables of *{name}* afresh before the next question."


def history_line(
    *,
    status: str,
    rows: int,
    ms: float,
    who: str,
    when: str,
    question: str,
    where: str | None,
) -> str:
    """One question in `/sqlbot history`: status, rows, time, who (and where)."""
    place = f" in {where}" if where else ""
    figures = f"{row_count(rows)} · {duration(ms)}" if status == "ok" else duration(ms)
    return f"• `{status}` · {figures} · {who}{place} · {when}: {question}"


def history_list(lines: list[str], everywhere: bool) -> str:
    scope = "in every channel" if everywhere else "in this channel"
    if not lines:
        return f"No questions have been asked {scope} yet."
    return "\n".join([f"*The last {len(lines)} questions {scope}*, newest first:", *lines])


def forget_question(name: str, channels: list[str]) -> str:
    mapped = (
        f" {', '.join(channels)} will have no database until an admin maps another."
        if channels
        else ""
    )
    return f"Forget *{name}*, its stored login and what was hidden in it?{mapped}"


def forgotten(name: str, removed: bool) -> str:
    if not removed:
        return f"{name} was already gone."
    return f"Forgot {name}: its login, channel mappings and hidden list are deleted."


def kept(name: str) -> str:
    return f"Kept {name}; nothing changed."


def key_rotated(count: int, where: str, new_key: str | None) -> str:
    """What `python -m bot rotate-key` did; a key from the environment must be replaced there."""
    done = f"Re-encrypted {count} stored database login{'' if count == 1 else 's'} under a new key."
    if new_key is None:
        return f"{done} It is in {where}; the old key no longer opens them."
    return (
        f"{done} Set SQLBOT_SECRET_KEY to this new key before the next start; "
        f"the old one no longer opens them:\n{new_key}"
    )


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "none yet (`/sqlbot connect` adds one)"


# -- verified examples and pins ------------------------------------------------------

EXAMPLES_USAGE = "Use `/sqlbot examples` to list them, or `/sqlbot examples remove ID`."
FEEDBACK_VERIFIED = (
    "Thanks! I saved this question and its SQL as a verified example; I'll reuse it for "
    "similar questions."
)
FEEDBACK_ONLY_ASKER = (
    "Thanks for the feedback. Only the person who asked, or an admin, can mark an answer "
    "as verified."
)
FEEDBACK_DOWN_THANKS = "Thanks for telling me what was wrong; it is recorded for the admins."
FEEDBACK_TITLE = "What was wrong?"
FEEDBACK_LABEL = "What did you expect instead?"


def verified_by(user_mention: str) -> str:
    """Under an answer built on a verified example; the mention is already Slack markup."""
    return f"Based on a query verified by {user_mention}."


def pins_now(items: tuple[str, ...]) -> str:
    if not items:
        return "No tables are pinned in this channel. Pin some with `/sqlbot pin TABLE…`."
    return "Always shown to the model in this channel: " + ", ".join(f"`{i}`" for i in items)


def example_line(example_id: int, question: str, who: str) -> str:
    return f"• #{example_id}: {question} (verified by {who})"


def examples_list(connection: str, lines: list[str]) -> str:
    if not lines:
        return (
            f"No verified examples for *{connection}* yet. Press 👍 under a good answer to add one."
        )
    return f"Verified examples for *{connection}*:\n" + "\n".join(lines)


def example_removed(example_id: int, removed: bool) -> str:
    if removed:
        return f"Removed verified example #{example_id}."
    return f"There is no verified example #{example_id}; see `/sqlbot examples`."
