"""Held outbox rows: new-stage nudges parked while a wave does not allow them, until the admin decides.

A row is 'held' when the wave of its person is at the feedback gate or paused (or in refreeze) and the row
pushes a new stage (nudges.phases.NEW_STAGE_KINDS). The delivery worker holds such rows at send time, and
opening the gate or pausing holds the ones already queued, so nothing new-stage leaves while it is time to
listen. The worker never claims a held row: a wave whose admin never decides keeps holding.

When the admin decides, `settle_held` applies the decision to the wave's held rows:
  - the wave is back in a phase that sends them (Adjust → change; Resume of a wave paused in change):
    released — 'pending', due now, and counted as planned now (so a row held for weeks is not dropped as
    expired the moment it is released);
  - the wave is running but still does not send them (Extend → more refreeze, then the gate again; a wave
    resumed at its gate): they stay held;
  - the wave is over (Advance completes it): dropped ('skipped') with the reason recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from models import NudgeDelivery, Wave, WaveMembership
from nudges.kinds import NudgeKind
from nudges.phases import HELD_PREFIX, NEW_STAGE_KINDS, describe, policy_for

_NEW_STAGE = sorted(kind.value for kind in NEW_STAGE_KINDS)


@dataclass(frozen=True)
class HoldReport:
    held: int = 0
    released: int = 0
    dropped: int = 0


def _members(wave_id: int) -> Any:
    return select(WaveMembership.person_id).where(WaveMembership.wave_id == wave_id).scalar_subquery()


def hold_queued(session: Session, wave: Wave) -> int:
    """Hold the wave's queued new-stage rows now (the gate opened or the wave was paused)."""
    reason = HELD_PREFIX + "the wave is " + describe(policy_for(wave.state, wave.phase))
    result = session.execute(
        update(NudgeDelivery)
        .where(
            NudgeDelivery.state == "pending",
            NudgeDelivery.kind.in_(_NEW_STAGE),
            NudgeDelivery.person_id.in_(_members(wave.id)),
        )
        .values(state="held", last_error=reason)
    )
    return rowcount(result)


def settle_held(session: Session, wave: Wave, *, decision: str, now: datetime) -> HoldReport:
    """Apply the admin's decision (`decision`: advance, extend, adjust, resume) to the wave's held rows."""
    policy = policy_for(wave.state, wave.phase)
    held = select(NudgeDelivery).where(NudgeDelivery.state == "held", NudgeDelivery.person_id.in_(_members(wave.id)))
    released = dropped = kept = 0
    for row in session.scalars(held):
        if policy.verdict(NudgeKind(row.kind)) == "send":
            row.state, row.due_at, row.created_at = "pending", now, now
            row.last_error = f"released: the admin chose {decision}"
            released += 1
        elif wave.state in ("active", "paused"):
            row.last_error = f"{HELD_PREFIX}still held after {decision}: the wave is {describe(policy)}"
            kept += 1
        else:
            row.state = "skipped"
            row.last_error = f"held at the feedback gate; dropped: the admin chose {decision}, the wave is over"
            dropped += 1
    session.flush()
    return HoldReport(held=kept, released=released, dropped=dropped)
