"""A migrated database per test (SQLite always; PostgreSQL too when COACH_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.db import make_engine, make_session_factory, upgrade_to_head
from models import Person

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    upgrade_to_head(url)
    return str(url)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with factory() as s:
        yield s
    engine.dispose()


def make_person(session: Session, slack_id: str, **fields: Any) -> Person:
    person = Person(slack_user_id=slack_id, display_name=slack_id.lower(), **fields)
    session.add(person)
    session.flush()
    return person
