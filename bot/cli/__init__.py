"""The `coach` command line: every sub-command group is attached here, explicitly, one line each."""

from __future__ import annotations

import click

from bot.cli.ambassadors import ambassadors
from bot.cli.analytics import analytics
from bot.cli.doctor import doctor
from bot.cli.migrate import migrate
from bot.cli.outbox import outbox
from bot.cli.people import import_people_command, sync_people_command
from bot.cli.playbook import playbook
from bot.cli.rehearse import rehearse
from bot.cli.report import report
from bot.cli.run import run, serve, worker
from bot.cli.waves import audit, waves


@click.group(help="Adoption Coach: gets a whole company to actually change how it works in Slack.")
def main() -> None:
    """Sub-commands live in one module per group under bot/cli/ and are attached below."""


main.add_command(run)
main.add_command(serve)
main.add_command(worker)
main.add_command(migrate)
main.add_command(doctor)
main.add_command(playbook)
main.add_command(sync_people_command)
main.add_command(import_people_command)
main.add_command(audit)
main.add_command(waves)
main.add_command(ambassadors)
main.add_command(outbox)
main.add_command(rehearse)
main.add_command(analytics)
main.add_command(report)
