"""Daily per-group snapshots of the rollout's numbers, and which departments are red (docs/metrics.md).

A rollup row is one group (a department, a wave or the whole company) on one UTC day, written by the metrics
tick: the tick recomputes today's row (upsert on day, scope and key), so running it twice, or on two replicas,
leaves one row with the same numbers. The admin Home reads the newest day's rows instead of scanning people and
activity, and a department's history gives the ignition forecast its pace.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class MetricRollup(Base):
    """One group's scores on one day; `detail` holds every score (bot.domain.insights.Scores as plain data)."""

    __tablename__ = "metric_rollups"
    __table_args__ = (UniqueConstraint("day", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    scope: Mapped[str] = mapped_column(String(16))  # department | wave | company
    key: Mapped[str] = mapped_column(String(128))  # department name, wave id, or "all"
    computed_at: Mapped[datetime]
    enrolled: Mapped[int] = mapped_column(default=0)
    active: Mapped[int] = mapped_column(default=0)
    ignited: Mapped[int] = mapped_column(default=0)
    adoption: Mapped[int | None]
    maturity: Mapped[int | None]
    sentiment: Mapped[int | None]
    red: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RedDepartment(Base):
    """A department's red state as last reported, so turning red, staying red and recovering are told once each."""

    __tablename__ = "red_departments"

    department: Mapped[str] = mapped_column(String(128), primary_key=True)
    red: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    since: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]  # the last "red" report (again at most every red_repeat_days)
    recovered_at: Mapped[datetime | None]
