"""Celebrations, coalesced: a burst of progress is one message naming all of it, and at most one an hour.

Someone who joins three channels, reacts, and so completes four use cases and a stage in an afternoon
would otherwise get five DMs. Instead:

- every completion (and every stage reached) still queues its own `celebrate` row (nudges/outbox.py keys it
  once per use case or stage), due `CELEBRATION_WAIT` after the completion, so a burst has time to gather;
- when the worker takes one, it first holds it until an hour after the person's last celebration (Coach's
  own or an ambassador's `/coach celebrate`, the kinds whose policy says `celebration`), then merges every
  other waiting celebration of that person into it: they become 'skipped' with "merged into celebration N",
  and the survivor's payload names every use case and the stage, so one message says it all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models import NudgeDelivery
from models.base import UTCDateTime
from nudges.kinds import NudgeKind, kind_values

CELEBRATION_WAIT = timedelta(minutes=10)  # after a completion, so the rest of a burst joins the same message
CELEBRATION_GAP = timedelta(hours=1)  # at most one celebration an hour per person


def celebration_slot(session: Session, person_id: int, now: datetime) -> datetime | None:
    """When this person may next be celebrated (None: now): an hour after their last celebration."""
    last = session.scalar(_last_celebration(), {"person_id": person_id, "since": now - CELEBRATION_GAP})
    return last + CELEBRATION_GAP if last is not None else None


@cache
def _last_celebration() -> Any:
    """The newest celebration sent to :person_id after :since; built once (it runs for every celebration sent)."""
    return select(func.max(NudgeDelivery.sent_at)).where(
        NudgeDelivery.person_id == bindparam("person_id"),
        NudgeDelivery.state == "sent",
        NudgeDelivery.kind.in_(kind_values(lambda policy: policy.celebration)),
        NudgeDelivery.sent_at > bindparam("since", type_=UTCDateTime()),
    )


def merged_payload(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """One celebration's payload for several: every use case in order, the highest stage, the latest next step."""
    use_cases: list[str] = []
    stage = 0
    next_use_case = None
    for payload in payloads:
        for key in [*payload.get("use_cases", []), payload.get("use_case")]:
            if isinstance(key, str) and key and key not in use_cases:
                use_cases.append(key)
        stage = max(stage, int(payload.get("stage") or 0))
        next_use_case = payload.get("next_use_case") or next_use_case
    merged: dict[str, Any] = {"use_cases": use_cases}
    if stage:
        merged["stage"] = stage
    if next_use_case:
        merged["next_use_case"] = next_use_case
    return merged


def coalesce(session: Session, row_id: int, *, worker_id: str) -> dict[str, Any] | None:
    """Merge this person's other waiting celebrations into row `row_id`; its new payload (None: it was merged).

    Waiting means 'pending' (due or not) or claimed by this same worker in its current batch.
    """
    row = session.get(NudgeDelivery, row_id)
    if row is None or row.state != "sending" or row.claimed_by != worker_id:
        return None
    others = session.scalars(
        select(NudgeDelivery)
        .where(
            NudgeDelivery.person_id == row.person_id,
            NudgeDelivery.kind == NudgeKind.CELEBRATE.value,
            NudgeDelivery.id != row.id,
            (NudgeDelivery.state == "pending")
            | ((NudgeDelivery.state == "sending") & (NudgeDelivery.claimed_by == worker_id)),
        )
        .order_by(NudgeDelivery.id)
        .with_for_update()
    ).all()
    if not others:
        return dict(row.payload or {})
    rows = sorted([row, *others], key=lambda r: r.id)
    payload = merged_payload([dict(r.payload or {}) for r in rows])
    for other in others:
        other.state, other.claimed_by, other.claimed_at = "skipped", None, None
        other.last_error = f"merged into celebration {row.id}"
    row.payload = payload
    return payload
