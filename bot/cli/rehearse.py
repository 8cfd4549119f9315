"""`coach rehearse`: run the real app for weeks against a simulated workspace, before it touches anyone.

No workspace, no tokens, no network: the simulated Slack (bot/simslack) and a temporary SQLite file,
whatever SLACK_* or DATABASE_URL say in the environment or `.env`. Bad input is refused before anything runs.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

import click

from bot.playbook.loader import PlaybookInvalid, default_playbook_path, load_playbook

MAX_WEEKS = 52
MAX_PEOPLE = 20_000


def _refuse(line: str) -> None:
    click.echo(f"coach rehearse: {line}", err=True)
    sys.exit(2)


def _check_params(people: int, departments: int, weeks: int) -> None:
    if people < 1 or people > MAX_PEOPLE:
        _refuse(f"--people must be between 1 and {MAX_PEOPLE} (got {people})")
    if weeks < 1 or weeks > MAX_WEEKS:
        _refuse(f"--weeks must be between 1 and {MAX_WEEKS} (got {weeks})")
    if departments < 1 or departments > people:
        _refuse(f"--departments must be between 1 and the number of people, {people} (got {departments})")


def _stopped() -> NoReturn:
    """Ctrl-C: one line, no traceback, the shell's code for SIGINT (128 + 2); no report is left behind."""
    click.echo("coach rehearse: stopped (Ctrl-C); no report was written.", err=True)
    sys.exit(130)


def _print_errors(errors: list[Any]) -> None:
    for error in errors:
        click.echo(str(error))
    noun = "problem" if len(errors) == 1 else "problems"
    click.echo(f"{len(errors)} {noun} found; nothing was rehearsed.", err=True)
    sys.exit(1)


def _write_atomically(path: Path, text: str) -> Path:
    """Write beside the target, then rename: a reader (or a Ctrl-C) never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_outputs(report: dict[str, Any], out: Path) -> list[Path]:
    """report.html, then report.json last: a report.json in DIR means the whole run finished and was written."""
    from bot.rehearsal.report_html import REPORT_FILE, render_html

    out.mkdir(parents=True, exist_ok=True)
    html = _write_atomically(out / REPORT_FILE, render_html(report))
    data = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return [_write_atomically(out / "report.json", data), html]


def summary(report: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{k} {n}" for k, n in report["messages_by_kind"].items()) or "none"
    ignition = report["ignition_week_by_department"]
    lit = sorted(d for d, w in ignition.items() if w is not None)
    return [
        f"{report['people']} people, {len(report['departments'])} departments, {report['weeks']} weeks "
        f"(seed {report['seed']}, playbook {report['playbook']})",
        f"DMs: {sum(report['messages_by_kind'].values())} ({kinds})",
        f"most DMs in one person-week: {report['max_messages_per_person_week']} "
        f"(budget {report['weekly_budget']}); outside working hours: {report['messages_outside_working_hours']}",
        f"never reached: {len(report['people_never_reached'])}; ignition reached by: {', '.join(lit) or 'nobody'}",
        f"help: {report['help']['asked']} asked, {report['help']['answered']} answered, "
        f"{report['help']['escalated']} escalated",
        f"warnings: {len(report['warnings'])}",
        *(f"  [{w['code']}] {w['message']}" for w in report["warnings"]),
    ]


@click.command("rehearse", help="Rehearse a rollout against a simulated workspace (no Slack, no tokens, no network).")
@click.option(
    "--playbook",
    "playbook_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Playbook file (default: the bundled playbook).",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Rollout plan, as `coach waves import` reads it (default: a pilot wave, then a second wave).",
)
@click.option("--people", default=300, show_default=True, type=int)
@click.option("--departments", default=5, show_default=True, type=int)
@click.option("--weeks", default=6, show_default=True, type=int)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--out", "out_dir", default=Path("rehearsal"), show_default=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print report.json to stdout instead of the summary.")
@click.option("--force", is_flag=True, help="Reuse an existing output directory.")
def rehearse(
    playbook_file: Path | None, plan_file: Path | None, people: int, departments: int, weeks: int, seed: int,
    out_dir: Path, as_json: bool, force: bool,
) -> None:  # fmt: skip
    """Everything is checked first; the run itself is the real app on a simulated clock."""
    from bot.cli.waves import parse_plan

    _check_params(people, departments, weeks)
    path = playbook_file or default_playbook_path()
    try:
        pb = load_playbook(path)
    except PlaybookInvalid as invalid:
        _print_errors(list(invalid.errors))
    if plan_file is not None:
        _plan, _node, errors = parse_plan(plan_file)
        if errors:
            _print_errors(errors)
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        _refuse(f"{out_dir} already exists; pass --force to reuse it")
    if out_dir.exists() and force:  # an earlier run's report must not pass for this one if it is stopped
        for name in ("report.json", "report.html"):
            (out_dir / name).unlink(missing_ok=True)
    try:
        report = _run(pb, path, plan_file, people, departments, weeks, seed, quiet=as_json)
        written = write_outputs(report, out_dir)
    except KeyboardInterrupt:
        for name in ("report.json", "report.html"):  # stopped while writing: not half a report either
            (out_dir / name).unlink(missing_ok=True)
        _stopped()
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for line in summary(report):
        click.echo(line)
    click.echo("report: " + ", ".join(str(p) for p in written))


def _run(pb: Any, path: Path, plan: Path | None, people: int, departments: int, weeks: int, seed: int, *,
         quiet: bool) -> dict[str, Any]:  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.cli.waves import import_plan
    from bot.rehearsal.report import build_report
    from bot.rehearsal.runner import Config, PlanRefused, rehearse

    config = Config(playbook=pb, playbook_path=path, plan=plan, people=people, departments=departments,
                    weeks=weeks, seed=seed)  # fmt: skip
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with Progress(TextColumn("[bold]Rehearsing"), BarColumn(), MofNCompleteColumn(), TextColumn("days"),
                      TimeElapsedColumn(), disable=quiet or not sys.stderr.isatty(),
                      console=None) as bar:  # fmt: skip
            task = bar.add_task("days", total=weeks * 7)
            trace = rehearse(
                config, import_plan=import_plan, progress=lambda done, _t: bar.update(task, completed=done), stop=stop
            )
    except KeyboardInterrupt:
        _stopped()
    except PlanRefused as refused:
        _print_errors(refused.errors)
    finally:
        signal.signal(signal.SIGINT, previous)
    return build_report(config, trace)
