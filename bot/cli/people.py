"""`coach sync-people` and `coach import-people`: bring the workspace's people into Coach."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import deps_for_command, friendly_errors, session_for_command
from bot.services.setup import describe_problem


@click.command("sync-people", help="Sync people from Slack (users.list, paginated, rate-limit aware).")
@click.option("--page-size", default=200, show_default=True, type=click.IntRange(1, 1000))
@friendly_errors
def sync_people_command(page_size: int) -> None:
    from bot.flows.channels import sync_channels
    from bot.flows.people import SyncBusy, people_rule, sync_people

    deps = deps_for_command("SLACK_BOT_TOKEN")
    rule = people_rule(deps)
    with Progress(
        TextColumn("[bold]Syncing people"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("users", total=None)
        seen = 0

        def on_page(count: int) -> None:
            nonlocal seen
            seen += count
            click.echo(f"  … {seen} users read", err=True) if not sys.stderr.isatty() else None
            bar.update(task, advance=count)

        try:
            result = sync_people(deps, rule, on_page=on_page, page_size=page_size)
        except SyncBusy:
            click.echo("coach: another process is syncing people right now; try again when it has finished", err=True)
            sys.exit(1)
        bar.update(task, total=seen, completed=seen)
    channels = sync_channels(deps)
    resumed = " (resumed an interrupted sync)" if result.resumed else ""
    click.echo(
        f"people: {result.created} new, {result.updated} updated, {result.deactivated} deactivated, "
        f"{result.skipped_bots} bots skipped; {channels} channels known{resumed}"
    )
    for problem in result.problems:
        click.echo(f"coach: {describe_problem(problem)}", err=True)


@click.command("import-people", help="Set departments from a CSV file with columns slack_user_id,department.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@friendly_errors
def import_people_command(csv_file: Path) -> None:
    from bot.services.people import apply_departments, read_people_csv, unknown_user_ids

    parsed = read_people_csv(csv_file)
    for error in parsed.errors:
        click.echo(error, err=True)
    if parsed.errors:
        click.echo(f"coach: {len(parsed.errors)} bad rows; nothing was imported", err=True)
        sys.exit(1)
    with session_for_command() as (_, session):
        unknown = unknown_user_ids(session, parsed.department_by_user)
        for user_id in sorted(unknown, key=parsed.line_of.__getitem__):
            line = parsed.line_of[user_id]
            click.echo(f"{csv_file}:{line}: {user_id} is not a person Coach knows (run `coach sync-people`)", err=True)
        known = {u: d for u, d in parsed.department_by_user.items() if u not in unknown}
        changed = apply_departments(session, known)
    skipped = f", {len(unknown)} unknown ids skipped" if unknown else ""
    click.echo(f"departments: {len(parsed.department_by_user)} rows read, {changed} people changed{skipped}")
