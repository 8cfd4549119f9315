"""Journeys through the wire: real events move people up the ladder; retries, edits and bots never count."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import (
    app_home_opened,
    block_actions,
    event_callback,
    member_joined,
    message_event,
    names,
    reaction_event,
    slash_command,
)
from bot.simslack.payloads import load as load_payload
from models import Completion, CriterionHit, DailyActivity, NudgeDelivery, Person, Role
from tests.e2e.harness import HttpApp, http_app, wait_until

ALICE, BOB = "U0ALICE01", "U0BOB0001"


@pytest.fixture(autouse=True)
def channels(fake: FakeSlack) -> None:
    fake.add_channel("C0NEWS001", "company-news", [ALICE, BOB])
    fake.add_channel("C0EXEC001", "ask-exec", [BOB])
    fake.add_channel("C0PROJ001", "proj-apollo", [ALICE, BOB])
    fake.add_channel("C0DEPT001", "dept-sales", [ALICE, BOB])


def _count(app: HttpApp, model: type, *where: object) -> int:
    with session_scope(app.deps.session_factory) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _done(app: HttpApp, user: str) -> set[str]:
    with session_scope(app.deps.session_factory) as s:
        return set(
            s.scalars(
                select(Completion.use_case_key)
                .join(Person, Person.id == Completion.person_id)
                .where(Person.slack_user_id == user, Completion.status == "done")
            )
        )


def _counters(app: HttpApp, user: str) -> dict[str, int]:
    with session_scope(app.deps.session_factory) as s:
        rows = s.execute(
            select(DailyActivity).join(Person, Person.id == DailyActivity.person_id).where(Person.slack_user_id == user)
        ).scalars()
        total: dict[str, int] = {}
        for row in rows:
            for c in ("messages", "replies", "reactions", "files", "apps", "bot_dms"):
                total[c] = total.get(c, 0) + getattr(row, c)
        return total


def _post(app: HttpApp, event: dict, **kw: object) -> dict:
    body = event_callback(event)
    assert app.driver.post_event(body, **kw).status == 200
    return body


def test_every_events_api_sample_goes_through_the_wire(
    app: HttpApp, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    samples = [n for n in names() if n.startswith("events_api/")]
    assert len(samples) >= 25
    for user in ("U123ABC456", "U2147483697", "W222", "U111", "UB111", "U1234567"):
        fake.add_user(user, name=user.lower())
    for name in samples:
        body = load_payload(name)
        if name.endswith(".inner.json"):
            body = event_callback(body)
        resp = app.driver.post_event(body)
        assert resp.status == 200, (name, resp.status, resp.body)
    time.sleep(1.0)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_person_climbs_the_ladder_from_real_events(app: HttpApp, fake: FakeSlack) -> None:
    _post(app, app_home_opened(ALICE))  # she looks at her Home tab, so it is kept fresh as she progresses
    fake.wait_for("views.publish")
    _post(app, member_joined(ALICE, "C0NEWS001"))
    _post(app, reaction_event(ALICE, "tada", "C0NEWS001", "1700000000.000100"))
    _post(app, member_joined(ALICE, "C0EXEC001"))
    wait_until(lambda: {"follow-company-news", "react-to-news", "join-ask-exec"} <= _done(app, ALICE))

    root = "1700000001.000100"
    for i in range(3):
        _post(app, message_event(ALICE, "C0PROJ001", f"reply {i}", thread_ts=root))
    _post(app, message_event(ALICE, "C0PROJ001", "hey <@U0BOB0001|bob> can you look?"))
    wait_until(lambda: {"reply-in-threads", "mention-a-teammate"} <= _done(app, ALICE))
    assert "post-in-project" not in _done(app, ALICE)  # needs 5 messages within 14 days; replies are not posts
    for i in range(5):
        _post(app, message_event(ALICE, "C0PROJ001", f"update {i}"))
    wait_until(lambda: "post-in-project" in _done(app, ALICE))

    counters = wait_until(lambda: (c := _counters(app, ALICE)).get("messages") == 6 and c)
    assert counters["replies"] == 3 and counters["reactions"] == 1
    # Each completion is celebrated exactly once, through the outbox.
    wait_until(lambda: _count(app, NudgeDelivery, NudgeDelivery.kind == "celebrate") >= 6)
    keys = [r for (r,) in _rows(app, NudgeDelivery.idempotency_key)]
    assert len(keys) == len(set(keys))
    # The Home tab is refreshed after completions (a burst is coalesced into one publish) and ticks them off.
    wait_until(lambda: ":white_check_mark:" in json.dumps(fake.home_view(ALICE) or {}))
    publishes = len(fake.calls_to("views.publish"))
    assert 2 <= publishes < 7  # the first visit, then coalesced refreshes — not one per completion


def _rows(app: HttpApp, *cols: object) -> list[tuple]:
    with session_scope(app.deps.session_factory) as s:
        return [tuple(r) for r in s.execute(select(*cols)).all()]


def test_slack_retries_count_once(app: HttpApp) -> None:
    body = _post(app, message_event(BOB, "C0PROJ001", "first"))
    for retry in (1, 2, 3):
        assert app.driver.post_event(body, retry_num=retry, retry_reason="http_timeout").status == 200
    wait_until(lambda: _counters(app, BOB).get("messages") == 1)
    time.sleep(0.4)
    assert _counters(app, BOB)["messages"] == 1
    assert _count(app, CriterionHit) == 1


def test_edits_deletions_and_bots_never_count(app: HttpApp) -> None:
    original = message_event(BOB, "C0PROJ001", "hello")
    _post(app, original)
    wait_until(lambda: _counters(app, BOB).get("messages") == 1)
    edited = load_payload("events_api/message.message_changed.bolt-python.json")
    edited["event"]["channel"] = "C0PROJ001"
    edited["event"]["message"]["user"] = BOB
    deleted = load_payload("events_api/message.message_deleted.bolt-python.json")
    deleted["event"]["channel"] = "C0PROJ001"
    for body in (edited, deleted):
        body.pop("event_id", None)
        assert app.driver.post_event(event_callback(body["event"])).status == 200
    # The app's own message (Bolt drops it) and another app's bot message are not a person's activity.
    _post(app, message_event("W23456789", "C0PROJ001", "coach says hi", bot_id="BZYBOTHED"))
    _post(app, load_payload("events_api/message.bot_message.classic_subtype.bolt-python.json")["event"])
    time.sleep(0.6)
    assert _counters(app, BOB)["messages"] == 1
    assert _count(app, Person, Person.slack_user_id.in_(["W23456789", "UB222"])) == 0


def test_no_message_text_is_stored(app: HttpApp, sqlite_url: str) -> None:
    marker = "ZEBRA-7F3A-confidential-roadmap"
    for i in range(5):
        _post(app, message_event(ALICE, "C0PROJ001", f"{marker} {i}"))
    _post(app, message_event(ALICE, "C0PROJ001", f"{marker} reply", thread_ts="1700000001.000100"))
    wait_until(lambda: _counters(app, ALICE).get("messages") == 5)
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    assert marker.encode() not in raw


def test_thread_reply_detected_by_thread_ts(app: HttpApp) -> None:
    _post(app, message_event(BOB, "C0PROJ001", "root", ts="1700000100.000100", thread_ts="1700000100.000100"))
    _post(app, message_event(BOB, "C0PROJ001", "reply", thread_ts="1700000100.000100"))
    wait_until(lambda: (c := _counters(app, BOB)).get("messages") == 1 and c.get("replies") == 1)


def _click(app: HttpApp, user: str, action_id: str, value: str) -> None:
    payload = block_actions(user, action_id, value)
    assert app.driver.post_interaction(payload).status == 200


@pytest.fixture
def app_at_work(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    """The app on a Monday at 11:00 UTC: asks to ambassadors go through the outbox in working hours."""
    from datetime import UTC, datetime

    from bot.clock import ManualClock

    with http_app(fake, sqlite_url, clock=ManualClock(datetime(2026, 2, 2, 11, tzinfo=UTC))) as running:
        yield running


def test_i_did_it_verifies_membership_or_asks_the_ambassador(app_at_work: HttpApp, fake: FakeSlack) -> None:
    from nudges.ticks import deliver_nudges

    app = app_at_work

    def asks_to_ambassador() -> list[dict]:
        deliver_nudges(app.deps)  # the asks go through the outbox
        return [m for m in fake.messages_in("W111") if m.get("blocks")]

    _post(app, member_joined(BOB, "C0DEPT001"))  # Bob becomes known; channel names get cached
    wait_until(lambda: _count(app, Person, Person.slack_user_id == BOB))
    with session_scope(app.deps.session_factory) as s:
        bob = s.scalar(select(Person).where(Person.slack_user_id == BOB))
        assert bob is not None
        bob.department = "Sales"
        wendy = Person(slack_user_id="W111", display_name="Wendy", department="Sales", opted_out_kinds=[])
        s.add(wendy)
        s.flush()
        s.add(Role(person_id=wendy.id, role="ambassador", department="Sales"))
    from bot.flows.channels import sync_channels

    sync_channels(app.deps)

    # Membership is checked with conversations.members: Bob is in #company-news.
    _click(app, BOB, "home.did_it", "follow-company-news")
    wait_until(lambda: "follow-company-news" in _done(app, BOB))
    # App use or the ambassador: Coach has not seen Bob use an app, so the ambassador is asked.
    _click(app, BOB, "home.did_it", "connect-a-tool")
    wait_until(asks_to_ambassador)
    assert "connect-a-tool" not in _done(app, BOB)
    # Ambassador verification: pending, the ambassador is asked, a stranger cannot confirm.
    _click(app, BOB, "home.did_it", "approve-in-slack")
    ask = wait_until(lambda: (asks := asks_to_ambassador())[1:] and asks)
    assert "approve-in-slack" in ask[-1]["blocks"][-1]["elements"][0]["value"]
    value = next(el["value"] for b in ask[-1]["blocks"] if b["type"] == "actions" for el in b["elements"])
    assert "approve-in-slack" not in _done(app, BOB)
    _click(app, ALICE, "progress.confirm", value)
    wait_until(
        lambda: any(
            "Only an ambassador" in m.get("text", "") or "アンバサダー" in m.get("text", "")
            for m in fake.messages_in(ALICE)
        )
    )
    assert "approve-in-slack" not in _done(app, BOB)
    _click(app, "W111", "progress.confirm", value)
    wait_until(lambda: "approve-in-slack" in _done(app, BOB))


def test_what_coach_knows_and_delete(app: HttpApp, fake: FakeSlack) -> None:
    for i in range(2):
        _post(app, message_event(ALICE, "C0PROJ001", f"m{i}"))
    wait_until(lambda: _counters(app, ALICE).get("messages") == 2)
    _click(app, ALICE, "home.what_you_know", "")
    modal = fake.wait_for("views.open")[0].args["view"]
    View(**modal).validate_json()
    text = json.dumps(modal, ensure_ascii=False)
    assert ALICE in text and "messages 2" in text

    _click(app, ALICE, "home.delete_my_data", "")
    wait_until(lambda: _count(app, Person, Person.slack_user_id == ALICE) == 0)
    assert _count(app, DailyActivity) == 0


def test_team_join_and_user_change_keep_people_current(app: HttpApp) -> None:
    join = load_payload("events_api/team_join.ASSEMBLED.json")
    user = join["event"]["user"]  # departments from users.profile.get: tests/e2e/test_people_sync.py
    join["event_id"] = "Ev-join-1"
    assert app.driver.post_event(join).status == 200
    wait_until(lambda: _count(app, Person, Person.slack_user_id == user["id"]))
    change = load_payload("events_api/user_change.ASSEMBLED.json")
    change["event"]["user"]["id"] = user["id"]
    change["event"]["user"]["deleted"] = True
    assert app.driver.post_event(change).status == 200
    wait_until(lambda: _count(app, Person, Person.slack_user_id == user["id"], Person.deactivated.is_(True)))
    bot = event_callback({"type": "team_join", "user": {"id": "U0BOTTY01", "is_bot": True, "profile": {}}})
    assert app.driver.post_event(bot).status == 200
    time.sleep(0.3)
    assert _count(app, Person, Person.slack_user_id == "U0BOTTY01") == 0


def test_language_override(app: HttpApp, fake: FakeSlack) -> None:
    _post(app, message_event(ALICE, "C0PROJ001", "hi"))
    wait_until(lambda: _count(app, Person, Person.slack_user_id == ALICE))
    hook = fake.response_url()
    resp = app.driver.post_command(slash_command("language en", ALICE, response_url=hook))
    assert resp.status == 200
    answer = fake.wait_for("response_url")[0].args
    assert answer["text"] == "Coach will talk to you in English."
    home = wait_until(lambda: fake.home_view(ALICE))
    assert "Your Slack journey" in json.dumps(home)


def test_asking_for_help_in_dm_is_the_first_use_case(app: HttpApp, fake: FakeSlack) -> None:
    """A DM to Coach reaches help routing and completes "know where to get help"."""
    for contact in ("U0ADMIN001", "U0SECOPS01", "U0HOWTO001", "U0SALES001"):
        fake.add_user(contact, name=contact.lower(), tz="Asia/Tokyo")
    _post(app, message_event(ALICE, fake.dm_channel(ALICE), "How do I reset my password?", channel_type="im"))
    wait_until(lambda: "find-help" in _done(app, ALICE))
    wait_until(lambda: _counters(app, ALICE).get("bot_dms") == 1)
    wait_until(lambda: fake.messages_in(fake.dm_channel(ALICE)))


def test_a_failing_command_still_answers_politely(app: HttpApp, fake: FakeSlack) -> None:
    """Even when the database fails mid-command, the person gets an answer, not silence or a stack trace."""
    app.deps.engine.dispose()
    hook = fake.response_url()
    from unittest import mock

    with mock.patch("handlers.commands.load_caller", side_effect=RuntimeError("database is down")):
        resp = app.driver.post_command(slash_command("status", ALICE, response_url=hook))
        assert resp.status == 200
        answer = fake.wait_for("response_url")[0].args
    assert "something went wrong" in answer["text"] and "Traceback" not in answer["text"]


def test_completions_are_celebrated_once_in_the_persons_language(fake: FakeSlack, sqlite_url: str) -> None:
    """A completion becomes one celebration DM (Japanese for Alice), however often the worker runs."""
    from datetime import UTC, datetime, timedelta

    from bot.clock import ManualClock
    from nudges.worker import DeliveryWorker
    from tests.e2e.harness import http_app

    fake.add_channel("C0NEWS001", "company-news", [ALICE])
    clock = ManualClock(datetime(2026, 3, 4, 2, 0, tzinfo=UTC))  # Wednesday 11:00 in Tokyo
    with http_app(fake, sqlite_url, clock=clock) as running:
        running.driver.post_event(event_callback(member_joined(ALICE, "C0NEWS001")))
        wait_until(lambda: "follow-company-news" in _done(running, ALICE))
        wait_until(lambda: _count(running, Person, Person.slack_user_id == ALICE, Person.locale == "ja"))
        worker = DeliveryWorker(running.deps)
        clock.advance(timedelta(minutes=10))  # a celebration waits ten minutes for the rest of a burst
        for _ in range(3):
            worker.tick(budget_seconds=5)
        dms = [m for m in fake.messages_in(fake.dm_channel(ALICE)) if m.get("metadata")]
        assert len(dms) == 1
        text = dms[0]["text"]
        assert "社内ニュースをフォローする" in text  # the use case's Japanese title
        assert "次は「」" not in text  # and what comes next is named
