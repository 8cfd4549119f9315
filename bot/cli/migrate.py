"""`coach migrate`: the explicit schema upgrade (PostgreSQL replicas never migrate at start-up)."""

from __future__ import annotations

import click

from bot.cli.common import friendly_errors, settings_for_command


@click.command(help="Upgrade the database schema to the newest migration.")
@friendly_errors
def migrate() -> None:
    from bot.db import upgrade_to_head
    from bot.reachability import with_database_retries

    settings = settings_for_command()
    url = settings.database_url
    with_database_retries(url, lambda: upgrade_to_head(url), say=lambda line: click.echo(line, err=True))
    click.echo("database is up to date")
