"""What the FAQ and README promise about how many messages a person gets, held against what Slack received.

A busy person is driven through the wire for twelve simulated days: enrolled in a wave (the planner's
nudges), four use cases and a stage in one hour, a help question, two `/coach celebrate` and five
`/coach nudge` from her ambassador. Then every DM in her simulated Slack conversation is counted by the
`coach_nudge` metadata it carries and checked against the promise: at most 3 coaching messages a week, never
two within 20 hours, plus celebrations at most once an hour and replies to her own help questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import event_callback, member_joined, message_event, reaction_event, slash_command
from models import NudgeDelivery, Role
from nudges.kinds import NudgeKind
from nudges.ticks import deliver_nudges, plan_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.nudges.factories import active_wave, complete, person, utc
from tests.services.conftest import seed_help_people

ALICE, AMY = "U0ALICE01", "U0AMBOPS01"
START = utc(2026, 2, 2, 0)  # Monday 09:00 in Tokyo
FAQ_QUESTION = "Coach is messaging me too often. Can I pause it?"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    seed_help_people(fake)
    fake.add_channel("C0NEWS001", "company-news", [ALICE])
    fake.add_channel("C0EXEC001", "ask-exec", [])
    with http_app(fake, sqlite_url, clock=clock) as running:
        with session_scope(running.deps.session_factory) as s:
            wave = active_wave(s, phase="change")
            alice = person(s, ALICE, wave=wave, enrolled_at=START, tz="Asia/Tokyo", locale="en", department="Sales")
            complete(s, alice, ["find-help"], at=START)
            amy = person(s, AMY, tz="Asia/Tokyo", locale="en", department="Sales")
            s.add(Role(person_id=amy.id, role="ambassador", department="Sales"))
        yield running


def _post(app: HttpApp, event: dict) -> None:
    assert app.driver.post_event(event_callback(event)).status == 200


def _command(app: HttpApp, fake: FakeSlack, text: str, user: str) -> None:
    assert app.driver.post_command(slash_command(text, user, response_url=fake.response_url())).status == 200
    wait_until(lambda: fake.calls_to("response_url"))
    fake.reset_calls()


def _tick(app: HttpApp) -> None:
    plan_nudges(app.deps)
    deliver_nudges(app.deps)


def test_a_busy_person_gets_what_the_faq_promises_and_no_more(
    coach: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    faq = next(item for item in coach.deps.playbook.help.faq if item.question.get("en") == FAQ_QUESTION)
    assert "at most 3 coaching messages a week, never two within 20 hours" in faq.answer.get("en")
    assert "celebrations at most once an hour" in faq.answer.get("en")
    assert "3" in faq.answer.get("ja") and "20" in faq.answer.get("ja")
    cadence = coach.deps.playbook.cadence
    assert (cadence.weekly_budget, cadence.min_gap_hours) == (3, 20)

    for hour in range(12 * 24):
        clock.set(START + timedelta(hours=hour))
        if hour == 2:  # 11:00 in Tokyo on day one: a burst of progress
            _post(coach, member_joined(ALICE, "C0NEWS001"))
            _post(coach, reaction_event(ALICE, "tada", "C0NEWS001", "1700000000.000100"))
            _post(coach, member_joined(ALICE, "C0EXEC001"))
            _post(coach, message_event(ALICE, "C0EXEC001", "what is our goal this year?"))
            wait_until(lambda: _count(coach, NudgeKind.CELEBRATE) >= 5)
        if hour == 3:  # her ambassador cheers her twice and nudges her five times
            for minutes in (0, 5):
                clock.set(START + timedelta(hours=hour, minutes=minutes))
                _command(coach, fake, f"celebrate <@{ALICE}|alice> well done", AMY)
            for n in range(5):
                _command(coach, fake, f'nudge <@{ALICE}|alice> "try threads ({n})"', AMY)
        if hour == 26:  # day two, 11:00 in Tokyo: a help question
            _command(coach, fake, "help My login password does not work since this morning", ALICE)
        _tick(coach)

    dms = fake.messages_in(fake.dm_channel(ALICE))
    sent = _sent_rows(coach)
    kinds: dict[str, list[datetime]] = {}
    for message in dms:
        metadata = message.get("metadata") or {}
        assert metadata.get("event_type") == "coach_nudge", message.get("text")  # every DM came from the outbox
        row = sent[metadata["event_payload"]["nudge_id"]]
        assert row.kind == metadata["event_payload"]["kind"]
        kinds.setdefault(row.kind, []).append(row.sent_at)

    coaching = sorted(t for kind, times in kinds.items() if NudgeKind(kind).policy.budgeted for t in times)
    celebrations = sorted(t for kind, times in kinds.items() if NudgeKind(kind).policy.celebration for t in times)
    rest = {kind for kind in kinds if not (NudgeKind(kind).policy.budgeted or NudgeKind(kind).policy.celebration)}
    # The test saw real traffic (5 coaching, 3 celebrations, 1 help reply in this run), so the limits were tested.
    assert len(coaching) >= 4 and len(celebrations) >= 3
    for i, moment in enumerate(coaching):
        assert sum(1 for t in coaching[: i + 1] if t > moment - timedelta(days=7)) <= 3  # 3 in any rolling week
    assert all(b - a >= timedelta(hours=20) for a, b in pairwise(coaching))
    assert all(b - a >= timedelta(hours=1) for a, b in pairwise(celebrations))
    assert rest <= {NudgeKind.HELP_ASKER.value, NudgeKind.HELP_FOLLOW_UP.value}  # replies to her own question
    assert NudgeKind.HELP_ASKER.value in rest


def _count(app: HttpApp, kind: NudgeKind) -> int:
    with session_scope(app.deps.session_factory) as s:
        return len(s.scalars(select(NudgeDelivery.id).where(NudgeDelivery.kind == kind.value)).all())


def _sent_rows(app: HttpApp) -> dict[int, NudgeDelivery]:
    with session_scope(app.deps.session_factory) as s:
        rows = {r.id: r for r in s.scalars(select(NudgeDelivery).where(NudgeDelivery.state == "sent"))}
        s.expunge_all()
        return rows
