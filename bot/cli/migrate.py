"""`coach migrate`: the explicit schema upgrade (PostgreSQL replicas never migrate at start-up)."""

from __future__ import annotations

import click

from bot.cli.common import friendly_errors, settings_for_command


@click.command(help="Upgrade the database schema to the newest migration.")
@friendly_errors
def migrate() -> None:
    from bot.db import upgrade_to_head

    settings = settings_for_command()
    upgrade_to_head(settings.database_url)
    click.echo("database is up to date")
