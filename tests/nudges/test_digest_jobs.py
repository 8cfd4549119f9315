"""The weekly ambassador digest: Monday morning in the ambassador's zone, once per ISO week, all departments.

It is queued in the outbox and delivered by the outbox worker like every other message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.services.champions import add_celebrations
from bot.simslack import FakeSlack
from models import NudgeDelivery, Person, Role
from nudges.digest_jobs import queue_ambassador_digests
from nudges.scheduler import JOBS
from nudges.ticks import deliver_nudges

MONDAY_1030_TOKYO = datetime(2026, 3, 9, 1, 30, tzinfo=UTC)
PEOPLE = (
    ("U0TOKYO01", "Asia/Tokyo", "ja"),
    ("U0LONDON1", "Europe/London", "en"),
    ("U0SPONS01", "Asia/Tokyo", "en"),
    ("U0GONE001", "Asia/Tokyo", "en"),
    ("U0MEMBER1", "UTC", "en"),
)


@pytest.fixture
def digest_deps(deps: Deps, fake: FakeSlack, clock: ManualClock) -> Iterator[Deps]:
    clock.set(MONDAY_1030_TOKYO)
    for user_id, tz, _ in PEOPLE:
        fake.add_user(user_id, name=user_id.lower(), tz=tz)
    with session_scope(deps.session_factory) as s:
        rows = [
            Person(slack_user_id="U0TOKYO01", department="Sales", tz="Asia/Tokyo", locale="ja", opted_out_kinds=[]),
            Person(slack_user_id="U0LONDON1", department="Sales", tz="Europe/London", locale="en", opted_out_kinds=[]),
            Person(slack_user_id="U0SPONS01", department=None, tz="Asia/Tokyo", locale="en", opted_out_kinds=[]),
            Person(
                slack_user_id="U0GONE001", department="Sales", tz="Asia/Tokyo", deactivated=True, opted_out_kinds=[]
            ),
            Person(slack_user_id="U0MEMBER1", department="Support", tz="UTC", current_stage=1, opted_out_kinds=[]),
        ]
        s.add_all(rows)
        s.flush()
        s.add_all(
            [
                Role(person_id=rows[0].id, role="ambassador", department="Sales"),
                Role(person_id=rows[0].id, role="ambassador", department="Support"),
                Role(person_id=rows[1].id, role="ambassador", department="Sales"),
                Role(person_id=rows[2].id, role="sponsor", department=None),
                Role(person_id=rows[3].id, role="ambassador", department="Sales"),
            ]
        )
    yield deps


def _sent(fake: FakeSlack) -> dict[str, str]:
    """Who got a DM, with its blocks as text."""
    return {user_id: str(fake.messages_in(user_id)) for user_id, _, _ in PEOPLE if fake.messages_in(user_id)}


def _run(deps: Deps) -> int:
    """One hourly digest tick followed by one delivery tick; the number of digests queued."""
    queued = queue_ambassador_digests(deps)
    deliver_nudges(deps)
    return queued


def test_the_job_is_registered() -> None:
    assert {spec.name: spec.seconds for spec in JOBS}["queue_ambassador_digests"] == 3600


def test_monday_morning_in_tokyo_sends_once_per_week(digest_deps: Deps, fake: FakeSlack, clock: ManualClock) -> None:
    assert _run(digest_deps) == 2  # Tokyo ambassador and the Tokyo sponsor; London is asleep
    sent = _sent(fake)
    assert set(sent) == {"U0TOKYO01", "U0SPONS01"}
    assert "アンバサダー週次ダイジェスト" in sent["U0TOKYO01"] and "Sales" in sent["U0TOKYO01"]
    assert "Support" in sent["U0TOKYO01"]
    assert "Support" in sent["U0SPONS01"]  # the sponsor sees every department
    clock.advance(timedelta(hours=1))
    assert _run(digest_deps) == 0  # still Monday morning in Tokyo: nothing twice
    assert {user: len(fake.messages_in(user)) for user in sent} == {"U0TOKYO01": 1, "U0SPONS01": 1}
    with session_scope(digest_deps.session_factory) as s:
        rows = list(s.scalars(select(NudgeDelivery)))
    assert {(r.kind, r.state) for r in rows} == {("ambassador_digest", "sent")} and len(rows) == 2
    assert all(r.idempotency_key == f"ambassador_digest:{r.person_id}:2026-W11" for r in rows)


def test_london_gets_it_in_its_own_morning_and_next_week_comes_again(
    digest_deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    _run(digest_deps)
    clock.set(datetime(2026, 3, 9, 10, 15, tzinfo=UTC))  # Monday 10:15 in London, 19:15 in Tokyo
    assert _run(digest_deps) == 1 and len(fake.messages_in("U0LONDON1")) == 1
    clock.set(datetime(2026, 3, 10, 1, 30, tzinfo=UTC))  # Tuesday: nobody
    assert _run(digest_deps) == 0
    clock.set(MONDAY_1030_TOKYO + timedelta(days=7))
    assert _run(digest_deps) == 2 and len(fake.messages_in("U0TOKYO01")) == 2


def test_a_permanent_failure_is_recorded_not_retried_and_does_not_stop_others(
    digest_deps: Deps, fake: FakeSlack
) -> None:
    fake.fail_next("chat.postMessage", error="messages_tab_disabled")
    assert _run(digest_deps) == 2
    with session_scope(digest_deps.session_factory) as s:
        states = sorted(s.scalars(select(NudgeDelivery.state)))
    assert states == ["failed", "sent"] and len(_sent(fake)) == 1
    assert _run(digest_deps) == 0 and len(_sent(fake)) == 1


def test_the_digest_waits_out_the_ambassadors_own_public_holiday(
    digest_deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    """Monday 2026-01-12 is Coming of Age Day in Japan, a working day in the UK."""
    with session_scope(digest_deps.session_factory) as s:
        for person in s.scalars(select(Person)):
            person.country = {"Asia/Tokyo": "JP", "Europe/London": "GB"}.get(person.tz)
    clock.set(datetime(2026, 1, 12, 1, 30, tzinfo=UTC))  # 10:30 in Tokyo, the holiday
    _run(digest_deps)
    assert "U0TOKYO01" not in _sent(fake)
    with session_scope(digest_deps.session_factory) as s:
        held = s.scalar(select(NudgeDelivery).join(Person).where(Person.slack_user_id == "U0TOKYO01"))
        assert held is not None and "public holiday in JP" in (held.last_error or "")
    clock.set(datetime(2026, 1, 12, 10, 30, tzinfo=UTC))  # 10:30 in London, the same Monday
    _run(digest_deps)
    assert "U0LONDON1" in _sent(fake) and "U0TOKYO01" not in _sent(fake)
    clock.set(datetime(2026, 1, 13, 1, 30, tzinfo=UTC))  # Tuesday 10:30 in Tokyo
    deliver_nudges(digest_deps)
    assert "U0TOKYO01" in _sent(fake)


def test_the_sponsors_digest_carries_the_weeks_success_stories(
    digest_deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    with session_scope(digest_deps.session_factory) as s:
        celebrated = add_celebrations(
            s,
            author_user_id="U0TOKYO01",
            user_ids=["U0MEMBER1"],
            text="First approval run end to end in #dept-support",
            now=MONDAY_1030_TOKYO - timedelta(days=2),
        )
        add_celebrations(
            s,
            author_user_id="U0TOKYO01",
            user_ids=["U0MEMBER1"],
            text="Too old to show",
            now=MONDAY_1030_TOKYO - timedelta(days=9),
        )
    assert celebrated == 1
    assert _run(digest_deps) == 2
    sponsor = _sent(fake)["U0SPONS01"]
    assert "First approval run end to end in #dept-support" in sponsor  # the sponsor sees every department's stories
    assert "Too old to show" not in sponsor  # the week's stories only
