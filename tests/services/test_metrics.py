"""The scores' counts (bot.services.metrics) match a direct count in the database, person by person; the
snapshot the admin Home reads holds the same numbers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bot.domain.insights import RedReason, Scores
from bot.playbook import Playbook
from bot.services import metrics as kpis
from bot.services.metrics.rollups import latest, write_rollups
from bot.services.metrics.scores import compute
from models import DailyActivity, Person, Wave, WaveMembership
from tests.services.conftest import NOW

DEPARTMENTS = ["Sales", "Ops", "Legal", None]
DIRECT_ACTIVE = """
    (p.last_active_at >= :since_ts OR EXISTS (
        SELECT 1 FROM daily_activity d WHERE d.person_id = p.id AND d.day >= :since_day
        AND d.messages + d.replies + d.reactions + d.files + d.apps + d.bot_dms > 0))
"""


def seed(session: Session, n: int = 400) -> tuple[int, int]:
    rng = random.Random(7)
    pilot = Wave(name="Pilot", state="active", phase="change", schedule={}, selectors={})
    second = Wave(name="Second", state="active", phase="unfreeze", schedule={}, selectors={})
    session.add_all([pilot, second])
    session.flush()
    people, members, activity = [], [], []
    for i in range(n):
        last = rng.choice([None, NOW - timedelta(days=7), NOW - timedelta(days=7, seconds=1), NOW - timedelta(days=2)])
        people.append(
            {
                "id": i + 1,
                "slack_user_id": f"U{i:08d}",
                "display_name": f"p{i}",
                "department": rng.choice(DEPARTMENTS),
                "current_stage": rng.choice([0, 1, 1, 2, 3, 4]),
                "last_active_at": last,
                "deactivated": rng.random() < 0.05,
            }
        )
        wave = rng.choice([pilot.id, second.id, None])
        if wave is not None:
            members.append({"wave_id": wave, "person_id": i + 1, "enrolled_at": NOW, "running": True})
        for back in rng.sample(range(0, 12), k=rng.randint(0, 3)):
            zero = rng.random() < 0.3
            activity.append(
                {
                    "person_id": i + 1,
                    "day": NOW.date() - timedelta(days=back),
                    "messages": 0 if zero else rng.randint(1, 5),
                    "replies": 0,
                    "reactions": 0,
                    "files": 0,
                    "apps": 0,
                    "bot_dms": 0,
                }
            )
    session.execute(insert(Person), people)
    session.execute(insert(WaveMembership), members)
    session.execute(insert(DailyActivity), activity)
    session.flush()
    return pilot.id, second.id


def _params() -> dict[str, object]:
    since_day: date = NOW.date() - timedelta(days=6)
    return {"since_ts": NOW - timedelta(days=7), "since_day": since_day}


def test_wave_kpis_match_a_direct_count(session: Session, playbook: Playbook) -> None:
    pilot, second = seed(session)
    got = compute(session, playbook=playbook, now=NOW).waves
    for wave_id in (pilot, second):
        row = session.execute(
            text(
                f"""SELECT COUNT(*),
                       SUM(CASE WHEN {DIRECT_ACTIVE} THEN 1 ELSE 0 END),
                       SUM(CASE WHEN {DIRECT_ACTIVE} AND p.current_stage >= 2 THEN 1 ELSE 0 END)
                FROM wave_memberships m JOIN people p ON p.id = m.person_id
                WHERE m.wave_id = :wave AND NOT p.deactivated"""
            ),
            {**_params(), "wave": wave_id},
        ).one()
        kpi = got[wave_id]
        assert (kpi.enrolled, kpi.active, kpi.ignited) == (row[0], row[1], row[2])
        stages = session.execute(
            text(
                """SELECT p.current_stage, COUNT(*) FROM wave_memberships m JOIN people p ON p.id = m.person_id
                   WHERE m.wave_id = :wave AND NOT p.deactivated GROUP BY p.current_stage"""
            ),
            {"wave": wave_id},
        ).all()
        assert kpi.stages == dict(stages)
        assert 0 < kpi.active < kpi.enrolled  # the seed exercises both sides of the 7-day line


def test_department_kpis_match_a_direct_count(session: Session, playbook: Playbook) -> None:
    seed(session)
    found = compute(session, playbook=playbook, now=NOW)
    got = {k.key: k for k in found.departments}
    rows = session.execute(
        text(
            f"""SELECT COALESCE(p.department, '{kpis.NO_DEPARTMENT}'), COUNT(*),
                   SUM(CASE WHEN {DIRECT_ACTIVE} THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {DIRECT_ACTIVE} AND p.current_stage >= 2 THEN 1 ELSE 0 END)
                FROM people p
                WHERE NOT p.deactivated AND EXISTS (SELECT 1 FROM wave_memberships m WHERE m.person_id = p.id)
                GROUP BY COALESCE(p.department, '{kpis.NO_DEPARTMENT}')"""
        ),
        _params(),
    ).all()
    assert {r[0]: (r[1], r[2], r[3]) for r in rows} == {k: (v.enrolled, v.active, v.ignited) for k, v in got.items()}
    overall = found.company
    assert overall.enrolled == sum(r[1] for r in rows)
    assert overall.ignited == sum(r[3] for r in rows)


def test_people_counts_match_a_direct_count(session: Session) -> None:
    seed(session)
    got = kpis.people_counts(session)
    people = session.execute(text("SELECT COUNT(*) FROM people WHERE NOT deactivated")).scalar()
    enrolled = session.execute(
        text(
            """SELECT COUNT(*) FROM people p WHERE NOT p.deactivated
               AND EXISTS (SELECT 1 FROM wave_memberships m WHERE m.person_id = p.id AND m.running)"""
        )
    ).scalar()
    assert (got.people, got.in_running_wave, got.never_enrolled) == (people, enrolled, people - enrolled)


def test_department_falling_behind_is_flagged_red_and_listed_first(session: Session, playbook: Playbook) -> None:
    wave = Wave(name="W", state="active", phase="change", schedule={}, selectors={})
    session.add(wave)
    session.flush()
    for i in range(10):
        dept = "Sales" if i < 5 else "Legal"
        p = Person(slack_user_id=f"U{i}", department=dept, current_stage=3, last_active_at=NOW)
        session.add(p)
        session.flush()
        session.add(WaveMembership(wave_id=wave.id, person_id=p.id, enrolled_at=NOW))
        if dept == "Sales":  # active on 3 of the last 7 days; Legal was only seen (active, but not adopted)
            for back in range(3):
                session.add(DailyActivity(person_id=p.id, day=NOW.date() - timedelta(days=back), messages=1))
    session.flush()
    rows = compute(session, playbook=playbook, now=NOW).departments
    assert [r.key for r in rows] == ["Legal", "Sales"]
    assert rows[0].red and rows[0].reasons == (RedReason.ADOPTION,) and rows[0].adoption == 0
    assert not rows[1].red and rows[1].adoption == 100 and rows[1].ignition == 100


def test_the_admin_snapshot_gives_the_same_numbers(session: Session, playbook: Playbook) -> None:
    seed(session)
    live = compute(session, playbook=playbook, now=NOW)
    write_rollups(session, playbook=playbook, now=NOW)
    snap = latest(session)
    assert snap is not None and snap.from_rollup

    def numbers(k: Scores) -> tuple[object, ...]:
        return (k.key, k.enrolled, k.active, k.ignited, k.stages, k.adoption, k.maturity, k.sentiment, k.reasons)

    assert [numbers(k) for k in snap.departments] == [numbers(k) for k in live.departments]
    assert {w: numbers(k) for w, k in snap.waves.items()} == {w: numbers(k) for w, k in live.waves.items()}
    assert numbers(snap.company) == numbers(live.company)
    assert snap.people == live.people == kpis.people_counts(session)
