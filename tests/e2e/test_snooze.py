"""One snooze through the wire: the Home button, the nudge DM button and `/coach snooze` leave the same state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, slash_command
from bot.views.ids import HomeAction
from models import NudgeDelivery, Person
from nudges.outbox import enqueue
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.nudges.factories import active_wave, person, utc

TOKYO_NOON = utc(2026, 2, 2, 3)  # Monday 12:00 in Tokyo
TOKYO_MIDNIGHT_A_WEEK_ON = utc(2026, 2, 8, 15)  # Monday 2026-02-09 00:00 in Tokyo
HOME, DM, COMMAND = "U0HOME001", "U0DMDM001", "U0CMND001"


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    for user_id in (HOME, DM, COMMAND):
        fake.add_user(user_id, name=user_id.lower(), tz="Asia/Tokyo", locale="ja-JP")
    with http_app(fake, sqlite_url, clock=ManualClock(TOKYO_NOON)) as running:
        with session_scope(running.deps.session_factory) as s:
            wave = active_wave(s)
            for user_id in (HOME, DM, COMMAND):
                person(s, user_id, wave=wave, enrolled_at=utc(2026, 2, 1), tz="Asia/Tokyo", locale="ja")
        yield running


def _snoozed_until(app: HttpApp, user_id: str) -> datetime | None:
    with session_scope(app.deps.session_factory) as s:
        return s.scalar(select(Person.snoozed_until).where(Person.slack_user_id == user_id))


def _press_home_snooze(app: HttpApp, fake: FakeSlack) -> str:
    payload = block_actions(HOME, HomeAction.SNOOZE.value, "", response_url=fake.response_url("actions"))
    assert app.driver.post_interaction(payload).status == 200
    [dm] = wait_until(lambda: fake.messages_in(HOME))
    return str(dm["text"])


def _press_dm_snooze(app: HttpApp, fake: FakeSlack) -> str:
    with session_scope(app.deps.session_factory) as s:
        person_id = s.scalar(select(Person.id).where(Person.slack_user_id == DM))
        enqueue(s, person_id=person_id, kind="training", idempotency_key="t", due_at=TOKYO_NOON, subject="find-help")
    assert deliver_nudges(app.deps).sent == 1
    [message] = fake.messages_in(DM)
    button = next(
        el
        for block in message["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el["action_id"] == "nudge.snooze"
    )
    url = fake.response_url("actions")
    payload = block_actions(DM, button["action_id"], button["value"], message_ts=message.get("ts"), response_url=url)
    assert app.driver.post_interaction(payload).status == 200
    path = url[url.index("/hooks/") :]
    answer: dict[str, Any] = wait_until(
        lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None)
    )
    return str(answer["text"])


def _run_snooze_command(app: HttpApp, fake: FakeSlack, text: str = "snooze") -> str:
    url = fake.response_url()
    assert app.driver.post_command(slash_command(text, COMMAND, response_url=url)).status == 200
    path = url[url.index("/hooks/") :]
    answer: dict[str, Any] = wait_until(
        lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None), timeout=10
    )
    return str(answer["text"])


def test_the_three_entry_points_leave_the_same_state(coach: HttpApp, fake: FakeSlack) -> None:
    answers = [_press_home_snooze(coach, fake), _press_dm_snooze(coach, fake), _run_snooze_command(coach, fake)]
    assert [_snoozed_until(coach, u) for u in (HOME, DM, COMMAND)] == [TOKYO_MIDNIGHT_A_WEEK_ON] * 3
    assert all("2026-02-09" in answer for answer in answers), answers  # the date the person sees, in their zone
    with session_scope(coach.deps.session_factory) as s:
        pressed = select(NudgeDelivery.interacted_at).where(NudgeDelivery.kind != "reply")  # not the "snoozed" replies
        assert s.scalar(pressed) == TOKYO_NOON  # the DM press still counts as a press


def test_a_later_snooze_replaces_the_earlier_and_off_lifts_it(coach: HttpApp, fake: FakeSlack) -> None:
    _run_snooze_command(coach, fake)
    assert "2026-02-05" in _run_snooze_command(coach, fake, "snooze 3")
    assert _snoozed_until(coach, COMMAND) == utc(2026, 2, 4, 15)  # Thursday 00:00 in Tokyo
    _run_snooze_command(coach, fake, "snooze off")
    assert _snoozed_until(coach, COMMAND) is None
