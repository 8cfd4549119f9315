"""`coach report`: per-person or per-department CSV, or a self-contained HTML page with charts, over a window."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import friendly_errors, session_for_command

DEFAULT_DAYS = 28  # issue 12: every score over a window, 28 days by default


class _Bar:
    """rich's progress bar behind the report's Progress protocol (hidden when stderr is not a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("report", total=None)

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def advance(self, done: int) -> None:
        self.progress.advance(self.task, done)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


@click.command(
    help="Write the adoption report over a window of UTC days (default: the 28 days ending today): "
    "--csv FILE one row per person (with --departments one row per department), --html FILE a self-contained "
    "page with charts. Narrow it with --department and --wave."
)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="write CSV here")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="write HTML here")
@click.option("--departments", is_flag=True, help="with --csv: one row per department instead of per person")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="first day (UTC), included")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="last day (UTC), included; default today")
@click.option("--department", help="only this department")
@click.option("--wave", help="only members of this wave (by name)")
@click.option("--locale", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="HTML language")
@friendly_errors
def report(
    csv_path: Path | None,
    html_path: Path | None,
    departments: bool,
    first: str | None,
    last: str | None,
    department: str | None,
    wave: str | None,
    locale: str,
) -> None:
    from bot.reports.data import ReportScope, build_report
    from bot.reports.output import write_departments_csv, write_html, write_people_csv

    if csv_path is None and html_path is None:
        raise click.UsageError("say where to write: --csv FILE and/or --html FILE")
    if departments and csv_path is None:
        raise click.UsageError("--departments goes with --csv FILE")
    with session_for_command() as (deps, session):
        today = deps.clock.now().date()
        last_day = _day(last, "--to") or today
        first_day = _day(first, "--from") or last_day - timedelta(days=DEFAULT_DAYS - 1)
        if first_day > last_day:
            click.echo(f"coach: the range is empty: --from {first_day} is after --to {last_day}", err=True)
            sys.exit(1)
        scope = ReportScope(first_day, last_day, department=department, wave=wave)
        with Progress(
            TextColumn("[bold]Report"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not sys.stderr.isatty(),
        ) as bar:
            built = build_report(session, deps.playbook, scope, now=deps.clock.now(), progress=_Bar(bar))
        who = " ".join(p for p in (f"in {department}" if department else "", f"in wave {wave}" if wave else "") if p)
        if built.empty:
            click.echo(f"coach: nothing to report: nobody {who or 'is enrolled'} ({first_day} to {last_day})", err=True)
            sys.exit(1)
        if not built.any_activity:
            click.echo(
                f"coach: the range {first_day} to {last_day} holds no activity, completions or answers", err=True
            )
        if csv_path is not None:
            rows = write_departments_csv(built, csv_path) if departments else write_people_csv(built, csv_path)
            click.echo(f"{csv_path}: {rows} {'departments' if departments else 'people'} ({first_day} to {last_day})")
        if html_path is not None:
            titles = [stage.title.get(locale) for stage in deps.playbook.stages]
            write_html(built, html_path, titles, locale)
            click.echo(f"{html_path}: report for {len(built.people)} people ({first_day} to {last_day})")
