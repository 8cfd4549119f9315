"""The set-based planner: who is due for what, idempotent, only ever toward the next step."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import session_scope
from bot.domain.progression import PersonProgress, next_use_case
from bot.playbook import Playbook
from models import NudgeDelivery
from nudges.planner import plan
from nudges.rules import CadenceRules, next_working_moment
from tests.nudges.conftest import MONDAY_NOON
from tests.nudges.factories import active_wave, complete, person, sent, utc

NOW = MONDAY_NOON
RECENT = NOW - timedelta(days=2)


def _rows(factory: sessionmaker[Session]) -> list[NudgeDelivery]:
    with session_scope(factory) as s:
        return list(s.scalars(select(NudgeDelivery).order_by(NudgeDelivery.person_id, NudgeDelivery.id)))


def _plan(factory: sessionmaker[Session], playbook: Playbook, rules: CadenceRules, now=NOW) -> dict[str, int]:
    with session_scope(factory) as s:
        return plan(s, playbook=playbook, rules=rules, now=now).queued


def test_only_enrolled_eligible_people_get_their_next_step(factory, playbook, rules) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s)
        draft = active_wave(s, "later", state="draft")
        person(s, "U0IN", wave=wave, enrolled_at=RECENT, tz="Europe/London")
        person(s, "U0DRAFT", wave=draft, enrolled_at=RECENT)
        person(s, "U0NOWAVE")
        person(s, "U0GONE", wave=wave, enrolled_at=RECENT, deactivated=True)
        person(s, "U0SNOOZE", wave=wave, enrolled_at=RECENT, snoozed_until=NOW + timedelta(days=1))
        person(s, "U0OPTOUT", wave=wave, enrolled_at=RECENT, opted_out_kinds=["next_use_case"])
        done = person(s, "U0DONE", wave=wave, enrolled_at=RECENT, current_stage=len(playbook.stages))
        complete(s, done, [k for stage in playbook.stages for k in stage.required_keys])

    assert _plan(factory, playbook, rules)["next_use_case"] == 1
    [row] = _rows(factory)
    first = playbook.stages[0].required_keys[0]
    assert (row.kind, row.subject, row.state) == ("next_use_case", first, "pending")
    assert row.idempotency_key == f"next_use_case:{row.person_id}:{first}:2026-W06"
    assert row.due_at == NOW  # 12:00 in London is working time


def test_rerun_queues_nothing_and_one_paced_nudge_waits_at_a_time(factory, playbook, rules) -> None:
    with session_scope(factory) as s:
        person(s, "U0A", wave=active_wave(s), enrolled_at=RECENT)
    assert _plan(factory, playbook, rules)["next_use_case"] == 1
    assert sum(_plan(factory, playbook, rules).values()) == 0
    next_week = NOW + timedelta(days=7)
    assert sum(_plan(factory, playbook, rules, next_week).values()) == 0  # last week's is still pending
    with session_scope(factory) as s:
        s.execute(NudgeDelivery.__table__.update().values(state="sent", sent_at=NOW))
    assert _plan(factory, playbook, rules, next_week)["next_use_case"] == 1


def test_next_step_matches_the_progression_engine(factory, playbook, rules) -> None:
    rng = random.Random(7)
    keys = [uc.key for uc in playbook.all_use_cases()]
    cases = []
    with session_scope(factory) as s:
        wave = active_wave(s)
        for i in range(120):
            stage = rng.randint(0, len(playbook.stages))
            completed = frozenset(k for k in keys if rng.random() < 0.5)
            p = person(s, f"U0P{i:04d}", wave=wave, enrolled_at=RECENT, current_stage=stage)
            complete(s, p, completed)
            cases.append((p.id, next_use_case(playbook, PersonProgress(completed=completed, stage=stage))))
    _plan(factory, playbook, rules)
    planned = {row.person_id: row.subject for row in _rows(factory)}
    for person_id, expected in cases:
        assert planned.get(person_id) == (expected.key if expected else None)


def test_due_at_is_the_next_working_moment_in_each_zone(factory, playbook, rules) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s)
        person(s, "U0TOKYO", wave=wave, enrolled_at=RECENT, tz="Asia/Tokyo")  # 21:00 there: tomorrow 10:00
        person(s, "U0NY", wave=wave, enrolled_at=RECENT, tz="America/New_York")  # 07:00 there: 10:00 today
        person(s, "U0KOL", wave=wave, enrolled_at=RECENT, tz="Asia/Kolkata")  # 17:30 there: tomorrow 10:00
    _plan(factory, playbook, rules)
    due = {row.person_id: row.due_at for row in _rows(factory)}
    assert sorted(due.values()) == [utc(2026, 2, 2, 15), utc(2026, 2, 3, 1), utc(2026, 2, 3, 4, 30)]


def test_training_follows_a_sent_next_step_after_a_day(factory, playbook, rules) -> None:
    first = playbook.stages[0].required_keys[0]
    with session_scope(factory) as s:
        p = person(s, "U0T", wave=active_wave(s), enrolled_at=RECENT)
        sent(s, p, "next_use_case", NOW - timedelta(hours=5), subject=first)
    # the weekly next-step key is new, so that one is planned first (one paced nudge waits at a time)
    assert _plan(factory, playbook, rules)["training"] == 0
    with session_scope(factory) as s:
        s.execute(NudgeDelivery.__table__.update().where(NudgeDelivery.state == "pending").values(state="skipped"))
    assert _plan(factory, playbook, rules)["training"] == 0  # only 5 hours since the next-step nudge
    counts = _plan(factory, playbook, rules, NOW + timedelta(days=1))
    assert counts["training"] == 1
    training = [r for r in _rows(factory) if r.kind == "training"]
    assert training[0].subject == first and training[0].idempotency_key == f"training:{p.id}:{first}"


def test_quiet_people_are_reengaged_once_per_period(factory, playbook, rules) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s)
        person(s, "U0QUIET", wave=wave, enrolled_at=NOW - timedelta(days=30), last_active_at=NOW - timedelta(days=20))
        person(s, "U0BUSY", wave=wave, enrolled_at=NOW - timedelta(days=30), last_active_at=NOW - timedelta(days=1))
    counts = _plan(factory, playbook, rules)
    assert (counts["reengage"], counts["next_use_case"]) == (1, 1)
    kinds = {r.idempotency_key.split(":")[0] for r in _rows(factory)}
    assert kinds == {"reengage", "next_use_case"}


def test_reinforcement_after_a_stage_is_reached(factory, playbook, rules) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s)
        p = person(s, "U0UP", wave=wave, enrolled_at=RECENT, current_stage=1, stage_reached_at=NOW - timedelta(days=3))
        complete(s, p, playbook.stages[0].required_keys)
        sent(s, p, "next_use_case", NOW - timedelta(hours=1), subject="x")  # a paced nudge went out already
        s.add(
            NudgeDelivery(
                person_id=p.id,
                kind="next_use_case",
                idempotency_key=f"next_use_case:{p.id}:{playbook.stages[1].required_keys[0]}:2026-W06",
                due_at=NOW,
                state="sent",
                sent_at=NOW,
                payload={},
            )
        )
    counts = _plan(factory, playbook, rules)
    assert counts["reinforcement"] == 1
    [row] = [r for r in _rows(factory) if r.kind == "reinforcement"]
    assert row.subject == "1" and row.idempotency_key == f"reinforcement:{p.id}:1"


def test_statements_are_built_once_and_take_each_pass_moments(factory, playbook, rules) -> None:
    from nudges import planner

    with session_scope(factory) as s:
        person(s, "U0A", wave=active_wave(s), enrolled_at=RECENT, tz="Europe/London")
    assert _plan(factory, playbook, rules)["next_use_case"] == 1
    built = planner._statements(playbook, 1, False)  # one distinct zone, SQLite
    with session_scope(factory) as s:
        s.execute(NudgeDelivery.__table__.update().values(state="sent", sent_at=NOW))
        person(s, "U0B", wave=active_wave(s, "second"), enrolled_at=RECENT, tz="Asia/Tokyo")
    next_week = NOW + timedelta(days=7)
    assert _plan(factory, playbook, rules, next_week)["next_use_case"] == 2
    assert planner._statements(playbook, 1, False) is built  # reused, not rebuilt
    assert planner._statements(playbook, 2, False) is not built  # a second zone: a CASE branch more
    rows = [r for r in _rows(factory) if r.created_at == next_week]
    assert {r.idempotency_key.rsplit(":", 1)[1] for r in rows} == {"2026-W07"}
    london, tokyo = (next_working_moment(rules, tz, next_week) for tz in ("Europe/London", "Asia/Tokyo"))
    assert london == next_week and tokyo > next_week  # 12:00 in London is working time; 21:00 in Tokyo is not
    assert {r.due_at for r in rows} == {london, tokyo}  # each zone's moment of this pass
