"""Slack down (5xx and timeouts) for 10 simulated minutes during delivery: afterwards every nudge goes out once,
in order of due time, none failed or dropped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.simslack import FakeSlack
from bot.slack.gateway import SlackGateway, make_web_client
from models import NudgeDelivery, Person
from nudges.config import DeliverySettings
from nudges.outbox import enqueue
from nudges.worker import DeliveryWorker
from tests.nudges.conftest import MONDAY_NOON
from tests.nudges.test_worker import _people, _posts_per_nudge

SETTINGS = DeliverySettings(batch_size=5, tick_budget_seconds=5, retry_base_seconds=10, outage_cap_seconds=60)


def _queue_staggered(deps: Deps, users: list[str]) -> list[int]:
    """One nudge per person, due one second apart, queued in reverse so ids do not give the order away."""
    with session_scope(deps.session_factory) as s:
        people = {p.slack_user_id: p.id for p in s.scalars(select(Person))}
        for i, user in reversed(list(enumerate(users))):
            enqueue(
                s,
                person_id=people[user],
                kind="ambassador",
                idempotency_key=f"outage:{user}",
                due_at=MONDAY_NOON + timedelta(seconds=i),
                payload={"message": "The weekly report now lives in #proj-weekly."},
            )
        return list(s.scalars(select(NudgeDelivery.id).order_by(NudgeDelivery.due_at)))


def test_a_ten_minute_outage_delays_but_never_fails_drops_or_reorders(
    deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    users = _people(deps, fake, 40)
    clock.advance(timedelta(seconds=60))  # everything is due
    by_due = _queue_staggered(deps, users)
    gateway = SlackGateway(make_web_client(fake.bot_token, fake.api_url, timeout=1, retries=0))
    worker = DeliveryWorker(deps, settings=SETTINGS, gateway=gateway)
    assert worker.tick(max_rows=10).sent == 10
    fake.fail_next("chat.postMessage", delay=1.5)  # a timeout whose post still lands on Slack's side
    worker.tick()
    assert worker.outage_until is not None
    fake.api.faults.outage(None, status=503)  # then every method answers 503 for 10 simulated minutes
    outage_ends = clock.now() + timedelta(minutes=10)
    while clock.now() < outage_ends:
        report = worker.tick()
        assert report.sent == 0 and report.failed == 0
        clock.advance(timedelta(seconds=5))
    fake.api.faults.clear_outage()
    with session_scope(deps.session_factory) as s:
        states = dict(s.execute(select(NudgeDelivery.state, func.count()).group_by(NudgeDelivery.state)).all())
    assert states == {"sent": 10, "pending": 30}  # nothing failed, nothing stuck in 'sending'
    for _ in range(40):
        worker.tick()
        clock.advance(timedelta(seconds=5))
        if _posts_per_nudge(fake).total() == 40:
            break
    assert _posts_per_nudge(fake) == dict.fromkeys(by_due, 1)  # the timed-out post was found, not sent again
    posted_order = [
        c.args["metadata"]["event_payload"]["nudge_id"]
        for c in fake.calls_to("chat.postMessage")
        if c.status == 200 and c.response.get("ok")
    ]
    assert posted_order == by_due
    with session_scope(deps.session_factory) as s:
        assert set(s.scalars(select(NudgeDelivery.state))) == {"sent"}
    probes = [c for c in fake.calls_to("auth.test")]
    assert 5 <= len(probes) <= 20  # back-off: a probe every ≤ 60 s, not a post per row per tick
