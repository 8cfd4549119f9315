"""The phase policy table (nudges/phases.py): what the planner queues and the worker sends, per wave phase."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.waves import Phase, allows_new_stage_nudges
from bot.playbook import Playbook
from bot.simslack import FakeSlack
from models import NudgeDelivery
from nudges.kinds import NudgeKind as K
from nudges.outbox import enqueue
from nudges.phases import NEW_STAGE_KINDS, OUTSIDE, PAUSED, PHASES, policy_for
from nudges.planner import plan
from nudges.rules import CadenceRules
from nudges.worker import DeliveryWorker
from tests.nudges.conftest import MONDAY_NOON
from tests.nudges.factories import active_wave, person

NOW = MONDAY_NOON
LONG_AGO = NOW - timedelta(days=40)  # enrolled long enough for the periodic pulse


def test_the_table_agrees_with_the_wave_rules() -> None:
    for phase, policy in PHASES.items():
        new_stage = bool(policy.plans & NEW_STAGE_KINDS)
        assert new_stage == allows_new_stage_nudges("active", phase), phase
        assert policy.new_stage == allows_new_stage_nudges("active", phase)
    assert PHASES[Phase.FEEDBACK].plans == {K.REINFORCEMENT}
    assert PHASES[Phase.UNFREEZE].plans == {K.NEXT_USE_CASE, K.PULSE} and PHASES[Phase.UNFREEZE].first_step_only
    assert K.TRAINING not in PHASES[Phase.UNFREEZE].plans  # no training pressure before the change
    assert not PHASES[Phase.REFREEZE].plans & NEW_STAGE_KINDS
    assert policy_for("paused", "change") is PAUSED and policy_for(None, None) is OUTSIDE
    assert policy_for("completed", "done") is OUTSIDE
    assert PHASES[Phase.FEEDBACK].verdict(K.NEXT_USE_CASE) == "hold"
    assert PHASES[Phase.FEEDBACK].verdict(K.PULSE) == "drop"
    assert PAUSED.verdict(K.TRAINING) == "hold" and PAUSED.verdict(K.REINFORCEMENT) == "drop"


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("unfreeze", {"next_use_case", "pulse"}),
        ("change", {"next_use_case"}),  # everyone has a next step, which goes first
        ("refreeze", {"reinforcement", "pulse"}),
        ("feedback", {"reinforcement"}),
    ],
)
def test_the_planner_plans_per_phase(
    factory: sessionmaker[Session], playbook: Playbook, rules: CadenceRules, phase: str, expected: set[str]
) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s, phase=phase)
        # each person is due for exactly one kind, so one pending row does not hide another
        person(s, "U0NEXT", wave=wave, enrolled_at=NOW - timedelta(days=2))
        person(s, "U0PULSE", wave=wave, enrolled_at=LONG_AGO, current_stage=1, stage_reached_at=LONG_AGO,
               last_active_at=NOW)  # fmt: skip
        person(s, "U0TIP", wave=wave, enrolled_at=NOW - timedelta(days=9), current_stage=1,
               stage_reached_at=NOW - timedelta(days=2), last_active_at=NOW)  # fmt: skip
    with session_scope(factory) as s:
        queued = plan(s, playbook=playbook, rules=rules, now=NOW).queued
        kinds = set(s.scalars(select(NudgeDelivery.kind)))
    assert {kind for kind, n in queued.items() if n} == kinds
    assert kinds == expected


def test_unfreeze_names_only_the_first_step(
    factory: sessionmaker[Session], playbook: Playbook, rules: CadenceRules
) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s, phase="unfreeze")
        person(s, "U0NEW", wave=wave, enrolled_at=NOW - timedelta(days=1))
        person(s, "U0AHEAD", wave=wave, enrolled_at=NOW - timedelta(days=1), current_stage=1)
    with session_scope(factory) as s:
        plan(s, playbook=playbook, rules=rules, now=NOW)
        subjects = s.scalars(select(NudgeDelivery.subject).where(NudgeDelivery.kind == "next_use_case")).all()
    assert subjects == [playbook.stages[0].required_keys[0]]  # U0AHEAD's next step waits for the change phase


@pytest.mark.parametrize("state", ["paused", "completed"])
def test_a_paused_or_finished_wave_plans_nothing(
    factory: sessionmaker[Session], playbook: Playbook, rules: CadenceRules, state: str
) -> None:
    with session_scope(factory) as s:
        wave = active_wave(s, state=state, phase="change")
        person(s, "U0A", wave=wave, enrolled_at=LONG_AGO, current_stage=1, stage_reached_at=NOW - timedelta(days=4))
    with session_scope(factory) as s:
        assert plan(s, playbook=playbook, rules=rules, now=NOW).total == 0


def test_the_worker_drops_a_pulse_and_holds_a_next_step_at_the_gate(deps: Deps, fake: FakeSlack) -> None:
    fake.add_user("U0GATE", name="gate", tz="UTC")
    with session_scope(deps.session_factory) as s:
        wave = active_wave(s, phase="feedback")
        pid = person(s, "U0GATE", wave=wave, enrolled_at=LONG_AGO, tz="UTC").id
        for kind, subject in (("pulse", None), ("next_use_case", "find-help"), ("reinforcement", "1")):
            enqueue(s, person_id=pid, kind=kind, idempotency_key=kind, due_at=NOW, subject=subject)
    DeliveryWorker(deps).tick()
    with session_scope(deps.session_factory) as s:
        rows = {r.kind: (r.state, r.last_error) for r in s.scalars(select(NudgeDelivery))}
    assert rows["pulse"] == ("skipped", "not sent while the wave is at its feedback gate")
    assert rows["next_use_case"] == ("held", "held: the wave is at its feedback gate")
    assert rows["reinforcement"][0] == "sent"  # reinforcement may go on
    for _ in range(3):  # a gate nobody decides keeps holding
        DeliveryWorker(deps).tick()
    with session_scope(deps.session_factory) as s:
        assert s.scalar(select(NudgeDelivery.state).where(NudgeDelivery.kind == "next_use_case")) == "held"
