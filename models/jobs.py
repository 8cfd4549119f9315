"""Coordination rows shared by replicas: who runs each periodic job's slot, and Slack's shared send pace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class JobClaim(Base):
    """One row per periodic job: the newest interval slot a replica claimed, by whom, until when.

    A slot is `floor(epoch seconds / interval)`. A replica runs the job only if it moved `slot` forward (or
    retook a slot whose holder's lease ran out before it finished), so each slot runs once across replicas.
    """

    __tablename__ = "job_claims"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger)
    holder: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class SlackPace(Base):
    """A shared send schedule for one Slack rate-limit bucket (e.g. chat.postMessage workspace-wide).

    `next_at` is the earliest wall-clock time (epoch seconds) the next call may start; a replica takes a slot by
    moving it forward one interval. `paused_until` is the end of the latest 429's Retry-After seen by any replica.
    """

    __tablename__ = "slack_pace"

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
    paused_until: Mapped[float] = mapped_column(Float, default=0.0)
