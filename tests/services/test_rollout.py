"""Rollout service on a real database: membership, one running wave per person, the gate, the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.waves import Phase, PhaseSchedule, TransitionError, WaveForm, WaveState
from bot.services import audit, rollout
from models import AuditEntry, NudgeDelivery, WaveMembership
from tests.services.conftest import NOW, make_person

SCHED = PhaseSchedule(unfreeze=1, change=2, refreeze=1)
GROUPS = {"S0PILOT": ["U0G1", "U0G2", "U0NOBODY"]}


def members_of(group: str) -> list[str]:
    return GROUPS[group]


def people(session: Session) -> None:
    for i in range(3):
        make_person(session, f"U0S{i}", department="Sales")
    make_person(session, "U0S9", department="Sales", deactivated=True)
    make_person(session, "U0O1", department="Ops")
    make_person(session, "U0G1", department="Legal")
    make_person(session, "U0G2", department="Legal")


def form(name: str, **kw: object) -> WaveForm:
    return WaveForm(name=name, schedule=SCHED, **kw)  # type: ignore[arg-type]


def test_start_resolves_departments_groups_and_people_and_queues_welcomes(session: Session) -> None:
    people(session)
    wave = rollout.save_wave(
        session,
        actor="U0ADMIN",
        form=form("Pilot", departments=("Sales",), usergroups=("S0PILOT",), users=("U0O1",)),
        now=NOW,
    )
    assert wave.state == WaveState.DRAFT
    started, enrolment = rollout.start_wave(
        session, actor="U0ADMIN", wave_id=wave.id, now=NOW, usergroup_members=members_of
    )
    assert (started.state, started.phase, started.members) == (WaveState.ACTIVE, Phase.UNFREEZE, 6)
    assert (enrolment.enrolled, enrolment.skipped_deactivated, enrolment.unknown_users) == (6, 1, 1)
    keys = set(session.scalars(select(NudgeDelivery.idempotency_key).where(NudgeDelivery.kind == "welcome")))
    member_ids = set(session.scalars(select(WaveMembership.person_id)))
    assert keys == {f"welcome:{pid}:{wave.id}" for pid in member_ids}
    assert started.phase_ends_at == NOW + timedelta(days=1)
    assert [e.action for e in audit.recent(session)] == ["wave.start", "wave.create"]


def test_a_person_is_in_at_most_one_running_wave(session: Session) -> None:
    people(session)
    first = rollout.save_wave(session, actor="A", form=form("One", departments=("Sales",)), now=NOW)
    second = rollout.save_wave(session, actor="A", form=form("Two", departments=("Sales", "Ops")), now=NOW)
    rollout.start_wave(session, actor="A", wave_id=first.id, now=NOW, usergroup_members=members_of)
    _, enrolment = rollout.start_wave(session, actor="A", wave_id=second.id, now=NOW, usergroup_members=members_of)
    assert (enrolment.enrolled, enrolment.skipped_elsewhere) == (1, 3)
    per_person = session.execute(
        select(WaveMembership.person_id, func.count()).where(WaveMembership.running).group_by(WaveMembership.person_id)
    ).all()
    assert all(n == 1 for _, n in per_person)
    sales_one = session.scalar(select(WaveMembership.person_id).where(WaveMembership.wave_id == first.id))
    with pytest.raises(IntegrityError):  # the database refuses it too, even if a race slipped past the check
        session.add(WaveMembership(wave_id=second.id, person_id=sales_one, enrolled_at=NOW, running=True))
        session.flush()


def test_invalid_forms_are_refused_with_field_errors(session: Session) -> None:
    rollout.save_wave(session, actor="A", form=form("Pilot", users=("U0ONE0001",)), now=NOW)
    with pytest.raises(rollout.WaveFormInvalid) as err:
        rollout.save_wave(
            session,
            actor="A",
            form=form("Pilot", start_date=NOW.date() - timedelta(days=1)),
            now=NOW,
        )
    assert set(err.value.errors) == {"name", "members", "start_date"}
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_the_tick_walks_the_phases_opens_the_gate_and_asks_for_feedback(session: Session) -> None:
    people(session)
    wave = rollout.save_wave(
        session, actor="A", form=form("Pilot", departments=("Sales",), start_date=date(2025, 3, 11)), now=NOW
    )
    assert wave.state == WaveState.SCHEDULED
    assert rollout.tick_waves(session, now=NOW, usergroup_members=members_of) == []
    day = NOW + timedelta(days=1)
    changes = rollout.tick_waves(session, now=day, usergroup_members=members_of)
    assert [(c.state, c.phase, c.enrolled) for c in changes] == [("active", "unfreeze", 3)]
    for expected, days in (("change", 1), ("refreeze", 2), ("feedback", 1)):
        day += timedelta(days=days)
        rollout.tick_waves(session, now=day, usergroup_members=members_of)
        assert rollout.get_wave(session, wave.id).phase == expected  # type: ignore[union-attr]
    assert rollout.tick_waves(session, now=day + timedelta(days=30), usergroup_members=members_of) == []
    keys = sorted(session.scalars(select(NudgeDelivery.idempotency_key).where(NudgeDelivery.kind == "feedback")))
    assert len(keys) == 3 and all(k.endswith(f":{wave.id}:1") and k.startswith("feedback:") for k in keys)
    # Answers to these questions: tests/services/test_answers.py.


def _at_gate(session: Session) -> int:
    people(session)
    wave = rollout.save_wave(session, actor="A", form=form("Pilot", departments=("Sales",)), now=NOW)
    rollout.start_wave(session, actor="A", wave_id=wave.id, now=NOW, usergroup_members=members_of)
    rollout.tick_waves(session, now=NOW + timedelta(days=10), usergroup_members=members_of)
    return wave.id


def test_advance_completes_the_wave_and_starts_the_next_scheduled_one(session: Session) -> None:
    pilot = _at_gate(session)
    later = NOW.date() + timedelta(days=60)
    nxt = rollout.save_wave(
        session, actor="A", form=form("Next", departments=("Sales", "Ops"), start_date=later), now=NOW
    )
    when = NOW + timedelta(days=11)
    result = rollout.advance_wave(session, actor="A", wave_id=pilot, now=when, usergroup_members=members_of)
    assert result.completed.state == WaveState.COMPLETED
    assert result.started is not None and result.started.id == nxt.id and result.started.state == WaveState.ACTIVE
    assert result.enrolment is not None and result.enrolment.enrolled == 4  # Sales are free again
    assert result.started.start_date == when.date()


def test_extend_and_adjust_only_at_the_gate(session: Session) -> None:
    pilot = _at_gate(session)
    when = NOW + timedelta(days=11)
    extended = rollout.extend_wave(session, actor="A", wave_id=pilot, days=7, now=when)
    assert (extended.phase, extended.phase_ends_at) == (Phase.REFREEZE, when + timedelta(days=7))
    with pytest.raises(TransitionError):
        rollout.adjust_wave(session, actor="A", wave_id=pilot, now=when)
    rollout.tick_waves(session, now=when + timedelta(days=7), usergroup_members=members_of)
    assert rollout.get_wave(session, pilot).feedback_round == 2  # type: ignore[union-attr]
    adjusted = rollout.adjust_wave(session, actor="A", wave_id=pilot, now=when + timedelta(days=8))
    assert adjusted.phase == Phase.CHANGE
    assert adjusted.phase_ends_at == when + timedelta(days=8 + SCHED.change)


def test_pause_stops_the_clock_and_resume_shifts_the_schedule(session: Session) -> None:
    people(session)
    wave = rollout.save_wave(session, actor="A", form=form("Pilot", departments=("Sales",)), now=NOW)
    rollout.start_wave(session, actor="A", wave_id=wave.id, now=NOW, usergroup_members=members_of)
    rollout.pause_wave(session, actor="A", wave_id=wave.id, now=NOW + timedelta(hours=12))
    assert rollout.tick_waves(session, now=NOW + timedelta(days=5), usergroup_members=members_of) == []
    resumed = rollout.resume_wave(session, actor="A", wave_id=wave.id, now=NOW + timedelta(days=5))
    assert resumed.phase == Phase.UNFREEZE
    assert resumed.phase_ends_at == NOW + timedelta(days=1) + timedelta(days=5, hours=-12)
    with pytest.raises(TransitionError):
        rollout.resume_wave(session, actor="A", wave_id=wave.id, now=NOW + timedelta(days=5))


def test_editing_a_running_wave_adds_new_matches_and_is_audited(session: Session) -> None:
    people(session)
    wave = rollout.save_wave(session, actor="A", form=form("Pilot", departments=("Sales",)), now=NOW)
    rollout.start_wave(session, actor="A", wave_id=wave.id, now=NOW, usergroup_members=members_of)
    rollout.save_wave(session, actor="B", form=form("Pilot", departments=("Sales", "Ops")), now=NOW, wave_id=wave.id)
    enrolment = rollout.refresh_membership(session, actor="B", wave_id=wave.id, now=NOW, usergroup_members=members_of)
    assert enrolment.enrolled == 1
    edit = next(e for e in audit.recent(session) if e.action == "wave.edit")
    assert edit.actor == "B"
    assert audit.changed_fields(edit.before, edit.after) == {
        "selectors": (
            {"departments": ["Sales"], "usergroups": [], "users": []},
            {"departments": ["Sales", "Ops"], "usergroups": [], "users": []},
        )
    }
