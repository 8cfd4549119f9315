# Rollout waves, the way Slack's customer-success method runs them (seed 000): prepare, start a pilot
# group, stop to learn, adjust, move to the next group. Each wave walks Lewin's phases (seed 002):
# unfreeze (why change) → change (use cases, training) → refreeze (reinforcement) → a feedback gate where
# the wave stops sending new-stage nudges and waits for the admin to Advance, Extend or Adjust.
#
# Phases end at a stored instant (`phase_ends_at`) rather than being recomputed from the start date, so a
# pause shifts the rest of the schedule and an extension adds days without rewriting history.

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.slack_ids import is_slack_user_id
from bot.i18n import Text


class WaveState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


class Phase(StrEnum):
    UNFREEZE = "unfreeze"
    CHANGE = "change"
    REFREEZE = "refreeze"
    FEEDBACK = "feedback"
    DONE = "done"


class WaveCommand(StrEnum):
    SCHEDULE = "schedule"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    ADVANCE = "advance"
    EXTEND = "extend"
    ADJUST = "adjust"
    EDIT = "edit"


RUNNING = frozenset({WaveState.ACTIVE, WaveState.PAUSED})  # a person is in at most one running wave
TIMED_PHASES = (Phase.UNFREEZE, Phase.CHANGE, Phase.REFREEZE)
MAX_PHASE_DAYS = 180
MAX_EXTEND_DAYS = 90


class TransitionError(ValueError):
    """A command that does not apply to the wave in its current state (the reason is shown to the admin)."""


@dataclass(frozen=True)
class PhaseSchedule:
    """Days per timed phase; the feedback gate stays open until the admin decides."""

    unfreeze: int = 7
    change: int = 21
    refreeze: int = 14

    def days(self, phase: Phase) -> int:
        return int(getattr(self, phase.value)) if phase in TIMED_PHASES else 0

    @property
    def total_days(self) -> int:
        return self.unfreeze + self.change + self.refreeze

    def to_dict(self) -> dict[str, int]:
        return {"unfreeze": self.unfreeze, "change": self.change, "refreeze": self.refreeze}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> PhaseSchedule:
        """Stored JSON → schedule; missing keys fall back to the defaults."""
        data = data or {}
        base = cls()
        return cls(**{p.value: int(data.get(p.value, base.days(p))) for p in TIMED_PHASES})

    def problems(self) -> dict[str, str]:
        """Field → reason for every phase length outside 1..MAX_PHASE_DAYS."""
        return {
            p.value: Text("wave.error.days", max=MAX_PHASE_DAYS)
            for p in TIMED_PHASES
            if not 1 <= self.days(p) <= MAX_PHASE_DAYS
        }


@dataclass(frozen=True)
class WaveSnapshot:
    """What the transition rules need to know about a wave."""

    state: WaveState
    phase: Phase
    start_date: date | None
    phase_ends_at: datetime | None
    schedule: PhaseSchedule


@dataclass(frozen=True)
class PhaseChange:
    """The wave's new state/phase and when the new phase ends (None: open until the admin acts)."""

    state: WaveState
    phase: Phase
    phase_ends_at: datetime | None
    gate_opened: bool = False


def start_of(day: date) -> datetime:
    """Waves start at 00:00 UTC of their start date (nudges are timed per person anyway)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def next_phase(phase: Phase) -> Phase:
    order = [*TIMED_PHASES, Phase.FEEDBACK]
    return order[order.index(phase) + 1] if phase in TIMED_PHASES else phase


def begin(schedule: PhaseSchedule, now: datetime) -> PhaseChange:
    """A wave starting now: unfreeze, ending after its planned days."""
    return PhaseChange(WaveState.ACTIVE, Phase.UNFREEZE, now + timedelta(days=schedule.unfreeze))


def catch_up(wave: WaveSnapshot, now: datetime) -> PhaseChange | None:
    """Where the schedule says an active wave should be at `now` (several phases if a tick was missed)."""
    if wave.state != WaveState.ACTIVE or wave.phase not in TIMED_PHASES or wave.phase_ends_at is None:
        return None
    phase, ends = wave.phase, wave.phase_ends_at
    while phase in TIMED_PHASES and ends <= now:
        phase = next_phase(phase)
        if phase == Phase.FEEDBACK:
            return PhaseChange(WaveState.ACTIVE, Phase.FEEDBACK, None, gate_opened=True)
        ends = ends + timedelta(days=wave.schedule.days(phase))
    return None if phase == wave.phase else PhaseChange(WaveState.ACTIVE, phase, ends)


def due_to_start(wave: WaveSnapshot, now: datetime) -> bool:
    """A scheduled wave starts on its start date."""
    return wave.state == WaveState.SCHEDULED and wave.start_date is not None and start_of(wave.start_date) <= now


def tick(wave: WaveSnapshot, now: datetime) -> PhaseChange | None:
    """What the periodic job should do with this wave now, if anything."""
    if due_to_start(wave, now):
        return begin(wave.schedule, now)
    return catch_up(wave, now)


_ALLOWED: dict[WaveCommand, frozenset[WaveState]] = {
    WaveCommand.SCHEDULE: frozenset({WaveState.DRAFT}),
    WaveCommand.START: frozenset({WaveState.DRAFT, WaveState.SCHEDULED}),
    WaveCommand.PAUSE: frozenset({WaveState.ACTIVE}),
    WaveCommand.RESUME: frozenset({WaveState.PAUSED}),
    WaveCommand.ADVANCE: RUNNING,
    WaveCommand.EXTEND: RUNNING,
    WaveCommand.ADJUST: RUNNING,
    WaveCommand.EDIT: frozenset({WaveState.DRAFT, WaveState.SCHEDULED, WaveState.ACTIVE, WaveState.PAUSED}),
}
_GATE_ONLY = frozenset({WaveCommand.ADVANCE, WaveCommand.EXTEND, WaveCommand.ADJUST})


def _command(command: WaveCommand) -> Text:
    return Text(f"admin.command.{command.value}")


def in_language(en: str, ja: str, locale: str) -> str:
    """A wave text written in English and/or Japanese, in the reader's language, else the other one."""
    mine, other = (ja, en) if locale == "ja" else (en, ja)
    return mine.strip() or other.strip()


def check(command: WaveCommand, state: WaveState, phase: Phase) -> None:
    """Raise TransitionError when `command` does not apply; Advance/Extend/Adjust only at the feedback gate."""
    if state not in _ALLOWED[command]:
        raise TransitionError(
            Text("admin.transition.state", command=_command(command), state=Text(f"admin.state.{state.value}"))
        )
    if command in _GATE_ONLY and phase != Phase.FEEDBACK:
        raise TransitionError(
            Text("admin.transition.gate", command=_command(command), phase=Text(f"admin.phase.{phase.value}"))
        )


def resume(phase_ends_at: datetime | None, paused_at: datetime | None, now: datetime) -> datetime | None:
    """The phase end moved later by the time the wave was paused."""
    if phase_ends_at is None or paused_at is None:
        return phase_ends_at
    return phase_ends_at + max(now - paused_at, timedelta(0))


def extend(days: int, now: datetime) -> PhaseChange:
    """Extend: back to reinforcement for `days` more, then the gate opens again."""
    if not 1 <= days <= MAX_EXTEND_DAYS:
        raise TransitionError(Text("admin.transition.extend", max=MAX_EXTEND_DAYS))
    return PhaseChange(WaveState.ACTIVE, Phase.REFREEZE, now + timedelta(days=days))


NEW_STAGE_PHASES = (Phase.UNFREEZE, Phase.CHANGE)  # unfreeze: the first tiny step only (nudges/phases.py)


def allows_new_stage_nudges(state: str, phase: str) -> bool:
    """Only unfreeze and change push a new stage: refreeze reinforces, the gate listens, a pause stops."""
    return state == WaveState.ACTIVE and phase in NEW_STAGE_PHASES


def phase_calendar(start: date, schedule: PhaseSchedule) -> list[tuple[Phase, date, date]]:
    """Planned (phase, first day, last day) from the start date, for the editor and the export."""
    rows: list[tuple[Phase, date, date]] = []
    first = start
    for phase in TIMED_PHASES:
        last = first + timedelta(days=schedule.days(phase) - 1)
        rows.append((phase, first, last))
        first = last + timedelta(days=1)
    rows.append((Phase.FEEDBACK, first, first))
    return rows


@dataclass(frozen=True)
class Candidate:
    """A person a wave's selectors matched, with what decides whether they may join."""

    person_id: int
    deactivated: bool = False
    running_wave_id: int | None = None


@dataclass(frozen=True)
class Eligibility:
    enrol: tuple[int, ...]
    already_elsewhere: tuple[int, ...]
    deactivated: tuple[int, ...]


def split_eligible(candidates: Iterable[Candidate], wave_id: int) -> Eligibility:
    """Who joins the wave: active people who are not already in another running wave."""
    enrol: list[int] = []
    elsewhere: list[int] = []
    gone: list[int] = []
    for c in candidates:
        if c.deactivated:
            gone.append(c.person_id)
        elif c.running_wave_id is not None and c.running_wave_id != wave_id:
            elsewhere.append(c.person_id)
        else:
            enrol.append(c.person_id)
    return Eligibility(tuple(sorted(enrol)), tuple(sorted(elsewhere)), tuple(sorted(gone)))


NAME_MAX = 100
GOAL_MAX = 500
PURPOSE_MAX = 2000


@dataclass(frozen=True)
class WaveForm:
    """A wave definition as the admin typed it (modal or YAML), before it is saved."""

    name: str
    goal: str = ""
    sponsor_user_id: str | None = None
    purpose_message: str = ""
    goal_ja: str = ""
    purpose_message_ja: str = ""
    departments: tuple[str, ...] = ()
    usergroups: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    start_date: date | None = None
    schedule: PhaseSchedule = PhaseSchedule()

    def selectors(self) -> dict[str, list[str]]:
        return {"departments": list(self.departments), "usergroups": list(self.usergroups), "users": list(self.users)}


def validate_form(form: WaveForm, *, today: date, start_may_be_past: bool = False) -> dict[str, str]:
    """Field → reason for everything wrong with a wave definition (empty when it can be saved)."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = Text("wave.error.name")
    elif len(form.name) > NAME_MAX:
        errors["name"] = Text("wave.error.name_long", max=NAME_MAX)
    for field, value in (("goal", form.goal), ("goal_ja", form.goal_ja)):
        if len(value) > GOAL_MAX:
            errors[field] = Text("wave.error.goal_long", max=GOAL_MAX)
    for field, value in (("purpose_message", form.purpose_message), ("purpose_message_ja", form.purpose_message_ja)):
        if len(value) > PURPOSE_MAX:
            errors[field] = Text("wave.error.purpose_long", max=PURPOSE_MAX)
    if (form.purpose_message.strip() or form.purpose_message_ja.strip()) and not form.sponsor_user_id:
        errors["sponsor_user_id"] = Text("wave.error.sponsor")
    elif form.sponsor_user_id and not is_slack_user_id(form.sponsor_user_id):
        errors["sponsor_user_id"] = Text("wave.error.sponsor_id", value=form.sponsor_user_id)
    bad_users = [u for u in form.users if not is_slack_user_id(u)]
    if bad_users:
        errors["users"] = Text("wave.error.member_ids", values=", ".join(repr(u) for u in bad_users[:5]))
    if not (form.departments or form.usergroups or form.users):
        errors["members"] = Text("wave.error.members")
    if form.start_date is not None and form.start_date < today and not start_may_be_past:
        errors["start_date"] = Text("wave.error.start_past")
    errors.update(form.schedule.problems())
    return errors


def next_in_line(waves: Iterable[tuple[int, WaveState, date | None]], after: int) -> int | None:
    """The wave that follows `after`: the earliest scheduled one (by start date, then creation order)."""
    queued = [(d or date.max, wid) for wid, state, d in waves if state == WaveState.SCHEDULED and wid != after]
    return min(queued)[1] if queued else None
