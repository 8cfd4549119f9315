"""One way out: every message Coach posts is an outbox row first and carries `coach_nudge` metadata.

Through the wire: signed commands in, the simulated Slack's stored messages out, the ledger read back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import slash_command
from models import HelpRequest, HelpStep, NudgeDelivery
from nudges.outbox import enqueue
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.nudges.factories import active_wave, person
from tests.services.conftest import ASKER, MONDAY_10_JST, seed_help_people

PRIMARY = "U0ADMIN001"
LOGIN = "My login password does not work since this morning"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_JST)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    seed_help_people(fake)
    with http_app(fake, sqlite_url, clock=clock) as running:
        yield running


def ask(app: HttpApp, fake: FakeSlack, text: str) -> None:
    url = fake.response_url()
    assert app.driver.post_command(slash_command(f"help {text}", ASKER, response_url=url)).status == 200


def rows(app: HttpApp, *where: Any) -> list[NudgeDelivery]:
    with session_scope(app.deps.session_factory) as session:
        found = list(session.scalars(select(NudgeDelivery).where(*where).order_by(NudgeDelivery.id)))
        session.expunge_all()
        return found


def coach_metadata(message: dict[str, Any]) -> dict[str, Any]:
    metadata = message.get("metadata") or {}
    assert metadata.get("event_type") == "coach_nudge", message
    return dict(metadata["event_payload"])


def test_a_routed_question_and_the_askers_notice_are_ledgered_with_metadata_and_no_text(
    app: HttpApp, fake: FakeSlack
) -> None:
    ask(app, fake, LOGIN)
    wait_until(lambda: fake.messages_in(fake.dm_channel(PRIMARY)) and fake.messages_in(fake.dm_channel(ASKER)))
    [card] = fake.messages_in(fake.dm_channel(PRIMARY))
    [notice] = fake.messages_in(fake.dm_channel(ASKER))
    routed = wait_until(lambda: [r for r in rows(app, NudgeDelivery.kind == "help_routed") if r.state == "sent"])
    told = wait_until(lambda: [r for r in rows(app, NudgeDelivery.kind == "help_asker") if r.state == "sent"])
    assert coach_metadata(card) == {"nudge_id": routed[0].id, "kind": "help_routed", "key": routed[0].idempotency_key}
    assert coach_metadata(notice)["nudge_id"] == told[0].id and coach_metadata(notice)["kind"] == "help_asker"
    where = (PRIMARY, fake.dm_channel(PRIMARY), card["ts"])
    assert (routed[0].address, routed[0].channel_id, routed[0].message_ts) == where
    for row in routed + told:
        assert "text" not in row.payload and "blocks" not in row.payload  # the question is not kept in the outbox
        assert LOGIN not in str(row.payload)
    with session_scope(app.deps.session_factory) as session:
        request = session.get(HelpRequest, 1)
        assert request is not None and (request.thread_channel, request.thread_ts) == where[1:]


def test_a_help_dm_slack_failed_is_retried_by_the_worker_and_its_card_recorded(
    app: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    fake.fail_next("chat.postMessage", status=503, times=8)  # longer than the gateway's own three retries
    ask(app, fake, LOGIN)
    pending = wait_until(
        lambda: [r for r in rows(app, NudgeDelivery.kind == "help_routed") if r.state == "pending"], timeout=20
    )
    assert "503" in (pending[0].last_error or "") or "retrying" in (pending[0].last_error or "")
    assert LOGIN in str(pending[0].payload)  # kept only until Slack takes it

    def failure_notes() -> list[str]:
        with session_scope(app.deps.session_factory) as session:
            return list(session.scalars(select(HelpStep.note).where(HelpStep.kind == "delivery_failed")))

    assert wait_until(failure_notes, timeout=15), "the failure is recorded on the request"
    fake.api.faults._queued.clear()
    clock.advance(timedelta(minutes=5))
    assert deliver_nudges(app.deps).sent >= 1
    [card] = fake.messages_in(fake.dm_channel(PRIMARY))
    [sent] = [r for r in rows(app, NudgeDelivery.kind == "help_routed") if r.address == PRIMARY]
    assert sent.state == "sent" and sent.attempts >= 2 and "text" not in sent.payload
    assert coach_metadata(card)["nudge_id"] == sent.id
    with session_scope(app.deps.session_factory) as session:
        request = session.get(HelpRequest, 1)
        assert request is not None and request.thread_ts == card["ts"]  # thread replies still reach the asker
    assert deliver_nudges(app.deps).sent == 0  # once
    assert len(fake.messages_in(fake.dm_channel(PRIMARY))) == 1


def test_every_dm_the_worker_sends_carries_its_row_id_kind_and_key(app: HttpApp, fake: FakeSlack) -> None:
    fake.add_user("U0ALICE01", name="alice", tz="Asia/Tokyo", locale="ja-JP")
    with session_scope(app.deps.session_factory) as s:
        alice = person(s, "U0ALICE01", wave=active_wave(s), enrolled_at=MONDAY_10_JST, tz="Asia/Tokyo")
        for kind in ("training", "celebrate", "pulse"):
            subject = "find-help" if kind == "training" else None
            enqueue(s, person_id=alice.id, kind=kind, idempotency_key=kind, due_at=MONDAY_10_JST, subject=subject)
    deliver_nudges(app.deps)
    sent = {r.id: r for r in rows(app, NudgeDelivery.person_id.is_not(None), NudgeDelivery.state == "sent")}
    messages = fake.messages_in(fake.dm_channel("U0ALICE01"))
    assert messages and len(messages) == len(sent)
    for message in messages:
        payload = coach_metadata(message)
        row = sent[payload["nudge_id"]]
        assert (payload["kind"], payload["key"]) == (row.kind, row.idempotency_key)
