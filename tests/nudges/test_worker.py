"""Delivery against the loopback fake: claims, 429s, retries, permanent errors, crash recovery."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.simslack import FakeSlack
from bot.slack.gateway import PostedMessage, SlackGateway, make_web_client
from models import NudgeDelivery, Person, Wave
from nudges.claims import claim_due
from nudges.config import DeliverySettings
from nudges.outbox import enqueue
from nudges.pacing import Throttle, dnd_until
from nudges.reconcile import message_metadata, nudge_id_of
from nudges.worker import DeliveryWorker
from tests.nudges.conftest import MONDAY_NOON
from tests.nudges.factories import active_wave, bulk_people, person

FAST = DeliverySettings(batch_size=10, tick_budget_seconds=30, retry_base_seconds=60)


def _queue(deps: Deps, user_ids: list[str], kind: str = "ambassador", **payload: Any) -> list[int]:
    ids = []
    with session_scope(deps.session_factory) as s:
        for user_id in user_ids:
            p = s.scalar(select(Person).where(Person.slack_user_id == user_id))
            key = f"test:{user_id}:{kind}"
            enqueue(
                s,
                person_id=p.id,
                kind=kind,
                idempotency_key=key,
                due_at=MONDAY_NOON,
                payload=payload or {"message": "hello"},
            )
            ids.append(s.scalar(select(NudgeDelivery.id).where(NudgeDelivery.idempotency_key == key)))
    return ids


def _people(deps: Deps, fake: FakeSlack, n: int, tz: str = "Europe/London") -> list[str]:
    with session_scope(deps.session_factory) as s:
        wave = active_wave(s)
        bulk_people(s, wave, n, tzs=(tz,))
    ids = [f"U{i:08d}" for i in range(n)]
    for user_id in ids:
        fake.add_user(user_id, name=user_id.lower(), tz=tz)
    return ids


def _row(deps: Deps, row_id: int) -> NudgeDelivery:
    with session_scope(deps.session_factory) as s:
        return s.get(NudgeDelivery, row_id)


def _posts_per_nudge(fake: FakeSlack) -> Counter[int]:
    return Counter(
        call.args["metadata"]["event_payload"]["nudge_id"]
        for call in fake.calls_to("chat.postMessage")
        if call.status == 200 and call.response.get("ok")
    )


def test_sends_a_dm_with_metadata_and_records_channel_and_ts(deps: Deps, fake: FakeSlack) -> None:
    [user] = _people(deps, fake, 1)
    [row_id] = _queue(deps, [user], message="Try the new #proj- channel", from_user="U0AMB0001")
    report = DeliveryWorker(deps, settings=FAST).tick()
    assert (report.claimed, report.sent) == (1, 1)
    [message] = fake.messages_in(user)
    assert nudge_id_of(message) == row_id
    assert "Try the new #proj- channel" in message["text"]
    row = _row(deps, row_id)
    assert (row.state, row.channel_id, row.message_ts, row.attempts) == (
        "sent",
        fake.dm_channel(user),
        message["ts"],
        1,
    )
    assert row.claimed_by is not None and row.sent_at == MONDAY_NOON


def test_every_429_is_honoured_and_nothing_is_lost_or_doubled(deps: Deps, fake: FakeSlack) -> None:
    users = _people(deps, fake, 24)
    ids = _queue(deps, users)
    fake.rate_limits.set("chat.postMessage", limit=8, window_seconds=1)
    report = DeliveryWorker(deps, settings=FAST).tick()
    assert report.sent == 24 and report.rate_limited >= 2
    assert fake.rate_limited and fake.retry_after_violations == []
    assert _posts_per_nudge(fake) == Counter(dict.fromkeys(ids, 1))


def test_server_errors_retry_with_backoff_and_check_history_first(
    deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    [user] = _people(deps, fake, 1)
    [row_id] = _queue(deps, [user])
    fake.fail_next("chat.postMessage", status=503)
    worker = DeliveryWorker(deps, settings=FAST)
    assert worker.tick().retrying == 1
    row = _row(deps, row_id)
    assert (row.state, row.attempts, row.due_at) == ("pending", 1, MONDAY_NOON)  # keeps its place in line
    assert "retrying" in (row.last_error or "")
    assert worker.outage_until == MONDAY_NOON + timedelta(seconds=60)
    assert worker.tick().claimed == 0  # the worker waits out its back-off
    clock.advance(timedelta(seconds=61))
    assert worker.tick().sent == 1  # after an auth.test probe
    assert worker.outage_until is None
    assert [c.method for c in fake.calls if c.method in ("conversations.history", "chat.postMessage")] == [
        "chat.postMessage",
        "conversations.history",
        "chat.postMessage",
    ]
    assert _row(deps, row_id).attempts == 2


def test_a_retry_finds_an_earlier_post_instead_of_posting_again(deps: Deps, fake: FakeSlack) -> None:
    [user] = _people(deps, fake, 1)
    [row_id] = _queue(deps, [user])
    gateway = SlackGateway(make_web_client(fake.bot_token, fake.api_url))
    gateway.post_message(user, "hello", metadata=message_metadata(row_id, "k", "training"))  # the post that "timed out"
    with session_scope(deps.session_factory) as s:
        s.get(NudgeDelivery, row_id).attempts = 1
    assert DeliveryWorker(deps, settings=FAST).tick().sent == 1
    assert len(fake.messages_in(user)) == 1


def test_permanent_errors_fail_once_with_the_reason(deps: Deps, fake: FakeSlack) -> None:
    users = _people(deps, fake, 2)
    ids = _queue(deps, users)
    fake.fail_next("chat.postMessage", error="messages_tab_disabled")
    report = DeliveryWorker(deps, settings=FAST).tick()
    assert (report.failed, report.sent) == (1, 1)
    failed = _row(deps, ids[0])
    assert (failed.state, failed.last_error) == ("failed", "messages_tab_disabled")
    assert len(fake.calls_to("chat.postMessage")) == 2  # not retried


def test_unknown_user_is_failed_and_gets_nothing_more(deps: Deps, fake: FakeSlack) -> None:
    with session_scope(deps.session_factory) as s:
        person(s, "U0NOTINSLACK", tz="UTC")
    [row_id] = _queue(deps, ["U0NOTINSLACK"])
    DeliveryWorker(deps, settings=FAST).tick()
    row = _row(deps, row_id)
    assert row.state == "failed" and row.last_error == "channel_not_found"


def test_dnd_defers_until_it_ends(deps: Deps, fake: FakeSlack) -> None:
    [user] = _people(deps, fake, 1)
    [row_id] = _queue(deps, [user])
    now = MONDAY_NOON.timestamp()
    fake.set_dnd(user, dnd_enabled=True, next_dnd_start_ts=int(now - 60), next_dnd_end_ts=int(now + 3600))
    assert DeliveryWorker(deps, settings=FAST).tick().deferred == 1
    row = _row(deps, row_id)
    assert row.state == "pending" and row.due_at == MONDAY_NOON + timedelta(hours=1)
    assert "do not disturb" in (row.last_error or "")
    assert fake.calls_to("chat.postMessage") == []


def test_dnd_answers() -> None:
    now = MONDAY_NOON
    t = now.timestamp()
    assert dnd_until({}, now) is None
    assert dnd_until({"dnd_enabled": True, "next_dnd_start_ts": t + 10, "next_dnd_end_ts": t + 20}, now) is None
    assert dnd_until({"snooze_enabled": True, "snooze_endtime": t + 30}, now) == now + timedelta(seconds=30)


class _CrashAfterPost(SlackGateway):
    """Posts, then dies before the worker can record it (a kill between send and commit)."""

    def post_message(self, channel: str, text: str, **kwargs: Any) -> PostedMessage:
        super().post_message(channel, text, **kwargs)
        raise KeyboardInterrupt


def test_crash_between_send_and_record_is_reconciled_without_a_second_message(
    deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    users = _people(deps, fake, 3)
    ids = _queue(deps, users)
    crashing = DeliveryWorker(
        deps, settings=FAST, gateway=_CrashAfterPost(make_web_client(fake.bot_token, fake.api_url))
    )
    with pytest.raises(KeyboardInterrupt):
        crashing.tick()
    states = [_row(deps, i).state for i in ids]
    assert states == ["sending", "pending", "pending"]  # the in-flight row stays claimed, the rest handed back
    clock.advance(FAST.lease + timedelta(seconds=1))
    report = DeliveryWorker(deps, settings=FAST).tick()
    assert (report.recovered, report.sent) == (1, 2)
    assert _posts_per_nudge(fake) == Counter(dict.fromkeys(ids, 1))
    assert [_row(deps, i).state for i in ids] == ["sent"] * 3


def test_an_abandoned_claim_that_never_posted_is_sent_once(deps: Deps, fake: FakeSlack, clock: ManualClock) -> None:
    [user] = _people(deps, fake, 1)
    [row_id] = _queue(deps, [user])
    with session_scope(deps.session_factory) as s:
        assert claim_due(s, worker_id="elsewhere:1:dead", now=clock.now(), limit=10) == [row_id]
    worker = DeliveryWorker(deps, settings=FAST)
    assert worker.tick().sent == 0  # another host's claim inside its lease is left alone
    clock.advance(FAST.lease + timedelta(seconds=1))
    assert worker.tick().sent == 1
    assert len(fake.messages_in(user)) == 1


def test_stopping_hands_unsent_claims_back(deps: Deps, fake: FakeSlack) -> None:
    users = _people(deps, fake, 5)
    ids = _queue(deps, users)
    worker = DeliveryWorker(deps, settings=FAST)

    class StopAfterFirst(SlackGateway):
        def post_message(self, channel: str, text: str, **kwargs: Any) -> PostedMessage:
            worker.stop()
            return super().post_message(channel, text, **kwargs)

    worker.gateway = StopAfterFirst(make_web_client(fake.bot_token, fake.api_url))
    report = worker.tick()
    assert (report.sent, report.released) == (1, 4)
    rows = [_row(deps, i) for i in ids]
    assert [r.state for r in rows] == ["sent"] + ["pending"] * 4
    assert all(r.claimed_by is None for r in rows[1:])


def test_concurrent_claims_on_sqlite_never_overlap(deps: Deps, fake: FakeSlack) -> None:
    users = _people(deps, fake, 300)
    _queue(deps, users)
    claimed: list[list[int]] = [[] for _ in range(4)]

    def claimer(n: int) -> None:
        while True:
            with session_scope(deps.session_factory) as s:
                got = claim_due(s, worker_id=f"w{n}", now=MONDAY_NOON, limit=7)
            if not got:
                return
            claimed[n].extend(got)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for part in claimed for i in part]
    assert len(everything) == len(set(everything)) == 300


def test_throttle_paces_and_pauses() -> None:
    moments: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    throttle = Throttle(10, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        throttle.wait()
        moments.append(now[0])
    throttle.pause(2)
    throttle.wait()
    moments.append(now[0])
    assert moments == pytest.approx([0.0, 0.1, 0.2, 2.2])


def test_a_welcome_from_a_wave_names_the_wave_sponsor_and_first_step(deps: Deps, fake: FakeSlack) -> None:
    [user] = _people(deps, fake, 1)
    with session_scope(deps.session_factory) as s:
        wave = Wave(name="Sales pilot", state="active", sponsor_user_id="U0CEO0001", purpose_message="Less email.")
        s.add(wave)
        s.flush()
        wave_id = wave.id
    _queue(deps, [user], kind="welcome", wave_id=wave_id)
    assert DeliveryWorker(deps, settings=FAST).tick().sent == 1
    [message] = fake.messages_in(user)
    first = deps.playbook.stages[0].required_keys[0]
    assert "Less email." in message["text"] and "<@U0CEO0001>" in message["text"]
    assert deps.playbook.use_case(first).title.get("en") in message["text"]


@pytest.mark.parametrize(
    ("locale", "english", "japanese", "shown"),
    [
        ("ja", "Less email.", "メールを減らそう。", "メールを減らそう。"),  # their own language
        ("en", "Less email.", "メールを減らそう。", "Less email."),
        ("en", "", "メールを減らそう。", "メールを減らそう。"),  # only one written: everyone reads it
        ("ja", "Less email.", "", "Less email."),
    ],
)
def test_a_welcome_carries_purpose_and_goal_in_the_members_language_else_the_other(
    deps: Deps, fake: FakeSlack, locale: str, english: str, japanese: str, shown: str
) -> None:
    [user] = _people(deps, fake, 1)
    with session_scope(deps.session_factory) as s:
        wave = Wave(
            name="Sales pilot",
            state="active",
            sponsor_user_id="U0CEO0001",
            purpose_message=english,
            purpose_message_ja=japanese,
            goal=english and "Faster orders",
            goal_ja=japanese and "受注を速く",
        )
        s.add(wave)
        s.query(Person).filter_by(slack_user_id=user).update({"locale": locale})
        s.flush()
        wave_id = wave.id
    _queue(deps, [user], kind="welcome", wave_id=wave_id)
    assert DeliveryWorker(deps, settings=FAST).tick().sent == 1
    [message] = fake.messages_in(user)
    assert shown in message["text"]
    other = japanese if shown == english else english
    assert not other or other not in message["text"]
    blocks = json.dumps(message["blocks"], ensure_ascii=False)
    assert ("受注を速く" if shown == japanese else "Faster orders") in blocks
