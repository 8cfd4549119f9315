"""Respectful delivery at send time, table-driven: zones (half-hour, DST), weekends, holidays, DND, budget,
snooze, opt-out, deactivation, staleness — each through the real worker, the fake and the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.simslack import FakeSlack
from models import NudgeDelivery
from nudges.config import DeliverySettings
from nudges.outbox import enqueue
from nudges.rules import CadenceRules
from nudges.service import request_nudge
from nudges.worker import DeliveryWorker
from tests.nudges.factories import active_wave, complete, person, sent, utc

SETTINGS = DeliverySettings(tick_budget_seconds=30)
HOLIDAY = date(2026, 2, 11)


def _deliver(
    deps: Deps,
    fake: FakeSlack,
    clock: ManualClock,
    *,
    at: datetime,
    tz: str = "Europe/London",
    kind: str = "next_use_case",
    subject: str | None = "find-help",
    person_fields: dict[str, Any] | None = None,
    history: list[tuple[str, timedelta]] = (),
    done: tuple[str, ...] = (),
    dnd_minutes: int = 0,
    rules: CadenceRules | None = None,
) -> NudgeDelivery:
    clock.set(at)
    fake.add_user("U0ONE0001", name="one", tz=tz)
    if dnd_minutes:
        fake.set_dnd("U0ONE0001", snooze_enabled=True, snooze_endtime=int(at.timestamp()) + dnd_minutes * 60)
    with session_scope(deps.session_factory) as s:
        p = person(
            s, "U0ONE0001", wave=active_wave(s), enrolled_at=at - timedelta(days=1), tz=tz, **(person_fields or {})
        )
        for past_kind, ago in history:
            sent(s, p, past_kind, at - ago)
        complete(s, p, done)
        enqueue(s, person_id=p.id, kind=kind, idempotency_key="k", due_at=at, subject=subject, payload={"message": "m"})
    worker = DeliveryWorker(deps, settings=SETTINGS, rules=rules)
    worker.tick()
    with session_scope(deps.session_factory) as s:
        return s.scalar(select(NudgeDelivery).where(NudgeDelivery.idempotency_key == "k"))


CASES = [
    # id, when (UTC), zone, extra kwargs, expected state, expected due (UTC) or None, reason fragment
    ("london-working-hours", utc(2026, 2, 2, 12), "Europe/London", {}, "sent", None, ""),
    ("tokyo-evening", utc(2026, 2, 2, 12), "Asia/Tokyo", {}, "pending", utc(2026, 2, 3, 1), "outside working hours"),
    (
        "kolkata-half-hour-before",
        utc(2026, 2, 2, 4, 15),
        "Asia/Kolkata",
        {},
        "pending",
        utc(2026, 2, 2, 4, 30),
        "outside",
    ),
    ("kolkata-half-hour-open", utc(2026, 2, 2, 4, 30), "Asia/Kolkata", {}, "sent", None, ""),
    # New York switches to EDT on Sunday 2026-03-08: 10:00 local is 15:00 UTC before and 14:00 UTC after
    ("ny-before-dst", utc(2026, 3, 6, 14, 30), "America/New_York", {}, "pending", utc(2026, 3, 6, 15), "outside"),
    ("ny-dst-weekend", utc(2026, 3, 7, 15), "America/New_York", {}, "pending", utc(2026, 3, 9, 14), "weekend"),
    ("ny-after-dst", utc(2026, 3, 9, 14), "America/New_York", {}, "sent", None, ""),
    ("saturday", utc(2026, 2, 7, 12), "Europe/London", {}, "pending", utc(2026, 2, 9, 10), "weekend"),
    ("holiday", utc(2026, 2, 11, 12), "Europe/London", {"holiday": True}, "pending", utc(2026, 2, 12, 10), "holiday"),
    ("dnd", utc(2026, 2, 2, 12), "Europe/London", {"dnd_minutes": 90}, "pending", utc(2026, 2, 2, 13, 30), "disturb"),
    (
        "weekly-budget",
        utc(2026, 2, 5, 12),
        "Europe/London",
        {
            "history": [
                ("training", timedelta(days=1)),
                ("training", timedelta(days=2)),
                ("training", timedelta(days=3)),
            ]
        },
        "pending",
        utc(2026, 2, 9, 12),
        "weekly budget used (3/3)",
    ),
    (
        "minimum-gap",
        utc(2026, 2, 2, 12),
        "Europe/London",
        {"history": [("training", timedelta(hours=2))]},
        "pending",
        utc(2026, 2, 3, 10),
        "minimum gap",
    ),
    (
        "back-off",
        utc(2026, 2, 2, 12),
        "Europe/London",
        {"history": [("training", timedelta(hours=4)), ("training", timedelta(hours=30))]},
        "pending",
        utc(2026, 2, 4, 10),  # 2 ignored → a 40 h gap after 08:00 (not 20 h, which would be 2026-02-03 10:00)
        "backing off",
    ),
    (
        "snoozed",
        utc(2026, 2, 2, 12),
        "Europe/London",
        {"person_fields": {"snoozed_until": utc(2026, 2, 4)}},
        "pending",
        utc(2026, 2, 4, 10),
        "snoozed",
    ),
    (
        "opted-out",
        utc(2026, 2, 2, 12),
        "Europe/London",
        {"person_fields": {"opted_out_kinds": ["next_use_case"]}},
        "skipped",
        None,
        "opted out",
    ),
    (
        "deactivated",
        utc(2026, 2, 2, 12),
        "Europe/London",
        {"person_fields": {"deactivated": True}},
        "skipped",
        None,
        "deactivated",
    ),
    ("already-done", utc(2026, 2, 2, 12), "Europe/London", {"done": ("find-help",)}, "skipped", None, "already done"),
]


@pytest.mark.parametrize(("case", "at", "tz", "extra", "state", "due", "reason"), CASES, ids=[c[0] for c in CASES])
def test_delivery_rules(
    deps: Deps, fake: FakeSlack, clock: ManualClock, rules: CadenceRules, case, at, tz, extra, state, due, reason
) -> None:
    extra = dict(extra)
    if extra.pop("holiday", False):
        extra["rules"] = replace(rules, holidays=frozenset({HOLIDAY}))
    row = _deliver(deps, fake, clock, at=at, tz=tz, **extra)
    assert row.state == state, row.last_error
    if due is not None:
        assert row.due_at == due
    assert reason in (row.last_error or "")
    assert len(fake.calls_to("chat.postMessage")) == (1 if state == "sent" else 0)


def test_deferred_row_is_sent_when_its_time_comes(deps: Deps, fake: FakeSlack, clock: ManualClock) -> None:
    row = _deliver(deps, fake, clock, at=utc(2026, 2, 2, 12), tz="Asia/Tokyo")
    clock.set(row.due_at)
    DeliveryWorker(deps, settings=SETTINGS).tick()
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_request_nudge_answers_queued_deferred_skipped_duplicate(deps: Deps, rules: CadenceRules) -> None:
    now = utc(2026, 2, 2, 12)
    with session_scope(deps.session_factory) as s:
        london = person(s, "U0LON", tz="Europe/London")
        tokyo = person(s, "U0TYO", tz="Asia/Tokyo")
        out = person(s, "U0OUT", tz="UTC", opted_out_kinds=["ambassador"])
        kw = {"kind": "ambassador", "now": now, "payload": {"message": "hi"}, "rules": rules}
        queued = request_nudge(s, person=london, key="a:1", **kw)
        deferred = request_nudge(s, person=tokyo, key="a:2", **kw)
        skipped = request_nudge(s, person=out, key="a:3", **kw)
        duplicate = request_nudge(s, person=london, key="a:1", **kw)
        welcome = request_nudge(s, person=out, key="w:3", **{**kw, "kind": "welcome"})  # cannot be opted out of
        rows = {r.idempotency_key: r for r in s.scalars(select(NudgeDelivery))}
    assert (queued.outcome, queued.due_at) == ("queued", now)
    assert (deferred.outcome, deferred.due_at) == ("queued", utc(2026, 2, 3, 1))
    assert "outside working hours" in deferred.reason
    assert (skipped.outcome, skipped.reason) == ("skipped", "opted out of ambassador")
    assert duplicate.outcome == "duplicate"
    assert welcome.queued
    assert rows["a:3"].state == "skipped" and rows["a:3"].last_error == "opted out of ambassador"
    assert rows["a:2"].due_at == utc(2026, 2, 3, 1)
