"""Migrating an empty database to head gives exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import models
from bot.db import alembic_config, make_engine, upgrade_to_head


def _diff(url: str) -> list[object]:
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            return list(compare_metadata(ctx, models.Base.metadata))
    finally:
        engine.dispose()


def test_sqlite_head_matches_models(sqlite_url: str) -> None:
    assert _diff(sqlite_url) == []


@pytest.mark.postgres
def test_postgres_head_matches_models(postgres_url: str) -> None:
    assert _diff(postgres_url) == []


def test_single_head_and_every_table_created(sqlite_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1
    upgrade_to_head(sqlite_url)
    engine = make_engine(sqlite_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(models.Base.metadata.tables) <= tables


def test_upgrade_is_idempotent(sqlite_url: str) -> None:
    upgrade_to_head(sqlite_url)
    upgrade_to_head(sqlite_url)
    assert _diff(sqlite_url) == []
