"""A help request's state, the effects a transition asks the flows to carry out, and transition results."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot.domain.business_hours import BusinessHours
from bot.domain.help.directory import SlaHours
from bot.domain.help.routing import ChainLink, deadline, remind_point
from bot.i18n import t

State = Literal["open", "taken", "answered", "closed"]


@dataclass(frozen=True)
class Step:
    """One audit line of a request's history."""

    at: datetime
    kind: str
    actor: str
    note: str = ""


@dataclass(frozen=True)
class HelpState:
    """A help request's state; ``owner`` is whoever must act now (a user id or the admin channel)."""

    request_id: str
    asker: str
    topic: str
    department: str | None
    sla: SlaHours
    chain: tuple[ChainLink, ...]
    position: int
    state: State
    owner: str
    level: int
    owner_is_channel: bool
    owner_hours: BusinessHours | None
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    sla_first_response_due: datetime
    remind_at: datetime
    reminded: bool = False
    first_response_at: datetime | None = None
    answered_at: datetime | None = None
    confirm_due: datetime | None = None
    closed_at: datetime | None = None
    resolution: str | None = None
    reopen_count: int = 0
    rating: int | None = None
    history: tuple[Step, ...] = ()

    @property
    def next_deadline(self) -> datetime | None:
        """What the scheduler waits for: response, resolution, auto-close; None once closed."""
        if self.state == "open":
            return self.first_response_due
        if self.state == "taken":
            return self.resolution_due
        if self.state == "answered":
            return self.confirm_due
        return None

    @property
    def escalation_chain(self) -> tuple[str, ...]:
        """The chain's people and channel, in order, for display."""
        return tuple(c.who for c in self.chain)


@dataclass(frozen=True)
class NotifyAsker:
    """Tell the asker what happened and who has their question now."""

    request_id: str
    asker: str
    kind: str  # routed | taken | handed_over | escalated | answered | auto_closed | reopened
    owner: str
    owner_is_channel: bool
    level: int
    expected_reply_by: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class NotifyOwner:
    """Tell a person they now own a question (or that it moved away from them)."""

    request_id: str
    owner: str
    kind: str  # assigned | handed_over | moved_away | solved
    due: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class RemindOwner:
    """Nudge the owner before (or after) a deadline."""

    request_id: str
    owner: str
    due: datetime
    note: str = ""


@dataclass(frozen=True)
class PostToAdminChannel:
    """A message in the admin help channel: a request landed there, or someone there must act."""

    request_id: str
    channel: str
    kind: str  # assigned | reminder | overdue | taken | answered | handed_over | solved
    owner: str
    due: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class AskAskerToConfirm:
    """Ask the asker whether the answer solved it (buttons: solved / still stuck)."""

    request_id: str
    asker: str
    owner: str


@dataclass(frozen=True)
class AskAskerToRate:
    """Ask the asker for a 1..5 satisfaction score."""

    request_id: str
    asker: str
    owner: str


Effect = NotifyAsker | NotifyOwner | RemindOwner | PostToAdminChannel | AskAskerToConfirm | AskAskerToRate


@dataclass(frozen=True)
class Transition:
    """A successful transition: the new state and what the service layer must now do in Slack."""

    state: HelpState
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class NotOwner:
    """Someone other than the owner clicked a button; ``message`` is safe to show them."""

    actor: str
    owner: str
    message: str


@dataclass(frozen=True)
class Invalid:
    """The action does not fit the request's state or the input is bad; ``reason`` keys its wording.

    The wording lives in ``bot/strings/help.py`` (``help.invalid.<reason>``, ``{verb}`` filled in), so
    views show it in the reader's language; ``message`` is the English text, for logs and tests.
    """

    reason: str
    verb: str = ""

    @property
    def message(self) -> str:
        return t(f"help.invalid.{self.reason}", "en", verb=self.verb)


Result = Transition | NotOwner | Invalid


def admin_channel_of(state: HelpState) -> str:
    """The admin channel at the end of this request's chain."""
    return state.chain[-1].who


def to_owner(state: HelpState, kind: str, due: datetime | None, note: str = "") -> Effect:
    """Reach the owner: a DM for a person, a channel post for the admin channel."""
    if state.owner_is_channel:
        return PostToAdminChannel(state.request_id, state.owner, kind, state.owner, due, note)
    return NotifyOwner(state.request_id, state.owner, kind, due, note)


def tell_asker(state: HelpState, kind: str, note: str = "") -> NotifyAsker:
    """The asker always learns who has their question and when to expect a reply."""
    return NotifyAsker(
        state.request_id,
        state.asker,
        kind,
        state.owner,
        state.owner_is_channel,
        state.level,
        state.next_deadline if state.state in ("open", "taken") else None,
        note,
    )


def logged(state: HelpState, *steps: Step) -> tuple[Step, ...]:
    """History is append-only."""
    return state.history + steps


def assign(state: HelpState, index: int, starts_at: datetime, now: datetime) -> HelpState:
    """Give the request to chain[index] with fresh deadlines counted from ``starts_at``."""
    owner = state.chain[index]
    first_due = deadline(owner.hours, starts_at, state.sla.first_response_hours)
    return replace(
        state,
        state="open",
        position=index,
        owner=owner.who,
        level=owner.level,
        owner_is_channel=owner.is_channel,
        owner_hours=owner.hours,
        first_response_due=first_due,
        resolution_due=deadline(owner.hours, starts_at, state.sla.resolution_hours),
        remind_at=remind_point(owner.hours, now, first_due),
        reminded=False,
    )
