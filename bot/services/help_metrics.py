"""Help numbers for the admin Home tab and the weekly digest, computed by the domain over stored requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.help.metrics import HelpMetrics, RequestRecord, help_metrics
from bot.services.help_store import ROUTED_STATES
from models import HelpRequest


@dataclass(frozen=True)
class HelpNumbers:
    """The domain's KPIs plus how often the FAQ answered a question before any person had to."""

    metrics: HelpMetrics
    faq_solved: int
    total_routed: int


def request_records(session: Session, *, since: datetime | None = None) -> list[RequestRecord]:
    """Routed requests (FAQ-only drafts never had an owner) as the records the domain's metrics read."""
    query = select(HelpRequest).where(HelpRequest.state.in_(ROUTED_STATES), HelpRequest.routing.is_not(None))
    if since is not None:
        query = query.where(HelpRequest.opened_at >= since)
    records = []
    for row in session.scalars(query):
        if row.opened_at is None or row.sla_first_response_due is None:
            continue
        records.append(
            RequestRecord(
                topic=row.topic,
                department=row.department,
                state=row.state,  # type: ignore[arg-type]  # one of ROUTED_STATES, filtered above
                opened_at=row.opened_at,
                sla_first_response_due=row.sla_first_response_due,
                first_response_at=row.first_response_at,
                closed_at=row.closed_at,
                rating=row.satisfaction,
            )
        )
    return records


def help_numbers(session: Session, *, now: datetime, since: datetime | None = None) -> HelpNumbers:
    """Open requests per topic and department, median first response, % within SLA, oldest, satisfaction."""
    records = request_records(session, since=since)
    faq_query = select(func.count()).select_from(HelpRequest).where(HelpRequest.resolution == "faq")
    if since is not None:
        faq_query = faq_query.where(HelpRequest.opened_at >= since)
    return HelpNumbers(help_metrics(records, now), int(session.scalar(faq_query) or 0), len(records))
