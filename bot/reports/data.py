"""The report's numbers: one row per person and per department over a window, and the series its charts draw.

Takes a session and returns plain dataclasses (a service: no Slack, no rendering). Every score is the one metrics
definition (bot/services/metrics, arithmetic in bot/domain/insights.py, formulas in docs/metrics.md) over the
report's window (`--from` … `--to`): a person's Adoption, Maturity and Sentiment are `metrics.scores.own_scores`;
the department rows come from one `compute_from` over every enrolled person (red by the one rule, the forecast
from the daily snapshots), so with the default window they are the numbers the admin Home and `/coach status`
show. People are read in chunks of `CHUNK` ids with set-based queries per chunk, so the caller's `Progress` can
drive a progress bar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.domain.insights import ADOPTION_WINDOW_DAYS, ForecastState, PersonFacts, Scores, sentiment_of, share
from bot.playbook import Playbook
from bot.services.metrics import NO_DEPARTMENT, active_days, enrolled_people
from bot.services.metrics.scores import RATED_KINDS, compute, compute_from, facts_of, horizon, own_scores, thresholds
from models import Completion, DailyActivity, HelpRequest, ImportedActivity, Person, PulseResponse, Wave, WaveMembership

CHUNK = 900  # the metrics loader's own chunk size: one round of its queries per chunk
FORECAST_WORDS = {  # the CSV's forecast column; a crossing week is its Monday (YYYY-MM-DD)
    ForecastState.NOT_STARTED: "not started",
    ForecastState.REACHED: "reached",
    ForecastState.NOT_AT_PACE: "not at this pace",
    ForecastState.NO_HISTORY: "no history yet",
}


class Progress(Protocol):
    """What a progress bar needs: the amount of work once known, then each piece done."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass(frozen=True)
class ReportScope:
    """Which days (UTC, both ends included) and which people the report covers."""

    first_day: date
    last_day: date
    department: str | None = None
    wave: str | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the window."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class PersonRow:
    """One person over the window (CSV column order)."""

    slack_user_id: str
    department: str
    wave: str
    enrolled: bool
    stage: int
    completions: int
    active_days: int
    messages: int
    replies: int
    reactions: int
    files: int
    apps: int
    analytics_active_days: int  # days Slack's member analytics (imported) says the person was active
    analytics_messages: int  # messages_posted_count from the imported analytics (all messages, DMs included)
    analytics_workflow_days: int
    adoption: int
    maturity: int
    sentiment: int | None  # None: fewer than 3 answers the person gave by name
    sentiment_answers: int


@dataclass(frozen=True)
class DepartmentRow:
    """One department over the window (CSV column order; stages appended as stage_0 … stage_N).

    Every number but `people` is the department's `Scores` (docs/metrics.md); None: not shown (nobody enrolled, or
    Sentiment from fewer than 3 people or answers)."""

    department: str
    people: int  # people of the report's scope in the department (enrolled or not)
    enrolled: int
    active: int
    adopted: int
    adoption: int | None
    daily_active: int | None
    maturity: int | None
    sentiment: int | None
    answers: int
    usage: int | None
    messaging: int | None
    platform: int | None
    power_users: int
    power: int | None
    ignited: int
    ignition: int | None
    forecast: str  # the Monday of the week the 20% line is crossed, or "reached" / "not at this pace" / ...
    stuck: int
    unanswered: int
    red: str  # the reasons, "; "-separated, "" when on track
    stages: tuple[int, ...] = ()

    @classmethod
    def of(cls, scores: Scores, *, people: int, stage_total: int) -> DepartmentRow:
        fc = scores.forecast
        week = fc.week.isoformat() if fc.state is ForecastState.WEEK and fc.week else FORECAST_WORDS.get(fc.state, "")
        return cls(
            department=scores.key,
            people=people,
            enrolled=scores.enrolled,
            active=scores.active,
            adopted=scores.adopted,
            adoption=scores.adoption,
            daily_active=scores.daily_active,
            maturity=scores.maturity,
            sentiment=scores.sentiment,
            answers=scores.answers,
            usage=scores.usage,
            messaging=scores.messaging,
            platform=scores.platform,
            power_users=scores.power_users,
            power=scores.power,
            ignited=scores.ignited,
            ignition=scores.ignition,
            forecast=week,
            stuck=scores.stuck,
            unanswered=scores.unanswered,
            red="; ".join(reason.value for reason in scores.reasons),
            stages=tuple(scores.stages.get(n, 0) for n in range(stage_total + 1)) if scores.enrolled else (),
        )


@dataclass
class Report:
    """Everything `coach report` writes: rows and chart series."""

    scope: ReportScope
    people: list[PersonRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    overall: Scores = field(default_factory=lambda: Scores(key="all"))  # everyone enrolled in the scope
    adoption_trend: list[tuple[date, float]] = field(default_factory=list)  # week end → share adopted
    funnel: list[int] = field(default_factory=list)  # enrolled people at stage >= k, k = 0..N
    sentiment_trend: list[tuple[date, int | None]] = field(default_factory=list)  # week end → Sentiment 0-100
    help_minutes: list[float] = field(default_factory=list)  # minutes to first response, requests opened in range
    any_activity: bool = False

    @property
    def empty(self) -> bool:
        return not self.people


_Base = tuple[int, str, str, int, Any, Any, bool]  # id, Slack id, department, stage, running wave, last seen, enrolled


def _people(session: Session, scope: ReportScope) -> list[_Base]:
    """The scope's people (not deactivated), with the running wave and enrolled flag the metrics use."""
    per_person = enrolled_people(session)
    query = (
        select(
            Person.id,
            Person.slack_user_id,
            Person.department,
            Person.current_stage,
            per_person.c.wave,
            Person.last_active_at,
            per_person.c.pid,
        )
        .outerjoin(per_person, per_person.c.pid == Person.id)
        .where(Person.deactivated.is_(False))
    )
    if scope.department is not None:
        query = query.where(Person.department == scope.department)
    if scope.wave is not None:
        query = query.where(
            Person.id.in_(
                select(WaveMembership.person_id)
                .join(Wave, Wave.id == WaveMembership.wave_id)
                .where(Wave.name == scope.wave)
            )
        )
    return [
        (pid, uid, dept or NO_DEPARTMENT, int(stage), wave, seen, enrolled is not None)
        for pid, uid, dept, stage, wave, seen, enrolled in session.execute(query.order_by(Person.id))
    ]


def _waves(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """person id → the wave they joined last."""
    rows = session.execute(
        select(WaveMembership.person_id, Wave.name)
        .join(Wave, Wave.id == WaveMembership.wave_id)
        .where(WaveMembership.person_id.in_(ids))
        .order_by(WaveMembership.enrolled_at, WaveMembership.id)
    )
    return {pid: name for pid, name in rows}


def build_report(
    session: Session, playbook: Playbook, scope: ReportScope, *, now: datetime, progress: Progress | None = None
) -> Report:
    """Rows and series for `scope`; `progress` hears the work's size (people + departments) and each step."""
    report = Report(scope)
    people = _people(session, scope)
    department_names = sorted({p[2] for p in people})
    if progress:
        progress.start(len(people) + len(department_names))
    at = min(now, scope.end - timedelta(microseconds=1))  # the window's last instant (or now, if it is today)
    current = scope.last_day >= now.date()
    until = horizon(session, playbook=playbook, now=at)
    enrolled_facts: list[PersonFacts] = []
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        found = facts_of(
            session,
            [(pid, dept, stage, wave, seen) for pid, _uid, dept, stage, wave, seen, _e in chunk],
            playbook=playbook,
            now=at,
            first_day=scope.first_day,
            current=current,
        )
        report.people.extend(_person_rows(session, playbook, scope, chunk, found, at=at, horizon=until))
        enrolled_facts += [f for f, p in zip(found, chunk, strict=True) if p[6]]
        report.help_minutes.extend(_help_minutes(session, scope, [p[0] for p in chunk]))
        if progress:
            progress.advance(len(chunk))
    report.any_activity = any(r.active_days or r.completions for r in report.people) or any(
        f.ratings for f in enrolled_facts
    )
    mine = compute_from(
        session, enrolled_facts, playbook=playbook, now=at, department=scope.department, current=current
    )
    report.overall = mine.company
    stage_total = len(playbook.stages)
    report.funnel = [sum(n for stage, n in report.overall.stages.items() if stage >= k) for k in range(stage_total + 1)]
    enrolled_ids = [f.person_id for f in enrolled_facts]
    report.adoption_trend = _adoption_trend(session, playbook, scope, enrolled_ids)
    report.sentiment_trend = _sentiment_trend(session, playbook, scope, enrolled_ids)
    # The department rows: whole departments, as every surface shows them. Without --wave the scope's enrolled
    # people are exactly the departments' enrolled people; with --wave the departments are computed in full.
    found_all = (
        mine
        if scope.wave is None
        else compute(
            session, playbook=playbook, now=at, department=scope.department, first_day=scope.first_day, current=current
        )
    )
    by_key = {d.key: d for d in found_all.departments}
    counts: dict[str, int] = defaultdict(int)
    for p in people:
        counts[p[2]] += 1
    for name in department_names:
        scores = by_key.get(name) or Scores(key=name)  # nobody enrolled: "not started", no scores
        report.departments.append(DepartmentRow.of(scores, people=counts[name], stage_total=stage_total))
        if progress:
            progress.advance(1)
    return report


def _person_rows(
    session: Session,
    playbook: Playbook,
    scope: ReportScope,
    chunk: Sequence[_Base],
    found: Sequence[PersonFacts],
    *,
    at: datetime,
    horizon: date,
) -> list[PersonRow]:
    ids = [p[0] for p in chunk]
    first, last = scope.first_day, scope.last_day
    counters = {
        pid: rest
        for pid, *rest in session.execute(
            select(
                DailyActivity.person_id,
                func.sum(DailyActivity.messages),
                func.sum(DailyActivity.replies),
                func.sum(DailyActivity.reactions),
                func.sum(DailyActivity.files),
                func.sum(DailyActivity.apps),
            )
            .where(DailyActivity.person_id.in_(ids), DailyActivity.day >= first, DailyActivity.day <= last)
            .group_by(DailyActivity.person_id)
        )
    }
    imported = {
        pid: rest
        for pid, *rest in session.execute(
            select(
                ImportedActivity.person_id,
                func.sum(case((ImportedActivity.is_active.is_(True), 1), else_=0)),
                func.sum(ImportedActivity.messages),
                func.sum(case((ImportedActivity.used_workflows.is_(True), 1), else_=0)),
            )
            .where(ImportedActivity.person_id.in_(ids), ImportedActivity.day >= first, ImportedActivity.day <= last)
            .group_by(ImportedActivity.person_id)
        )
    }
    completions = dict(
        session.execute(
            select(Completion.person_id, func.count(Completion.id))
            .where(
                Completion.person_id.in_(ids),
                Completion.status == "done",
                Completion.completed_at >= scope.start,
                Completion.completed_at < scope.end,
            )
            .group_by(Completion.person_id)
        ).all()
    )
    waves = _waves(session, ids)
    rows = []
    for (pid, uid, dept, stage, _wave, _seen, enrolled), person in zip(chunk, found, strict=True):
        messages, replies, reactions, files, apps = (int(v or 0) for v in counters.get(pid, (0, 0, 0, 0, 0)))
        a_days, a_messages, a_workflows = (int(v or 0) for v in imported.get(pid, (0, 0, 0)))
        own = own_scores(person, playbook=playbook, today=at.date(), horizon=horizon)
        rows.append(
            PersonRow(
                slack_user_id=uid,
                department=dept,
                wave=waves.get(pid, ""),
                enrolled=enrolled,
                stage=stage,
                completions=int(completions.get(pid, 0)),
                active_days=person.active_days_window,
                messages=messages,
                replies=replies,
                reactions=reactions,
                files=files,
                apps=apps,
                analytics_active_days=a_days,
                analytics_messages=a_messages,
                analytics_workflow_days=a_workflows,
                adoption=own.adoption or 0,
                maturity=own.maturity or 0,
                sentiment=own.sentiment,
                sentiment_answers=len(person.own_ratings),
            )
        )
    return rows


def _help_minutes(session: Session, scope: ReportScope, ids: Sequence[int]) -> list[float]:
    rows = session.execute(
        select(HelpRequest.opened_at, HelpRequest.first_response_at).where(
            HelpRequest.asker_id.in_(ids),
            HelpRequest.opened_at >= scope.start,
            HelpRequest.opened_at < scope.end,
            HelpRequest.first_response_at.is_not(None),
        )
    )
    return [max((answered - opened).total_seconds() / 60, 0.0) for opened, answered in rows if opened and answered]


def week_ends(scope: ReportScope) -> list[date]:
    """The window's last day and every 7 days before it, oldest first (at least one point)."""
    ends: list[date] = []
    day = scope.last_day
    while day >= scope.first_day or not ends:
        ends.append(day)
        day -= timedelta(days=7)
    return ends[::-1]


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]


def _adoption_trend(
    session: Session, playbook: Playbook, scope: ReportScope, ids: Sequence[int]
) -> list[tuple[date, float]]:
    """Adoption (docs/metrics.md) of the scope's enrolled people on the 7 days ending each week end."""
    ends = week_ends(scope)
    need = thresholds(playbook).adoption_days
    days = active_days(ends[0] - timedelta(days=ADOPTION_WINDOW_DAYS - 1), ends[-1])
    seen: dict[int, set[date]] = defaultdict(set)
    for chunk in _chunks(ids):
        for pid, day in session.execute(select(days.c.pid, days.c.day).where(days.c.pid.in_(chunk)).distinct()):
            seen[pid].add(day)
    trend = []
    for end in ends:
        window = {end - timedelta(days=n) for n in range(ADOPTION_WINDOW_DAYS)}
        adopted = sum(1 for pid in ids if len(seen.get(pid, set()) & window) >= need)
        trend.append((end, (share(adopted, len(ids)) or 0) / 100))
    return trend


def _day(at: datetime) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).date()


def _sentiment_trend(
    session: Session, playbook: Playbook, scope: ReportScope, ids: Sequence[int]
) -> list[tuple[date, int | None]]:
    """Sentiment (docs/metrics.md: every answer of the group, shown from `min_answers`) of each week's answers."""
    answers: list[tuple[date, int]] = []
    for chunk in _chunks(ids):
        for score, at in session.execute(
            select(PulseResponse.score, PulseResponse.answered_at).where(
                PulseResponse.person_id.in_(chunk),
                PulseResponse.kind.in_(RATED_KINDS),
                PulseResponse.answered_at >= scope.start,
                PulseResponse.answered_at < scope.end,
            )
        ):
            answers.append((_day(at), int(score)))
        when = func.coalesce(HelpRequest.closed_at, HelpRequest.opened_at)
        for rating, at in session.execute(
            select(HelpRequest.satisfaction, when).where(
                HelpRequest.asker_id.in_(chunk),
                HelpRequest.satisfaction.is_not(None),
                when >= scope.start,
                when < scope.end,
            )
        ):
            answers.append((_day(at), int(rating or 0)))
    need = thresholds(playbook).min_answers
    return [
        (end, sentiment_of([v for day, v in answers if end - timedelta(days=6) <= day <= end], min_answers=need))
        for end in week_ends(scope)
    ]
