"""`python -m bot` — the Slack bot, and its terminal twins `console`, `ask` and `demo`."""

from __future__ import annotations

import argparse
import logging
import sys

from core.errors import SqlbotError
from core.secrets import install_log_redaction, redact
from core.settings import Settings, load_dotenv_file


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bot", description="sqlbot: ask your database.")
    top.add_argument("-v", "--verbose", action="store_true", help="log SQL and timings")
    commands = top.add_subparsers(dest="command")
    commands.add_parser("slack", help="run the Slack bot in Socket Mode (the default)")

    console = commands.add_parser("console", help="ask questions in this terminal")
    console.add_argument("--connection", metavar="URL", help="a database URL to ask instead")

    ask = commands.add_parser("ask", help="answer one question and exit")
    ask.add_argument("question")
    ask.add_argument("--connection", metavar="URL", help="a database URL to ask instead")
    ask.add_argument("--json", action="store_true", help="print one JSON object")

    commands.add_parser(
        "rotate-key", help="re-encrypt stored database logins under a new key (stop the bot first)"
    )

    demo = commands.add_parser("demo", help="write the demo shop into a database")
    demo.add_argument("--url", required=True, help="a PostgreSQL, MySQL or SQLite URL")
    demo.add_argument("--day", help="build the data as of this day (YYYY-MM-DD)")
    return top


def configure_logging(command: str | None, verbose: bool) -> None:
    """One redacted log stream; -v adds our own debug lines and nobody else's."""
    level = logging.WARNING if command in ("ask", "console") else logging.INFO
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)
    install_log_redaction()
    if verbose:
        # Only our own loggers: Slack's debug lines carry raw payloads, a connect form's
        # password among them, and Bolt copies the root level into its own loggers.
        for name in ("bot", "core"):
            logging.getLogger(name).setLevel(logging.DEBUG)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(args.command, args.verbose)
    load_dotenv_file()
    try:
        return _dispatch(args, Settings.from_env())
    except SqlbotError as exc:
        print(f"sqlbot: {redact(exc.reason)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        # The log line is redacted; a raw traceback could carry a connection URL.
        logging.getLogger("bot").exception("sqlbot stopped on an unexpected error")
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import console

    if args.command == "console":
        return console.interactive(settings, args.connection)
    if args.command == "ask":
        return console.ask_once(settings, args.question, args.connection, as_json=args.json)
    if args.command == "demo":
        return console.write_demo(args.url, args.day)
    if args.command == "rotate-key":
        return console.rotate_key(settings)
    from bot import runner

    runner.run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
