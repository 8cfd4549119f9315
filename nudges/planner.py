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
    bindparam,
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
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from bot.db import rowcount
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


def _zone_due_at(places: int) -> ColumnElement[Any]:
    """`due_at` per person: the next working moment in their zone, past their country's public holidays, one
    computation per distinct (zone, country).

    The places and their moments are bound parameters (`tz_<i>`, `country_<i>`, `due_<i>`, `due_default`,
    filled in by `_zone_params`), so the statement is built once per number of places, not once per pass.
    """
    default = bindparam("due_default", type_=UTCDateTime())
    if not places:
        return default
    whens = [
        (
            and_(
                Person.tz == bindparam(f"tz_{i}", type_=String),
                func.coalesce(Person.country, "") == bindparam(f"country_{i}", type_=String),
            ),
            bindparam(f"due_{i}", type_=UTCDateTime()),
        )
        for i in range(places)
    ]
    return case(*whens, else_=default)


def _zone_params(session: Session, rules: CadenceRules, now: datetime) -> dict[str, Any]:
    """The values of `_zone_due_at`'s parameters at `now`: each distinct (zone, country) and its next working
    moment."""
    places = session.execute(select(Person.tz, Person.country).distinct()).all()
    params: dict[str, Any] = {"due_default": next_working_moment(rules, "UTC", now)}
    for i, (tz, country) in enumerate(places):
        params[f"tz_{i}"] = tz
        params[f"country_{i}"] = country or ""
        params[f"due_{i}"] = next_working_moment(rules, tz, now, country)
    return params


def person_rules(kind: NudgeKind, now: datetime | ColumnElement[Any]) -> list[ColumnElement[bool]]:
    """Person-row rules shared by every planned kind (and by role-track lessons, nudges/tracks.py).

    `now` is a moment or a bound parameter standing for one (the planner's statements are built once).
    """
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


def _at(name: str) -> Any:
    """A bound moment of the planning pass (`plan` fills them in from `now`; see `_moments`)."""
    return bindparam(name, type_=UTCDateTime())


def _insert(postgres: bool, rows: Select[Any]) -> Any:
    """The statement that INSERTs the selected outbox rows, ignoring keys that exist (either backend).

    On PostgreSQL it SELECTs the count of inserted rows: psycopg reports no rowcount for
    INSERT … SELECT … ON CONFLICT, so it is counted in SQL, not by fetching ids.
    """
    insert: Any = pg_insert if postgres else sqlite_insert
    stmt: Any = (
        insert(table_of(NudgeDelivery))
        .from_select(OUTBOX_COLUMNS, rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    if not postgres:
        return stmt
    inserted = stmt.returning(literal(1, Integer).label("one")).cte("inserted")
    return select(func.count()).select_from(inserted)


def _run(session: Session, postgres: bool, stmt: Any, params: dict[str, Any]) -> int:
    if postgres:
        return int(session.scalar(stmt, params) or 0)
    return rowcount(session.execute(stmt, params))


class _Plan:
    """The SQL pieces of a planning pass; every moment in them is a bound parameter."""

    def __init__(self, playbook: Playbook, places: int):
        self.now = _at("now")
        self.enrolled = _enrolled()
        self.done = _done_masks(_required_bits(playbook))
        self.next_key = next_use_case_expr(playbook, func.coalesce(self.done.c.mask, 0)).label("next_key")
        self.due_at = _zone_due_at(places).label("due_at")
        self.quiet_since = func.coalesce(Person.last_active_at, self.enrolled.c.enrolled_at)
        self.inactive = self.quiet_since < _at("inactive_before")

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
            self.now,  # the planning clock, so staleness works under a simulated clock
        )


def _statements(playbook: Playbook, places: int, postgres: bool) -> list[tuple[NudgeKind, Any]]:
    """The planning pass's INSERT statements, in order (one per kind, two for pulses), built once per
    (playbook, number of (zone, country) places, backend) and kept: building them cost more than running them."""
    key = (id(playbook), places, postgres)
    cached = _STATEMENTS.get(key)
    if cached is not None and cached[0] is playbook:
        return cached[1]
    p = _Plan(playbook, places)
    stmts: list[tuple[NudgeKind, Any]] = []

    kind = NudgeKind.REENGAGE
    sub = p.candidates(kind, p.inactive)
    period = bindparam("period", type_=String)
    stmts.append((kind, p.rows(kind, sub, sub.c.next_key, sub.c.next_key, period).where(sub.c.next_key.is_not(None))))

    kind = NudgeKind.NEXT_USE_CASE
    sub = p.candidates(kind, not_(p.inactive))
    first_only = [phase.value for phase, policy in PHASES.items() if policy.first_step_only]
    first_step = or_(sub.c.phase.not_in(first_only), sub.c.next_key == _first_key(playbook))
    week = bindparam("week", type_=String)
    stmts.append(
        (kind, p.rows(kind, sub, sub.c.next_key, sub.c.next_key, week).where(sub.c.next_key.is_not(None), first_step))
    )

    kind = NudgeKind.TRAINING
    sub = p.candidates(kind, not_(p.inactive))
    announced = aliased(NudgeDelivery)
    after_next = exists().where(
        announced.person_id == sub.c.person_id,
        announced.kind == NudgeKind.NEXT_USE_CASE.value,
        announced.subject == sub.c.next_key,
        announced.state == "sent",
        announced.sent_at <= _at("training_before"),
    )
    stmts.append(
        (kind, p.rows(kind, sub, sub.c.next_key, sub.c.next_key).where(sub.c.next_key.is_not(None), after_next))
    )

    kind = NudgeKind.REINFORCEMENT
    sub = p.candidates(
        kind,
        Person.current_stage >= 1,
        Person.stage_reached_at <= _at("reinforce_before"),
        Person.stage_reached_at > _at("reinforce_since"),
        next_step=False,
    )
    stage = cast(sub.c.stage, String)
    stmts.append((kind, p.rows(kind, sub, stage, stage).where(sub.c.stage >= 1)))
    stmts.extend((NudgeKind.PULSE, rows) for rows in _pulse_rows(p, week))
    built = [(kind, _insert(postgres, rows)) for kind, rows in stmts]
    if len(_STATEMENTS) >= 16:  # a few playbooks (tests) at most; never grows without bound
        _STATEMENTS.clear()
    _STATEMENTS[key] = (playbook, built)
    return built


_STATEMENTS: dict[tuple[int, int, bool], tuple[Playbook, list[tuple[NudgeKind, Any]]]] = {}


def _moments(playbook: Playbook, rules: CadenceRules, settings: PlannerSettings, now: datetime) -> dict[str, Any]:
    """The values of the statements' bound parameters at `now`."""
    every = timedelta(weeks=playbook.cadence.pulse_every_weeks)
    return {
        "now": now,
        "inactive_before": now - timedelta(days=rules.reengage_after_days),
        "period": str(int(now.timestamp() // 86400 // max(rules.reengage_after_days, 1))),
        "week": iso_week(now),
        "training_before": now - settings.training_after,
        "reinforce_before": now - settings.reinforce_after,
        "reinforce_since": now - settings.reinforce_within,
        "pulse_stage_before": now - settings.pulse_after_stage,
        "pulse_stage_since": now - settings.pulse_after_stage_within,
        "pulse_gap_since": now - settings.pulse_min_gap,
        "pulse_enrolled_before": now - every,
        "pulse_every_since": now - max(every, settings.pulse_min_gap),
    }


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
    places = _zone_params(session, rules, now)
    params = {**_moments(playbook, rules, settings, now), **places}
    queued: dict[str, int] = {}
    for kind, stmt in _statements(playbook, (len(places) - 1) // 3, postgres):
        queued[kind] = queued.get(kind, 0) + _run(session, postgres, stmt, params)
    return PlanReport(queued={str(k): v for k, v in queued.items()})


def _pulse_rows(p: _Plan, week: Any) -> list[Select[Any]]:
    """Pulse surveys (Sentiment, seed 001): once 3–14 days after a new stage, and every N weeks per person.

    Never two within `pulse_min_gap`; the periodic one waits N weeks after enrolment and after the last
    pulse. Only in the phases that plan pulses (never at the gate, where the feedback question asks; never
    while paused); a pulse the worker dropped (state 'skipped') does not count as asked.
    """
    kind = NudgeKind.PULSE
    earlier = aliased(NudgeDelivery)

    def asked_since(moment: Any) -> ColumnElement[bool]:
        return exists().where(
            earlier.person_id == Person.id,
            earlier.kind == kind.value,
            earlier.state != "skipped",
            earlier.created_at > moment,
        )

    after_stage = p.candidates(
        kind,
        Person.current_stage >= 1,
        Person.stage_reached_at <= _at("pulse_stage_before"),
        Person.stage_reached_at > _at("pulse_stage_since"),
        not_(asked_since(_at("pulse_gap_since"))),
        next_step=False,
    )
    stage = cast(after_stage.c.stage, String)
    # every INSERT … SELECT here has a WHERE: SQLite cannot tell a bare FROM's ON CONFLICT from a join's ON
    first = p.rows(kind, after_stage, null(), "stage", stage).where(after_stage.c.stage >= 1)
    periodic = p.candidates(
        kind,
        p.enrolled.c.enrolled_at <= _at("pulse_enrolled_before"),
        not_(asked_since(_at("pulse_every_since"))),
        next_step=False,
    )
    rows = p.rows(kind, periodic, null(), "every", week).where(periodic.c.person_id.is_not(None))
    return [first, rows]
