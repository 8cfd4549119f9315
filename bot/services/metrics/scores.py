"""Loading each enrolled person's facts and turning them into the scores every surface shows (docs/metrics.md).

The arithmetic is bot.domain.insights; this module only reads: enrolled people (the package's one rule), their
active days from observed counters and imported analytics (never summed: a day's actions are the larger of the
two), breadth beyond chat, answers in the window, and questions past their SLA. The admin Home reads the same
numbers from rollups (bot/services/metrics/rollups.py); `/coach status` and the digest compute one department live;
`coach report` loads the facts of its scope over its own window (`facts_of`) and scores them with `own_scores`
(each person) and one `compute_from` (every department).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from bot.domain.insights import (
    ADOPTION_WINDOW_DAYS,
    PersonFacts,
    Scores,
    Thresholds,
    group_scores,
    is_power_user,
)
from bot.domain.waves import PhaseSchedule
from bot.playbook import Playbook
from bot.services.metrics import NO_DEPARTMENT, PeopleCounts, enrolled_people
from models import (
    Completion,
    DailyActivity,
    HelpRequest,
    ImportedActivity,
    MetricRollup,
    Person,
    PulseResponse,
    Wave,
)

CHUNK = 900
RATED_KINDS = ("pulse", "feedback", "training")


def thresholds(playbook: Playbook) -> Thresholds:
    """The playbook's metrics settings as the domain's arithmetic takes them."""
    m = playbook.metrics
    return Thresholds(
        adoption_days=m.adoption_days,
        min_answers=m.min_answers,
        power_min_active_days=m.power_user.min_active_days,
        power_min_actions=m.power_user.min_actions,
        adoption_below=m.red.adoption_below,
        sentiment_below=m.red.sentiment_below,
        stuck_share_above=m.red.stuck_share_above,
        unanswered_at_least=m.red.unanswered_at_least,
    )


@dataclass(frozen=True)
class Insights:
    """Every group's scores at one moment: the company, each department (red first) and each running wave."""

    at: datetime
    company: Scores
    departments: list[Scores]
    waves: dict[int, Scores]
    people: PeopleCounts
    from_rollup: bool = False  # read from the newest daily snapshot rather than computed now
    extra: dict[str, Any] = field(default_factory=dict)  # the snapshot's side numbers (wave sizes, departments...)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _base(session: Session, department: str | None) -> list[tuple[int, str, int, Any, Any]]:
    """(person id, department, stage, running wave, last_active_at) of every enrolled person."""
    per_person = enrolled_people(session)
    where: ColumnElement[bool] = true()
    if department == NO_DEPARTMENT:
        where = Person.department.is_(None)
    elif department is not None:
        where = Person.department == department  # the indexed column, not an expression over it
    rows = session.execute(
        select(Person.id, Person.department, Person.current_stage, per_person.c.wave, Person.last_active_at)
        .join_from(per_person, Person, Person.id == per_person.c.pid)
        .where(Person.deactivated.is_(False), where)
    ).all()
    return [(int(pid), dept or NO_DEPARTMENT, int(stage), wave, seen) for pid, dept, stage, wave, seen in rows]


@dataclass
class _Acc:
    days7: set[date]
    days: dict[date, int]  # active day → actions that day (the larger of observed and imported)
    flags: set[str]
    ratings: list[int]
    own: list[int]  # the ratings given by name (a person's own Sentiment)


def facts(
    session: Session,
    *,
    playbook: Playbook,
    now: datetime,
    department: str | None = None,
    first_day: date | None = None,
    current: bool = True,
) -> list[PersonFacts]:
    """Each enrolled person's facts over the metrics window ending today (and the 7 days of Adoption)."""
    return facts_of(
        session, _base(session, department), playbook=playbook, now=now, first_day=first_day, current=current
    )


def facts_of(
    session: Session,
    base: Sequence[tuple[int, str, int, Any, Any]],
    *,
    playbook: Playbook,
    now: datetime,
    first_day: date | None = None,
    current: bool = True,
) -> list[PersonFacts]:
    """The facts of the given people — (person id, department, stage, running wave id, last_active_at) — over the
    window `first_day` … `now`'s day (default: the playbook's `window_days` ending today) and the 7 days of
    Adoption ending `now`'s day. `current=False` (a window ending in the past) ignores `last_active_at`, which
    holds only the latest activity, not its history."""
    ids = [row[0] for row in base]
    today = now.date()
    first = first_day if first_day is not None else today - timedelta(days=playbook.metrics.window_days - 1)
    first7 = today - timedelta(days=ADOPTION_WINDOW_DAYS - 1)
    load_from = min(first, first7)
    acc: dict[int, _Acc] = defaultdict(lambda: _Acc(set(), {}, set(), [], []))

    def day_seen(pid: int, day: date, actions: int) -> None:
        a = acc[pid]
        if day >= first:
            a.days[day] = max(a.days.get(day, 0), actions)
        if day >= first7:
            a.days7.add(day)

    mention_keys = [uc.key for uc in playbook.all_use_cases() if uc.criteria.mentions_user]
    core_keys = [uc.key for uc in playbook.stages[-1].use_cases]
    window_start = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    for chunk in _chunks(ids):
        for pid, day, total, messages, replies, files, apps in session.execute(
            select(
                DailyActivity.person_id,
                DailyActivity.day,
                DailyActivity.total,
                DailyActivity.messages,
                DailyActivity.replies,
                DailyActivity.files,
                DailyActivity.apps,
            ).where(DailyActivity.person_id.in_(chunk), DailyActivity.day.between(load_from, today))
        ):
            if total > 0:
                day_seen(pid, day, int(total))
            if day < first:
                continue
            flags = acc[pid].flags
            if messages or replies:
                flags.add("channel_messages")
            for name, value in (("threads", replies), ("files", files), ("apps", apps)):
                if value:
                    flags.add(name)
        for row in session.execute(
            select(ImportedActivity).where(
                ImportedActivity.person_id.in_(chunk), ImportedActivity.day.between(load_from, today)
            )
        ).scalars():
            if row.is_active:
                day_seen(row.person_id, row.day, row.messages + row.reactions + row.files)
            if row.day < first:
                continue
            flags = acc[row.person_id].flags
            for name, value in (
                ("channel_messages", row.channel_messages),
                ("files", row.files),
                ("apps", row.used_apps),
                ("workflows", row.used_workflows),
            ):
                if value:
                    flags.add(name)
        for pid, key in session.execute(
            select(Completion.person_id, Completion.use_case_key).where(
                Completion.person_id.in_(chunk),
                Completion.status == "done",
                Completion.use_case_key.in_(mention_keys + core_keys),
                Completion.completed_at <= now,
            )
        ):
            acc[pid].flags.add("mentions" if key in mention_keys else "core")
        for pid, kind, score, show_name in session.execute(
            select(PulseResponse.person_id, PulseResponse.kind, PulseResponse.score, PulseResponse.show_name).where(
                PulseResponse.person_id.in_(chunk),
                PulseResponse.kind.in_(RATED_KINDS),
                PulseResponse.answered_at >= window_start,
                PulseResponse.answered_at <= now,
            )
        ):
            acc[pid].ratings.append(int(score))
            if kind != "feedback" or show_name:  # a gate answer is anonymous unless "show my name" was ticked
                acc[pid].own.append(int(score))
        for asker, rating in session.execute(
            select(HelpRequest.asker_id, HelpRequest.satisfaction).where(
                HelpRequest.asker_id.in_(chunk),
                HelpRequest.satisfaction.is_not(None),
                func.coalesce(HelpRequest.closed_at, HelpRequest.opened_at) >= window_start,
                func.coalesce(HelpRequest.closed_at, HelpRequest.opened_at) <= now,
            )
        ):
            acc[asker].ratings.append(int(rating or 0))
            acc[asker].own.append(int(rating or 0))
    recent = now - timedelta(days=ADOPTION_WINDOW_DAYS)
    out = []
    for pid, dept, stage, wave, seen in base:
        a = acc.get(pid) or _Acc(set(), {}, set(), [], [])
        seen_at = seen if seen is None or seen.tzinfo else seen.replace(tzinfo=now.tzinfo)
        out.append(
            PersonFacts(
                person_id=pid,
                department=dept,
                wave_id=int(wave) if wave is not None else None,
                stage=stage,
                active_days_7=len(a.days7),
                seen_recently=current and seen_at is not None and seen_at >= recent,
                active_days_window=len(a.days),
                actions_window=sum(a.days.values()),
                ratings=tuple(a.ratings),
                own_ratings=tuple(a.own),
                **{name: name in a.flags for name in _FLAG_NAMES},
            )
        )
    return out


_FLAG_NAMES = ("channel_messages", "threads", "mentions", "files", "apps", "workflows", "core")


def unanswered_by_department(
    session: Session, *, now: datetime, department: str | None = None, current: bool = True
) -> dict[str, int]:
    """Open help questions with no first response past their SLA, per asker's department (at a past `now` with
    `current=False`: opened by then, past due by then, neither answered nor closed by then)."""
    dept = func.coalesce(Person.department, NO_DEPARTMENT)
    if current:
        still_open = and_(HelpRequest.state != "closed", HelpRequest.first_response_at.is_(None))
    else:
        still_open = and_(
            HelpRequest.opened_at <= now,
            or_(HelpRequest.first_response_at.is_(None), HelpRequest.first_response_at > now),
            or_(HelpRequest.closed_at.is_(None), HelpRequest.closed_at > now),
        )
    stmt = (
        select(dept, func.count(HelpRequest.id))
        .join(Person, Person.id == HelpRequest.asker_id)
        .where(
            still_open,
            HelpRequest.sla_first_response_due.is_not(None),
            HelpRequest.sla_first_response_due <= now,
        )
        .group_by(dept)
    )
    if department is not None:
        stmt = stmt.where(dept == department)
    return {str(k): int(n) for k, n in session.execute(stmt)}


def horizon(session: Session, *, playbook: Playbook, now: datetime) -> date:
    """The forecast's last day: the latest planned end of a running wave, else `forecast_weeks` from today."""
    ends = []
    for start, schedule in session.execute(
        select(Wave.start_date, Wave.schedule).where(Wave.state.in_(("active", "paused")), Wave.start_date.is_not(None))
    ):
        ends.append(start + timedelta(days=PhaseSchedule.from_mapping(schedule).total_days))
    return max(ends, default=now.date() + timedelta(weeks=playbook.metrics.forecast_weeks))


def past_ignition(session: Session, *, today: date, department: str | None = None) -> dict[str, tuple[date, float]]:
    """Per department, the oldest snapshot of the last 4 weeks that is at least a week old: (day, ignition share)."""
    stmt = (
        select(MetricRollup.key, MetricRollup.day, MetricRollup.enrolled, MetricRollup.ignited)
        .where(
            MetricRollup.scope == "department",
            MetricRollup.day >= today - timedelta(days=28),
            MetricRollup.day <= today - timedelta(days=7),
            MetricRollup.enrolled > 0,
        )
        .order_by(MetricRollup.key, MetricRollup.day)
    )
    if department is not None:
        stmt = stmt.where(MetricRollup.key == department)
    past: dict[str, tuple[date, float]] = {}
    for key, day, enrolled, ignited in session.execute(stmt):
        past.setdefault(str(key), (day, ignited / enrolled))
    return past


def _red_first(rows: Iterable[Scores]) -> list[Scores]:
    return sorted(rows, key=lambda s: (not s.red, s.ignition_share, s.key))


def compute(
    session: Session,
    *,
    playbook: Playbook,
    now: datetime,
    department: str | None = None,
    first_day: date | None = None,
    current: bool = True,
) -> Insights:
    """Scores for the company, every department and every running wave (or just `department`), computed now —
    or over `first_day` … `now`'s day (`coach report --from/--to`; `current=False` for a window in the past)."""
    people = facts(session, playbook=playbook, now=now, department=department, first_day=first_day, current=current)
    return compute_from(session, people, playbook=playbook, now=now, department=department, current=current)


def compute_from(
    session: Session,
    people: Sequence[PersonFacts],
    *,
    playbook: Playbook,
    now: datetime,
    department: str | None = None,
    current: bool = True,
) -> Insights:
    """`compute` over facts already loaded (every enrolled person, or `department`'s): one pass for all groups."""
    rules = thresholds(playbook)
    stages = len(playbook.stages)
    today, until = now.date(), horizon(session, playbook=playbook, now=now)
    unanswered = unanswered_by_department(session, now=now, department=department, current=current)
    past = past_ignition(session, today=today, department=department)
    by_dept: dict[str, list[PersonFacts]] = defaultdict(list)
    by_wave: dict[int, list[PersonFacts]] = defaultdict(list)
    for p in people:
        by_dept[p.department].append(p)
        if p.wave_id is not None:
            by_wave[p.wave_id].append(p)
    common: dict[str, Any] = {"stages": stages, "rules": rules, "today": today, "horizon": until}
    departments = [
        group_scores(d, rows, unanswered=unanswered.get(d, 0), past=past.get(d), **common)
        for d, rows in by_dept.items()
    ]
    if department is not None and department not in by_dept:
        departments.append(group_scores(department, [], unanswered=unanswered.get(department, 0), **common))
    company = group_scores("all", people, unanswered=sum(unanswered.values()), **common)
    company = replace(company, reasons=())  # the red rule is about departments
    waves = {wid: group_scores(str(wid), rows, **common) for wid, rows in by_wave.items()}
    total = int(session.scalar(select(func.count()).select_from(Person).where(Person.deactivated.is_(False))) or 0)
    counts = PeopleCounts(total, sum(s.enrolled for s in waves.values()), total - company.enrolled)
    return Insights(now, company, _red_first(departments), waves, counts)


def department_scores(session: Session, *, playbook: Playbook, department: str, now: datetime) -> Scores:
    """One department's scores, computed now (`/coach status`, the digest)."""
    return compute(session, playbook=playbook, now=now, department=department).departments[0]


def own_scores(person: PersonFacts, *, playbook: Playbook, today: date, horizon: date) -> Scores:
    """One person's own scores: the group rules over a group of one, Sentiment only from the answers they gave by
    name (an anonymous gate answer counts for their groups, never for them), and only from `min_answers`."""
    return group_scores(
        str(person.person_id),
        [replace(person, ratings=person.own_ratings)],
        stages=len(playbook.stages),
        rules=thresholds(playbook),
        today=today,
        horizon=horizon,
        group_min_people=1,
    )


def person_scores(session: Session, *, playbook: Playbook, person_id: int, now: datetime) -> Scores | None:
    """One enrolled person's scores (their Sentiment only from enough answers of their own); None if not enrolled."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    rows = [
        p
        for p in facts(session, playbook=playbook, now=now, department=person.department or NO_DEPARTMENT)
        if p.person_id == person_id
    ]
    if not rows:
        return None
    return own_scores(
        rows[0], playbook=playbook, today=now.date(), horizon=horizon(session, playbook=playbook, now=now)
    )


def power_users(session: Session, *, playbook: Playbook, now: datetime, department: str) -> list[PersonFacts]:
    """The enrolled people of `department` who meet the power-user rule (`is_power_user`) over the window."""
    rules = thresholds(playbook)
    return [p for p in facts(session, playbook=playbook, now=now, department=department) if is_power_user(p, rules)]
