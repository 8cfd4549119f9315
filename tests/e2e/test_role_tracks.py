"""Role tracks through the wire (seed 000: each role learns its own use cases).

An admin appoints an ambassador and a sponsor in the admin Home's modal; the planner and the delivery worker
then send each of them the first lesson of their track, in their language, on a working day; "Done" on the
DM records the lesson once and answers how far the track is; the next lesson follows a week later, and a
lesson queued for a role that was taken away is dropped with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.flows.people import sync_people
from bot.services import appointments
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions
from bot.views.ids import NudgeAction
from models import LessonCompletion, NudgeDelivery
from nudges.ticks import deliver_nudges, plan_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.e2e.test_admin_roles import _post, _role_submission, _role_values
from tests.services.conftest import MONDAY_10_JST, seed_help_people

ADMIN = "U0ADMIN01"
AMB = "U0SALES01"
SPONSOR = "U0BOSS001"
WORK_HOURS = MONDAY_10_JST + timedelta(hours=11)  # Monday 12:00 in London, inside 10:00–17:00


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    seed_help_people(fake)
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    fake.add_user(AMB, name="sam", real_name="Sam Sales", tz="Europe/London", locale="en-GB", title="Sales")
    fake.add_user(SPONSOR, name="kei", real_name="Kei Boss", tz="Europe/London", locale="ja-JP", title="Exec")
    with http_app(fake, sqlite_url, clock=ManualClock(MONDAY_10_JST)) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        yield app


def _appoint(app: HttpApp, user: str, role: str, department: str | None) -> None:
    """Fill and submit the admin Home's appoint modal, as test_admin_roles does."""
    values = _role_values(user, role, department)
    assert _post(app, _role_submission(ADMIN, values, departments=["Exec", "IT", "Sales"])) == {}


def _run(app: HttpApp) -> None:
    plan_nudges(app.deps)
    deliver_nudges(app.deps)


def _press_done(app: HttpApp, fake: FakeSlack, user: str, message: dict[str, Any]) -> dict[str, Any]:
    """Press the lesson's own Done button, found in the DM Coach posted; what came back on response_url."""
    button = next(
        el
        for block in message["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el["action_id"] == NudgeAction.LESSON_DONE
    )
    before = len(fake.calls_to("response_url"))
    payload = block_actions(
        user,
        button["action_id"],
        button["value"],
        channel=fake.dm_channel(user),
        message_ts=message.get("ts"),
        response_url=fake.response_url("actions"),
    )
    assert app.driver.post_interaction(payload).status == 200
    return wait_until(lambda: fake.calls_to("response_url")[before:])[0].args


def _lesson(app: HttpApp, role: str, n: int, locale: str) -> str:
    return app.deps.playbook.tracks[role].lessons[n].title.get(locale)


def test_ambassador_and_sponsor_get_their_tracks(coach: HttpApp, fake: FakeSlack) -> None:
    _appoint(coach, AMB, "ambassador", "Sales")
    _appoint(coach, SPONSOR, "sponsor", None)
    _run(coach)  # Monday 01:00 UTC: planned for 10:00 in London, nothing sent yet
    assert fake.messages_in(AMB) == [] and fake.messages_in(SPONSOR) == []

    coach.deps.clock.set(WORK_HOURS)  # type: ignore[attr-defined]
    _run(coach)
    [amb_dm] = fake.messages_in(AMB)
    [boss_dm] = fake.messages_in(SPONSOR)
    assert _lesson(coach, "ambassador", 0, "en") in amb_dm["text"]
    assert _lesson(coach, "sponsor", 0, "ja") in boss_dm["text"]  # the sponsor's Slack is in Japanese
    assert "レッスン 1/3" in json.dumps(boss_dm["blocks"], ensure_ascii=False)
    assert amb_dm["metadata"]["event_type"] == "coach_nudge"

    reply = _press_done(coach, fake, AMB, amb_dm)
    assert reply["replace_original"] is True and "1 of 4" in reply["text"]
    _press_done(coach, fake, AMB, amb_dm)  # a second press counts once
    with session_scope(coach.deps.session_factory) as s:
        done = s.execute(select(LessonCompletion.track, LessonCompletion.lesson_key)).all()
    assert done == [("ambassador", "read-your-status")]

    coach.deps.clock.set(WORK_HOURS + timedelta(days=2))  # one lesson a week: nothing new on Wednesday
    _run(coach)
    assert len(fake.messages_in(AMB)) == 1
    coach.deps.clock.set(WORK_HOURS + timedelta(days=7))
    _run(coach)
    assert _lesson(coach, "ambassador", 1, "en") in fake.messages_in(AMB)[-1]["text"]


def test_lesson_for_a_role_taken_away_is_dropped(coach: HttpApp, fake: FakeSlack) -> None:
    _appoint(coach, AMB, "ambassador", "Sales")
    plan_nudges(coach.deps)
    with session_scope(coach.deps.session_factory) as s:
        appointments.remove(s, actor=ADMIN, user_id=AMB, role="ambassador", department="Sales", now=MONDAY_10_JST)
    coach.deps.clock.set(WORK_HOURS)  # type: ignore[attr-defined]
    deliver_nudges(coach.deps)
    assert fake.messages_in(AMB) == []
    with session_scope(coach.deps.session_factory) as s:
        rows = s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "track_lesson")).all()
        outcomes = {(row.payload["track"], row.state, row.last_error) for row in rows}
    assert outcomes == {("ambassador", "skipped", "no longer ambassador"), ("admin", "sent", None)}


def test_admins_get_the_admin_track_and_nobody_else_gets_lessons(coach: HttpApp, fake: FakeSlack) -> None:
    coach.deps.clock.set(WORK_HOURS)  # type: ignore[attr-defined]
    _run(coach)
    [dm] = fake.messages_in(ADMIN)  # Slack's admin flag makes a Coach admin, as for the admin Home
    assert _lesson(coach, "admin", 0, "en") in dm["text"]
    with session_scope(coach.deps.session_factory) as s:
        rows = s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "track_lesson")).all()
    assert len(rows) == 1  # the ambassador and sponsor are not appointed here; employees follow the ladder
