"""Retention through the wire, on a simulated clock: a help question asked, answered, solved and rated by
clicks is cleared COACH_TEXT_RETENTION_DAYS after it closed, by the scheduler's claimed tick (once across
replicas); the request, its history and its rating stay, so every count is kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import build_deps
from bot.services.help_metrics import help_numbers
from bot.simslack import FakeSlack
from bot.views.help import rate_action_id
from bot.views.ids import HelpAction
from models import HelpRequest, HelpStep
from nudges import scheduler as sched
from tests.e2e.harness import HttpApp, http_app, settings_for, wait_until
from tests.e2e.test_help import LOGIN, PRIMARY, click, command, dm_has, replied, request, routed_to
from tests.services.conftest import ASKER, MONDAY_10_JST, seed_help_people


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_JST)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    seed_help_people(fake)
    with http_app(fake, sqlite_url, clock=clock, COACH_TEXT_RETENTION_DAYS="30") as running:
        yield running


def solve_a_question(app: HttpApp, fake: FakeSlack) -> HelpRequest:
    command(app, fake, f"help {LOGIN}")
    routed_to(app, PRIMARY)
    click(app, fake, PRIMARY, HelpAction.TAKE, "1")
    wait_until(lambda: dm_has(fake, ASKER, "is on your question now"))
    click(app, fake, PRIMARY, HelpAction.ANSWERED, "1")
    wait_until(lambda: dm_has(fake, ASKER, "Did it help?"))
    click(app, fake, ASKER, HelpAction.SOLVED, "1")
    wait_until(lambda: dm_has(fake, ASKER, "How helpful was the answer?"))
    click(app, fake, ASKER, rate_action_id(4), "1")
    wait_until(lambda: replied(fake, "Thanks for rating the help 4/5"))
    closed = request(app)
    assert closed is not None and closed.state == "closed" and closed.question == LOGIN
    return closed


def counts(app: HttpApp) -> tuple[int, int, object]:
    with session_scope(app.deps.session_factory) as s:
        requests = int(s.scalar(select(func.count()).select_from(HelpRequest)) or 0)
        steps = int(s.scalar(select(func.count()).select_from(HelpStep)) or 0)
        metrics = help_numbers(s, now=MONDAY_10_JST)
    return requests, steps, metrics


def test_a_closed_questions_text_is_purged_after_the_retention_days_and_the_counts_stay(
    app: HttpApp, fake: FakeSlack, clock: ManualClock, sqlite_url: str
) -> None:
    closed = solve_a_question(app, fake)
    [spec] = [s for s in sched.JOBS if s.name == "purge_old_texts"]
    other = build_deps(settings_for(fake, sqlite_url, COACH_TEXT_RETENTION_DAYS="30"), clock=clock)
    replicas = [sched.bind(spec, app.deps, "replica-0"), sched.bind(spec, other, "replica-1")]
    try:
        clock.advance(timedelta(days=29, hours=23))
        assert [tick() for tick in replicas] == [True, False]  # claimed once across replicas
        kept = request(app)
        assert kept is not None and kept.question == LOGIN  # not yet 30 days after it closed

        before = counts(app)
        clock.advance(timedelta(hours=2))
        assert [tick() for tick in replicas] == [True, False]
        purged = request(app)
        assert purged is not None and purged.question == ""
        assert (purged.state, purged.resolution, purged.satisfaction) == ("closed", "solved", 4)
        assert purged.closed_at == closed.closed_at and purged.topic == closed.topic
        assert counts(app) == before  # the request, its history and the help metrics are unchanged
    finally:
        other.engine.dispose()
