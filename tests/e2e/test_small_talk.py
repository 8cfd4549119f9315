"""Small talk through the wire: "thanks" / "ありがとう" / "👍" in the DM get a friendly reply with "I need help",
never a help request; a real question (English or Japanese) still reaches a person; "thanks" in a help thread
still reaches the helper."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, event_callback, message_event
from bot.views.ids import HelpAction, HelpView
from models import HelpRequest, NudgeDelivery
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.services.conftest import ASKER, seed_help_people

ALICE = "U0ALICE01"  # Japanese, in Tokyo (tests/e2e/conftest.py)
LONDON_MONDAY_10 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # ASKER works in London
TOKYO_MONDAY_11 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(LONDON_MONDAY_10)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    seed_help_people(fake)
    with http_app(fake, sqlite_url, clock=clock) as running:
        yield running


_ts = iter(f"1741000000.{n:06d}" for n in range(1, 1000))


def dm(app: HttpApp, fake: FakeSlack, user: str, text: str, **extra: Any) -> dict[str, Any]:
    body = event_callback(message_event(user, fake.dm_channel(user), text, ts=next(_ts), channel_type="im", **extra))
    assert app.driver.post_event(body).status == 200
    return body


def small_talk_rows(app: HttpApp) -> list[NudgeDelivery]:
    with session_scope(app.deps.session_factory) as session:
        return list(session.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "small_talk")))


def help_requests(app: HttpApp) -> int:
    with session_scope(app.deps.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(HelpRequest)) or 0)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {el["action_id"]: el for b in message.get("blocks", []) if b["type"] == "actions" for el in b["elements"]}


def bot_messages(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return fake.messages_in(fake.dm_channel(user))


def reply_to(app: HttpApp, fake: FakeSlack, user: str, count: int) -> dict[str, Any]:
    """Deliver the queued reply (the outbox worker) and return the DM it became."""
    wait_until(lambda: len(small_talk_rows(app)) >= count)
    assert deliver_nudges(app.deps).sent == 1
    message = bot_messages(fake, user)[-1]
    assert message["metadata"]["event_type"] == "coach_nudge"
    return message


def press(app: HttpApp, fake: FakeSlack, user: str, message: dict[str, Any], action_id: str) -> None:
    button = buttons(message)[action_id]
    payload = block_actions(
        user,
        action_id,
        button.get("value", ""),
        channel=fake.dm_channel(user),
        message_ts=message.get("ts"),
        response_url=fake.response_url("actions"),
    )
    assert app.driver.post_interaction(payload).status == 200


def test_thanks_gets_a_reply_with_i_need_help_and_no_help_request(
    app: HttpApp, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("bot", "nudges", "handlers"):
        caplog.set_level(logging.DEBUG, logger=name)
    dm(app, fake, ASKER, "Thanks a lot!")
    message = reply_to(app, fake, ASKER, 1)
    assert "You're welcome" in message["text"]
    assert set(buttons(message)) == {HelpAction.OPEN}  # transactional: no opt-out, no snooze
    assert help_requests(app) == 0
    [row] = small_talk_rows(app)
    assert row.payload == {"group": "thanks"} and "Thanks a lot" not in json.dumps(row.payload)
    assert "Thanks a lot" not in caplog.text  # never logged

    # The button is the same "I need help" as on the Home tab: it opens the question form.
    opened = len(fake.calls_to("views.open"))
    press(app, fake, ASKER, message, HelpAction.OPEN)
    modal = wait_until(lambda: fake.calls_to("views.open")[opened:])[0].args["view"]
    modal = json.loads(modal) if isinstance(modal, str) else modal
    assert modal["callback_id"] == HelpView.ASK


def test_japanese_thanks_and_emoji_get_replies_in_the_persons_language(
    app: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    clock.set(TOKYO_MONDAY_11)
    dm(app, fake, ALICE, "ありがとうございます！")
    thanks = reply_to(app, fake, ALICE, 1)
    assert "どういたしまして" in thanks["text"] and "助けてほしい" in json.dumps(thanks["blocks"], ensure_ascii=False)
    dm(app, fake, ALICE, "了解です")
    ack = reply_to(app, fake, ALICE, 2)
    assert "困ったときはいつでも" in ack["text"]
    dm(app, fake, ALICE, "👍")
    emoji = reply_to(app, fake, ALICE, 3)
    assert HelpAction.OPEN in buttons(emoji)
    assert help_requests(app) == 0


def test_a_retried_event_is_answered_once(app: HttpApp, fake: FakeSlack) -> None:
    body = dm(app, fake, ASKER, "ok")
    assert app.driver.post_event(body, retry_num=1, retry_reason="http_timeout").status == 200
    reply_to(app, fake, ASKER, 1)
    assert deliver_nudges(app.deps).claimed == 0
    assert len(small_talk_rows(app)) == 1


def test_a_reply_that_could_not_go_out_within_two_hours_is_dropped(
    app: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    clock.set(LONDON_MONDAY_10 + timedelta(hours=10))  # 20:00 in London: outside working hours
    dm(app, fake, ASKER, "thanks")
    wait_until(lambda: small_talk_rows(app))
    assert deliver_nudges(app.deps).sent == 0
    clock.set(LONDON_MONDAY_10 + timedelta(days=1))  # the next morning
    assert deliver_nudges(app.deps).skipped == 1
    [row] = small_talk_rows(app)
    assert row.state == "skipped" and "stale" in (row.last_error or "")
    assert bot_messages(fake, ASKER) == []


def test_an_english_question_still_reaches_a_person(app: HttpApp, fake: FakeSlack) -> None:
    dm(app, fake, ASKER, "How do I share a file in a channel?")
    wait_until(lambda: help_requests(app) == 1)
    faq = wait_until(lambda: [m for m in bot_messages(fake, ASKER) if HelpAction.FAQ_NEED_PERSON in buttons(m)])[0]
    press(app, fake, ASKER, faq, HelpAction.FAQ_NEED_PERSON)
    with session_scope(app.deps.session_factory) as session:
        wait_until(lambda: session.scalar(select(HelpRequest.owner).where(HelpRequest.state == "open")))
    assert small_talk_rows(app) == []


JA_QUESTIONS = ["ログインできません。パスワードが通りません", "ありがとう、でもまだログインできません？"]


@pytest.mark.parametrize("question", JA_QUESTIONS)
def test_a_japanese_question_still_reaches_a_person(
    app: HttpApp, fake: FakeSlack, clock: ManualClock, question: str
) -> None:
    clock.set(TOKYO_MONDAY_11)
    dm(app, fake, ALICE, question)

    def owner() -> str | None:
        with session_scope(app.deps.session_factory) as session:
            return session.scalar(select(HelpRequest.owner).where(HelpRequest.state == "open"))

    assert wait_until(owner)
    assert small_talk_rows(app) == []


def test_thanks_in_a_help_thread_still_reaches_the_helper(app: HttpApp, fake: FakeSlack) -> None:
    dm(app, fake, ASKER, "My login password does not work since this morning")

    def routed() -> HelpRequest | None:
        with session_scope(app.deps.session_factory) as session:
            return session.scalar(select(HelpRequest).where(HelpRequest.thread_ts.is_not(None)))

    request = wait_until(routed)
    dm(app, fake, ASKER, "thanks", thread_ts=request.asker_ts)
    relayed = wait_until(
        lambda: [m for m in fake.messages_in(request.thread_channel) if m.get("thread_ts") == request.thread_ts]
    )
    assert "thanks" in relayed[-1]["text"]
    assert small_talk_rows(app) == []
