"""`coach playbook check FILE`: lets an admin check a playbook file before it touches real people."""

from __future__ import annotations

from pathlib import Path

import click

from bot.playbook.loader import PlaybookInvalid, load_playbook_with_warnings


@click.group("playbook")
def playbook() -> None:
    """Work with playbook files."""


@playbook.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Print every problem in FILE as file:line: reason (exit code 1 if there are any).

    Warnings (file:line: warning: …) name use cases people may never be able to complete; they do not fail
    the check.
    """
    try:
        pb, warnings = load_playbook_with_warnings(file)
    except PlaybookInvalid as invalid:
        for error in invalid.errors:
            click.echo(str(error))
        noun = "problem" if len(invalid.errors) == 1 else "problems"
        click.echo(f"{len(invalid.errors)} {noun} found.", err=True)
        raise SystemExit(1) from None
    for warning in warnings:
        click.echo(str(warning))
    stages = len(pb.stages)
    use_cases = len(pb.all_use_cases())
    click.echo(
        f"OK: {stages} stage{'s' * (stages != 1)}, {use_cases} use case{'s' * (use_cases != 1)}, "
        f"locales {', '.join(pb.locales)}"
        + (f"; {len(warnings)} warning{'s' * (len(warnings) != 1)}" if warnings else "")
    )
