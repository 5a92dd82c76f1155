"""The supportbot command line: serve, socket, db upgrade, config check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot import logs
from bot.config import Plan, Settings, load_plan, mask_url, plan_as_yaml
from bot.errors import ConfigError
from bot.store import Mode, open_database, upgrade

log = logging.getLogger("supportbot")
# The playground keeps its demo data apart from a real supportbot.db.
PLAYGROUND_DATABASE = "sqlite:///supportbot-playground.db"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supportbot",
        description="Post-launch support run from Slack: incidents, paging, runbooks, checklists.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="HTTP mode: Slack requests at POST /slack/events")
    commands.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    playground = commands.add_parser(
        "playground", help="the bot and a local Slack emulator in your browser (no workspace)"
    )
    for listener in (serve, playground):
        listener.add_argument("--host", default="127.0.0.1")
        listener.add_argument("--port", type=int, default=3000)
        listener.add_argument(
            "--public-playground",
            action="store_true",
            help="let the playground listen on a non-loopback address: anyone who reaches it"
            " can act as any user",
        )
    db = commands.add_parser("db", help="database tasks")
    db.add_subparsers(dest="db_command", required=True, metavar="TASK").add_parser(
        "upgrade", help="apply Alembic migrations"
    )
    config = commands.add_parser("config", help="config tasks")
    config.add_subparsers(dest="config_command", required=True, metavar="TASK").add_parser(
        "check", help="validate the config and print the effective plan"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `supportbot` console script."""
    args = _parser().parse_args(argv)
    logs.configure(logging.INFO)
    settings = Settings.from_env()
    try:
        plan = load_plan(settings.config_path)
        if args.command == "config":
            return _config_check(settings, plan)
        if args.command == "db":
            upgrade(settings.database_url)
            print("database is up to date")
            return 0
        if args.command == "socket":
            return _socket(settings, plan)
        if args.command == "playground":
            return _playground(settings, plan, args.host, args.port, args.public_playground)
        return _serve(settings, plan, args.host, args.port, args.public_playground)
    except ConfigError as error:
        print(f"supportbot: {error}", file=sys.stderr)
        return 2


def _config_check(settings: Settings, plan: Plan) -> int:
    from bot.runbooks import DEFAULT_FOLDER, load_runbooks

    print(f"# config: {settings.config_path or 'built-in seed defaults'}")
    print(f"# database: {mask_url(settings.database_url)}")
    print(plan_as_yaml(plan), end="")
    folder = Path(plan.runbooks_dir) if plan.runbooks_dir else DEFAULT_FOLDER
    runbooks, problems = load_runbooks(folder)
    print(f"# runbooks ({folder}): " + ", ".join(r.name for r in runbooks))
    _classifier_check(plan)
    for problem in problems:
        print(
            f"supportbot: runbook not loaded: {folder / problem.file}:{problem.line}: "
            f"{problem.message}",
            file=sys.stderr,
        )
    return 1 if problems else 0


def _classifier_check(plan: Plan) -> None:
    """How well the classifier does on its own examples, each scored by all the others."""
    from bot.incidents.classifier import Classifier
    from bot.incidents.classifier.evaluate import leave_one_out

    classifier = Classifier.for_plan(plan)
    result = leave_one_out(classifier)
    sources = Counter(e.source for e in classifier.examples)
    print(
        f"# classifier: {len(classifier.examples)} examples ({sources['shipped']} shipped, "
        f"{sources['config']} from classifier.examples); each scored by the others: "
        f"tier {result.accuracy:.1%}, category {result.category_accuracy:.1%}"
    )
    for (given, suggested), count in sorted(result.confusion.items()):
        if given != suggested:
            print(f"#   Tier {given} examples suggested Tier {suggested}: {count}")


def _serve(settings: Settings, plan: Plan, host: str, port: int, public: bool) -> int:
    missing = settings.missing_for_http()
    if len(missing) == 2 and settings.database_url_set:
        # Credentials lost from a production environment must not turn the real database
        # into the playground's (it would swallow queued pages and run the jobs).
        print(
            "supportbot: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set, but DATABASE_URL"
            " is:\nnot starting. To serve Slack, set both (see README.md); for the playground,"
            " unset DATABASE_URL\n(it keeps its own supportbot-playground.db) or run"
            " `supportbot playground`.",
            file=sys.stderr,
        )
        return 2
    if len(missing) == 2:
        print(
            "supportbot: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set, so this is the"
            " playground:\nthe real bot and a local Slack emulator. To serve a real workspace,"
            " create the app from\nmanifest.yml and export both (see README.md).",
            file=sys.stderr,
        )
        return _playground(settings, plan, host, port, public)
    if missing:
        print(
            f"supportbot: cannot serve Slack: {missing[0]} is not set (the other one is).\n"
            "HTTP mode needs SLACK_BOT_TOKEN (Bot User OAuth Token, xoxb-…) and"
            " SLACK_SIGNING_SECRET\n(Basic Information → Signing Secret). See README.md.",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from bot.app import create_asgi
    from bot.services import build_services

    open_database(settings.database_url, Mode.PRODUCTION, adopt_unmarked=True)
    app = create_asgi(build_services(settings, plan))
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, log_config=None)
    return 0


def _playground(settings: Settings, plan: Plan, host: str, port: int, public: bool) -> int:
    import uvicorn

    from playground.guard import is_loopback
    from playground.server import build_playground

    if not is_loopback(host):
        if not public:
            print(
                f"supportbot: the playground listens only on a loopback address (127.0.0.1, ::1,"
                f" localhost):\nanyone who reaches it can act as any user. To listen on {host}"
                " anyway, add --public-playground.",
                file=sys.stderr,
            )
            return 2
        log.warning("the playground listens on %s: anyone who reaches it can act as any user", host)
    # Its own file is its own even if it predates recorded modes; a database the operator
    # named is taken only if the playground made it or it is empty.
    own = not settings.database_url_set
    database_url = settings.with_default_database(PLAYGROUND_DATABASE).database_url
    open_database(database_url, Mode.PLAYGROUND, adopt_unmarked=own)
    app, playground = build_playground(plan, database_url, port, host)
    print(f"supportbot playground: open {playground.base_url}/ in your browser", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, log_config=None)
    return 0


def _socket(settings: Settings, plan: Plan) -> int:
    missing = settings.missing_for_socket()
    if missing:
        print(
            f"supportbot: Socket Mode needs {' and '.join(missing)} (see README.md)",
            file=sys.stderr,
        )
        return 2
    from bot.app import run_socket_mode
    from bot.services import build_services

    open_database(settings.database_url, Mode.PRODUCTION, adopt_unmarked=True)
    asyncio.run(run_socket_mode(build_services(settings, plan)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
