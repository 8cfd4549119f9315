"""The champions network (seed 001), in plain values: who may be invited, and what a story looks like.

A *candidate* is a power user (the one rule, `bot.domain.insights.is_power_user`, over the metrics window) in a
department the ambassador steers. Their invitation moves invited → accepted | declined; after a decline the
ambassador may invite them again only `reinvite_after_days` later, so "no" is respected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TIP_MAX = 1000  # characters of a tip (a story, not an essay; the digest quotes the start)


class InviteState(StrEnum):
    NONE = "none"  # never invited: the Invite button
    INVITED = "invited"  # waiting for their answer
    ACCEPTED = "accepted"
    DECLINED = "declined"


class InviteOutcome(StrEnum):
    """What an ambassador's Invite click did."""

    SENT = "sent"
    ALREADY_INVITED = "already_invited"
    ALREADY_CHAMPION = "already_champion"
    DECLINED_RECENTLY = "declined_recently"  # declined less than reinvite_after_days ago
    NOT_POWER_USER = "not_power_user"
    NOT_YOURS = "not_yours"  # not in a department the clicker steers (or not a person Coach knows)


def may_invite_again(state: InviteState, answered_at: datetime | None, now: datetime, reinvite_after_days: int) -> bool:
    """A person may be (re-)invited when never invited, or when their decline is older than the waiting time."""
    if state is InviteState.NONE:
        return True
    if state is not InviteState.DECLINED:
        return False
    return answered_at is None or now - answered_at >= timedelta(days=reinvite_after_days)


@dataclass(frozen=True)
class Candidate:
    """A power user of the ambassador's department, with their invitation state."""

    user_id: str
    name: str
    department: str
    active_days: int  # active days in the metrics window
    actions: int  # counted actions in the window
    state: InviteState = InviteState.NONE
    invite_again_from: datetime | None = None  # after a decline: when the ambassador may invite again


@dataclass(frozen=True)
class Invitation:
    """What the invitation DM needs: who is invited, by whom, to which channel."""

    champion_id: int
    user_id: str
    locale: str
    ambassador_user_id: str
    department: str


@dataclass(frozen=True)
class Story:
    """A success story for the digest: a champion's tip or an ambassador's public celebration."""

    user_id: str
    author_user_id: str | None
    kind: str  # tip | celebration
    text: str
    at: datetime
