"""The admin Home and `/coach status` read one definition of enrolled, active and ignition (bot.services.metrics)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services import ambassadors as amb
from bot.services.admin_home import admin_home_state
from models import Wave, WaveMembership
from tests.services.ambassadors.conftest import NOW, active_on, person

TODAY = NOW.date()


def _numbers_both_ways(session: Session, playbook: Playbook, department: str) -> tuple[tuple[int, ...], ...]:
    home = {k.key: k for k in admin_home_state(session, playbook=playbook, now=NOW).departments}[department]
    status = amb.department_status(session, playbook=playbook, department=department, now=NOW).current
    home_stages = tuple(home.stages.get(i, 0) for i in range(len(status.stages)))
    return (
        (home.enrolled, home.active, home.ignited, *home_stages),
        (status.enrolled, status.active, status.ignited, *status.stages),
    )


def _department(session: Session) -> list[int]:
    """Sales: stages 0..3, counter activity, a zero row, seen-only activity, a deactivated person, Marketing."""
    people = [person(session, f"U0SALES0{i}", current_stage=stage) for i, stage in enumerate([0, 1, 1, 2, 2, 3, 3])]
    rows = {p.id: p for p in people}
    ids = [p.id for p in people]
    active_on(session, rows[ids[1]], TODAY - timedelta(days=6))  # inside the window's first day
    active_on(session, rows[ids[3]], TODAY)
    active_on(session, rows[ids[4]], TODAY - timedelta(days=7))  # just outside
    active_on(session, rows[ids[5]], TODAY - timedelta(days=1), messages=0)  # a zero row is not activity
    rows[ids[6]].last_active_at = NOW - timedelta(days=2)  # seen, no counter: active by both
    person(session, "U0GONE001", current_stage=3, deactivated=True, last_active_at=NOW)
    active_on(session, person(session, "U0MKT0001", department="Marketing", current_stage=3), TODAY)
    session.flush()
    return ids


def test_no_waves_yet_both_count_everyone_the_same(session: Session, playbook: Playbook) -> None:
    _department(session)
    home, status = _numbers_both_ways(session, playbook, "Sales")
    assert home == status
    assert status[:3] == (7, 3, 2)  # 7 enrolled; active: window start, today, seen-only; ignited: stage-2 and 3


@pytest.mark.parametrize("state", ["active", "paused"])
def test_running_waves_only_and_both_agree(session: Session, playbook: Playbook, state: str) -> None:
    ids = _department(session)
    running = Wave(name="pilot", state=state)
    draft = Wave(name="later", state="draft")
    done = Wave(name="old", state="completed")
    session.add_all([running, draft, done])
    session.flush()
    for wave, members in ((running, ids[:5]), (draft, ids[5:6]), (done, ids[6:])):
        for pid in members:
            session.add(WaveMembership(wave_id=wave.id, person_id=pid, enrolled_at=NOW - timedelta(days=1)))
    session.flush()
    home, status = _numbers_both_ways(session, playbook, "Sales")
    assert home == status
    assert status[:3] == (5, 2, 1)  # the draft and completed waves' members are not enrolled
