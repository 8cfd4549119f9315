"""Help KPIs over request records: open per topic and department, first response, SLA share, satisfaction."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.help.state import HelpState, State


@dataclass(frozen=True)
class RequestRecord:
    """What metrics need about one request (the service layer builds these from its rows)."""

    topic: str
    department: str | None
    state: State
    opened_at: datetime
    sla_first_response_due: datetime
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None


def record_of(state: HelpState) -> RequestRecord:
    """Project a request's state onto the fields metrics use."""
    return RequestRecord(
        topic=state.topic,
        department=state.department,
        state=state.state,
        opened_at=state.opened_at,
        sla_first_response_due=state.sla_first_response_due,
        first_response_at=state.first_response_at,
        closed_at=state.closed_at,
        rating=state.rating,
    )


def open_by_topic(records: Iterable[RequestRecord]) -> dict[str, int]:
    """Requests not yet closed, per topic."""
    return dict(Counter(r.topic for r in records if r.state != "closed"))


def open_by_department(records: Iterable[RequestRecord]) -> dict[str | None, int]:
    """Requests not yet closed, per department (None: no department known)."""
    return dict(Counter(r.department for r in records if r.state != "closed"))


def median_first_response(records: Iterable[RequestRecord]) -> timedelta | None:
    """Median wall-clock time from asking to the first take or answer."""
    waits = sorted(r.first_response_at - r.opened_at for r in records if r.first_response_at is not None)
    if not waits:
        return None
    middle = len(waits) // 2
    return waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2


def share_within_sla(records: Iterable[RequestRecord], now: datetime) -> float | None:
    """Share (0..1) of decided requests first answered by the SLA; unanswered past due count as misses."""
    decided = hits = 0
    for r in records:
        if r.first_response_at is not None:
            decided += 1
            hits += r.first_response_at <= r.sla_first_response_due
        elif now > r.sla_first_response_due:
            decided += 1
    return hits / decided if decided else None


def oldest_open(records: Iterable[RequestRecord]) -> RequestRecord | None:
    """The request that has waited longest without being closed."""
    return min((r for r in records if r.state != "closed"), key=lambda r: r.opened_at, default=None)


def mean_satisfaction(records: Iterable[RequestRecord]) -> float | None:
    """Average 1..5 rating over rated requests."""
    scores = [r.rating for r in records if r.rating is not None]
    return statistics.fmean(scores) if scores else None


@dataclass(frozen=True)
class HelpMetrics:
    """All help KPIs at once, for the admin Home tab and the weekly digest."""

    open_by_topic: dict[str, int]
    open_by_department: dict[str | None, int]
    median_first_response: timedelta | None
    share_within_sla: float | None
    oldest_open: RequestRecord | None
    mean_satisfaction: float | None


def help_metrics(records: Sequence[RequestRecord], now: datetime) -> HelpMetrics:
    """Compute every help KPI over the same records."""
    return HelpMetrics(
        open_by_topic=open_by_topic(records),
        open_by_department=open_by_department(records),
        median_first_response=median_first_response(records),
        share_within_sla=share_within_sla(records, now),
        oldest_open=oldest_open(records),
        mean_satisfaction=mean_satisfaction(records),
    )
