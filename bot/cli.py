"""The `coach` command line."""

from __future__ import annotations

import sys

import click

from bot.ambassadors_cli import ambassadors
from bot.cli_support import friendly_errors, settings_for_command
from bot.people_cli import import_people_command, sync_people_command
from bot.playbook.cli import playbook
from bot.rollout_cli import audit, waves
from nudges.cli import outbox


@click.group(help="Adoption Coach: gets a whole company to actually change how it works in Slack.")
def main() -> None:
    """Sub-commands are attached below; each lives in the module of its feature."""


main.add_command(playbook)
main.add_command(sync_people_command)
main.add_command(import_people_command)
main.add_command(audit)
main.add_command(waves)
main.add_command(ambassadors)
main.add_command(outbox)


@main.command(help="Run the app over Socket Mode (no public URL needed); SQLite is migrated automatically.")
@friendly_errors
def run() -> None:
    from bot.runtime import prepare, socket_mode_handler, start_scheduler, stop_on_sigterm, stop_scheduler

    deps = prepare(settings_for_command("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    identity = deps.slack.auth_test()
    click.echo(f"Coach is connecting to {identity.get('team')} as {identity.get('user')} (Socket Mode). Ctrl-C stops.")
    scheduler = start_scheduler(deps)
    handler = socket_mode_handler(deps)
    stop_on_sigterm()
    try:
        handler.start()
    except KeyboardInterrupt:
        click.echo("Coach is stopping: finishing acked work…")
    finally:
        stop_scheduler(scheduler)
        handler.app.drain()


@main.command(help="Serve HTTP mode: POST /slack/events and GET /healthz (waitress).")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="web worker threads")
@click.option("--scheduler/--no-scheduler", "scheduler_on", default=True, help="run the nudge ticks here too")
@friendly_errors
def serve(host: str, port: int, threads: int, scheduler_on: bool) -> None:
    from bot.app import build_app
    from bot.runtime import prepare, start_scheduler, stop_on_sigterm, stop_scheduler
    from bot.server import create_http_server

    deps = prepare(settings_for_command("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    app = build_app(deps)
    server = create_http_server(app, deps, host=host, port=port, threads=threads)
    click.echo(f"Coach listens on http://{host}:{server.effective_port}/slack/events (health: /healthz)")
    scheduler = start_scheduler(deps) if scheduler_on else None
    stop_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Coach is stopping: finishing acked work…")
    finally:
        server.close()
        if scheduler:
            stop_scheduler(scheduler)
        app.drain()


@main.command(help="Upgrade the database schema to the newest migration.")
@friendly_errors
def migrate() -> None:
    from bot.db import upgrade_to_head

    settings = settings_for_command()
    upgrade_to_head(settings.database_url)
    click.echo("database is up to date")


@main.command(help="Check tokens, scopes and the Home tab, and print what to fix.")
@friendly_errors
def doctor() -> None:
    from bot.doctor import run_checks
    from bot.playbook import check_playbook, default_playbook_path, load_playbook
    from bot.slack.gateway import SlackGateway, make_web_client

    settings = settings_for_command()
    gateway = SlackGateway(make_web_client(settings.bot_token, settings.slack_api_url, retries=1))
    playbook_path = settings.coach_playbook or default_playbook_path()
    errors = check_playbook(playbook_path)
    for error in errors:
        click.echo(click.style("FIX ", fg="red") + f" playbook: {error}")
    checks = run_checks(settings, gateway, None if errors else load_playbook(playbook_path))
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FIX ", fg="red")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"     → {check.fix}")
    sys.exit(0 if all(c.ok for c in checks) and not errors else 1)


@main.command(help="Run only the scheduler (nudges, escalations) for deployments that separate web and workers.")
@friendly_errors
def worker() -> None:
    from bot.runtime import prepare, start_scheduler, stop_scheduler, wait_for_signal

    deps = prepare(settings_for_command("SLACK_BOT_TOKEN"))
    scheduler = start_scheduler(deps)
    click.echo(f"Coach worker running {len(scheduler.get_jobs())} jobs. Ctrl-C stops (claimed work finishes first).")
    try:
        wait_for_signal()
    finally:
        stop_scheduler(scheduler)
