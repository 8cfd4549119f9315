"""Fixtures for nudge tests: a migrated SQLite database, the default playbook, a fake Slack with the app's deps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from bot.deps import Deps, build_deps
from bot.playbook import Playbook
from bot.simslack import FakeSlack
from nudges.config import cadence_rules
from nudges.rules import CadenceRules
from tests.e2e.harness import settings_for
from tests.nudges.factories import utc

MONDAY_NOON = utc(2026, 2, 2, 12)  # 12:00 UTC is inside 10:00-17:00 in London and UTC


@pytest.fixture(scope="session")
def rules(playbook: Playbook) -> CadenceRules:
    return cadence_rules(playbook)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_NOON)


@pytest.fixture
def deps(fake: FakeSlack, migrated_sqlite: str, clock: ManualClock, playbook: Playbook) -> Iterator[Deps]:
    built = build_deps(settings_for(fake, migrated_sqlite), clock=clock, playbook=playbook)
    yield built
    built.engine.dispose()
