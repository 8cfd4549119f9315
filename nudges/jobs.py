"""Scheduled jobs. Each is a short function: claim rows → act → record; registered with `@job`."""

from __future__ import annotations

from bot.db import session_scope
from bot.deps import Deps
from models import ProcessedEvent
from nudges.scheduler import job


@job("prune_processed_events", seconds=3600)
def prune_processed_events(deps: Deps) -> int:
    """Event ids only need to outlive Slack's retry window (minutes); keep a day of them."""
    from datetime import timedelta

    cutoff = deps.clock.now() - timedelta(days=1)
    with session_scope(deps.session_factory) as session:
        return session.query(ProcessedEvent).filter(ProcessedEvent.received_at < cutoff).delete()
