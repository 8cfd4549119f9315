"""Celebrations, coalesced, through the wire: four use cases and a stage in one hour are one DM, not five."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import event_callback, member_joined, message_event, reaction_event
from models import NudgeDelivery
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.nudges.factories import active_wave, complete, person, utc

ALICE = "U0ALICE01"
TOKYO_ELEVEN = utc(2026, 2, 2, 2)  # Monday 11:00 in Tokyo


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TOKYO_ELEVEN)


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    fake.add_channel("C0NEWS001", "company-news", [ALICE])
    fake.add_channel("C0EXEC001", "ask-exec", [])
    fake.add_channel("C0PROJ001", "proj-apollo", [ALICE])
    with http_app(fake, sqlite_url, clock=clock) as running:
        with session_scope(running.deps.session_factory) as s:
            alice = person(s, ALICE, wave=active_wave(s), enrolled_at=TOKYO_ELEVEN, tz="Asia/Tokyo", locale="en")
            complete(s, alice, ["find-help"], at=TOKYO_ELEVEN)
        yield running


def _post(app: HttpApp, event: dict) -> None:
    assert app.driver.post_event(event_callback(event)).status == 200


def _celebrations(app: HttpApp) -> list[NudgeDelivery]:
    with session_scope(app.deps.session_factory) as s:
        rows = list(
            s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "celebrate").order_by(NudgeDelivery.id))
        )
        s.expunge_all()
        return rows


def test_four_use_cases_and_a_stage_within_an_hour_are_one_message(
    coach: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    _post(coach, member_joined(ALICE, "C0NEWS001"))
    _post(coach, reaction_event(ALICE, "tada", "C0NEWS001", "1700000000.000100"))
    _post(coach, member_joined(ALICE, "C0EXEC001"))
    _post(coach, message_event(ALICE, "C0EXEC001", "what is our goal this year?"))
    rows = wait_until(lambda: len(r := _celebrations(coach)) == 5 and r)  # four use cases and stage 1
    assert all(r.due_at == TOKYO_ELEVEN + timedelta(minutes=10) for r in rows)

    assert deliver_nudges(coach.deps).claimed == 0  # nothing yet: the burst is given ten minutes to gather
    clock.advance(timedelta(minutes=11))
    deliver_nudges(coach.deps)
    [message] = fake.messages_in(fake.dm_channel(ALICE))
    playbook = coach.deps.playbook
    for key in ("follow-company-news", "react-to-news", "join-ask-exec", "ask-the-exec"):
        assert playbook.use_case(key).title.get("en") in message["text"], key
    assert playbook.stages[0].title.get("en") in message["text"]
    rows = _celebrations(coach)
    [survivor] = [r for r in rows if r.state == "sent"]
    assert message["metadata"]["event_payload"]["nudge_id"] == survivor.id
    merged = [r for r in rows if r.state == "skipped"]
    assert len(merged) == 4 and {r.last_error for r in merged} == {f"merged into celebration {survivor.id}"}

    # Twenty minutes later another step is done: it waits until an hour after the last celebration.
    clock.advance(timedelta(minutes=20))
    _post(coach, message_event(ALICE, "C0PROJ001", "hey <@U0BOB0001|bob> can you look?"))
    wait_until(lambda: len(_celebrations(coach)) == 6)
    clock.advance(timedelta(minutes=11))
    deliver_nudges(coach.deps)
    assert len(fake.messages_in(fake.dm_channel(ALICE))) == 1
    [held] = [r for r in _celebrations(coach) if r.state == "pending"]
    assert held.due_at == survivor.sent_at + timedelta(hours=1)
    clock.set(held.due_at)
    deliver_nudges(coach.deps)
    later = fake.messages_in(fake.dm_channel(ALICE))
    assert len(later) == 2 and playbook.use_case("mention-a-teammate").title.get("en") in later[1]["text"]
