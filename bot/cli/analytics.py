"""`coach analytics import FILE...`: Slack's member analytics files, beside the activity Coach observes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import deps_for_command, friendly_errors
from bot.deps import Deps

UNKNOWN_SHOWN = 5


@click.group(help="Slack's own member analytics (admin.analytics.getFile, type member).")
def analytics() -> None:
    """Sub-commands: import, fetch."""


@analytics.command(
    "import",
    help="Import member analytics files (gzip JSON lines, one member per day). Each file is checked whole "
    "first: a bad file is refused with file, line and reason and nothing of it is stored. Re-importing a file "
    "changes nothing.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@friendly_errors
def import_command(files: tuple[Path, ...]) -> None:
    deps = deps_for_command()
    try:
        refused = import_paths(deps, files)
    finally:
        deps.engine.dispose()
    if refused:
        click.echo(f"coach: {refused} of {len(files)} files refused", err=True)
        sys.exit(1)


def import_paths(deps: Deps, files: Sequence[Path]) -> int:
    """Import each file in its own transaction, saying what each gave; the number of files refused."""
    from bot.db import session_scope
    from bot.domain.analytics_file import read_member_file
    from bot.services.analytics import import_member_days

    now = deps.clock.now()
    refused = 0
    with Progress(
        TextColumn("[bold]Importing analytics"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("files", total=len(files))
        for path in files:
            parsed = read_member_file(path, today=now.date())
            if parsed.errors:
                refused += 1
                for error in parsed.errors:
                    click.echo(error, err=True)
                click.echo(f"{path}: refused; nothing from this file was imported", err=True)
                bar.advance(task)
                continue
            with session_scope(deps.session_factory) as session:  # one file, one transaction
                result = import_member_days(session, parsed.days, playbook=deps.playbook, now=now)
            days = sorted({d.day for d in parsed.days})
            span = days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"
            click.echo(
                f"{path}: {len(parsed.days)} member days ({span}): {result.new} new, {result.changed} updated, "
                f"{result.unchanged} unchanged; {result.completed} use cases completed"
            )
            if result.unknown:
                shown = ", ".join(sorted(result.unknown)[:UNKNOWN_SHOWN])
                more = f" and {len(result.unknown) - UNKNOWN_SHOWN} more" if len(result.unknown) > UNKNOWN_SHOWN else ""
                click.echo(
                    f"{path}: {len(result.unknown)} members Coach does not know were skipped "
                    f"({sum(result.unknown.values())} member days): {shown}{more}; run `coach sync-people`",
                    err=True,
                )
            bar.advance(task)
    return refused


@analytics.command(
    "fetch",
    help="Fetch Slack's member analytics file for one UTC day with admin.analytics.getFile (Enterprise "
    "organisations: SLACK_USER_TOKEN, a user token with admin.analytics:read), save it, and import it.",
)
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="the UTC day (a finished one)")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="where to save the file (default: slack-member-analytics-DATE.ndjson.gz here)",
)
@click.option("--no-import", "no_import", is_flag=True, help="only save the file")
@friendly_errors
def fetch_command(day: str, out: Path | None, no_import: bool) -> None:
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None
    deps = deps_for_command("SLACK_USER_TOKEN")
    try:
        today = deps.clock.now().date()
        if wanted >= today:
            click.echo(f"coach: {wanted} is not over yet in UTC (today is {today}): Slack has no file for it", err=True)
            sys.exit(1)
        data = deps.slack.analytics_file(wanted, user_token=deps.settings.user_token)
        path = out or Path(f"slack-member-analytics-{wanted}.ndjson.gz")
        path.write_bytes(data)
        click.echo(f"{path}: {len(data)} bytes from admin.analytics.getFile (member, {wanted})")
        refused = 0 if no_import else import_paths(deps, [path])
    finally:
        deps.engine.dispose()
    if refused:
        sys.exit(1)
