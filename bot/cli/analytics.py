"""`coach analytics import FILE...`: Slack's member analytics files, beside the activity Coach observes."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import deps_for_command, friendly_errors

UNKNOWN_SHOWN = 5


@click.group(help="Slack's own member analytics (admin.analytics.getFile, type member).")
def analytics() -> None:
    """Sub-commands: import."""


@analytics.command(
    "import",
    help="Import member analytics files (gzip JSON lines, one member per day). Each file is checked whole "
    "first: a bad file is refused with file, line and reason and nothing of it is stored. Re-importing a file "
    "changes nothing.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@friendly_errors
def import_command(files: tuple[Path, ...]) -> None:
    from bot.db import session_scope
    from bot.domain.analytics_file import read_member_file
    from bot.services.analytics import import_member_days

    deps = deps_for_command()
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
    deps.engine.dispose()
    if refused:
        click.echo(f"coach: {refused} of {len(files)} files refused", err=True)
        sys.exit(1)
