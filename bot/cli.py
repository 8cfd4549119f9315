"""The `coach` command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from bot.playbook import PlaybookInvalid
from bot.playbook.cli import playbook
from bot.settings import Settings, SettingsError, get_settings
from bot.slack.gateway import SlackError
from nudges.cli import outbox


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A bad setting or an unreachable Slack ends the command with one clear line, not a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SettingsError as exc:
            click.echo(f"coach: {exc}", err=True)
            sys.exit(2)
        except PlaybookInvalid as exc:
            click.echo("coach: the playbook has errors, so Coach will not start:", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(2)
        except SlackError as exc:
            click.echo(
                f"coach: Slack refused {exc.method}: {exc.code}. Run `coach doctor` for what to fix.",
                err=True,
            )
            sys.exit(3)

    return wrapper


def _settings(*required: str) -> Settings:
    settings = get_settings()
    settings.require(*required)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return settings


@click.group(help="Adoption Coach: gets a whole company to actually change how it works in Slack.")
def main() -> None:
    pass


main.add_command(playbook)
main.add_command(outbox)


@main.command(help="Run the app over Socket Mode (no public URL needed); SQLite is migrated automatically.")
@friendly_errors
def run() -> None:
    from bot.runtime import prepare, socket_mode_handler, start_scheduler, stop_scheduler

    deps = prepare(_settings("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    identity = deps.slack.auth_test()
    click.echo(f"Coach is connecting to {identity.get('team')} as {identity.get('user')} (Socket Mode). Ctrl-C stops.")
    scheduler = start_scheduler(deps)
    try:
        socket_mode_handler(deps).start()
    finally:
        stop_scheduler(scheduler)


@main.command(help="Serve HTTP mode: POST /slack/events and GET /healthz (waitress).")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="web worker threads")
@click.option("--scheduler/--no-scheduler", "scheduler_on", default=True, help="run the nudge ticks here too")
@friendly_errors
def serve(host: str, port: int, threads: int, scheduler_on: bool) -> None:
    from bot.app import build_app
    from bot.runtime import prepare, start_scheduler, stop_scheduler
    from bot.server import create_http_server

    deps = prepare(_settings("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    server = create_http_server(build_app(deps), deps, host=host, port=port, threads=threads)
    click.echo(f"Coach listens on http://{host}:{server.effective_port}/slack/events (health: /healthz)")
    scheduler = start_scheduler(deps) if scheduler_on else None
    try:
        server.run()
    finally:
        if scheduler:
            stop_scheduler(scheduler)


@main.command(help="Upgrade the database schema to the newest migration.")
@friendly_errors
def migrate() -> None:
    from bot.db import upgrade_to_head

    settings = _settings()
    upgrade_to_head(settings.database_url)
    click.echo("database is up to date")


@main.command(help="Check tokens, scopes and the Home tab, and print what to fix.")
@friendly_errors
def doctor() -> None:
    from bot.doctor import run_checks
    from bot.slack.gateway import SlackGateway, make_web_client

    settings = _settings()
    gateway = SlackGateway(make_web_client(settings.bot_token, settings.slack_api_url, retries=1))
    checks = run_checks(settings, gateway)
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FIX ", fg="red")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"     → {check.fix}")
    sys.exit(0 if all(c.ok for c in checks) else 1)


@main.command(help="Run only the scheduler (nudges, escalations) for deployments that separate web and workers.")
@friendly_errors
def worker() -> None:
    from bot.runtime import prepare, start_scheduler, stop_scheduler, wait_for_signal

    deps = prepare(_settings("SLACK_BOT_TOKEN"))
    scheduler = start_scheduler(deps)
    click.echo(f"Coach worker running {len(scheduler.get_jobs())} jobs. Ctrl-C stops (claimed work finishes first).")
    try:
        wait_for_signal()
    finally:
        stop_scheduler(scheduler)
