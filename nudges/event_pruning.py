"""Pruning the event-id ledger: ids only need to outlive Slack's retry window."""

from __future__ import annotations

from datetime import timedelta

from bot.db import session_scope
from bot.deps import Deps
from models import ProcessedEvent


def prune_processed_events(deps: Deps) -> int:
    """Event ids only need to outlive Slack's retry window (minutes); keep a day of them."""
    cutoff = deps.clock.now() - timedelta(days=1)
    with session_scope(deps.session_factory) as session:
        return session.query(ProcessedEvent).filter(ProcessedEvent.received_at < cutoff).delete()
