"""Business hours: when a help contact is reachable, and SLA deadlines that count only that time.

All datetimes going in and out are timezone-aware and returned in UTC. Local wall-clock rules
(days, start, end, holidays) are applied in the contact's IANA zone through ``zoneinfo``, so DST
changes and half-hour offsets (Asia/Kolkata, +05:30) come out right.

A business day's window is ``[start, end)`` in local time and never crosses midnight (start < end).
If a local start or end falls into a DST gap, ``zoneinfo``'s ``fold=0`` rule reads it with the
offset in force before the jump (02:30 on a spring-forward night in New York becomes 03:30 EDT);
in an ambiguous hour the first occurrence is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead we look for an open window before deciding the schedule can never open.
_MAX_SCAN_DAYS = 3 * 366


def _parse_time(value: str | time) -> time:
    """Accept "09:00" strings from YAML as well as ``time`` objects."""
    if isinstance(value, time):
        return value
    hour, _, minute = value.strip().partition(":")
    return time(int(hour), int(minute or 0))


def _parse_day(value: str | int) -> int:
    """Accept "mon".."sun" (any case, 3+ letters) or 0..6 so playbooks can be written naturally."""
    if isinstance(value, int):
        if not 0 <= value <= 6:
            raise ValueError(f"weekday number must be 0..6, got {value}")
        return value
    key = value.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"unknown weekday {value!r}")
    return WEEKDAYS.index(key)


def _parse_date(value: str | date) -> date:
    """Holidays arrive as ISO strings from YAML or as dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value.strip())


@dataclass(frozen=True)
class BusinessHours:
    """One contact's working week in their own time zone; inputs are normalised on creation."""

    tz: str
    days: tuple[int, ...] = field(default=(0, 1, 2, 3, 4))
    start: time = time(9, 0)
    end: time = time(18, 0)
    holidays: frozenset[date] = frozenset()

    def __init__(
        self,
        tz: str,
        days: Iterable[str | int] = ("mon", "tue", "wed", "thu", "fri"),
        start: str | time = "09:00",
        end: str | time = "18:00",
        holidays: Iterable[str | date] = (),
    ) -> None:
        ZoneInfo(tz)  # fail fast on an unknown zone name
        parsed_days = tuple(sorted({_parse_day(d) for d in days}))
        start_t, end_t = _parse_time(start), _parse_time(end)
        if not parsed_days:
            raise ValueError("business hours need at least one working day")
        if not start_t < end_t:
            raise ValueError(f"business hours start {start_t} must be before end {end_t}")
        object.__setattr__(self, "tz", tz)
        object.__setattr__(self, "days", parsed_days)
        object.__setattr__(self, "start", start_t)
        object.__setattr__(self, "end", end_t)
        object.__setattr__(self, "holidays", frozenset(_parse_date(h) for h in holidays))

    @property
    def zone(self) -> ZoneInfo:
        """The zone object; ZoneInfo caches instances so this is cheap."""
        return ZoneInfo(self.tz)

    def is_business_day(self, day: date) -> bool:
        """A working weekday that is not a holiday."""
        return day.weekday() in self.days and day not in self.holidays


def _require_aware(at: datetime) -> None:
    """Naive datetimes are ambiguous across zones, so refuse them loudly."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def _local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a given day."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def window_on(hours: BusinessHours, day: date) -> tuple[datetime, datetime] | None:
    """The UTC [open, close) window of a local day, or None when it is not a business day."""
    if not hours.is_business_day(day):
        return None
    zone = hours.zone
    return _local_instant(day, hours.start, zone), _local_instant(day, hours.end, zone)


def windows_from(hours: BusinessHours, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Business windows in time order whose close is after ``at``; raises if none for years."""
    _require_aware(at)
    day = at.astimezone(hours.zone).date() - timedelta(days=1)
    empty_days = 0
    while empty_days <= _MAX_SCAN_DAYS:
        window = window_on(hours, day)
        day += timedelta(days=1)
        if window is None or window[1] <= at:
            empty_days += 1
            continue
        empty_days = 0
        yield window
    raise ValueError(f"business hours in {hours.tz} never open within {_MAX_SCAN_DAYS} days")


def is_open(hours: BusinessHours, at: datetime) -> bool:
    """Whether ``at`` falls inside a business window."""
    _require_aware(at)
    local_day = at.astimezone(hours.zone).date()
    window = window_on(hours, local_day)
    return window is not None and window[0] <= at < window[1]


def next_open(hours: BusinessHours, at: datetime) -> datetime:
    """``at`` itself when open, else the start of the next business window (UTC)."""
    start, _ = next(windows_from(hours, at))
    return max(start, at).astimezone(UTC)


def add_business_hours(hours: BusinessHours, start_at: datetime, hours_amount: float) -> datetime:
    """The instant after ``hours_amount`` hours of open time from ``start_at`` (SLA deadlines).

    Elapsed time is real time, so a window on a DST-change day is as long as it really is.
    Zero hours gives the next open instant: "due as soon as they are in".
    """
    if hours_amount < 0:
        raise ValueError("hours_amount must not be negative")
    remaining = timedelta(hours=hours_amount)
    for window_start, window_end in windows_from(hours, start_at):
        begin = max(window_start, start_at)
        available = window_end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(UTC)
        remaining -= available
    raise AssertionError("windows_from never ends without raising")  # pragma: no cover


def business_time_between(hours: BusinessHours, start_at: datetime, end_at: datetime) -> timedelta:
    """Open time elapsed between two instants (zero when end is not after start)."""
    _require_aware(end_at)
    total = timedelta()
    if end_at <= start_at:
        return total
    for window_start, window_end in windows_from(hours, start_at):
        if window_start >= end_at:
            break
        total += min(window_end, end_at) - max(window_start, start_at)
    return total
