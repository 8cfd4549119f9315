"""`coach run`, `coach serve` and `coach worker`: the app's processes (Socket Mode, HTTP, scheduler only)."""

from __future__ import annotations

import sys

import click
from slack_sdk.errors import SlackApiError

from bot.cli.common import deps_for_command, friendly_errors


@click.command(help="Run the app over Socket Mode (no public URL needed); SQLite is migrated automatically.")
@friendly_errors
def run() -> None:
    from bot.runtime import socket_mode_handler, start_scheduler, stop_on_sigterm, stop_scheduler

    deps = deps_for_command("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    identity = deps.slack.auth_test()
    click.echo(f"Coach is connecting to {identity.get('team')} as {identity.get('user')} (Socket Mode). Ctrl-C stops.")
    scheduler = start_scheduler(deps)
    handler = socket_mode_handler(deps)
    stop_on_sigterm()
    try:
        handler.start()
    except SlackApiError as exc:
        code = exc.response.get("error", "unknown") if exc.response is not None else "unknown"
        click.echo(
            f"coach: Slack refused SLACK_APP_TOKEN ({code}); create an app-level token with connections:write", err=True
        )
        sys.exit(3)
    except KeyboardInterrupt:
        click.echo("Coach is stopping: finishing acked work…")
    finally:
        stop_scheduler(scheduler)
        handler.app.drain()


@click.command(help="Serve HTTP mode: POST /slack/events and GET /healthz (waitress).")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option(
    "--port", default=3000, show_default=True, type=click.IntRange(0, 65535), help="0 lets the OS pick a free port"
)
@click.option("--threads", default=8, show_default=True, type=int, help="web worker threads")
@click.option("--scheduler/--no-scheduler", "scheduler_on", default=True, help="run the nudge ticks here too")
@friendly_errors
def serve(host: str, port: int, threads: int, scheduler_on: bool) -> None:
    from bot.app import build_app
    from bot.runtime import start_scheduler, stop_on_sigterm, stop_scheduler
    from bot.server import create_http_server

    deps = deps_for_command("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    app = build_app(deps)
    try:
        server = create_http_server(app, deps, host=host, port=port, threads=threads)
    except OSError as exc:
        click.echo(f"coach: cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port", err=True)
        sys.exit(2)
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


@click.command(help="Run only the scheduler (nudges, escalations) for deployments that separate web and workers.")
@friendly_errors
def worker() -> None:
    from bot.runtime import start_scheduler, stop_scheduler, wait_for_signal

    deps = deps_for_command("SLACK_BOT_TOKEN")
    scheduler = start_scheduler(deps)
    click.echo(f"Coach worker running {len(scheduler.get_jobs())} jobs. Ctrl-C stops (claimed work finishes first).")
    try:
        wait_for_signal()
    finally:
        stop_scheduler(scheduler)
