"""The supportbot command line: serve, socket, db upgrade, config check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Plan, load_plan, plan_as_yaml
from bot.errors import ConfigError
from bot.migrate import upgrade
from bot.settings import Settings

log = logging.getLogger("supportbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supportbot",
        description="Post-launch support run from Slack: incidents, paging, runbooks, checklists.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="HTTP mode: Slack requests at POST /slack/events")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    commands.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
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
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings.from_env()
    try:
        plan = load_plan(settings.config_path)
        if args.command == "config":
            print(f"# config: {settings.config_path or 'built-in seed defaults'}")
            print(plan_as_yaml(plan), end="")
            return 0
        if args.command == "db":
            upgrade(settings.database_url)
            print("database is up to date")
            return 0
        if args.command == "socket":
            return _socket(settings, plan)
        return _serve(settings, plan, args.host, args.port)
    except ConfigError as error:
        print(f"supportbot: {error}", file=sys.stderr)
        return 2


def _serve(settings: Settings, plan: Plan, host: str, port: int) -> int:
    missing = settings.missing_for_http()
    if missing:
        print(
            f"supportbot: cannot serve Slack: {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set.\n"
            "Create the app from manifest.yml, then export SLACK_BOT_TOKEN (Bot User OAuth Token,"
            " xoxb-…)\nand SLACK_SIGNING_SECRET (Basic Information → Signing Secret)."
            " See README.md.",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from bot.app import create_asgi
    from bot.services import build_services

    upgrade(settings.database_url)
    app = create_asgi(build_services(settings, plan))
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
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

    upgrade(settings.database_url)
    asyncio.run(run_socket_mode(build_services(settings, plan)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
