"""Slack retries an event up to three times; each event_id is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import insert_ignore
from models import ProcessedEvent


def claim_event(session: Session, *, event_id: str, now: datetime) -> bool:
    """Record the event id; False means another delivery of it was already processed."""
    return insert_ignore(session, ProcessedEvent, {"event_id": event_id, "received_at": now}, conflict=["event_id"])
