"""Adoption, Maturity, Sentiment, the four health axes, ignition, its forecast and the red rule (seed 001/002).

Pure arithmetic over per-person facts the metrics service loads (bot/services/metrics/scores.py); every formula is
written out in docs/metrics.md and each score is a whole number 0–100 rounded down, with the count behind it, so a
person can recompute any of them by hand. A group with no enrolled people has no scores ("not started").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

IGNITION_LINE = 0.20
IGNITION_STAGE = 2
ADOPTION_WINDOW_DAYS = 7
BREADTH = ("threads", "mentions", "files", "apps", "workflows", "core")


@dataclass(frozen=True)
class Thresholds:
    """The playbook's metrics settings, as the arithmetic needs them."""

    adoption_days: int = 3
    min_answers: int = 3
    power_min_active_days: int = 12
    power_min_actions: int = 40
    adoption_below: int = 40
    sentiment_below: int = 50
    stuck_share_above: float = 0.5
    unanswered_at_least: int = 3


@dataclass(frozen=True)
class PersonFacts:
    """What one enrolled person did: in the last 7 days (Adoption) and in the metrics window (the rest)."""

    person_id: int
    department: str
    wave_id: int | None
    stage: int
    active_days_7: int = 0  # distinct active days among the last 7
    seen_recently: bool = False  # Coach saw them within 7 days without a counter (last_active_at)
    active_days_window: int = 0
    actions_window: int = 0
    channel_messages: bool = False  # posted or replied in a channel in the window (Messaging)
    threads: bool = False
    mentions: bool = False
    files: bool = False
    apps: bool = False
    workflows: bool = False
    core: bool = False  # did a use case of the last stage (the department's core work in Slack)
    ratings: tuple[int, ...] = ()  # 1–5 answers in the window (pulse, gate, training, help satisfaction)
    own_ratings: tuple[int, ...] = ()  # those given by name (an anonymous gate answer is not): own Sentiment

    @property
    def active(self) -> bool:
        """The one "active" rule: an active day in the last 7, or seen by Coach within 7 days."""
        return self.active_days_7 > 0 or self.seen_recently

    @property
    def breadth(self) -> int:
        return sum(1 for name in BREADTH if getattr(self, name))

    @property
    def platform(self) -> bool:
        return self.apps or self.workflows


def share(part: int, whole: int) -> int | None:
    """Whole percent rounded down (19.9% never reads as 20%); None when there is nobody to count."""
    return part * 100 // whole if whole else None


def person_maturity(facts: PersonFacts, stages: int) -> float:
    """Half the stage reached (of the ladder), half the breadth beyond chat (of the six kinds)."""
    return 50 * min(facts.stage, stages) / max(stages, 1) + 50 * facts.breadth / len(BREADTH)


def sentiment_of(ratings: Sequence[int], *, min_answers: int) -> int | None:
    """Mean answer mapped 1→0 … 5→100, rounded down; None from fewer than `min_answers` answers."""
    if len(ratings) < min_answers:
        return None
    return math.floor(sum((r - 1) * 25 for r in ratings) / len(ratings))


def is_power_user(facts: PersonFacts, rules: Thresholds) -> bool:
    return facts.active_days_window >= rules.power_min_active_days and facts.actions_window >= rules.power_min_actions


class ForecastState(StrEnum):
    NOT_STARTED = "not_started"  # nobody enrolled
    REACHED = "reached"  # at or over the line now
    WEEK = "week"  # crosses the line in `week` at the last 4 weeks' pace
    NOT_AT_PACE = "not_at_pace"  # flat, falling, or crossing after the horizon
    NO_HISTORY = "no_history"  # no snapshot a week or more old to measure a pace from


@dataclass(frozen=True)
class Forecast:
    state: ForecastState
    week: date | None = None  # the Monday of the week the line is crossed

    @property
    def missed(self) -> bool:
        return self.state is ForecastState.NOT_AT_PACE


def forecast(*, enrolled: int, ignited: int, past: tuple[date, float] | None, today: date, horizon: date) -> Forecast:
    """The week ignition crosses 20% at the pace since `past` (day, share) — at most 4 weeks back — or why not."""
    if not enrolled:
        return Forecast(ForecastState.NOT_STARTED)
    now_share = ignited / enrolled
    if now_share >= IGNITION_LINE:
        return Forecast(ForecastState.REACHED)
    if past is None or (today - past[0]).days < 7:
        return Forecast(ForecastState.NO_HISTORY)
    pace = (now_share - past[1]) / ((today - past[0]).days / 7)  # share per week
    if pace <= 0:
        return Forecast(ForecastState.NOT_AT_PACE)
    weeks = math.ceil((IGNITION_LINE - now_share) / pace - 1e-9)
    crossing = today + timedelta(weeks=weeks)
    if crossing > horizon:
        return Forecast(ForecastState.NOT_AT_PACE)
    return Forecast(ForecastState.WEEK, crossing - timedelta(days=crossing.weekday()))


class RedReason(StrEnum):
    ADOPTION = "adoption"
    SENTIMENT = "sentiment"
    FORECAST = "forecast"
    STUCK = "stuck"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Scores:
    """One group's numbers (a person, department, wave or the company); percents are None when not shown."""

    key: str
    enrolled: int = 0
    active: int = 0
    adopted: int = 0  # active on >= adoption_days of the last 7
    ignited: int = 0
    power_users: int = 0
    answers: int = 0
    stages: dict[int, int] = field(default_factory=dict)
    adoption: int | None = None
    daily_active: int | None = None
    maturity: int | None = None
    sentiment: int | None = None
    usage: int | None = None
    messaging: int | None = None
    platform: int | None = None
    power: int | None = None
    ignition: int | None = None
    forecast: Forecast = field(default_factory=lambda: Forecast(ForecastState.NOT_STARTED))
    stuck: int = 0  # enrolled and not active (7 days)
    unanswered: int = 0  # help questions past their first-response SLA
    reasons: tuple[RedReason, ...] = ()

    @property
    def started(self) -> bool:
        return self.enrolled > 0

    @property
    def red(self) -> bool:
        return bool(self.reasons)

    @property
    def ignition_share(self) -> float:
        return self.ignited / self.enrolled if self.enrolled else 0.0


def group_scores(
    key: str,
    people: Iterable[PersonFacts],
    *,
    stages: int,
    rules: Thresholds,
    unanswered: int = 0,
    past: tuple[date, float] | None = None,
    today: date,
    horizon: date,
    group_min_people: int | None = None,
) -> Scores:
    """Every score of one group from its people's facts (docs/metrics.md has the same formulas in words)."""
    rows = list(people)
    n = len(rows)
    active = sum(1 for p in rows if p.active)
    adopted = sum(1 for p in rows if p.active_days_7 >= rules.adoption_days)
    ignited = sum(1 for p in rows if p.active and p.stage >= IGNITION_STAGE)
    power = sum(1 for p in rows if is_power_user(p, rules))
    ratings = [r for p in rows for r in p.ratings]
    stage_counts: dict[int, int] = {}
    for p in rows:
        stage_counts[p.stage] = stage_counts.get(p.stage, 0) + 1
    min_people = rules.min_answers if group_min_people is None else group_min_people
    sentiment = sentiment_of(ratings, min_answers=rules.min_answers) if n >= min_people else None
    scores = Scores(
        key=key,
        enrolled=n,
        active=active,
        adopted=adopted,
        ignited=ignited,
        power_users=power,
        answers=len(ratings),
        stages=stage_counts,
        adoption=share(adopted, n),
        daily_active=share(sum(p.active_days_7 for p in rows), n * ADOPTION_WINDOW_DAYS),
        maturity=math.floor(sum(person_maturity(p, stages) for p in rows) / n + 1e-9) if n else None,
        sentiment=sentiment,
        usage=share(sum(p.active_days_7 for p in rows), n * ADOPTION_WINDOW_DAYS),
        messaging=share(sum(1 for p in rows if p.channel_messages), n),
        platform=share(sum(1 for p in rows if p.platform), n),
        power=share(power, n),
        ignition=share(ignited, n),
        forecast=forecast(enrolled=n, ignited=ignited, past=past, today=today, horizon=horizon),
        stuck=n - active,
        unanswered=unanswered,
    )
    return with_reasons(scores, rules)


def with_reasons(scores: Scores, rules: Thresholds) -> Scores:
    """The red rule: any one reason makes the group red; a group nobody is enrolled in is never red."""
    if not scores.enrolled:
        return scores
    reasons: list[RedReason] = []
    if scores.adoption is not None and scores.adoption < rules.adoption_below:
        reasons.append(RedReason.ADOPTION)
    if scores.sentiment is not None and scores.sentiment < rules.sentiment_below:
        reasons.append(RedReason.SENTIMENT)
    if scores.forecast.missed:
        reasons.append(RedReason.FORECAST)
    if scores.stuck / scores.enrolled > rules.stuck_share_above:
        reasons.append(RedReason.STUCK)
    if scores.unanswered >= rules.unanswered_at_least:
        reasons.append(RedReason.UNANSWERED)
    return Scores(**{**scores.__dict__, "reasons": tuple(reasons)})


def scores_to_data(scores: Scores) -> dict[str, object]:
    """Scores as JSON-ready data (the rollup's `detail`)."""
    data: dict[str, object] = {k: v for k, v in scores.__dict__.items() if k not in ("stages", "forecast", "reasons")}
    data["stages"] = {str(k): v for k, v in scores.stages.items()}
    data["forecast"] = {
        "state": scores.forecast.state.value,
        "week": scores.forecast.week.isoformat() if scores.forecast.week else None,
    }
    data["reasons"] = [r.value for r in scores.reasons]
    return data


def scores_from_data(data: dict[str, object]) -> Scores:
    """The inverse of `scores_to_data` (unknown keys, from a newer version, are ignored)."""
    known = {k: v for k, v in data.items() if k in Scores.__dataclass_fields__}
    stages = known.pop("stages", {}) or {}
    fc = known.pop("forecast", None) or {}
    reasons = known.pop("reasons", []) or []
    assert isinstance(stages, dict) and isinstance(fc, dict) and isinstance(reasons, list)
    week = fc.get("week")
    return Scores(
        **known,  # type: ignore[arg-type]  # plain ints, strings and None, as written by scores_to_data
        stages={int(k): int(v) for k, v in stages.items()},
        forecast=Forecast(
            ForecastState(fc.get("state", ForecastState.NOT_STARTED.value)),
            date.fromisoformat(week) if isinstance(week, str) else None,
        ),
        reasons=tuple(RedReason(r) for r in reasons),
    )
