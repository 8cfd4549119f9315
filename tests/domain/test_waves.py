"""Wave rules: the phase schedule, state transitions, the feedback gate and eligibility."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import waves as w
from bot.domain.waves import Phase, PhaseSchedule, TransitionError, WaveCommand, WaveForm, WaveState

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SCHED = PhaseSchedule(unfreeze=2, change=5, refreeze=3)


def snap(state: WaveState, phase: Phase, ends: datetime | None, start: date | None = None) -> w.WaveSnapshot:
    return w.WaveSnapshot(state, phase, start, ends, SCHED)


def test_scheduled_wave_starts_on_its_date_not_before() -> None:
    wave = snap(WaveState.SCHEDULED, Phase.UNFREEZE, None, start=date(2025, 3, 4))
    assert w.tick(wave, NOW) is None
    change = w.tick(wave, datetime(2025, 3, 4, 0, 0, tzinfo=UTC))
    assert change is not None
    assert (change.state, change.phase) == (WaveState.ACTIVE, Phase.UNFREEZE)
    assert change.phase_ends_at == datetime(2025, 3, 6, 0, 0, tzinfo=UTC)


def test_phases_follow_the_schedule_then_the_gate_opens_and_stays_open() -> None:
    started = w.begin(SCHED, NOW)
    wave = snap(started.state, started.phase, started.phase_ends_at)
    assert w.tick(wave, NOW + timedelta(days=2) - timedelta(seconds=1)) is None
    change = w.tick(wave, NOW + timedelta(days=2))
    assert change is not None and change.phase == Phase.CHANGE
    assert change.phase_ends_at == NOW + timedelta(days=7)
    wave = snap(WaveState.ACTIVE, Phase.REFREEZE, NOW + timedelta(days=10))
    gate = w.tick(wave, NOW + timedelta(days=10))
    assert gate is not None and gate.phase == Phase.FEEDBACK and gate.gate_opened and gate.phase_ends_at is None
    assert w.tick(snap(WaveState.ACTIVE, Phase.FEEDBACK, None), NOW + timedelta(days=400)) is None


def test_missed_ticks_catch_up_through_several_phases() -> None:
    wave = snap(WaveState.ACTIVE, Phase.UNFREEZE, NOW + timedelta(days=2))
    change = w.tick(wave, NOW + timedelta(days=8))  # unfreeze ended day 2, change ended day 7
    assert change is not None and change.phase == Phase.REFREEZE
    assert change.phase_ends_at == NOW + timedelta(days=10)
    gate = w.tick(wave, NOW + timedelta(days=30))
    assert gate is not None and gate.phase == Phase.FEEDBACK and gate.gate_opened


def test_paused_and_draft_waves_do_not_move() -> None:
    assert w.tick(snap(WaveState.PAUSED, Phase.CHANGE, NOW), NOW + timedelta(days=90)) is None
    assert w.tick(snap(WaveState.DRAFT, Phase.UNFREEZE, None, start=date(2025, 1, 1)), NOW) is None


def test_resume_shifts_the_phase_end_by_the_pause() -> None:
    ends = NOW + timedelta(days=3)
    assert w.resume(ends, NOW, NOW + timedelta(days=2)) == ends + timedelta(days=2)
    assert w.resume(None, NOW, NOW + timedelta(days=2)) is None


@pytest.mark.parametrize(
    ("command", "state", "phase", "ok"),
    [
        (WaveCommand.START, WaveState.DRAFT, Phase.UNFREEZE, True),
        (WaveCommand.START, WaveState.SCHEDULED, Phase.UNFREEZE, True),
        (WaveCommand.START, WaveState.ACTIVE, Phase.UNFREEZE, False),
        (WaveCommand.PAUSE, WaveState.ACTIVE, Phase.CHANGE, True),
        (WaveCommand.PAUSE, WaveState.DRAFT, Phase.UNFREEZE, False),
        (WaveCommand.RESUME, WaveState.PAUSED, Phase.CHANGE, True),
        (WaveCommand.RESUME, WaveState.ACTIVE, Phase.CHANGE, False),
        (WaveCommand.ADVANCE, WaveState.ACTIVE, Phase.FEEDBACK, True),
        (WaveCommand.ADVANCE, WaveState.ACTIVE, Phase.REFREEZE, False),
        (WaveCommand.EXTEND, WaveState.PAUSED, Phase.FEEDBACK, True),
        (WaveCommand.ADJUST, WaveState.ACTIVE, Phase.FEEDBACK, True),
        (WaveCommand.ADJUST, WaveState.COMPLETED, Phase.DONE, False),
        (WaveCommand.EDIT, WaveState.COMPLETED, Phase.DONE, False),
        (WaveCommand.EDIT, WaveState.ACTIVE, Phase.CHANGE, True),
    ],
)
def test_transitions(command: WaveCommand, state: WaveState, phase: Phase, ok: bool) -> None:
    if ok:
        w.check(command, state, phase)
    else:
        with pytest.raises(TransitionError):
            w.check(command, state, phase)


def test_extend_goes_back_to_reinforcement_for_the_given_days() -> None:
    change = w.extend(7, NOW)
    assert (change.state, change.phase, change.phase_ends_at) == (
        WaveState.ACTIVE,
        Phase.REFREEZE,
        NOW + timedelta(days=7),
    )
    with pytest.raises(TransitionError):
        w.extend(0, NOW)


def test_new_stage_nudges_stop_at_the_gate_and_while_paused() -> None:
    assert w.allows_new_stage_nudges("active", "change")
    assert not w.allows_new_stage_nudges("active", "feedback")
    assert not w.allows_new_stage_nudges("active", "refreeze")  # refreeze reinforces; no new stage
    assert not w.allows_new_stage_nudges("paused", "change")
    assert not w.allows_new_stage_nudges("completed", "done")


def test_phase_calendar_from_the_start_date() -> None:
    cal = w.phase_calendar(date(2025, 3, 3), SCHED)
    assert cal == [
        (Phase.UNFREEZE, date(2025, 3, 3), date(2025, 3, 4)),
        (Phase.CHANGE, date(2025, 3, 5), date(2025, 3, 9)),
        (Phase.REFREEZE, date(2025, 3, 10), date(2025, 3, 12)),
        (Phase.FEEDBACK, date(2025, 3, 13), date(2025, 3, 13)),
    ]


def test_eligibility_one_running_wave_per_person_and_no_deactivated() -> None:
    result = w.split_eligible(
        [
            w.Candidate(1),
            w.Candidate(2, running_wave_id=9),
            w.Candidate(3, running_wave_id=5),
            w.Candidate(4, deactivated=True),
        ],
        wave_id=5,
    )
    assert result.enrol == (1, 3)
    assert result.already_elsewhere == (2,)
    assert result.deactivated == (4,)


def test_form_validation_names_every_bad_field() -> None:
    bad = WaveForm(
        name=" ",
        goal="g" * 501,
        purpose_message="Why we change",
        start_date=date(2025, 3, 1),
        schedule=PhaseSchedule(0, 5, 999),
    )
    errors = w.validate_form(bad, today=date(2025, 3, 3))
    assert set(errors) == {"name", "goal", "sponsor_user_id", "members", "start_date", "unfreeze", "refreeze"}
    good = WaveForm(name="Pilot", departments=("Sales",), start_date=date(2025, 3, 3))
    assert w.validate_form(good, today=date(2025, 3, 3)) == {}
    assert w.validate_form(bad, today=date(2025, 3, 3), start_may_be_past=True).get("start_date") is None


def test_schedule_round_trips_and_defaults() -> None:
    assert PhaseSchedule.from_mapping(SCHED.to_dict()) == SCHED
    assert PhaseSchedule.from_mapping({"change": 10}) == PhaseSchedule(unfreeze=7, change=10, refreeze=14)
    assert SCHED.total_days == 10


def test_next_in_line_is_the_earliest_scheduled_wave() -> None:
    queue = [
        (1, WaveState.ACTIVE, date(2025, 1, 1)),
        (2, WaveState.SCHEDULED, date(2025, 6, 1)),
        (3, WaveState.SCHEDULED, date(2025, 4, 1)),
        (4, WaveState.DRAFT, None),
        (5, WaveState.SCHEDULED, None),
    ]
    assert w.next_in_line(queue, after=1) == 3
    assert w.next_in_line([(1, WaveState.ACTIVE, None), (4, WaveState.DRAFT, None)], after=1) is None


def test_sponsor_and_people_must_look_like_slack_user_ids() -> None:
    form = w.WaveForm(name="Pilot", sponsor_user_id="not-a-user", users=("U0BOB0001", "bob"))
    errors = w.validate_form(form, today=date(2025, 3, 3))
    assert "not a Slack user id" in errors["sponsor_user_id"] and "'bob'" in errors["users"]
    fine = w.WaveForm(name="Pilot", sponsor_user_id="U0CEO0001", users=("U0BOB0001", "W0ENT0001"))
    assert w.validate_form(fine, today=date(2025, 3, 3)) == {}
