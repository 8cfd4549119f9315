"""Shared fixtures: settings that never read the developer's .env, migrated databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory, upgrade_to_head
from bot.playbook import Playbook, default_playbook_path, load_playbook
from bot.settings import Settings

POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the secret of Slack's signing test vector
BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-1-A111-000000000000-testapptoken"


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's .env or real Slack variables."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if (name.startswith(("SLACK_", "COACH_")) and name != POSTGRES_ENV) or name == "DATABASE_URL":
            monkeypatch.delenv(name, raising=False)
    from bot.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    """The bundled playbook (read-only; tests that change one build their own)."""
    return load_playbook(default_playbook_path())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def migrated_sqlite(sqlite_url: str) -> str:
    upgrade_to_head(sqlite_url)
    return sqlite_url


@pytest.fixture
def factory(migrated_sqlite: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_sqlite)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database per test; skipped only when the variable is absent."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (PostgreSQL tests run in .ci/run)")
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # an unreachable server fails the test here, as it should
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated database: every test using it runs on SQLite, and on PostgreSQL when the variable is set."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    upgrade_to_head(url)
    return str(url)


def make_settings(database_url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "DATABASE_URL": database_url,
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]
