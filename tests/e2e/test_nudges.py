"""Nudges through the wire: a training DM is delivered, and its buttons work as signed interactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions
from models import NudgeDelivery, Person, PulseResponse
from nudges.outbox import enqueue
from nudges.ticks import deliver_nudges, plan_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.nudges.factories import active_wave, person, utc

TOKYO_NOON = utc(2026, 2, 2, 3)  # Monday 12:00 in Tokyo
ALICE = "U0ALICE01"


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    with http_app(fake, sqlite_url, clock=ManualClock(TOKYO_NOON)) as running:
        yield running


def _press(app: HttpApp, fake: FakeSlack, user: str, message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Press the first button whose action_id starts with `action_id`; return what came back on response_url."""
    button = next(
        el
        for block in message["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el["action_id"].startswith(action_id)
    )
    before = len(fake.calls_to("response_url"))
    payload = block_actions(
        user,
        button["action_id"],
        button["value"],
        channel=fake.dm_channel(ALICE),
        message_ts=message.get("ts"),
        response_url=fake.response_url("actions"),
    )
    assert app.driver.post_interaction(payload).status == 200
    return wait_until(lambda: fake.calls_to("response_url")[before:])[0].args


def _deliver_training(app: HttpApp) -> int:
    with session_scope(app.deps.session_factory) as s:
        alice = person(s, ALICE, wave=active_wave(s), enrolled_at=utc(2026, 2, 1), tz="Asia/Tokyo", locale="ja")
        enqueue(s, person_id=alice.id, kind="training", idempotency_key="t", due_at=TOKYO_NOON, subject="find-help")
    assert deliver_nudges(app.deps).sent == 1
    with session_scope(app.deps.session_factory) as s:
        return s.scalar(select(NudgeDelivery.id).where(NudgeDelivery.idempotency_key == "t"))


def test_training_try_it_then_rate(coach: HttpApp, fake: FakeSlack) -> None:
    nudge_id = _deliver_training(coach)
    [message] = fake.messages_in(ALICE)
    lesson = coach.deps.playbook.use_case("find-help").training.lesson.get("ja")
    assert lesson in message["text"]

    follow_up = _press(coach, fake, ALICE, message, "nudge.try_it")
    assert follow_up["replace_original"] is True
    rate_ids = [el["action_id"] for el in follow_up["blocks"][-1]["elements"]]
    assert rate_ids == [f"nudge.rate.{n}" for n in range(1, 6)]

    thanks = _press(coach, fake, ALICE, {"blocks": follow_up["blocks"]}, "nudge.rate.4")
    assert "4/5" in thanks["text"]
    with session_scope(coach.deps.session_factory) as s:
        [response] = s.scalars(select(PulseResponse)).all()
        assert (response.kind, response.score, response.comment) == ("training", 4, "find-help")
        assert s.get(NudgeDelivery, nudge_id).interacted_at == TOKYO_NOON
    _press(coach, fake, ALICE, {"blocks": follow_up["blocks"]}, "nudge.rate.2")  # a second click changes nothing
    with session_scope(coach.deps.session_factory) as s:
        assert len(s.scalars(select(PulseResponse)).all()) == 1


def test_stop_this_kind_and_snooze(coach: HttpApp, fake: FakeSlack) -> None:
    _deliver_training(coach)
    [message] = fake.messages_in(ALICE)
    stopped = _press(coach, fake, ALICE, message, "nudge.stop_kind")
    assert stopped["response_type"] == "ephemeral" and "トレーニング" in stopped["text"]
    snoozed = _press(coach, fake, ALICE, message, "nudge.snooze")
    assert "2026-02-09" in snoozed["text"]
    with session_scope(coach.deps.session_factory) as s:
        alice = s.scalar(select(Person).where(Person.slack_user_id == ALICE))
        assert alice.opted_out_kinds == ["training"]
        assert alice.snoozed_until == utc(2026, 2, 8, 15)  # midnight in Tokyo, 7 days on


def test_someone_else_cannot_rate_or_try_a_nudge_that_is_not_theirs(coach: HttpApp, fake: FakeSlack) -> None:
    _deliver_training(coach)
    [message] = fake.messages_in(ALICE)
    with session_scope(coach.deps.session_factory) as s:
        person(s, "U0BOB0001", tz="Europe/London")
    button = next(el for el in message["blocks"][-1]["elements"] if el["action_id"] == "nudge.try_it")
    payload = block_actions("U0BOB0001", "nudge.try_it", button["value"], response_url=fake.response_url("actions"))
    assert coach.driver.post_interaction(payload).status == 200
    with session_scope(coach.deps.session_factory) as s:
        assert s.scalar(select(NudgeDelivery.interacted_at)) is None
    assert fake.calls_to("response_url") == []


def test_planning_tick_to_delivered_next_step(coach: HttpApp, fake: FakeSlack) -> None:
    with session_scope(coach.deps.session_factory) as s:
        person(s, ALICE, wave=active_wave(s), enrolled_at=utc(2026, 2, 1), tz="Asia/Tokyo", locale="ja")
    assert plan_nudges(coach.deps).queued["next_use_case"] == 1
    assert deliver_nudges(coach.deps).sent == 1
    [message] = fake.messages_in(ALICE)
    assert coach.deps.playbook.use_case("find-help").title.get("ja") in message["text"]
    assert message["metadata"]["event_type"] == "coach_nudge"
