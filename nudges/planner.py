"""The planner: which coaching nudges are due for whom, decided in SQL for everyone at once.

Each kind is one `INSERT … SELECT … ON CONFLICT DO NOTHING` into the outbox, so planning 100,000 people
is a handful of statements, and re-running it (on any replica) inserts nothing new: the idempotency keys
are deterministic. Rules that need only the person row are applied here (enrolled in an active wave, not
deactivated, not snoozed, not opted out of the kind, no paced nudge already waiting); the row's `due_at` is
the next working moment in the person's own zone (computed once per zone). The delivery worker applies
the rest (budget, minimum gap, back-off, Slack do-not-disturb) at send time.

What may be planned depends on the phase of the person's wave (one table, nudges/phases.py): unfreeze plans
only the ladder's first step, change the ladder with training, refreeze and the feedback gate reinforcement
only; a paused wave, and people in no running wave, get nothing planned.

A person is only ever nudged toward their *next* use case: the first incomplete required use case of the
lowest unreached stage (as `bot.domain.progression.next_use_case`), written as one SQL CASE whose branches
follow the ladder order. Kinds are planned in this order, each skipping people the previous one queued:
  reengage       quiet for `reengage_after_days` (last activity, or enrolment when never active) — at most
                 once per such period, naming the next step;
  next_use_case  the next step, at most once per ISO week per step;
  training       the lesson for the next step, once per step, a day after its next-step nudge went out;
  reinforcement  a tip a couple of days after a stage is reached, so people do not slide back;
  pulse          a one-question survey 3–14 days after a new stage and every `pulse_every_weeks` weeks,
                 at least a week apart.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from bot.db import dialect_insert, rowcount
from bot.playbook import Playbook
from bot.playbook.schema import MAX_REQUIRED_USE_CASES
from models import Completion, NudgeDelivery, Person, Wave, WaveMembership
from models.base import UTCDateTime, table_of
from nudges.config import PlannerSettings
from nudges.kinds import NudgeKind, kind_values
from nudges.outbox import outbox_key_sql
from nudges.phases import PHASES, phases_planning
from nudges.rules import CadenceRules, next_working_moment

PLAN_LOCK = zlib.crc32(b"nudges.plan")
OUTBOX_COLUMNS = (
    "person_id",
    "kind",
    "subject",
    "idempotency_key",
    "due_at",
    "state",
    "attempts",
    "payload",
    "created_at",
)


@dataclass(frozen=True)
class PlanReport:
    """How many nudges of each kind this run queued (0 everywhere on a re-run)."""

    queued: dict[str, int] = field(default_factory=dict)
    skipped_locked: bool = False

    @property
    def total(self) -> int:
        return sum(self.queued.values())


def iso_week(now: datetime) -> str:
    year, week, _ = now.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _required_bits(playbook: Playbook) -> dict[str, int]:
    """One bit per required use case (at most MAX_REQUIRED_USE_CASES, so a mask fits a BIGINT on every backend)."""
    keys = list(playbook.required_use_case_keys)
    if len(keys) > MAX_REQUIRED_USE_CASES:
        raise ValueError(f"the planner supports at most {MAX_REQUIRED_USE_CASES} required use cases")
    return {key: 1 << i for i, key in enumerate(keys)}


def _done_masks(bits: dict[str, int]) -> Any:
    """Per person, the bit mask of required use cases done: one grouped pass over completions."""
    bit = case(*((Completion.use_case_key == key, literal(value, BigInteger)) for key, value in bits.items()), else_=0)
    return (
        select(Completion.person_id.label("person_id"), cast(func.sum(bit), BigInteger).label("mask"))
        .group_by(Completion.person_id)
        .subquery("done")
    )


def next_use_case_expr(playbook: Playbook, mask: ColumnElement[Any]) -> ColumnElement[Any]:
    """The next use-case key from the done-mask, NULL when all are done (CASE branches follow the ladder)."""
    bits = _required_bits(playbook)
    whens = []
    for number, stage in enumerate(playbook.stages, 1):
        for key in stage.required_keys:
            missing = mask.op("&")(literal(bits[key], BigInteger)) == 0
            whens.append((and_(Person.current_stage < number, missing), literal(key, String)))
    return case(*whens, else_=null())


def _enrolled() -> Any:
    """People in an active wave, with their enrolment and the wave's phase (at most one running wave each).

    A paused wave is not active: its members get nothing planned (nudges.phases.PAUSED).
    """
    return (
        select(
            WaveMembership.person_id.label("person_id"),
            WaveMembership.enrolled_at.label("enrolled_at"),
            WaveMembership.wave_id.label("wave_id"),
            Wave.phase.label("phase"),
        )
        .join(Wave, Wave.id == WaveMembership.wave_id)
        .where(Wave.state == "active", WaveMembership.running.is_(True))
        .subquery("enrolled")
    )


def _first_key(playbook: Playbook) -> str:
    """The ladder's first required use case: the one tiny step unfreeze asks for (seed 000)."""
    keys = [key for stage in playbook.stages for key in stage.required_keys]
    return keys[0] if keys else ""


def _zone_due_at(session: Session, rules: CadenceRules, now: datetime) -> ColumnElement[Any]:
    """`due_at` per person: the next working moment in their zone, past their country's public holidays, one
    computation per distinct (zone, country)."""
    places = session.execute(select(Person.tz, Person.country).distinct()).all()
    moments = {(tz, country): next_working_moment(rules, tz, now, country) for tz, country in places}
    default = literal(next_working_moment(rules, "UTC", now), UTCDateTime())
    if not moments:
        return default
    whens = [
        (
            and_(Person.tz == tz, Person.country.is_(None) if country is None else Person.country == country),
            literal(at, UTCDateTime()),
        )
        for (tz, country), at in moments.items()
    ]
    return case(*whens, else_=default)


def person_rules(kind: NudgeKind, now: datetime) -> list[ColumnElement[bool]]:
    """Person-row rules shared by every planned kind (and by role-track lessons, nudges/tracks.py)."""
    waiting = aliased(NudgeDelivery)
    pending_paced = exists().where(
        waiting.person_id == Person.id,
        waiting.state.in_(("pending", "sending")),
        waiting.kind.in_(kind_values(lambda policy: policy.paced)),
    )
    return [
        Person.deactivated.is_(False),
        or_(Person.snoozed_until.is_(None), Person.snoozed_until <= now),
        not_(func.coalesce(cast(Person.opted_out_kinds, Text), "").like(f'%"{kind.value}"%')),
        not_(pending_paced),
    ]


def _insert(session: Session, rows: Select[Any]) -> int:
    """INSERT the selected outbox rows, ignoring keys that exist (either backend)."""
    stmt: Any = (
        dialect_insert(session, table_of(NudgeDelivery))
        .from_select(OUTBOX_COLUMNS, rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    if session.get_bind().dialect.name != "postgresql":
        return rowcount(session.execute(stmt))
    # psycopg reports no rowcount for INSERT … SELECT … ON CONFLICT: count in SQL, not by fetching ids
    inserted = stmt.returning(literal(1, Integer).label("one")).cte("inserted")
    return int(session.scalar(select(func.count()).select_from(inserted)) or 0)


class _Plan:
    """The SQL pieces of one planning run."""

    def __init__(self, session: Session, playbook: Playbook, rules: CadenceRules, now: datetime):
        self.now = now
        self.rules = rules
        self.enrolled = _enrolled()
        self.done = _done_masks(_required_bits(playbook))
        self.next_key = next_use_case_expr(playbook, func.coalesce(self.done.c.mask, 0)).label("next_key")
        self.due_at = _zone_due_at(session, rules, now).label("due_at")
        self.quiet_since = func.coalesce(Person.last_active_at, self.enrolled.c.enrolled_at)
        self.inactive = self.quiet_since < now - timedelta(days=rules.reengage_after_days)

    def candidates(self, kind: NudgeKind, *extra: ColumnElement[bool], next_step: bool = True) -> Any:
        """Eligible enrolled people with their next step (when asked) and due time, as a subquery."""
        columns = [
            Person.id.label("person_id"),
            Person.current_stage.label("stage"),
            self.enrolled.c.phase.label("phase"),
            self.due_at,
        ]
        query = select(*columns, self.next_key) if next_step else select(*columns, null().label("next_key"))
        query = query.join(self.enrolled, self.enrolled.c.person_id == Person.id)
        if next_step:
            query = query.outerjoin(self.done, self.done.c.person_id == Person.id)
        in_phase = self.enrolled.c.phase.in_(phases_planning(kind))  # the phase policy (nudges.phases)
        return query.where(in_phase, *person_rules(kind, self.now), *extra).subquery(kind.value)

    def rows(
        self, kind: NudgeKind, sub: Any, subject: ColumnElement[Any], *key: ColumnElement[Any] | str
    ) -> Select[Any]:
        """The outbox columns for each candidate; the key is `outbox_key(kind, person_id, *key)`."""
        return select(
            sub.c.person_id,
            literal(kind.value, String),
            subject,
            outbox_key_sql(kind.value, sub.c.person_id, *key),
            sub.c.due_at,
            literal("pending", String),
            literal(0, Integer),
            literal({}, JSON()),
            literal(self.now, UTCDateTime()),  # the planning clock, so staleness works under a simulated clock
        )


def plan(
    session: Session,
    *,
    playbook: Playbook,
    rules: CadenceRules,
    now: datetime,
    settings: PlannerSettings | None = None,
) -> PlanReport:
    """Queue every coaching nudge that is due at `now`; safe to run concurrently and repeatedly."""
    settings = settings or PlannerSettings()
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PLAN_LOCK}):
        return PlanReport(skipped_locked=True)
    p = _Plan(session, playbook, rules, now)
    queued: dict[str, int] = {}

    kind = NudgeKind.REENGAGE
    period = int(now.timestamp() // 86400 // max(rules.reengage_after_days, 1))
    sub = p.candidates(kind, p.inactive)
    queued[kind] = _insert(
        session,
        p.rows(kind, sub, sub.c.next_key, sub.c.next_key, str(period)).where(sub.c.next_key.is_not(None)),
    )

    kind = NudgeKind.NEXT_USE_CASE
    sub = p.candidates(kind, not_(p.inactive))
    first_only = [phase.value for phase, policy in PHASES.items() if policy.first_step_only]
    first_step = or_(sub.c.phase.not_in(first_only), sub.c.next_key == _first_key(playbook))
    queued[kind] = _insert(
        session,
        p.rows(kind, sub, sub.c.next_key, sub.c.next_key, iso_week(now)).where(sub.c.next_key.is_not(None), first_step),
    )

    kind = NudgeKind.TRAINING
    sub = p.candidates(kind, not_(p.inactive))
    announced = aliased(NudgeDelivery)
    after_next = exists().where(
        announced.person_id == sub.c.person_id,
        announced.kind == NudgeKind.NEXT_USE_CASE.value,
        announced.subject == sub.c.next_key,
        announced.state == "sent",
        announced.sent_at <= now - settings.training_after,
    )
    queued[kind] = _insert(
        session, p.rows(kind, sub, sub.c.next_key, sub.c.next_key).where(sub.c.next_key.is_not(None), after_next)
    )

    kind = NudgeKind.REINFORCEMENT
    sub = p.candidates(
        kind,
        Person.current_stage >= 1,
        Person.stage_reached_at <= now - settings.reinforce_after,
        Person.stage_reached_at > now - settings.reinforce_within,
        next_step=False,
    )
    stage = cast(sub.c.stage, String)
    queued[kind] = _insert(session, p.rows(kind, sub, stage, stage).where(sub.c.stage >= 1))
    queued[NudgeKind.PULSE] = _plan_pulses(session, p, playbook, settings)
    return PlanReport(queued={str(k): v for k, v in queued.items()})


def _plan_pulses(session: Session, p: _Plan, playbook: Playbook, settings: PlannerSettings) -> int:
    """Pulse surveys (Sentiment, seed 001): once 3–14 days after a new stage, and every N weeks per person.

    Never two within `pulse_min_gap`; the periodic one waits N weeks after enrolment and after the last
    pulse. Only in the phases that plan pulses (never at the gate, where the feedback question asks; never
    while paused); a pulse the worker dropped (state 'skipped') does not count as asked.
    """
    kind, now = NudgeKind.PULSE, p.now
    earlier = aliased(NudgeDelivery)

    def asked_since(moment: datetime) -> ColumnElement[bool]:
        return exists().where(
            earlier.person_id == Person.id,
            earlier.kind == kind.value,
            earlier.state != "skipped",
            earlier.created_at > moment,
        )

    after_stage = p.candidates(
        kind,
        Person.current_stage >= 1,
        Person.stage_reached_at <= now - settings.pulse_after_stage,
        Person.stage_reached_at > now - settings.pulse_after_stage_within,
        not_(asked_since(now - settings.pulse_min_gap)),
        next_step=False,
    )
    stage = cast(after_stage.c.stage, String)
    # every INSERT … SELECT here has a WHERE: SQLite cannot tell a bare FROM's ON CONFLICT from a join's ON
    queued = _insert(session, p.rows(kind, after_stage, null(), "stage", stage).where(after_stage.c.stage >= 1))
    every = timedelta(weeks=playbook.cadence.pulse_every_weeks)
    periodic = p.candidates(
        kind,
        p.enrolled.c.enrolled_at <= now - every,
        not_(asked_since(now - max(every, settings.pulse_min_gap))),
        next_step=False,
    )
    rows = p.rows(kind, periodic, null(), "every", iso_week(now)).where(periodic.c.person_id.is_not(None))
    return queued + _insert(session, rows)
