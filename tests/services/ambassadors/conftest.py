"""A migrated SQLite database per test, the default playbook, and small factories for people and activity."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory, upgrade_to_head
from bot.playbook import Playbook, default_playbook_path, load_playbook
from models import Completion, DailyActivity, HelpRequest, Person, Role

NOW = datetime(2026, 3, 9, 1, 30, tzinfo=UTC)  # Monday 10:30 in Tokyo


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    return load_playbook(default_playbook_path())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every service test runs on SQLite, and on PostgreSQL when COACH_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("migrated_sqlite"))
    url = str(request.getfixturevalue("postgres_url"))
    upgrade_to_head(url)
    return url


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s


def person(session: Session, user_id: str, department: str | None = "Sales", **fields: Any) -> Person:
    values: dict[str, Any] = {
        "display_name": user_id.lower(),
        "tz": "Asia/Tokyo",
        "opted_out_kinds": [],
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    row = Person(slack_user_id=user_id, department=department, **values)
    session.add(row)
    session.flush()
    return row


def role(session: Session, who: Person, name: str = "ambassador", department: str | None = "Sales") -> None:
    session.add(Role(person_id=who.id, role=name, department=department))
    session.flush()


def active_on(session: Session, who: Person, day: date, messages: int = 1) -> None:
    session.add(DailyActivity(person_id=who.id, day=day, messages=messages))
    session.flush()


def completion(session: Session, who: Person, key: str, at: datetime, status: str = "done") -> None:
    session.add(Completion(person_id=who.id, use_case_key=key, status=status, source="observed", completed_at=at))
    session.flush()


def help_request(session: Session, asker: Person, state: str = "open", **fields: Any) -> HelpRequest:
    values: dict[str, Any] = {
        "topic": "how-to",
        "question": "How do I start a thread?",
        "owner": "U0HELPER1",
        "created_at": datetime(2026, 3, 1, tzinfo=UTC),
    }
    values.update(fields)
    row = HelpRequest(asker_id=asker.id, state=state, **values)
    session.add(row)
    session.flush()
    return row
