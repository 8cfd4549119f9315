"""Rollout waves: create/edit, start, pause/resume, the feedback gate (advance, extend, adjust), the tick.

Every admin change is audited in the same transaction. Membership is resolved when a wave starts (and
again, additively, when a running wave is edited): departments, Slack user groups and named people, minus
deactivated people and anyone already in another running wave. Starting enqueues one welcome per member
in the outbox; opening the feedback gate enqueues one feedback question per member (its answers:
`bot/services/answers.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from bot.domain import waves as domain
from bot.domain.waves import Phase, PhaseSchedule, TransitionError, WaveCommand, WaveForm, WaveState
from bot.i18n import Text
from bot.services import audit
from models import Person, Wave, WaveMembership
from nudges import holds, outbox

UsergroupMembers = Callable[[str], list[str]]
SYSTEM_ACTOR = "coach"
_CHUNK = 5000


class WaveFormInvalid(ValueError):
    """Field → reason; the modal shows them with response_action=errors, the importer with file:line."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class WaveInfo:
    """A wave as views and the CLI see it (no live ORM objects leave the service)."""

    id: int
    name: str
    goal: str
    sponsor_user_id: str | None
    purpose_message: str
    state: WaveState
    phase: Phase
    start_date: date | None
    schedule: PhaseSchedule
    phase_started_at: datetime | None
    phase_ends_at: datetime | None
    selectors: dict[str, list[str]]
    feedback_round: int
    members: int = 0
    goal_ja: str = ""
    purpose_message_ja: str = ""

    def goal_in(self, locale: str) -> str:
        """The goal in `locale`, else in the other language."""
        return domain.in_language(self.goal, self.goal_ja, locale)

    def form(self) -> WaveForm:
        return WaveForm(
            name=self.name,
            goal=self.goal,
            sponsor_user_id=self.sponsor_user_id,
            purpose_message=self.purpose_message,
            goal_ja=self.goal_ja,
            purpose_message_ja=self.purpose_message_ja,
            departments=tuple(self.selectors.get("departments", [])),
            usergroups=tuple(self.selectors.get("usergroups", [])),
            users=tuple(self.selectors.get("users", [])),
            start_date=self.start_date,
            schedule=self.schedule,
        )


@dataclass(frozen=True)
class Enrolment:
    enrolled: int
    skipped_elsewhere: int
    skipped_deactivated: int
    unknown_users: int


@dataclass(frozen=True)
class AdvanceResult:
    completed: WaveInfo
    started: WaveInfo | None
    enrolment: Enrolment | None


def _info(wave: Wave, members: int = 0) -> WaveInfo:
    return WaveInfo(
        id=wave.id,
        name=wave.name,
        goal=wave.goal or "",
        sponsor_user_id=wave.sponsor_user_id,
        purpose_message=wave.purpose_message or "",
        state=WaveState(wave.state),
        phase=Phase(wave.phase),
        start_date=wave.start_date,
        schedule=PhaseSchedule.from_mapping(wave.schedule),
        phase_started_at=wave.phase_started_at,
        phase_ends_at=wave.phase_ends_at,
        selectors={k: list(v) for k, v in (wave.selectors or {}).items()},
        feedback_round=wave.feedback_round,
        members=members,
        goal_ja=wave.goal_ja or "",
        purpose_message_ja=wave.purpose_message_ja or "",
    )


def audit_view(wave: Wave) -> dict[str, Any]:
    """The wave as JSON for before/after in the audit log."""
    return {
        "name": wave.name,
        "goal": wave.goal,
        "sponsor_user_id": wave.sponsor_user_id,
        "purpose_message": wave.purpose_message,
        "goal_ja": wave.goal_ja,
        "purpose_message_ja": wave.purpose_message_ja,
        "state": wave.state,
        "phase": wave.phase,
        "start_date": wave.start_date.isoformat() if wave.start_date else None,
        "schedule": dict(wave.schedule or {}),
        "phase_ends_at": wave.phase_ends_at.isoformat() if wave.phase_ends_at else None,
        "selectors": dict(wave.selectors or {}),
    }


def member_counts(session: Session) -> dict[int, int]:
    """wave id → members (one grouped query)."""
    stmt = select(WaveMembership.wave_id, func.count()).group_by(WaveMembership.wave_id)
    return {int(w): int(n) for w, n in session.execute(stmt)}


def list_waves(session: Session, *, counts: Mapping[int, int] | None = None) -> list[WaveInfo]:
    """Every wave, running ones first, then by start date (`counts`: member counts already known, e.g. from
    the metrics snapshot, so the admin Home does not count memberships again)."""
    counts = member_counts(session) if counts is None else counts
    order = {WaveState.ACTIVE: 0, WaveState.PAUSED: 1, WaveState.SCHEDULED: 2, WaveState.DRAFT: 3}
    rows = [_info(w, counts.get(w.id, 0)) for w in session.scalars(select(Wave))]
    return sorted(rows, key=lambda w: (order.get(w.state, 4), w.start_date or date.max, w.id))


def get_wave(session: Session, wave_id: int) -> WaveInfo | None:
    wave = session.get(Wave, wave_id)
    return _info(wave, member_counts(session).get(wave.id, 0)) if wave else None


def _load(session: Session, wave_id: int) -> Wave:
    wave = session.get(Wave, wave_id, with_for_update=True)
    if wave is None:
        raise TransitionError(Text("admin.transition.no_wave", id=wave_id))
    return wave


def _check(wave: Wave, command: WaveCommand) -> None:
    domain.check(command, WaveState(wave.state), Phase(wave.phase))


def save_wave(
    session: Session,
    *,
    actor: str,
    form: WaveForm,
    now: datetime,
    wave_id: int | None = None,
    id_errors: Mapping[str, str] | None = None,
) -> WaveInfo:
    """Create or edit a wave (validated here); a running wave's new members come via `refresh_membership`.

    `id_errors` are field errors the caller found asking Slack about the form's user ids
    (`bot.flows.user_ids`); they replace the domain's format-only verdict on those fields.
    """
    wave = _load(session, wave_id) if wave_id is not None else None
    if wave is not None:
        _check(wave, WaveCommand.EDIT)
    keeps_date = wave is not None and (wave.start_date == form.start_date or WaveState(wave.state) in domain.RUNNING)
    errors = domain.validate_form(form, today=now.date(), start_may_be_past=keeps_date)
    clash = session.scalar(select(Wave.id).where(Wave.name == form.name.strip(), Wave.id != (wave_id or 0)))
    if clash is not None and "name" not in errors:
        errors["name"] = Text("wave.error.name_taken")
    errors.update(id_errors or {})
    if errors:
        raise WaveFormInvalid(errors)
    before = audit_view(wave) if wave is not None else None
    if wave is None:
        wave = Wave(state=WaveState.DRAFT, phase=Phase.UNFREEZE, feedback_round=0)
        session.add(wave)
    _apply_form(wave, form)
    session.flush()
    action = "wave.create" if before is None else "wave.edit"
    audit.record(
        session, actor=actor, action=action, target=f"wave:{wave.id}", before=before, after=audit_view(wave), now=now
    )
    return _info(wave, member_counts(session).get(wave.id, 0))


def _apply_form(wave: Wave, form: WaveForm) -> None:
    wave.name = form.name.strip()
    wave.goal = form.goal.strip()
    wave.sponsor_user_id = form.sponsor_user_id or None
    wave.purpose_message = form.purpose_message.strip()
    wave.goal_ja = form.goal_ja.strip()
    wave.purpose_message_ja = form.purpose_message_ja.strip()
    wave.schedule = form.schedule.to_dict()
    wave.selectors = form.selectors()
    if wave.state in (WaveState.DRAFT, WaveState.SCHEDULED):
        # A date makes the plan concrete: the tick starts the wave on that day. A started wave keeps its date.
        wave.start_date = form.start_date
        wave.state = WaveState.SCHEDULED if form.start_date else WaveState.DRAFT


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _candidates(
    session: Session, selectors: dict[str, list[str]], usergroup_members: UsergroupMembers
) -> tuple[list[domain.Candidate], int]:
    """People the selectors match, with their running wave; and how many named Slack ids are unknown."""
    slack_ids = set(selectors.get("users", []))
    for group in selectors.get("usergroups", []):
        slack_ids.update(usergroup_members(group))
    running = aliased(WaveMembership)
    base = select(Person.id, Person.deactivated, Person.slack_user_id, running.wave_id).outerjoin(
        running, and_(running.person_id == Person.id, running.running.is_(True))
    )
    found: dict[int, domain.Candidate] = {}
    seen_ids: set[str] = set()
    conditions = [Person.slack_user_id.in_(chunk) for chunk in _chunks(sorted(slack_ids))]
    departments = selectors.get("departments", [])
    if departments:
        conditions.append(Person.department.in_(departments))
    for condition in conditions:
        for pid, deactivated, slack_id, wave_id in session.execute(base.where(condition)):
            seen_ids.add(slack_id)
            found[pid] = domain.Candidate(pid, bool(deactivated), wave_id)
    return list(found.values()), len(slack_ids - seen_ids)


def _enrol(session: Session, wave: Wave, *, now: datetime, usergroup_members: UsergroupMembers) -> Enrolment:
    """Add the eligible people not yet in this wave, and queue their welcome."""
    candidates, unknown = _candidates(session, wave.selectors or {}, usergroup_members)
    split = domain.split_eligible(candidates, wave.id)
    existing = set(session.scalars(select(WaveMembership.person_id).where(WaveMembership.wave_id == wave.id)))
    new = [pid for pid in split.enrol if pid not in existing]
    if new:
        rows = [{"wave_id": wave.id, "person_id": p, "enrolled_at": now, "running": True} for p in new]
        session.execute(insert(WaveMembership), rows)
    for pid in new:
        outbox.enqueue(
            session,
            person_id=pid,
            kind="welcome",
            idempotency_key=outbox.outbox_key("welcome", pid, wave.id),
            due_at=now,
            payload={"wave_id": wave.id},
        )
    return Enrolment(len(new), len(split.already_elsewhere), len(split.deactivated), unknown)


def refresh_membership(
    session: Session, *, actor: str, wave_id: int, now: datetime, usergroup_members: UsergroupMembers
) -> Enrolment:
    """After editing a running wave: enrol (and welcome) people its selectors now match; nobody is removed."""
    wave = _load(session, wave_id)
    if WaveState(wave.state) not in domain.RUNNING:
        return Enrolment(0, 0, 0, 0)
    enrolment = _enrol(session, wave, now=now, usergroup_members=usergroup_members)
    if enrolment.enrolled:
        after = {"enrolled": enrolment.enrolled, "skipped_elsewhere": enrolment.skipped_elsewhere}
        audit.record(
            session, actor=actor, action="wave.enrol", target=f"wave:{wave.id}", before=None, after=after, now=now
        )
    return enrolment


def _enter(wave: Wave, change: domain.PhaseChange, now: datetime) -> None:
    wave.state = change.state
    wave.phase = change.phase
    wave.phase_started_at = now
    wave.phase_ends_at = change.phase_ends_at


def _begin(session: Session, wave: Wave, *, now: datetime, usergroup_members: UsergroupMembers) -> Enrolment:
    change = domain.begin(PhaseSchedule.from_mapping(wave.schedule), now)
    _enter(wave, change, now)
    if wave.start_date is None or wave.start_date > now.date():
        wave.start_date = now.date()
    wave.paused_at = None
    session.flush()
    return _enrol(session, wave, now=now, usergroup_members=usergroup_members)


def start_wave(
    session: Session, *, actor: str, wave_id: int, now: datetime, usergroup_members: UsergroupMembers
) -> tuple[WaveInfo, Enrolment]:
    """Start a draft or scheduled wave now: enrol its members and queue their welcome."""
    wave = _load(session, wave_id)
    _check(wave, WaveCommand.START)
    before = audit_view(wave)
    enrolment = _begin(session, wave, now=now, usergroup_members=usergroup_members)
    after = audit_view(wave) | {"enrolled": enrolment.enrolled, "skipped_elsewhere": enrolment.skipped_elsewhere}
    audit.record(
        session, actor=actor, action="wave.start", target=f"wave:{wave.id}", before=before, after=after, now=now
    )
    return _info(wave, member_counts(session).get(wave.id, 0)), enrolment


def _command(session: Session, actor: str, wave_id: int, command: WaveCommand, now: datetime) -> tuple[Wave, dict]:
    wave = _load(session, wave_id)
    _check(wave, command)
    return wave, audit_view(wave)


def _done(session: Session, wave: Wave, actor: str, action: str, before: dict[str, Any], now: datetime) -> WaveInfo:
    session.flush()
    audit.record(
        session, actor=actor, action=action, target=f"wave:{wave.id}", before=before, after=audit_view(wave), now=now
    )
    return _info(wave, member_counts(session).get(wave.id, 0))


def pause_wave(session: Session, *, actor: str, wave_id: int, now: datetime) -> WaveInfo:
    """Stop the clock: no phase moves while paused; resuming shifts the phase end by the pause."""
    wave, before = _command(session, actor, wave_id, WaveCommand.PAUSE, now)
    wave.state = WaveState.PAUSED
    wave.paused_at = now
    holds.hold_queued(session, wave)
    return _done(session, wave, actor, "wave.pause", before, now)


def resume_wave(session: Session, *, actor: str, wave_id: int, now: datetime) -> WaveInfo:
    wave, before = _command(session, actor, wave_id, WaveCommand.RESUME, now)
    wave.phase_ends_at = domain.resume(wave.phase_ends_at, wave.paused_at, now)
    wave.state = WaveState.ACTIVE
    wave.paused_at = None
    settled = holds.settle_held(session, wave, decision="resume", now=now)
    return _done(session, wave, actor, "wave.resume", before | _held(settled), now)


def extend_wave(session: Session, *, actor: str, wave_id: int, days: int, now: datetime) -> WaveInfo:
    """Extend at the gate: `days` more reinforcement, then the gate opens again (a new feedback round)."""
    wave, before = _command(session, actor, wave_id, WaveCommand.EXTEND, now)
    _enter(wave, domain.extend(days, now), now)
    wave.paused_at = None
    settled = holds.settle_held(session, wave, decision="extend", now=now)
    return _done(session, wave, actor, "wave.extend", before | {"extend_days": days} | _held(settled), now)


def adjust_wave(session: Session, *, actor: str, wave_id: int, now: datetime) -> WaveInfo:
    """Adjust at the gate (after the plan was edited): run the change phase again on the new schedule."""
    wave, before = _command(session, actor, wave_id, WaveCommand.ADJUST, now)
    schedule = PhaseSchedule.from_mapping(wave.schedule)
    _enter(wave, domain.PhaseChange(WaveState.ACTIVE, Phase.CHANGE, now + timedelta(days=schedule.change)), now)
    wave.paused_at = None
    settled = holds.settle_held(session, wave, decision="adjust", now=now)
    return _done(session, wave, actor, "wave.adjust", before | _held(settled), now)


def advance_wave(
    session: Session, *, actor: str, wave_id: int, now: datetime, usergroup_members: UsergroupMembers
) -> AdvanceResult:
    """Advance at the gate: complete this wave (members become free) and start the next scheduled one."""
    wave, before = _command(session, actor, wave_id, WaveCommand.ADVANCE, now)
    wave.state = WaveState.COMPLETED
    wave.phase = Phase.DONE
    wave.phase_started_at = now
    wave.phase_ends_at = None
    wave.completed_at = now
    session.execute(update(WaveMembership).where(WaveMembership.wave_id == wave.id).values(running=False))
    settled = holds.settle_held(session, wave, decision="advance", now=now)
    completed = _done(session, wave, actor, "wave.advance", before | _held(settled), now)
    queue = session.execute(select(Wave.id, Wave.state, Wave.start_date)).all()
    next_id = domain.next_in_line(((w, WaveState(s), d) for w, s, d in queue), after=wave.id)
    if next_id is None:
        return AdvanceResult(completed, None, None)
    started, enrolment = start_wave(session, actor=actor, wave_id=next_id, now=now, usergroup_members=usergroup_members)
    return AdvanceResult(completed, started, enrolment)


def _held(report: holds.HoldReport) -> dict[str, int]:
    """What a decision did with the wave's held new-stage rows, for the audit entry."""
    return {"held_released": report.released, "held_dropped": report.dropped, "held_kept": report.held}


def _open_gate(session: Session, wave: Wave, now: datetime) -> int:
    """The gate opens: a new feedback round, one feedback question per running member, new-stage rows held."""
    wave.feedback_round += 1
    holds.hold_queued(session, wave)
    members = session.scalars(
        select(WaveMembership.person_id).where(WaveMembership.wave_id == wave.id, WaveMembership.running.is_(True))
    ).all()
    for pid in members:
        outbox.enqueue(
            session,
            person_id=pid,
            kind="feedback",
            idempotency_key=outbox.outbox_key("feedback", pid, wave.id, wave.feedback_round),
            due_at=now,
            payload={"wave_id": wave.id, "round": wave.feedback_round},
        )
    return len(members)


@dataclass(frozen=True)
class TickChange:
    wave_id: int
    state: str
    phase: str
    enrolled: int = 0
    asked: int = 0


def tick_waves(session: Session, *, now: datetime, usergroup_members: UsergroupMembers) -> list[TickChange]:
    """Start scheduled waves on their date, move phases by schedule, open feedback gates (idempotent)."""
    changes: list[TickChange] = []
    stmt = select(Wave).where(Wave.state.in_([WaveState.SCHEDULED, WaveState.ACTIVE])).order_by(Wave.id)
    for wave in session.scalars(stmt.with_for_update(skip_locked=True)).all():
        snapshot = domain.WaveSnapshot(
            WaveState(wave.state),
            Phase(wave.phase),
            wave.start_date,
            wave.phase_ends_at,
            PhaseSchedule.from_mapping(wave.schedule),
        )
        change = domain.tick(snapshot, now)
        if change is None:
            continue
        before = audit_view(wave)
        enrolled = asked = 0
        if wave.state == WaveState.SCHEDULED:
            enrolled = _begin(session, wave, now=now, usergroup_members=usergroup_members).enrolled
        else:
            _enter(wave, change, now)
            if change.gate_opened:
                asked = _open_gate(session, wave, now)
        session.flush()
        audit.record(
            session, actor=SYSTEM_ACTOR, action="wave.phase", target=f"wave:{wave.id}", before=before,
            after=audit_view(wave), now=now,
        )  # fmt: skip
        changes.append(TickChange(wave.id, wave.state, wave.phase, enrolled, asked))
    return changes
