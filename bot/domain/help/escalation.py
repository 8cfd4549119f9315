"""What time does to a request: reminders at 75%, escalation down the chain, auto-close after an answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.help.directory import Directory
from bot.domain.help.routing import ASKER_SKIP, LEVEL_NAMES, IsActive, deadline, escalation_chain, select
from bot.domain.help.state import (
    Effect,
    HelpState,
    NotifyOwner,
    PostToAdminChannel,
    RemindOwner,
    Step,
    Transition,
    admin_channel_of,
    assign,
    logged,
    tell_asker,
    to_owner,
)


def _refresh_chain(state: HelpState, directory: Directory | None, ambassadors: Sequence[str] | None) -> HelpState:
    """Pick up playbook or ambassador changes for the rest of the chain, if the current link is in it."""
    if directory is None:
        return state
    fresh = escalation_chain(directory, topic=state.topic, department=state.department, ambassadors=ambassadors or ())
    current = state.chain[state.position]
    index = next((i for i, c in enumerate(fresh) if c.who == current.who), None)
    if index is None:
        return state
    return replace(state, chain=fresh, position=index)


END_OF_CHAIN_RECHECK = timedelta(days=1)  # the shortest gap between reminders once nobody further can take it


def _extend(state: HelpState, now: datetime, kind: str, note: str) -> Transition:
    """End of the chain: nobody further to escalate to, so keep the owner and remind once a day.

    The SLA is not re-armed (a 4-hour SLA would post to the admin channel twice every 4 hours, night and day);
    the extension post is the reminder, and the next check comes one SLA or one day later, whichever is later.
    """
    hours = state.owner_hours
    due = max(deadline(hours, now, state.sla.first_response_hours), now + END_OF_CHAIN_RECHECK)
    is_open_state = state.state == "open"
    new = replace(
        state,
        first_response_due=due if is_open_state else state.first_response_due,
        resolution_due=state.resolution_due if is_open_state else due,
        remind_at=due,
        reminded=True,
        history=logged(state, Step(now, "reminded", state.owner, note)),
    )
    effects: list[Effect] = [to_owner(new, kind, due, note)]
    if not new.owner_is_channel:
        alert = PostToAdminChannel(state.request_id, admin_channel_of(state), "overdue", state.owner, due, note)
        effects.append(alert)
    return Transition(new, tuple(effects))


def escalate(state: HelpState, now: datetime, is_active: IsActive, reason: str, kind: str) -> Transition:
    """Move the request one step down the chain, skipping unreachable people with a reason each."""
    last = len(state.chain) - 1
    owner_gone = not state.owner_is_channel and not is_active(state.owner)
    at_end = state.position >= last
    if at_end and kind != "reopened" and (state.owner_is_channel or not owner_gone):
        return _extend(state, now, "reminder" if state.owner_is_channel else "overdue", reason)
    exclude = {state.asker: ASKER_SKIP, state.owner: "already had it"}
    chosen = select(state.chain, min(state.position + 1, last), now, is_active, exclude)
    previous = state
    new = assign(state, chosen.index, chosen.starts_at, now)
    skips = tuple(Step(now, "skipped", who, why) for who, why in chosen.skipped)
    moved = Step(now, "escalated", new.owner, f"{reason}; from {previous.owner} to {LEVEL_NAMES[new.level]}")
    new = replace(new, history=logged(state, *skips, moved))
    effects: list[Effect] = [
        tell_asker(new, kind, reason),
        to_owner(new, "assigned", new.first_response_due),
    ]
    if not previous.owner_is_channel and not owner_gone:
        effects.append(NotifyOwner(state.request_id, previous.owner, "moved_away", None, reason))
    return Transition(new, tuple(effects))


def tick(
    state: HelpState,
    directory: Directory | None,
    now: datetime,
    is_active: IsActive,
    ambassadors: Sequence[str] | None = None,
) -> Transition:
    """Advance time: escalate overdue or orphaned requests, remind once at 75%, auto-close answered ones.

    An answered request the asker never confirms closes as solved at ``confirm_due`` (``answer``'s
    ``auto_close_days``, default 3). At most one escalation happens per tick; the new owner gets fresh
    deadlines from ``now``, so a late tick never skips several levels at once.
    """
    if state.state == "closed":
        return Transition(state)
    if state.state == "answered":
        if state.confirm_due is not None and now >= state.confirm_due:
            return _auto_close(state, now)
        return Transition(state)
    state = _refresh_chain(state, directory, ambassadors)
    if not state.owner_is_channel and not is_active(state.owner):
        return escalate(state, now, is_active, f"{state.owner} is deactivated", "escalated")
    if state.state == "open" and now >= state.first_response_due:
        return escalate(state, now, is_active, "no response by the first-response deadline", "escalated")
    if state.state == "taken" and now >= state.resolution_due:
        return escalate(state, now, is_active, "not resolved by the resolution deadline", "escalated")
    if not state.reminded and now >= state.remind_at:
        due = state.next_deadline or now
        reminded = replace(state, reminded=True, history=logged(state, Step(now, "reminded", state.owner)))
        if state.owner_is_channel:
            return Transition(reminded, (to_owner(state, "reminder", due),))
        return Transition(reminded, (RemindOwner(state.request_id, state.owner, due),))
    return Transition(state)


def _auto_close(state: HelpState, now: datetime) -> Transition:
    """No reply from the asker: treat the answer as good enough and close, saying so."""
    note = "no reply from the asker after the answer; closed as solved"
    new = replace(
        state,
        state="closed",
        closed_at=now,
        resolution="auto_closed",
        history=logged(state, Step(now, "auto_closed", "system", note)),
    )
    return Transition(new, (tell_asker(new, "auto_closed", note),))
