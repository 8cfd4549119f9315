"""Service tests: a migrated database per test (SQLite; PostgreSQL too where marked), and help services
against the loopback fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory
from bot.deps import Deps, build_deps
from bot.simslack import FakeSlack
from models import Person
from tests.e2e.harness import grant_manifest_scopes, settings_for

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


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


# 2025-03-03 is a Monday; 10:00 in Tokyo, where the default playbook's contacts work 09:00-18:00.
MONDAY_10_JST = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
ASKER = "U0ASKER001"
AMBASSADOR = "U0AMBOPS01"
CONTACTS = ("U0ADMIN001", "U0ADMIN002", "U0SECOPS01", "U0SECOPS02", "U0HOWTO001", "U0SALES001", "U0HELPER01")


def seed_help_people(fake: FakeSlack) -> None:
    """The default playbook's contacts, an asker in Ops, an Ops ambassador and the admin channel."""
    fake.add_user(ASKER, name="asker", real_name="Asa Asker", tz="Europe/London", locale="en-GB")
    fake.add_user(AMBASSADOR, name="amb", real_name="Amy Ambassador", tz="Asia/Tokyo", locale="en-US")
    for user_id in CONTACTS:
        fake.add_user(user_id, name=user_id.lower(), real_name=user_id, tz="Asia/Tokyo", locale="en-US")
    fake.add_channel("C0ADMINS01", "coach-admins", members=["U0ADMIN001"])


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(ack_timeout=1.0) as f:
        grant_manifest_scopes(f)
        seed_help_people(f)
        yield f


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_JST)


@pytest.fixture
def deps(fake: FakeSlack, migrated_sqlite: str, clock: ManualClock) -> Iterator[Deps]:
    built = build_deps(settings_for(fake, migrated_sqlite), clock=clock)
    try:
        yield built
    finally:
        built.engine.dispose()
