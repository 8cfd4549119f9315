"""`/coach` for ambassadors and employees through the wire: signed slash commands and button clicks in, the
HTTP ack at once (empty), the answer at the fake's response_url; scope enforced on the server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, slash_command
from models import Completion, DailyActivity, HelpRequest, NudgeDelivery, Person, Role
from nudges.kinds import OPTABLE_KINDS
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
ALICE, BOB, WENDY, CAROL = "U0ALICE01", "U0BOB0001", "W111", "U0CAROL01"  # Alice: Sales ambassador (ja)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_user(CAROL, name="carol", real_name="Carol Example", tz="Europe/Paris", locale="en-GB")
    with http_app(fake, sqlite_url) as running:
        _seed(running)
        yield running
        time.sleep(0.3)  # let listeners still answering (after the ack) finish before the server stops


def _seed(app: HttpApp) -> None:
    now = datetime.now(UTC)
    with session_scope(app.deps.session_factory) as s:
        people = {
            uid: Person(
                slack_user_id=uid,
                display_name=name,
                department=dept,
                locale=loc,
                tz="UTC",
                current_stage=stage,
                stage_reached_at=LONG_AGO if stage else None,
                created_at=LONG_AGO,
                opted_out_kinds=[],
            )
            for uid, name, dept, loc, stage in [
                (ALICE, "alice", "Sales", "ja", 3),
                (BOB, "bob", "Sales", "en", 1),
                (CAROL, "carol", "Sales", "en", 2),
                (WENDY, "wendy", "Marketing", "en", 3),
            ]
        }
        s.add_all(people.values())
        s.flush()
        s.add(Role(person_id=people[ALICE].id, role="ambassador", department="Sales"))
        s.add(DailyActivity(person_id=people[CAROL].id, day=now.date(), messages=4))
        s.add(DailyActivity(person_id=people[ALICE].id, day=now.date(), replies=2))
        s.add(DailyActivity(person_id=people[WENDY].id, day=now.date(), messages=9))
        s.add(
            HelpRequest(
                asker_id=people[BOB].id,
                topic="how-to",
                question="Where do I share files?",
                owner="U0HELPER1",
                state="open",
                created_at=now - timedelta(days=2),
            )
        )
        s.add(
            HelpRequest(
                asker_id=people[WENDY].id,
                topic="security",
                question="Marketing secret question",
                owner="U0HELPER1",
                state="open",
                created_at=now - timedelta(days=3),
            )
        )
        s.add(
            Completion(
                person_id=people[BOB].id,
                use_case_key="connect-a-tool",
                status="pending",
                source="self_report",
                completed_at=now,
            )
        )


def run(app: HttpApp, fake: FakeSlack, text: str, user: str, *, ack_within: float = 1.0) -> dict[str, Any]:
    """Post a signed `/coach` command; the ack must be fast and empty, the answer arrives at response_url."""
    url = fake.response_url()
    resp = app.driver.post_command(slash_command(text, user, response_url=url))
    assert resp.status == 200 and resp.elapsed < ack_within, resp
    assert resp.body == ""  # nothing slow (or secret) rides on the ack
    path = url[url.index("/hooks/") :]
    return wait_until(
        lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None), timeout=10
    )


def click(app: HttpApp, fake: FakeSlack, user: str, action_id: str, value: str) -> dict[str, Any]:
    url = fake.response_url("actions")
    resp = app.driver.post_interaction(block_actions(user, action_id, value, response_url=url))
    assert resp.status == 200 and resp.elapsed < 1.0
    path = url[url.index("/hooks/") :]
    return wait_until(lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None))


def _outbox(app: HttpApp) -> list[tuple[str, str, dict[str, Any]]]:
    with session_scope(app.deps.session_factory) as s:
        rows = s.execute(
            select(Person.slack_user_id, NudgeDelivery.kind, NudgeDelivery.payload).join(
                Person, Person.id == NudgeDelivery.person_id
            )
        ).all()
        return [(uid, kind, payload) for uid, kind, payload in rows]


def test_status_answers_in_japanese_with_bars(app: HttpApp, fake: FakeSlack) -> None:
    answer = run(app, fake, "status", ALICE)
    body = json.dumps(answer["blocks"], ensure_ascii=False)
    assert answer["response_type"] == "ephemeral"
    assert "Sales" in body and "点火率" in body and "█" in body and "│" in body
    assert "*対象者* 3" in body and "2/3" in body  # Alice, Bob, Carol (Wendy is Marketing); Alice and Carol active


def test_ambassador_cannot_see_another_department_and_nothing_leaks(app: HttpApp, fake: FakeSlack) -> None:
    other = run(app, fake, "status Marketing", ALICE)
    missing = run(app, fake, "status Atlantis", ALICE)
    assert ":lock:" in other["text"]
    assert other["text"].replace("Marketing", "X") == missing["text"].replace("Atlantis", "X")
    questions = run(app, fake, "questions Marketing", ALICE)
    assert "secret" not in json.dumps(questions) and ":lock:" in questions["text"]
    own = run(app, fake, "questions", ALICE)
    assert "Where do I share files?" in json.dumps(own, ensure_ascii=False)
    assert "secret" not in json.dumps(own)


def test_employee_using_an_ambassador_command_is_refused(app: HttpApp, fake: FakeSlack) -> None:
    for text in ("stuck", "status Sales", "nudge <@U0CAROL01|carol>"):
        answer = run(app, fake, text, BOB)
        assert ":lock:" in json.dumps(answer["blocks"]) and "carol" not in answer["text"]
    assert _outbox(app) == []


def test_stuck_then_nudge_buttons_are_checked_again_on_click(app: HttpApp, fake: FakeSlack) -> None:
    answer = run(app, fake, "stuck 7", ALICE)
    buttons = [b["accessory"] for b in answer["blocks"] if b.get("accessory")]
    assert [b["value"] for b in buttons] == [BOB]  # Carol is active; Wendy is another department
    nudged = click(app, fake, ALICE, "amb.nudge_one", BOB)
    assert BOB in nudged["text"]
    assert _outbox(app) == [(BOB, "ambassador", {"message": "", "from_user": ALICE})]
    refused = click(app, fake, BOB, "amb.nudge_all", json.dumps({"d": ["Sales"], "n": 1}))
    forged = click(app, fake, ALICE, "amb.nudge_all", json.dumps({"d": ["Marketing"], "n": 1}))
    outside = click(app, fake, ALICE, "amb.nudge_one", WENDY)
    assert ":lock:" in json.dumps(refused["blocks"]) and ":lock:" in json.dumps(forged["blocks"])
    assert "not in your department" in outside["text"] or "担当部署" in outside["text"]
    assert len(_outbox(app)) == 1


def test_nudge_all_from_the_button(app: HttpApp, fake: FakeSlack) -> None:
    answer = click(app, fake, ALICE, "amb.nudge_all", json.dumps({"d": ["Sales"], "n": 7}))
    assert BOB in answer["text"] and [row[0] for row in _outbox(app)] == [BOB]


def test_slow_work_continues_after_the_ack(app: HttpApp, fake: FakeSlack) -> None:
    fake.add_usergroup("S0SALES01", "sales-team", [BOB, WENDY])
    fake.fail_next("usergroups.users.list", delay=3.5)  # slower than Slack's 3 s ack window
    answer = run(app, fake, "nudge <!subteam^S0SALES01|@sales-team> 「スレッドで返信してみよう」", ALICE)
    assert BOB in answer["text"] and WENDY in answer["text"]  # Wendy: skipped, not in the department
    assert _outbox(app) == [(BOB, "ambassador", {"message": "「スレッドで返信してみよう」", "from_user": ALICE})]


def test_celebrate_by_dm_and_in_public(app: HttpApp, fake: FakeSlack) -> None:
    answer = run(app, fake, 'celebrate <@U0BOB0001|bob> "great first thread"', ALICE)
    with session_scope(app.deps.session_factory) as s:
        [cheer] = s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "cheer")).all()
        assert cheer.address == BOB and cheer.state in ("sent", "pending")
    if cheer.state == "pending":  # outside Bob's working hours (the app runs on the real clock): the outbox waits
        assert "working hours" in answer["text"] or "勤務時間" in answer["text"]
        deliver_nudges(replace(app.deps, clock=ManualClock(cheer.due_at)))
    posted = fake.wait_for("chat.postMessage")[0]
    assert posted.args["metadata"]["event_payload"]["kind"] == "cheer"
    assert posted.args["channel"] in (BOB, fake.dm_channel(BOB))  # the worker posts to the user id (a DM)
    assert "great first thread" in posted.args["text"] and "celebrate" in posted.args["text"]  # Bob reads English
    assert BOB in answer["text"]
    public = run(app, fake, "celebrate <@U0CAROL01> public 拍手！", ALICE)
    assert public["response_type"] == "in_channel" and "拍手！" in public["text"]


def test_confirm_a_self_reported_use_case(app: HttpApp, fake: FakeSlack) -> None:
    answer = run(app, fake, "confirm <@U0BOB0001|bob> connect-a-tool", ALICE)
    assert "確認しました" in answer["text"]
    with session_scope(app.deps.session_factory) as s:
        row = s.scalar(select(Completion).where(Completion.use_case_key == "connect-a-tool"))
        assert row is not None and (row.status, row.source, row.confirmed_by) == ("done", "ambassador", ALICE)


def test_employee_self_service(app: HttpApp, fake: FakeSlack) -> None:
    me = run(app, fake, "me", BOB)
    assert "Stage 1 of 4" in me["text"] and "Waiting for confirmation" in me["text"]
    snoozed = run(app, fake, "snooze 3", BOB)
    assert "snoozed until" in snoozed["text"]
    stopped = run(app, fake, "stop", BOB)
    assert "off" in stopped["text"]
    with session_scope(app.deps.session_factory) as s:
        bob = s.scalar(select(Person).where(Person.slack_user_id == BOB))
        assert bob is not None and bob.snoozed_until is not None
        assert set(bob.opted_out_kinds) == {k.value for k in OPTABLE_KINDS}
    assert "on again" in run(app, fake, "start", BOB)["text"]


def test_a_newcomer_gets_their_own_guide_and_journey(app: HttpApp, fake: FakeSlack) -> None:
    fake.add_user("U0NEW0001", name="nina", real_name="Nina New", tz="Asia/Tokyo", locale="ja-JP")
    guide = run(app, fake, "", "U0NEW0001")
    assert "/coach me" in guide["text"] and "/coach stuck" not in guide["text"]
    me = run(app, fake, "me", "U0NEW0001")
    assert "ジャーニー" in me["text"]  # users.info said ja-JP
