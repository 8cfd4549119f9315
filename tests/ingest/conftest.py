"""Ingest tests: sessions on the migrated database of `db_url` (tests/conftest.py), and activities to record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory
from bot.domain.activity import Activity
from bot.ingest.batch import EventItem

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
_ids = count()


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def act(event: str, user: str = "U0ANN0001", *, minutes: float = 0, **fields: Any) -> Activity:
    """An activity at T0 + minutes with a fresh event id unless one is given."""
    fields.setdefault("event_id", f"Ev{next(_ids):06d}")
    if "channel_name" in fields:
        fields.setdefault("channel_type", "channel")
    return Activity(event=event, user_id=user, occurred_at=T0 + timedelta(minutes=minutes), **fields)


def item(*activities: Activity, event_id: str | None = "") -> EventItem:
    """One Slack event carrying `activities`; its id is the first activity's unless given (None: no id)."""
    return EventItem(activities[0].event_id if event_id == "" else event_id, activities)
