"""Daily per-group snapshots (models/insights.py): written by the metrics tick, read by the admin Home.

The tick recomputes today's rows for every department, running wave and the company and upserts them on (day,
scope, key), deleting today's rows of groups that no longer exist: two ticks, or two replicas racing, leave the
same rows. The admin Home reads the newest day's rows — a few dozen, whatever the workspace size — instead of
scanning people and activity (docs/benchmarks.md).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, not_, select, tuple_
from sqlalchemy.orm import Session

from bot.db import dialect_insert
from bot.domain.insights import Scores, scores_from_data, scores_to_data
from bot.playbook import Playbook
from bot.services import rollout
from bot.services.metrics import PeopleCounts
from bot.services.metrics.scores import Insights, compute
from bot.services.people import active_departments
from models import MetricRollup, PulseResponse
from models.base import table_of

COMPANY = "all"


def _row(day: date, scope: str, key: str, scores: Scores, now: datetime, extra: dict[str, object]) -> dict[str, object]:
    return {
        "day": day,
        "scope": scope,
        "key": key,
        "computed_at": now,
        "enrolled": scores.enrolled,
        "active": scores.active,
        "ignited": scores.ignited,
        "adoption": scores.adoption,
        "maturity": scores.maturity,
        "sentiment": scores.sentiment,
        "red": scores.red,
        "detail": {**scores_to_data(scores), **extra},
    }


def write_rollups(session: Session, *, playbook: Playbook, now: datetime) -> int:
    """Recompute and store today's snapshot of every group; returns how many rows it holds."""
    found = compute(session, playbook=playbook, now=now)
    day = now.date()
    people: dict[str, object] = {
        "people": found.people.people,
        "in_running_wave": found.people.in_running_wave,
        **side_numbers(session, since=now - timedelta(days=playbook.metrics.window_days)),
    }
    rows = [_row(day, "company", COMPANY, found.company, now, people)]
    rows += [_row(day, "department", s.key, s, now, {}) for s in found.departments]
    rows += [_row(day, "wave", str(wid), s, now, {}) for wid, s in found.waves.items()]
    table = table_of(MetricRollup)
    columns = [c for c in rows[0] if c not in ("day", "scope", "key")]
    for start in range(0, len(rows), 500):
        stmt = dialect_insert(session, table).values(rows[start : start + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "scope", "key"], set_={c: stmt.excluded[c] for c in columns}
        )
        session.execute(stmt)
    keep = [(str(r["scope"]), str(r["key"])) for r in rows]
    session.execute(
        delete(MetricRollup).where(
            and_(MetricRollup.day == day, not_(tuple_(MetricRollup.scope, MetricRollup.key).in_(keep)))
        )
    )
    session.flush()
    return len(rows)


def side_numbers(session: Session, *, since: datetime) -> dict[str, object]:
    """What else the admin Home would otherwise count over every row: wave sizes, the departments people are
    in (for "no ambassador yet"), and training ratings per use case (key, answers, mean)."""
    training = session.execute(
        select(PulseResponse.comment, func.count(), func.avg(PulseResponse.score))
        .where(PulseResponse.kind == "training", PulseResponse.answered_at >= since)
        .group_by(PulseResponse.comment)
    ).all()
    return {
        "wave_members": {str(k): v for k, v in rollout.member_counts(session).items()},
        "departments": active_departments(session),
        "training": [[str(key or ""), int(n), float(mean or 0)] for key, n, mean in training],
    }


def latest(session: Session) -> Insights | None:
    """The newest day's snapshot as Insights (None before the first tick)."""
    day = session.scalar(select(func.max(MetricRollup.day)).where(MetricRollup.scope == "company"))
    if day is None:
        return None
    company: Scores | None = None
    at: datetime | None = None
    counts = PeopleCounts(0, 0, 0)
    extra: dict[str, object] = {}
    departments: list[Scores] = []
    waves: dict[int, Scores] = {}
    for row in session.scalars(select(MetricRollup).where(MetricRollup.day == day)):
        scores = scores_from_data(row.detail)
        if row.scope == "company":
            company, at = scores, row.computed_at
            total = int(row.detail.get("people", 0))
            counts = PeopleCounts(total, int(row.detail.get("in_running_wave", 0)), total - scores.enrolled)
            extra = {k: row.detail.get(k) for k in ("wave_members", "departments", "training") if k in row.detail}
        elif row.scope == "department":
            departments.append(scores)
        elif row.scope == "wave":
            waves[int(row.key)] = scores
    if company is None or at is None:
        return None
    departments.sort(key=lambda s: (not s.red, s.ignition_share, s.key))
    return Insights(at, company, departments, waves, counts, from_rollup=True, extra=extra)


def history(session: Session, *, department: str, since: date) -> list[tuple[date, Scores]]:
    """A department's daily snapshots since `since`, oldest first (charts, the forecast's pace)."""
    rows = session.scalars(
        select(MetricRollup)
        .where(MetricRollup.scope == "department", MetricRollup.key == department, MetricRollup.day >= since)
        .order_by(MetricRollup.day)
    )
    return [(r.day, scores_from_data(r.detail)) for r in rows]
