"""Proof that a statement is one bounded read, and the SQL to run in its place.

``check`` parses the statement with sqlglot in the connection's dialect, walks the whole
tree and refuses anything but one SELECT, WITH ... SELECT or set operation that neither
writes, locks, sleeps, reaches files or other servers, nor reads secrets or hidden columns.
It returns sqlglot's rendering of that tree with a LIMIT, so nothing the guard did not see
(a comment, an optimizer hint, a second statement) ever reaches the database.

A refusal is an ``UnsafeQuery``: ``reason`` is a fragment for users ("that would change
data") and ``detail`` starts with the kind of refusal, e.g. ``"write: Delete"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError
from sqlglot.generators.mysql import MySQLGenerator
from sqlglot.tokenizer_core import Token, TokenType

from core.errors import UnsafeQuery

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}

# A refusal is (kind, words for the user); the kind leads ``detail`` for the history.
Refusal = tuple[str, str]
WRITE: Refusal = ("write", "that would change data")
PROCEDURE: Refusal = ("write", "that runs code I cannot check, which may change data")
DDL: Refusal = ("ddl", "that would change the database's structure")
CREATES_TABLE: Refusal = ("ddl", "that would create a table")
STACKED: Refusal = ("stacked", "that is several statements; I run one query at a time")
LOCKS_ROWS: Refusal = ("lock", "that locks rows")
LOCKS_TABLES: Refusal = ("lock", "that locks tables")
DCL: Refusal = ("dcl", "that would change who may do what")
SESSION: Refusal = ("session", "that would change the session's settings")
WRITES_FILE: Refusal = ("file", "that writes to a file")
FILES: Refusal = ("file", "that reads or writes files on the database server")
ADMIN: Refusal = ("admin", "that is an administrative command I don't run")
NOT_A_QUERY: Refusal = ("admin", "that is not a SELECT query, and SELECT is all I run")
GARBAGE: Refusal = ("garbage", "I could not read that as SQL")
EMPTY: Refusal = ("garbage", "there is no query in that")
TOO_LONG: Refusal = ("garbage", "that is too long for me to check")

# Parsing is pure Python and grows with the text; no question needs a longer query.
MAX_SQL_CHARS = 100_000

# Functions refused on every engine: (kind, why, names; "*" is a wildcard). A name that is
# dangerous on one engine is at worst unknown on another, so one list serves all three.
FUNCTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Sleeping holds a connection and a server worker for as long as asked.
    ("dos", "I don't run", ("pg_sleep*", "sleep", "benchmark", "*_pos_wait", "wait_*")),
    # The server's own files lie outside every table grant; load_extension runs native code.
    (
        "file",
        "reaches files on the database server",
        ("pg_read_file", "pg_read_binary_file", "pg_ls_*", "pg_stat_file", "pg_file_*")
        + ("pg_logdir_ls", "lo_import", "lo_export", "load_file", "readfile", "writefile")
        + ("load_extension", "fts3_tokenizer"),
    ),
    # They open connections to other servers from inside the database.
    ("network", "connects to other servers", ("dblink*", "http", "http_*")),
    # SQL handed over as text runs where this guard never sees it.
    (
        "admin",
        "runs SQL text I cannot check",
        ("query_to_xml*", "cursor_to_xml*", "table_to_xml*", "schema_to_xml*")
        + ("database_to_xml*", "ts_stat", "ts_rewrite", "pg_background_*"),
    ),
    # Settings could switch off the read-only session or the statement timeout.
    ("session", "changes settings", ("set_config", "set_var")),
    # They signal other sessions, or reload, back up or reconfigure the server.
    (
        "admin",
        "acts on the server or on other sessions",
        ("pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend", "pg_reload_conf")
        + ("pg_rotate_logfile*", "pg_switch_*", "pg_promote", "pg_create_restore_point")
        + ("pg_start_backup", "pg_stop_backup", "pg_backup_*", "pg_*replication_slot*")
        + ("pg_replication_origin_*", "pg_logical_*", "pg_wal_replay_*", "pg_stat_reset*")
        + ("pg_log_backend_memory_contexts", "pg_import_system_collations", "pg_notify")
        + ("sys_exec", "sys_eval"),
    ),
    # Sequences and large objects change even when called from a SELECT.
    (
        "write",
        "changes data",
        ("nextval", "setval", "lo_creat*", "lo_unlink", "lo_put", "lo_from_bytea", "lo_truncate*")
        + ("lowrite",),
    ),
    # The server's settings and its own identity are not the team's data.
    (
        "secrets",
        "describes the server, not your data",
        ("current_setting", "pg_show_all_settings", "inet_server_addr", "inet_server_port"),
    ),
    # Asking for a transaction id assigns one: a write to the server's state.
    ("write", "changes the server's state", ("txid_current*", "pg_current_xact_id*")),
    # Advisory locks outlive the query and can block other people's work.
    (
        "lock",
        "takes a lock",
        ("pg_advisory*", "pg_try_advisory*", "get_lock", "release_lock", "release_all_locks"),
    ),
)
_FUNCTION_PATTERNS = [
    (kind, why, re.compile("|".join(n.replace("*", ".*") for n in names) + r"\Z"))
    for kind, why, names in FUNCTIONS
]

# Catalogs that hold password hashes or stored passwords. A bare name matches in any
# schema; MySQL's are qualified because "user" alone is a common table of one's own.
SECRET_TABLES = frozenset(
    {"pg_shadow", "pg_authid", "pg_user_mapping", "pg_user_mappings", "user_mapping_options"}
    | {"mysql.user", "mysql.global_priv", "mysql.password_history", "mysql.servers"}
    | {"mysql.slave_master_info"}
)

# Catalogs that show other people's sessions and queries or the server's configuration.
SERVER_TABLES = frozenset(
    {"pg_stat_activity", "pg_stat_statements", "pg_settings", "pg_file_settings"}
    | {"pg_hba_file_rules", "pg_ident_file_mappings", "pg_stat_ssl", "pg_stat_gssapi"}
    | {"pg_config", "information_schema.processlist", "information_schema.user_privileges"}
)
# Planner statistics keep copies of column values (most common values, histograms), out
# of reach of the hidden-column checks.
STATISTICS_TABLES = frozenset(
    {"pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_statistic_ext_data"}
    | {"information_schema.column_statistics", "mysql.column_stats", "sqlite_stat1"}
    | {"sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)
# MySQL's own schemas hold accounts, grants and live sessions, never a team's data.
SERVER_SCHEMAS = frozenset({"mysql", "performance_schema", "sys"})

# Nodes that are never part of a read, wherever they sit (a CTE, a subquery, a branch).
_NODES: tuple[tuple[tuple[type[exp.Expr], ...], Refusal], ...] = (
    ((exp.Copy, exp.LoadData, exp.Export, exp.Attach, exp.Detach), FILES),
    ((exp.DML, exp.NextValueFor), WRITE),
    ((exp.Into,), CREATES_TABLE),
    ((exp.Lock,), LOCKS_ROWS),
    ((exp.LockingStatement,), LOCKS_TABLES),
    ((exp.Grant, exp.Revoke), DCL),
    ((exp.Set, exp.Pragma, exp.Use, exp.AlterSession), SESSION),
    ((exp.Transaction, exp.Commit, exp.Rollback), SESSION),
    ((exp.Create, exp.Drop, exp.Alter, exp.TruncateTable), DDL),
    ((exp.Analyze, exp.Kill, exp.Cache, exp.Uncache, exp.Refresh), ADMIN),
)
# Whatever else sqlglot files under statements is not a read either (SHOW, DESCRIBE...).
_STATEMENT_MODULES = ("sqlglot.expressions.ddl", "sqlglot.expressions.dml")

# How the first word of a statement sqlglot could not model names what it would do. Used
# only to word a refusal: such a statement is refused whatever its first word.
_FIRST_WORDS: dict[str, Refusal] = {
    **dict.fromkeys(["INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT"], WRITE),
    **dict.fromkeys(["CALL", "DO", "EXECUTE", "EXEC"], PROCEDURE),
    **dict.fromkeys(["CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME", "COMMENT"], DDL),
    **dict.fromkeys(["LOCK", "UNLOCK"], LOCKS_TABLES),
    **dict.fromkeys(["GRANT", "REVOKE"], DCL),
    **dict.fromkeys(["SET", "RESET", "DISCARD", "HANDLER", "PRAGMA", "USE"], SESSION),
    **dict.fromkeys(["BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT"], SESSION),
    **dict.fromkeys(["LISTEN", "NOTIFY", "UNLISTEN", "PREPARE", "DEALLOCATE"], SESSION),
    **dict.fromkeys(["COPY", "LOAD", "ATTACH", "DETACH", "IMPORT", "EXPORT"], FILES),
    **dict.fromkeys(["VACUUM", "REINDEX", "CLUSTER", "CHECKPOINT", "FLUSH", "KILL"], ADMIN),
    **dict.fromkeys(["OPTIMIZE", "REPAIR", "INSTALL", "UNINSTALL", "SHUTDOWN"], ADMIN),
}


def check(
    sql: str,
    dialect: str,
    limit: int | None,
    hidden: Collection[str] = (),
    database: str | None = None,
) -> str:
    """Return the one bounded read ``sql`` stands for, or raise ``UnsafeQuery`` saying why not.

    ``dialect`` is "sqlite", "postgresql" or "mysql"; ``limit`` caps the rows at the
    outermost level (None leaves the query's own LIMIT alone); ``hidden`` holds lowercase
    "table" or "table.column" names that must never be read; ``database``, on MySQL, is the
    one database names may be qualified with.
    """
    engine = _engine(dialect)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    if len(sql) > MAX_SQL_CHARS:
        raise _refusal(TOO_LONG, f"{len(sql)} characters")

    tree = _parse_one(sql, engine)
    _refuse_unsafe_nodes(tree)
    if dialect == "mysql" and database:
        _refuse_other_databases(tree, database)
    query = _as_query(tree)
    _refuse_hidden(query, {_fold(name) for name in hidden})

    if limit is not None:
        query = _bounded(query, limit)
    return _render(query, engine)


def _engine(dialect: str) -> sqlglot.Dialect:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    return sqlglot.Dialect.get_or_raise(DIALECTS[dialect])


def _refusal(refusal: Refusal, detail: str) -> UnsafeQuery:
    kind, reason = refusal
    plain = re.sub(r"\x1b\[[0-9;]*m", "", detail)  # sqlglot underlines the spot for terminals
    return UnsafeQuery(reason, f"{kind}: {plain}")


def _fold(name: str) -> str:
    """Fold a name the way a lenient engine might compare it.

    >>> _fold("ＰＧ_Sleep")
    'pg_sleep'
    """
    return unicodedata.normalize("NFKC", name).casefold()


def _parse_one(sql: str, engine: sqlglot.Dialect) -> exp.Expr:
    try:
        tokens = engine.tokenize(sql)
    except SqlglotError as error:
        raise _refusal(GARBAGE, str(error)) from None
    _refuse_by_tokens(tokens)

    try:
        trees = [tree for tree in engine.parser().parse(tokens, sql) if tree is not None]
    except SqlglotError as error:
        raise _refusal(_words_refusal(_words(tokens), GARBAGE), str(error)) from None
    except RecursionError:  # sqlglot parses nesting recursively; a hundred levels is enough
        raise _refusal(GARBAGE, "nested too deeply to parse") from None
    if len(trees) != 1:  # the tokens said one statement; sqlglot must agree
        raise _refusal(GARBAGE if not trees else STACKED, f"{len(trees)} statements")
    return trees[0]


def _refuse_by_tokens(tokens: list[Token]) -> None:
    statements = _split_statements(tokens)
    if not statements:
        raise _refusal(EMPTY, "no tokens")
    if len(statements) > 1:
        raise _refusal(STACKED, f"{len(statements)} statements")

    for token in tokens:
        if token.token_type == TokenType.VAR and _is_disguised(token.text):
            raise _refusal(GARBAGE, f"look-alike or invisible characters in {token.text!r}")


def _is_disguised(word: str) -> bool:
    """Whether an unquoted word hides behind fullwidth, look-alike or invisible characters.

    >>> _is_disguised("ｐｇ_sleep"), _is_disguised("pg_\u200bsleep"), _is_disguised("café")
    (True, True, False)
    """
    if word.isascii():
        return False
    invisible = any(unicodedata.category(char)[0] in "CZ" for char in word)
    return invisible or unicodedata.normalize("NFKC", word) != word


def _split_statements(tokens: list[Token]) -> list[list[Token]]:
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append([])
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def _words(tokens: Iterable[Token]) -> list[str]:
    return [t.text.upper() for t in tokens if t.token_type not in (TokenType.STRING,)]


def _words_refusal(words: list[str], default: Refusal) -> Refusal:
    """Name what a statement sqlglot could not model would do, from its words."""
    if {"OUTFILE", "DUMPFILE"} & set(words) or words[:1] == ["VACUUM"] and "INTO" in words:
        return WRITES_FILE
    if words[:1] == ["EXPLAIN"]:  # EXPLAIN ANALYZE runs the statement it explains
        inner = [_FIRST_WORDS[w] for w in words[1:] if w in _FIRST_WORDS]
        return inner[0] if inner else NOT_A_QUERY
    return _FIRST_WORDS.get(words[0], default) if words else default


def _refuse_unsafe_nodes(tree: exp.Expr) -> None:
    hints = []
    for node in tree.walk(prune=lambda node: isinstance(node, exp.Hint)):
        if isinstance(node, exp.Hint):
            hints.append(node)
            continue
        refusal = _node_refusal(node)
        if refusal is not None:
            raise _refusal(refusal[0], refusal[1])

    # Hints can lift our timeout (MAX_EXECUTION_TIME, SET_VAR); results never depend on them.
    for hint in hints:
        hint.pop()


def _node_refusal(node: exp.Expr) -> tuple[Refusal, str] | None:
    if isinstance(node, exp.Command):
        words = f"{node.name} {node.text('expression')}".upper().split()
        return _words_refusal(words, NOT_A_QUERY), f"Command {node.name}"
    refusal = _type_refusal(type(node))
    if refusal is not None:
        return refusal
    if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
        return _function_refusal(_fold(node.name))
    if isinstance(node, exp.Table):
        return _secret_refusal(node)
    return None


_TYPE_REFUSALS: dict[type[exp.Expr], tuple[Refusal, str] | None] = {}


def _type_refusal(node_type: type[exp.Expr]) -> tuple[Refusal, str] | None:
    # Trees hold a few dozen node types; deciding once per type keeps the walk quick.
    if node_type not in _TYPE_REFUSALS:
        _TYPE_REFUSALS[node_type] = _refusal_of_type(node_type)
    return _TYPE_REFUSALS[node_type]


def _refusal_of_type(node_type: type[exp.Expr]) -> tuple[Refusal, str] | None:
    """How a node of this type is refused whatever it holds, if it is."""
    for types, refusal in _NODES:
        if issubclass(node_type, types):
            return refusal, node_type.__name__
    if node_type.__module__ in _STATEMENT_MODULES:
        return NOT_A_QUERY, node_type.__name__
    if issubclass(node_type, exp.Func) and not issubclass(
        node_type, (exp.Anonymous, exp.AnonymousAggFunc)
    ):  # a function sqlglot models answers to any of its SQL names
        found = (_function_refusal(name.lower()) for name in node_type.sql_names())
        return next((refusal for refusal in found if refusal is not None), None)
    return None


def _function_refusal(name: str) -> tuple[Refusal, str] | None:
    for kind, why, pattern in _FUNCTION_PATTERNS:
        if pattern.match(name):
            return (kind, f"that calls {name}, which {why}"), f"function {name}"
    return None


def _secret_refusal(table: exp.Table) -> tuple[Refusal, str] | None:
    name = _fold(table.name)
    for candidate in (f"{_fold(table.db)}.{name}", name):
        if candidate in SECRET_TABLES:
            reason = f"that reads {candidate}, which holds password hashes"
            return ("secrets", reason), f"table {candidate}"
        if candidate in STATISTICS_TABLES:
            reason = f"that reads {candidate}, which holds copies of column values"
            return ("secrets", reason), f"table {candidate}"
        if candidate in SERVER_TABLES or _fold(table.db) in SERVER_SCHEMAS:
            reason = f"that reads {candidate}, which describes the server, not your data"
            return ("secrets", reason), f"table {candidate}"
    return None


def _refuse_other_databases(tree: exp.Expr, database: str) -> None:
    """On MySQL a qualified name can reach any database the login can: stay in this one."""
    home = _fold(database)
    for table in tree.find_all(exp.Table):
        if table.db and _fold(table.db) != home:
            reason = f"that reads the database {table.db}, and I only read {database} here"
            raise UnsafeQuery(reason, f"secrets: database {table.db}")


def _as_query(tree: exp.Expr) -> exp.Query:
    # Plain parentheses around the whole query add nothing, and SQLite rejects them.
    while isinstance(tree, exp.Subquery) and tree.is_wrapper:
        tree = tree.this
    if not isinstance(tree, (exp.Select, exp.SetOperation, exp.Subquery)):
        raise _refusal(NOT_A_QUERY, type(tree).__name__)
    return tree


def _refuse_hidden(query: exp.Query, hidden: set[str]) -> None:
    if not hidden:
        return
    tables = list(query.find_all(exp.Table))
    for table in tables:
        if _fold(table.name) in hidden:
            raise _hidden(_fold(table.name))

    # Only columns of tables this query reads matter: table -> its hidden column names.
    present = {_fold(table.name) for table in tables}
    columns: dict[str, set[str]] = {}
    for entry in hidden:
        owner, dot, column = entry.rpartition(".")
        if dot and owner in present:
            columns.setdefault(owner, set()).add(column)
    if not columns:
        return

    for table in tables:
        # An alias column list, t(a, b, m), renames every column: the names below would lie.
        alias = table.args.get("alias")
        if _fold(table.name) in columns and alias is not None and alias.args.get("columns"):
            raise _hidden(f"{_fold(table.name)}.{sorted(columns[_fold(table.name)])[0]}")

    scopes: dict[int, set[str]] = {}  # id of a SELECT -> tables in its own FROM and JOINs
    for table in tables:
        scopes.setdefault(id(table.find_ancestor(exp.Select)), set()).add(_fold(table.name))
    aliases = {_fold(t.alias_or_name): _fold(t.name) for t in tables} | {t: t for t in present}
    _refuse_hidden_columns(query, columns, aliases, scopes)
    _refuse_hidden_stars(query, columns, scopes)


def _hidden(name: str) -> UnsafeQuery:
    return _refusal(("hidden", f"that reads {name}, which an admin has hidden"), name)


def _refuse_hidden_columns(
    query: exp.Query,
    columns: dict[str, set[str]],
    aliases: dict[str, str],
    scopes: dict[int, set[str]],
) -> None:
    for column in query.find_all(exp.Column):
        name = _fold(column.name)
        owner = aliases.get(_fold(column.table)) if column.table else None
        if owner in columns and (isinstance(column.this, exp.Star) or name in columns[owner]):
            raise _hidden(f"{owner}.{name if name in columns[owner] else min(columns[owner])}")
        if not column.table:
            _refuse_unqualified(column, name, columns, aliases, scopes)

    for join in query.find_all(exp.Join):  # JOIN ... USING (email) compares emails too
        for ident in join.args.get("using") or ():
            _refuse_unqualified(join, _fold(ident.name), columns, aliases, scopes)


def _refuse_unqualified(
    node: exp.Expr,
    name: str,
    columns: dict[str, set[str]],
    aliases: dict[str, str],
    scopes: dict[int, set[str]],
) -> None:
    visible = _visible_tables(node, scopes)
    for owner, names in columns.items():
        if name in names and (visible is None or owner in visible):
            raise _hidden(f"{owner}.{name}")

    # PostgreSQL reads a whole row when a table's name or alias is used as a value.
    whole = aliases.get(name)
    if whole in columns:
        raise _hidden(f"{whole}.{min(columns[whole])}")


def _visible_tables(node: exp.Expr, scopes: dict[int, set[str]]) -> set[str] | None:
    """Tables an unqualified name at ``node`` may belong to; None when that is unclear."""
    select = node.find_ancestor(exp.Select)
    if select is None:  # e.g. ORDER BY of a UNION: could be any branch's column
        return None
    visible: set[str] = set()
    while select is not None:  # correlated subqueries see the tables of enclosing SELECTs
        visible |= scopes.get(id(select), set())
        select = select.find_ancestor(exp.Select)
    return visible


def _refuse_hidden_stars(
    query: exp.Query, columns: dict[str, set[str]], scopes: dict[int, set[str]]
) -> None:
    for select in query.find_all(exp.Select):
        natural = any(j.args.get("method") == "NATURAL" for j in select.args.get("joins") or ())
        if not natural and not any(isinstance(e, exp.Star) for e in select.expressions):
            continue
        guarded = sorted(scopes.get(id(select), set()) & columns.keys())
        if guarded:
            raise _hidden(f"{guarded[0]}.{min(columns[guarded[0]])}")


def _bounded(query: exp.Query, limit: int) -> exp.Query:
    """Return ``query`` returning at most ``limit`` rows, keeping any smaller own LIMIT."""
    current = query.args.get("limit")
    if current is None or _is_limit_all(current):
        query.set("limit", exp.Limit(expression=exp.Literal.number(limit)))
        return query

    rows = _row_count(current)
    if rows is None:  # an expression or WITH TIES: only an outer query can bound it
        return exp.select("*").from_(query.subquery("bounded", copy=False)).limit(limit)
    if rows > limit:
        current.set("count" if isinstance(current, exp.Fetch) else "expression", _number(limit))
    return query


def _is_limit_all(node: exp.Expr) -> bool:
    """PostgreSQL's LIMIT ALL, which is no limit at all."""
    expression = node.expression if isinstance(node, exp.Limit) else None
    return isinstance(expression, exp.Var) and expression.name.upper() == "ALL"


def _row_count(node: exp.Expr) -> int | None:
    if isinstance(node, exp.Fetch):
        options = node.args.get("limit_options")
        if options is not None and (options.args.get("percent") or options.args.get("with_ties")):
            return None
        count = node.args.get("count") or _number(1)  # FETCH FIRST ROW ONLY is one row
    else:
        count = node.expression
    if isinstance(count, exp.Literal) and count.is_int:
        return int(count.name)
    return None


def _number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


class _MySQLGenerator(MySQLGenerator):
    """MySQL output that keeps its meaning on MySQL and MariaDB alike."""

    # Quoted, `DUAL` would name a table that does not exist.
    RESERVED_KEYWORDS = MySQLGenerator.RESERVED_KEYWORDS - {"dual"}

    def regexplike_sql(self, expression: exp.RegexpLike) -> str:
        # MariaDB has the REGEXP operator but no REGEXP_LIKE function.
        if expression.args.get("flag"):
            return self.function_fallback_sql(expression)
        return self.binary(expression, "REGEXP")


def _render(query: exp.Query, engine: sqlglot.Dialect) -> str:
    # Comments go: MySQL runs /*! ... */ and pg_hint_plan reads /*+ ... */ as instructions.
    kind = _MySQLGenerator if engine.generator_class is MySQLGenerator else engine.generator_class
    generator = kind(
        dialect=engine,
        comments=False,
        normalize_functions=False,
        unsupported_level=ErrorLevel.RAISE,
    )
    try:
        return generator.generate(query, copy=False)
    except SqlglotError as error:  # sqlglot would drop part of it: better not run it at all
        raise _refusal(GARBAGE, str(error)) from None
    except RecursionError:
        raise _refusal(GARBAGE, "nested too deeply to render") from None
