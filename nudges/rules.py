# Cadence rules: when may a nudge reach a person, so it lands at the right moment, once, and never as spam
# (DESIGN.md §4 flow 4). Pure: no Slack, no database, no clock; time comes in as `now` (aware, UTC).
#
# `decide` applies, in this order:
#   1. skip:  deactivated people get nothing; a kind the person opted out of is skipped (transactional kinds,
#             see nudges/kinds.py, cannot be opted out of); a weekly budget of 0 pauses budgeted kinds.
#   2. holds: each pushes the send time to a lower bound: snooze (paced kinds), Slack do-not-disturb
#             (kinds that respect it, when `respect_dnd`), the weekly budget (budgeted kinds), the minimum gap
#             and back-off since the last nudge (paced kinds).
#   3. calendar: the latest bound is moved into the person's working hours, on a working weekday that is not
#             a holiday, in *their* time zone (unknown or missing zones fall back to UTC); urgent kinds
#             (nudges/kinds.py) do not wait for working hours. Holidays are the company's own days off
#             (the playbook's list) plus the public holidays of the person's country (bot/domain/places.py).
# The deferral time is therefore a fixed point: deciding again at it, with nothing else changed, sends.
#
# Back-off: with `min_gap_hours` g and `backoff_after_ignored` n, the gap after the last nudge is g while
# fewer than n nudges in a row were ignored, then doubles per ignored nudge, capped at `max_backoff_days`:
#     ignored streak   0    1    2    3    4     5     6+
#     gap (20h, n=2)   20h  20h  40h  80h  160h  320h  14 days (the cap)
#
# Weekly budget: at most `weekly_budget` budgeted nudges in any rolling 7 days. Give `budget_sent_at` for an
# exact next slot; with only the count, the slot is 7 days after the last nudge (every counted one is older).
#
# Daylight-saving days: a working window only contains moments whose wall clock reads within working hours.
# A start or end time the clock skips (spring forward) is taken as the moment of the jump; a start time the
# clock repeats (fall back) is its second occurrence, a repeated end time its first.
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.places import public_holiday
from nudges.kinds import KindPolicy, NudgeKind

BUDGET_WINDOW = timedelta(days=7)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class CadenceRules:
    """The playbook's cadence section: the limits every nudge respects so coaching never becomes spam."""

    work_start: time = time(9, 30)
    work_end: time = time(17, 30)
    weekdays: frozenset[int] = frozenset(range(5))  # 0 = Monday, as date.weekday()
    holidays: frozenset[date] = frozenset()  # local dates, in each person's own time zone
    weekly_budget: int = 3
    min_gap_hours: float = 20.0
    backoff_after_ignored: int = 2
    max_backoff_days: float = 14.0
    reengage_after_days: int = 14
    respect_dnd: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if self.work_start.tzinfo or self.work_end.tzinfo or self.work_start >= self.work_end:
            raise ValueError("working hours need a naive start before the end, within one day")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")
        if min(self.weekly_budget, self.min_gap_hours, self.max_backoff_days, self.reengage_after_days) < 0:
            raise ValueError("budget, gaps and days cannot be negative")
        if self.backoff_after_ignored < 1:
            raise ValueError("backoff_after_ignored must be at least 1")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CadenceRules:
        """Build from the playbook's `cadence` mapping (YAML strings); missing keys keep defaults."""
        values: dict[str, Any] = {}
        hours = data.get("working_hours") or {}
        if "start" in hours:
            values["work_start"] = _parse_time(hours["start"])
        if "end" in hours:
            values["work_end"] = _parse_time(hours["end"])
        if "weekdays" in data:
            values["weekdays"] = frozenset(_parse_weekday(day) for day in data["weekdays"])
        if "holidays" in data:
            values["holidays"] = frozenset(_parse_date(day) for day in data["holidays"])
        plain = ("weekly_budget", "min_gap_hours", "backoff_after_ignored", "max_backoff_days")
        for name in (*plain, "reengage_after_days", "respect_dnd"):
            if name in data:
                values[name] = data[name]
        return cls(**values)


def _parse_time(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _parse_weekday(value: str | int) -> int:
    if isinstance(value, int):
        return value
    name = value.strip().lower()[:3]
    if name not in WEEKDAY_NAMES:
        raise ValueError(f"unknown weekday {value!r}; use mon, tue, wed, thu, fri, sat, sun")
    return WEEKDAY_NAMES.index(name)


def _parse_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the rules need to know about one person at decision time (a snapshot, built by the planner)."""

    user_id: str
    tz: str | None = "UTC"  # IANA name from Slack's users.info; unknown or missing means UTC
    country: str | None = None  # ISO 3166 code whose public holidays the person has off; None: company days only
    deactivated: bool = False
    snoozed_until: datetime | None = None
    opted_out: frozenset[NudgeKind] = frozenset()
    sent_in_last_7_days: int = 0  # budgeted nudges in the 7 days before `now`
    last_sent_at: datetime | None = None  # last nudge of any kind
    ignored_streak: int = 0  # consecutive nudges without interaction
    dnd_until: datetime | None = None  # from Slack dnd.info
    budget_sent_at: tuple[datetime, ...] = ()  # optional: when budgeted nudges went out

    def __post_init__(self) -> None:
        object.__setattr__(self, "opted_out", frozenset(NudgeKind(kind) for kind in self.opted_out))
        object.__setattr__(self, "budget_sent_at", tuple(self.budget_sent_at))
        moments = [self.snoozed_until, self.last_sent_at, self.dnd_until, *self.budget_sent_at]
        if any(moment is not None and moment.utcoffset() is None for moment in moments):
            raise ValueError("recipient times must be timezone-aware")
        if self.sent_in_last_7_days > 0 and self.last_sent_at is None and not self.budget_sent_at:
            raise ValueError("sent_in_last_7_days > 0 needs last_sent_at (or budget_sent_at)")


class Verdict(StrEnum):
    """What to do with a nudge now."""

    SEND_NOW = "send_now"
    DEFER = "defer"
    SKIP = "skip"


class ReasonCode(StrEnum):
    """Machine-readable cause of a deferral or skip, for counting in logs and metrics."""

    DEACTIVATED = "deactivated"
    OPTED_OUT = "opted_out"
    BUDGET_ZERO = "budget_zero"
    SNOOZED = "snoozed"
    DND = "dnd"
    BUDGET = "budget"
    MIN_GAP = "min_gap"
    BACKOFF = "backoff"
    HOLIDAY = "holiday"
    WEEKEND = "weekend"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True, slots=True)
class CadenceDecision:
    """The outcome of `decide`: send now, defer until `at`, or skip; `reason` is what `coach outbox` shows."""

    verdict: Verdict
    at: datetime | None = None
    reason: str = ""
    code: ReasonCode | None = None

    @classmethod
    def send_now(cls) -> CadenceDecision:
        """Every rule allows it at this moment."""
        return cls(Verdict.SEND_NOW)

    @classmethod
    def defer_until(cls, at: datetime, reason: str, code: ReasonCode) -> CadenceDecision:
        """Still wanted, but not before `at` (the earliest moment every rule allows)."""
        return cls(Verdict.DEFER, at, reason, code)

    @classmethod
    def skip(cls, reason: str, code: ReasonCode) -> CadenceDecision:
        """Never send this one (deactivated, opted out, budget switched off)."""
        return cls(Verdict.SKIP, None, reason, code)

    def __str__(self) -> str:
        if self.verdict is Verdict.SEND_NOW:
            return "send now"
        if self.at is not None:
            return f"defer until {self.at:%Y-%m-%d %H:%M} UTC — {self.reason}"
        return f"skip — {self.reason}"


@functools.lru_cache(maxsize=1024)
def resolve_zone(tz_name: str | None) -> tuple[str, tzinfo]:
    """The person's zone name and tzinfo, or UTC when Slack gave none or a name we cannot load."""
    if tz_name:
        try:
            return tz_name, ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return "UTC", UTC


def _wall_to_utc(wall: datetime, zone: tzinfo, *, later: bool) -> datetime:
    """The UTC instant of a local wall time; skipped times map to the jump, repeated ones to first/second."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first > second:  # the clock jumps over `wall`
        return _jump_instant(second, first, zone)
    return second if later else first


def _jump_instant(before: datetime, after: datetime, zone: tzinfo) -> datetime:
    """The first second with the post-jump offset (zoneinfo exposes no transition list, so bisect)."""
    low, high = int(before.timestamp()), int(after.timestamp())
    target = after.astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def day_off(rules: CadenceRules, country: str | None, day: date) -> str | None:
    """Why local `day` is a holiday: the company's own day off, or the country's public holiday; None if not."""
    if day in rules.holidays:
        return f"holiday {day.isoformat()}"
    name = public_holiday(country, day)
    return f"public holiday in {country}: {name} {day.isoformat()}" if name else None


@functools.lru_cache(maxsize=32768)
def local_window_utc(
    rules: CadenceRules, tz_name: str | None, day: date, country: str | None = None
) -> tuple[datetime, datetime] | None:
    """Working hours of local `day` in `tz_name` as a UTC [start, end), or None on a day off (a weekend, a
    company holiday, or a public holiday of `country`).

    Cached per (rules, zone, date, country) so the planner computes it once per place, not once per person.
    """
    if day.weekday() not in rules.weekdays or day_off(rules, country, day):
        return None
    zone = resolve_zone(tz_name)[1]
    start = _wall_to_utc(datetime.combine(day, rules.work_start), zone, later=True)
    end = _wall_to_utc(datetime.combine(day, rules.work_end), zone, later=False)
    return (start, end) if start < end else None


def is_working_moment(rules: CadenceRules, tz_name: str | None, now: datetime, country: str | None = None) -> bool:
    """Whether `now` falls inside the working hours of a working day in `tz_name` (and `country`)."""
    now = _as_utc(now)
    window = local_window_utc(rules, tz_name, now.astimezone(resolve_zone(tz_name)[1]).date(), country)
    return window is not None and window[0] <= now < window[1]


def next_working_moment(rules: CadenceRules, tz_name: str | None, at: datetime, country: str | None = None) -> datetime:
    """The earliest instant ≥ `at` inside working hours on a working, non-holiday day in `tz_name`, where
    holidays are the company's and `country`'s public ones."""
    at = _as_utc(at)
    day = at.astimezone(resolve_zone(tz_name)[1]).date()
    # Every 7 days hold a working weekday unless a holiday (or a DST-swallowed window) takes it; public
    # holidays in a row (Golden Week, the year's end) are a few weeks at most.
    for offset in range(7 * (len(rules.holidays) + 3) + (28 if country else 0)):
        window = local_window_utc(rules, tz_name, day + timedelta(days=offset), country)
        if window is not None and at < window[1]:
            return max(at, window[0])
    raise ValueError(f"no working hours ever in {tz_name!r} under {rules}")


def effective_gap(rules: CadenceRules, ignored_streak: int) -> timedelta:
    """The minimum gap after the last nudge, doubled per ignored nudge past the threshold, capped."""
    base = timedelta(hours=rules.min_gap_hours)
    doublings = ignored_streak - rules.backoff_after_ignored + 1
    if doublings <= 0:
        return base
    cap = max(base, timedelta(days=rules.max_backoff_days))
    return cap if doublings >= 32 else min(base * 2**doublings, cap)


def reengage_due(rules: CadenceRules, last_active_at: datetime, now: datetime) -> bool:
    """Whether someone has been quiet long enough to be sent a re-engagement nudge."""
    return _as_utc(now) - _as_utc(last_active_at) >= timedelta(days=rules.reengage_after_days)


def start_of_local_day(tz_name: str | None, day: date) -> datetime:
    """The first instant of local `day` in UTC, for "snooze until <date>"."""
    return _wall_to_utc(datetime.combine(day, time()), resolve_zone(tz_name)[1], later=False)


@dataclass(frozen=True, slots=True)
class _Hold:
    code: ReasonCode
    until: datetime


def _budget_used(rules: CadenceRules, recipient: Recipient, now: datetime) -> tuple[int, datetime | None]:
    """Budgeted nudges in the rolling week before `now`, and when the budget has room again (None: it has)."""
    if recipient.budget_sent_at:
        recent = sorted((t for t in recipient.budget_sent_at if t > now - BUDGET_WINDOW), reverse=True)
        if len(recent) < rules.weekly_budget:
            return len(recent), None
        return len(recent), _as_utc(recent[rules.weekly_budget - 1]) + BUDGET_WINDOW
    last = recipient.last_sent_at
    if last is None or now >= last + BUDGET_WINDOW:
        return 0, None  # every counted nudge is older than the last one, so all have left the window
    count = recipient.sent_in_last_7_days
    return count, (_as_utc(last) + BUDGET_WINDOW if count >= rules.weekly_budget else None)


def _holds(rules: CadenceRules, recipient: Recipient, policy: KindPolicy, now: datetime) -> list[_Hold]:
    """Everything that keeps this nudge back at `now`, each with the moment it lifts, in reporting order."""
    holds: list[_Hold] = []
    if policy.paced and recipient.snoozed_until is not None and recipient.snoozed_until > now:
        holds.append(_Hold(ReasonCode.SNOOZED, _as_utc(recipient.snoozed_until)))
    if policy.respects_dnd and rules.respect_dnd and recipient.dnd_until is not None and recipient.dnd_until > now:
        holds.append(_Hold(ReasonCode.DND, _as_utc(recipient.dnd_until)))
    if policy.budgeted and rules.weekly_budget > 0:  # a zero budget is a skip in `decide`, not a time
        free_at = _budget_used(rules, recipient, now)[1]
        if free_at is not None:
            holds.append(_Hold(ReasonCode.BUDGET, free_at))
    if policy.paced and recipient.last_sent_at is not None:
        gap_end = _as_utc(recipient.last_sent_at) + effective_gap(rules, recipient.ignored_streak)
        if gap_end > now:
            backing_off = recipient.ignored_streak >= rules.backoff_after_ignored
            holds.append(_Hold(ReasonCode.BACKOFF if backing_off else ReasonCode.MIN_GAP, gap_end))
    return holds


def next_allowed_time(
    rules: CadenceRules, recipient: Recipient, now: datetime, *, kind: NudgeKind | None = None
) -> datetime:
    """The earliest moment ≥ `now` a nudge of `kind` (default: any budgeted coaching nudge) may be sent.

    Skips are not times: deactivation, opt-outs and a zero weekly budget are only reported by `decide`.
    """
    now = _as_utc(now)
    policy = (kind or NudgeKind.NEXT_USE_CASE).policy
    bounds = [now, *(hold.until for hold in _holds(rules, recipient, policy, now))]
    if not policy.waits_for_working_hours:
        return max(bounds)
    return next_working_moment(rules, recipient.tz, max(bounds), recipient.country)


def decide(rules: CadenceRules, recipient: Recipient, kind: NudgeKind, now: datetime) -> CadenceDecision:
    """Send now, defer (until the earliest allowed moment) or skip one nudge for one person."""
    now = _as_utc(now)
    policy = kind.policy
    if recipient.deactivated:
        return CadenceDecision.skip("deactivated", ReasonCode.DEACTIVATED)
    if policy.can_opt_out and kind in recipient.opted_out:
        return CadenceDecision.skip(f"opted out of {kind}", ReasonCode.OPTED_OUT)
    if policy.budgeted and rules.weekly_budget == 0:
        return CadenceDecision.skip("weekly budget is 0", ReasonCode.BUDGET_ZERO)
    holds = _holds(rules, recipient, policy, now)
    at = max([now, *(hold.until for hold in holds)])
    if policy.waits_for_working_hours:
        at = next_working_moment(rules, recipient.tz, at, recipient.country)
    if at == now:
        return CadenceDecision.send_now()
    if holds:
        return CadenceDecision.defer_until(at, _hold_reason(rules, recipient, holds[0], now, at), holds[0].code)
    return _calendar_deferral(rules, recipient.tz, now, at, recipient.country)


def _hold_reason(rules: CadenceRules, recipient: Recipient, hold: _Hold, now: datetime, at: datetime) -> str:
    zone = resolve_zone(recipient.tz)[1]
    if hold.code is ReasonCode.SNOOZED:
        return f"snoozed until {_local(hold.until, zone)}"
    if hold.code is ReasonCode.DND:
        return f"do not disturb until {_local(hold.until, zone)}"
    if hold.code is ReasonCode.BUDGET:
        used = _budget_used(rules, recipient, now)[0]
        return f"weekly budget used ({used}/{rules.weekly_budget}) — next slot {_local(at, zone)}"
    if hold.code is ReasonCode.BACKOFF:
        return f"backing off: {recipient.ignored_streak} nudges ignored"
    return f"minimum gap {rules.min_gap_hours:g}h since last nudge"


def _calendar_deferral(
    rules: CadenceRules, tz_name: str | None, now: datetime, at: datetime, country: str | None = None
) -> CadenceDecision:
    name, zone = resolve_zone(tz_name)
    today = now.astimezone(zone).date()
    off = day_off(rules, country, today)
    if off:
        return CadenceDecision.defer_until(at, off, ReasonCode.HOLIDAY)
    if today.weekday() not in rules.weekdays:
        return CadenceDecision.defer_until(at, "weekend", ReasonCode.WEEKEND)
    if name != tz_name:
        name = f"UTC (no usable time zone: {tz_name!r})"
    return CadenceDecision.defer_until(at, f"outside working hours in {name}", ReasonCode.OFF_HOURS)


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _as_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass aware UTC times")
    return moment.astimezone(UTC)


def working_zones(rules: CadenceRules, tz_names: Iterable[str | None], now: datetime) -> frozenset[str | None]:
    """The zones among `tz_names` where `now` is working time: one check per zone, not per person."""
    return frozenset(tz_name for tz_name in set(tz_names) if is_working_moment(rules, tz_name, now))
