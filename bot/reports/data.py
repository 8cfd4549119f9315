"""The report's numbers: one row per person and per department over a window, and the series its charts draw.

Takes a session and returns plain dataclasses (a service: no Slack, no rendering). People are read in chunks of
`CHUNK` ids with set-based queries per chunk, so 100,000 people cost 100 rounds of a few grouped queries, and the
caller's `Progress` can drive a progress bar. The department columns enrolled / active / ignition come
from `bot.services.ambassadors.department_numbers`, the function `/coach status` and the digests use, so the
report and those surfaces agree; the 0-100 scores are `bot.reports.scores` (interim, see there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.reports import scores
from bot.services.ambassadors.status import department_numbers
from bot.services.metrics import IGNITION_LINE, NO_DEPARTMENT, active_days, enrolled_condition
from bot.services.metrics.scores import department_scores
from models import Completion, DailyActivity, HelpRequest, ImportedActivity, Person, PulseResponse, Wave, WaveMembership

CHUNK = 1000
FORECAST_WEEKS = 4  # the pace is measured over the last 4 weeks
FORECAST_HORIZON_WEEKS = 26  # beyond this the line is "not at this pace"
NOT_AT_THIS_PACE = "not at this pace"
REACHED = "reached"


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
    """One department over the window (CSV column order; stages appended as stage_0 … stage_N)."""

    department: str
    people: int
    enrolled: int
    active_7d: int
    adoption: int  # % of the people in scope active on >= 3 of the window's last 7 days
    daily_active: int  # % active on the window's last day
    maturity: int  # mean of the people's Maturity
    sentiment: int | None  # None: fewer than 3 people or fewer than 3 answers
    sentiment_answers: int
    ignited: int
    ignition: int  # % of enrolled active at stage >= 2 (the 20% line)
    forecast: str  # ISO week the line is crossed at the last 4 weeks' pace, "reached", or "not at this pace"
    red: str  # the reasons, "; "-separated, "" when on track
    stages: tuple[int, ...] = ()


@dataclass
class Report:
    """Everything `coach report` writes: rows and chart series."""

    scope: ReportScope
    people: list[PersonRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    adoption_trend: list[tuple[date, float]] = field(default_factory=list)  # week end → share adopted
    funnel: list[int] = field(default_factory=list)  # people at stage >= k, k = 0..N
    sentiment_trend: list[tuple[date, float | None]] = field(default_factory=list)  # week end → mean 1-5
    help_minutes: list[float] = field(default_factory=list)  # minutes to first response, requests opened in range
    any_activity: bool = False

    @property
    def empty(self) -> bool:
        return not self.people


@dataclass
class _Gathered:
    days: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))  # pid → active days (+6 before)
    answers: list[tuple[int, date, int, bool]] = field(default_factory=list)  # pid, day, score, by name
    pid_of: dict[str, int] = field(default_factory=dict)  # slack user id → person id
    department_of: dict[int, str] = field(default_factory=dict)  # person id → department (NO_DEPARTMENT)


def _people(session: Session, scope: ReportScope) -> list[tuple[int, str, str | None, int, bool]]:
    enrolled = enrolled_condition(session)
    query = select(Person.id, Person.slack_user_id, Person.department, Person.current_stage, enrolled).where(
        Person.deactivated.is_(False)
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
    return [(pid, uid, dept, stage, bool(e)) for pid, uid, dept, stage, e in session.execute(query.order_by(Person.id))]


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
    if progress:
        progress.start(len(people) + len({dept or NO_DEPARTMENT for _pid, _uid, dept, _stage, _e in people}))
    stage_total = len(playbook.stages)
    gathered = _Gathered()
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        report.people.extend(_person_rows(session, scope, chunk, stage_total, gathered))
        report.help_minutes.extend(_help_minutes(session, scope, [p[0] for p in chunk]))
        if progress:
            progress.advance(len(chunk))
    report.any_activity = any(r.active_days or r.completions or r.sentiment_answers for r in report.people)
    report.adoption_trend = _adoption_trend(scope, gathered.days, [p[0] for p in people])
    report.funnel = [sum(1 for r in report.people if r.stage >= k) for k in range(stage_total + 1)]
    report.sentiment_trend = _sentiment_trend(scope, gathered.answers)
    report.departments = _department_rows(session, playbook, scope, report.people, gathered, now=now, progress=progress)
    return report


def _person_rows(
    session: Session,
    scope: ReportScope,
    chunk: Sequence[tuple[int, str, str | None, int, bool]],
    stage_total: int,
    gathered: _Gathered,
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
                func.sum(case((ImportedActivity.used_apps.is_(True), 1), else_=0)),
            )
            .where(ImportedActivity.person_id.in_(ids), ImportedActivity.day >= first, ImportedActivity.day <= last)
            .group_by(ImportedActivity.person_id)
        )
    }
    days = active_days(first - timedelta(days=scores.ADOPTION_OF_LAST - 1), last)
    for pid, day in session.execute(select(days.c.pid, days.c.day).where(days.c.pid.in_(ids)).distinct()):
        gathered.days[pid].add(day)
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
    answers = _answers(session, scope, ids)
    gathered.answers.extend(answers)
    named: dict[int, list[int]] = defaultdict(list)
    for pid, _day, score, by_name in answers:
        if by_name:
            named[pid].append(score)
    waves = _waves(session, ids)
    last_7 = {last - timedelta(days=n) for n in range(scores.ADOPTION_OF_LAST)}
    rows = []
    for pid, uid, dept, stage, enrolled in chunk:
        gathered.pid_of[uid] = pid
        gathered.department_of[pid] = dept or NO_DEPARTMENT
        messages, replies, reactions, files, apps = (int(v or 0) for v in counters.get(pid, (0, 0, 0, 0, 0)))
        a_days, a_messages, a_workflows, a_apps = (int(v or 0) for v in imported.get(pid, (0, 0, 0, 0)))
        person_days = gathered.days.get(pid, set())
        in_window = sum(1 for d in person_days if first <= d <= last)
        recent = len(person_days & last_7)
        mine = named.get(pid, [])
        rows.append(
            PersonRow(
                slack_user_id=uid,
                department=dept or NO_DEPARTMENT,
                wave=waves.get(pid, ""),
                enrolled=enrolled,
                stage=stage,
                completions=int(completions.get(pid, 0)),
                active_days=in_window,
                messages=messages,
                replies=replies,
                reactions=reactions,
                files=files,
                apps=apps,
                analytics_active_days=a_days,
                analytics_messages=a_messages,
                analytics_workflow_days=a_workflows,
                adoption=scores.interim_person_adoption(recent),
                maturity=scores.interim_person_maturity(
                    stage, stage_total, replies=replies, files=files, apps=apps + a_apps, workflows=a_workflows
                ),
                sentiment=scores.interim_sentiment(mine),
                sentiment_answers=len(mine),
            )
        )
    return rows


def _answers(session: Session, scope: ReportScope, ids: Sequence[int]) -> list[tuple[int, date, int, bool]]:
    """(person, day, 1-5 score, given by name) for ratings and help satisfaction in the window.

    Feedback-gate answers are anonymous unless the person ticked "show my name": they count in group numbers but
    never in the person's own row.
    """
    out: list[tuple[int, date, int, bool]] = []
    for pid, kind, score, show_name, at in session.execute(
        select(
            PulseResponse.person_id,
            PulseResponse.kind,
            PulseResponse.score,
            PulseResponse.show_name,
            PulseResponse.answered_at,
        ).where(
            PulseResponse.person_id.in_(ids),
            PulseResponse.answered_at >= scope.start,
            PulseResponse.answered_at < scope.end,
        )
    ):
        out.append((pid, _day(at), int(score), kind != "feedback" or bool(show_name)))
    for asker, rating, opened in session.execute(
        select(HelpRequest.asker_id, HelpRequest.satisfaction, HelpRequest.opened_at).where(
            HelpRequest.asker_id.in_(ids),
            HelpRequest.satisfaction.is_not(None),
            HelpRequest.opened_at >= scope.start,
            HelpRequest.opened_at < scope.end,
        )
    ):
        if rating is not None and opened is not None:
            out.append((asker, _day(opened), int(rating), True))
    return out


def _day(at: datetime) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).date()


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


def _adoption_trend(scope: ReportScope, days: dict[int, set[date]], ids: Sequence[int]) -> list[tuple[date, float]]:
    trend = []
    for end in week_ends(scope):
        window = {end - timedelta(days=n) for n in range(scores.ADOPTION_OF_LAST)}
        adopted = sum(1 for pid in ids if scores.interim_adopted(len(days.get(pid, set()) & window)))
        trend.append((end, adopted / len(ids) if ids else 0.0))
    return trend


def _sentiment_trend(
    scope: ReportScope, answers: Sequence[tuple[int, date, int, bool]]
) -> list[tuple[date, float | None]]:
    trend: list[tuple[date, float | None]] = []
    for end in week_ends(scope):
        week = [score for _pid, day, score, _named in answers if end - timedelta(days=6) <= day <= end]
        trend.append((end, sum(week) / len(week) if len(week) >= scores.MIN_ANSWERS else None))
    return trend


def _department_rows(
    session: Session,
    playbook: Playbook,
    scope: ReportScope,
    people: Sequence[PersonRow],
    gathered: _Gathered,
    *,
    now: datetime,
    progress: Progress | None,
) -> list[DepartmentRow]:
    by_department: dict[str, list[PersonRow]] = defaultdict(list)
    for row in people:
        by_department[row.department].append(row)
    at = min(now, scope.end - timedelta(microseconds=1))
    current = scope.last_day >= now.date()
    answers_by_department: dict[str, list[int]] = defaultdict(list)
    for pid, _day, score, _named in gathered.answers:  # anonymous answers too: a group number reveals no one
        answers_by_department[gathered.department_of[pid]].append(score)
    rows = []
    for department in sorted(by_department):
        members = by_department[department]
        if department == NO_DEPARTMENT:
            enrolled = sum(1 for m in members if m.enrolled)
            numbers = None
        else:
            numbers = department_numbers(session, playbook=playbook, department=department, at=at, current=current)
            enrolled = numbers.enrolled
        answers = answers_by_department.get(department, [])
        last_day_active = sum(
            1 for m in members if scope.last_day in gathered.days.get(gathered.pid_of[m.slack_user_id], ())
        )
        rows.append(
            DepartmentRow(
                department=department,
                people=len(members),
                enrolled=enrolled,
                active_7d=numbers.active if numbers else 0,
                adoption=round(100 * sum(1 for m in members if m.adoption == 100) / len(members)),
                daily_active=round(100 * last_day_active / len(members)),
                maturity=round(sum(m.maturity for m in members) / len(members)),
                sentiment=scores.interim_sentiment(answers) if len(members) >= scores.MIN_ANSWERS else None,
                sentiment_answers=len(answers),
                ignited=numbers.ignited if numbers else 0,
                ignition=round(100 * numbers.ignition) if numbers else 0,
                forecast=_forecast(session, playbook, department, at, numbers.ignition) if numbers else "",
                red=_red(session, playbook, department, at) if numbers else "",
                stages=numbers.stages if numbers else (),
            )
        )
        if progress:
            progress.advance(1)
    return rows


def _red(session: Session, playbook: Playbook, department: str, at: datetime) -> str:
    """The department's red reasons by the one rule (bot/domain/insights.py, docs/metrics.md); empty when green."""
    scores = department_scores(session, playbook=playbook, department=department, now=at)
    return "; ".join(reason.value for reason in scores.reasons)


def _forecast(session: Session, playbook: Playbook, department: str, at: datetime, ignition_now: float) -> str:
    """At the last 4 weeks' pace, the ISO week ignition crosses the 20% line (interim: the metrics helper's
    forecast replaces it at merge)."""
    if ignition_now >= IGNITION_LINE:
        return REACHED
    then = department_numbers(
        session, playbook=playbook, department=department, at=at - timedelta(weeks=FORECAST_WEEKS), current=False
    )
    pace = (ignition_now - then.ignition) / FORECAST_WEEKS  # share per week
    if pace <= 0:
        return NOT_AT_THIS_PACE
    weeks = (IGNITION_LINE - ignition_now) / pace
    if weeks > FORECAST_HORIZON_WEEKS:
        return NOT_AT_THIS_PACE
    year, week, _ = (at + timedelta(weeks=weeks)).isocalendar()
    return f"{year}-W{week:02d}"
