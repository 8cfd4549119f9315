"""Periodic jobs are claimed once per interval slot across replicas; a crashed holder's slot is retaken."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory, session_scope
from bot.deps import Deps, build_deps
from bot.simslack import FakeSlack
from nudges import scheduler as sched
from nudges.job_claims import ClaimedJob, claim_slot, finish_slot, slot_of
from nudges.ticks import deliver_nudges
from tests.e2e.harness import grant_manifest_scopes, settings_for
from tests.services.conftest import CONTACTS, MONDAY_10_JST, seed_help_people

T0 = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def at_once(calls: list[Callable[[], object]]) -> None:
    """Run the calls in threads released together (replicas firing at the same instant); re-raise any error."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_every_periodic_job_but_delivery_is_claimed_and_the_evergreen_check_is_its_own_job() -> None:
    claimed = {spec.name: spec.claimed for spec in sched.JOBS}
    assert claimed.pop("deliver_nudges") is False
    assert set(claimed) == {
        "plan_nudges",
        "queue_ambassador_digests",
        "queue_admin_digest",
        "tick_help_requests",
        "check_help_contacts",
        "advance_wave_phases",
        "prune_processed_events",
        "tick_metrics",
        "purge_old_texts",
        "sync_people",
    }
    assert all(claimed.values())
    assert {spec.name: spec.seconds for spec in sched.JOBS}["check_help_contacts"] == 3600


def test_a_slot_is_claimed_once_and_a_crashed_holders_slot_is_retaken_after_the_lease(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    slot = slot_of(T0, 300)

    def claim(holder: str, now: datetime, at: int = slot) -> bool:
        with session_scope(factory) as s:
            return claim_slot(s, job="plan_nudges", slot=at, holder=holder, now=now, lease=LEASE)

    assert claim("a", T0)
    assert not claim("b", T0 + timedelta(seconds=1))  # a holds it
    assert not claim("b", T0 + LEASE - timedelta(seconds=1))
    assert claim("b", T0 + LEASE)  # a crashed without finishing: b retakes the same slot
    with session_scope(factory) as s:
        finish_slot(s, job="plan_nudges", slot=slot, holder="b", now=T0 + LEASE, done=True)
    assert not claim("c", T0 + LEASE * 3)  # done: nobody runs this slot again
    assert not claim("c", T0, at=slot - 1)  # an old slot (a replica whose clock lags) is not rerun
    assert claim("c", T0 + timedelta(seconds=300), at=slot + 1)  # the next slot
    with session_scope(factory) as s:  # the job failed: handed back at once for the next replica to retry
        finish_slot(s, job="plan_nudges", slot=slot + 1, holder="c", now=T0 + timedelta(seconds=301), done=False)
    assert claim("a", T0 + timedelta(seconds=302), at=slot + 1)
    engine.dispose()


def test_replicas_racing_for_a_slot_run_each_job_once_per_slot(db_url: str) -> None:
    """Three replicas (three holders) fire every claimed job at the same instant, over several slots."""
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    clock = ManualClock(T0)
    runs: Counter[tuple[str, int]] = Counter()
    lock = threading.Lock()
    specs = [spec for spec in sched.JOBS if spec.claimed]

    def counting(name: str, seconds: float) -> ClaimedJob:
        def tick() -> None:
            with lock:
                runs[(name, slot_of(clock.now(), seconds))] += 1

        return ClaimedJob(name, seconds, tick, factory=factory, now=clock.now, holder="", lease=LEASE)

    replicas = []
    for n in range(3):
        jobs = [counting(spec.name, spec.seconds) for spec in specs]
        for job in jobs:
            job.holder = f"replica-{n}"
        replicas.append(jobs)
    for _minute in range(0, 130, 10):  # 130 minutes: 2-3 hourly slots, 26 five-minute slots, 130 one-minute slots
        at_once([lambda jobs=jobs: [job() for job in jobs] for jobs in replicas])
        clock.advance(timedelta(minutes=10))
    assert runs and set(runs.values()) == {1}
    assert {name for name, _slot in runs} == {spec.name for spec in specs}
    engine.dispose()


@pytest.fixture
def help_fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        grant_manifest_scopes(f)
        seed_help_people(f)
        yield f


def test_three_replicas_ask_each_contact_the_evergreen_question_once(db_url: str, help_fake: FakeSlack) -> None:
    clock = ManualClock(MONDAY_10_JST)
    replicas: list[Deps] = [build_deps(settings_for(help_fake, db_url), clock=clock) for _ in range(3)]
    [spec] = [s for s in sched.JOBS if s.name == "check_help_contacts"]
    ticks = [sched.bind(spec, deps, f"replica-{n}") for n, deps in enumerate(replicas)]
    try:
        for tick in ticks:
            tick()  # first sight starts every contact's 90 days
        clock.advance(timedelta(days=91))
        for _ in range(3):  # every replica fires three times within the hour, all at the same instant
            at_once(list(ticks))
            clock.advance(timedelta(minutes=10))
        clock.advance(timedelta(hours=12))  # the asks go out through the outbox, in working hours
        for deps in replicas:  # any replica's worker may send them; each goes out once
            deliver_nudges(deps)
        asks = Counter(
            user_id
            for user_id in CONTACTS
            for m in help_fake.messages_in(help_fake.dm_channel(user_id))
            if "still the right person" in m.get("text", "")
        )
        assert asks and set(asks.values()) == {1}
    finally:
        for deps in replicas:
            deps.engine.dispose()
