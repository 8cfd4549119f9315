"""Help requests in the database: the domain state as JSON, mirror columns for queries, steps as rows.

The history lives only in ``help_steps``: a state is loaded with an empty history, and whatever a
transition appends (the domain's history is append-only) is inserted as new rows. So loading a request
never reads its steps, and a step is never written twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.business_hours import BusinessHours
from bot.domain.help.directory import SlaHours
from bot.domain.help.routing import ChainLink
from bot.domain.help.state import HelpState
from models import HelpRequest, HelpStep

ROUTED_STATES = ("open", "taken", "answered", "closed")
ACTIVE_STATES = ("open", "taken")


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _hours_json(hours: BusinessHours | None) -> dict[str, Any] | None:
    if hours is None:
        return None
    return {
        "tz": hours.tz,
        "days": list(hours.days),
        "start": hours.start.strftime("%H:%M"),
        "end": hours.end.strftime("%H:%M"),
        "holidays": sorted(d.isoformat() for d in hours.holidays),
    }


def _hours_of(data: dict[str, Any] | None) -> BusinessHours | None:
    if not data:
        return None
    return BusinessHours(
        data["tz"],
        days=data["days"],
        start=time.fromisoformat(data["start"]),
        end=time.fromisoformat(data["end"]),
        holidays=[date.fromisoformat(d) for d in data.get("holidays", ())],
    )


def encode(state: HelpState) -> dict[str, Any]:
    """Everything in the state except the request id and history (those live in columns and rows)."""
    return {
        "asker": state.asker,
        "topic": state.topic,
        "department": state.department,
        "sla": [state.sla.first_response_hours, state.sla.resolution_hours],
        "chain": [
            {"who": c.who, "level": c.level, "hours": _hours_json(c.hours), "is_channel": c.is_channel}
            for c in state.chain
        ],
        "position": state.position,
        "state": state.state,
        "owner": state.owner,
        "level": state.level,
        "owner_is_channel": state.owner_is_channel,
        "owner_hours": _hours_json(state.owner_hours),
        "opened_at": _dt(state.opened_at),
        "first_response_due": _dt(state.first_response_due),
        "resolution_due": _dt(state.resolution_due),
        "sla_first_response_due": _dt(state.sla_first_response_due),
        "remind_at": _dt(state.remind_at),
        "reminded": state.reminded,
        "first_response_at": _dt(state.first_response_at),
        "answered_at": _dt(state.answered_at),
        "confirm_due": _dt(state.confirm_due),
        "closed_at": _dt(state.closed_at),
        "resolution": state.resolution,
        "reopen_count": state.reopen_count,
        "rating": state.rating,
    }


def decode(request_id: int, data: dict[str, Any]) -> HelpState:
    """The domain state of a stored request, with an empty history (see the module docstring)."""

    def need(key: str) -> datetime:
        value = _parse_dt(data[key])
        if value is None:
            raise ValueError(f"help request {request_id} has no {key}")
        return value

    return HelpState(
        request_id=str(request_id),
        asker=data["asker"],
        topic=data["topic"],
        department=data["department"],
        sla=SlaHours(*data["sla"]),
        chain=tuple(ChainLink(c["who"], c["level"], _hours_of(c["hours"]), c["is_channel"]) for c in data["chain"]),
        position=data["position"],
        state=data["state"],
        owner=data["owner"],
        level=data["level"],
        owner_is_channel=data["owner_is_channel"],
        owner_hours=_hours_of(data["owner_hours"]),
        opened_at=need("opened_at"),
        first_response_due=need("first_response_due"),
        resolution_due=need("resolution_due"),
        sla_first_response_due=need("sla_first_response_due"),
        remind_at=need("remind_at"),
        reminded=data["reminded"],
        first_response_at=_parse_dt(data["first_response_at"]),
        answered_at=_parse_dt(data["answered_at"]),
        confirm_due=_parse_dt(data["confirm_due"]),
        closed_at=_parse_dt(data["closed_at"]),
        resolution=data["resolution"],
        reopen_count=data["reopen_count"],
        rating=data["rating"],
    )


def load_state(row: HelpRequest) -> HelpState | None:
    """The domain state of a routed request (None while it is still a FAQ draft)."""
    return decode(row.id, row.routing) if row.routing else None


def wake_time(state: HelpState) -> datetime | None:
    """When the tick must look at this request next: the reminder or the deadline, whichever is first."""
    deadline = state.next_deadline
    if state.state in ACTIVE_STATES and not state.reminded and deadline is not None:
        return min(state.remind_at, deadline)
    return deadline


def save_state(session: Session, row: HelpRequest, state: HelpState) -> list[HelpStep]:
    """Write the state and its mirror columns; append the steps the transition added."""
    row.routing = encode(replace(state, history=()))
    row.state, row.owner, row.level, row.owner_is_channel = (
        state.state,
        state.owner,
        state.level,
        state.owner_is_channel,
    )
    row.topic, row.department = state.topic, state.department
    row.first_response_due, row.resolution_due = state.first_response_due, state.resolution_due
    row.sla_first_response_due, row.next_deadline = state.sla_first_response_due, state.next_deadline
    row.first_response_at, row.answered_at, row.closed_at = state.first_response_at, state.answered_at, state.closed_at
    row.confirm_due, row.resolution, row.reopen_count = state.confirm_due, state.resolution, state.reopen_count
    row.satisfaction, row.wake_at = state.rating, wake_time(state)
    steps = [HelpStep(request_id=row.id, at=s.at, kind=s.kind, actor=s.actor, note=s.note) for s in state.history]
    for step in state.history:
        if step.kind == "reminded":
            row.reminded_at = step.at
    session.add_all(steps)
    session.flush()
    return steps


def add_step(session: Session, request_id: int, *, at: datetime, kind: str, actor: str, note: str = "") -> None:
    """A service-level step (FAQ shown, delivery failed, …) beside the domain's own."""
    session.add(HelpStep(request_id=request_id, at=at, kind=kind, actor=actor, note=note[:2000]))
