"""What people do to a request: open it, take it, answer it, hand it over, confirm and rate the answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.help.directory import Directory
from bot.domain.help.escalation import escalate
from bot.domain.help.routing import LEVEL_NAMES, IsActive, deadline, remind_point, route
from bot.domain.help.state import (
    AskAskerToConfirm,
    AskAskerToRate,
    Effect,
    HelpState,
    Invalid,
    NotifyOwner,
    NotOwner,
    PostToAdminChannel,
    Result,
    Step,
    Transition,
    admin_channel_of,
    logged,
    tell_asker,
    to_owner,
)


def _mention(who: str, is_channel: bool) -> str:
    """Slack mention text for a person; channels are shown by name."""
    return who if is_channel else f"<@{who}>"


def open_request(
    directory: Directory,
    *,
    request_id: str,
    asker: str,
    topic: str,
    department: str | None,
    ambassadors: Sequence[str],
    is_active: IsActive,
    now: datetime,
) -> Transition:
    """Create a request, route it, and tell both the asker and the owner at once."""
    decision = route(
        directory,
        topic=topic,
        department=department,
        ambassadors=ambassadors,
        is_active=is_active,
        now=now,
        asker=asker,
    )
    owner = decision.chain[decision.position]
    state = HelpState(
        request_id=request_id,
        asker=asker,
        topic=topic,
        department=department,
        sla=directory.sla_for(topic),
        chain=decision.chain,
        position=decision.position,
        state="open",
        owner=owner.who,
        level=owner.level,
        owner_is_channel=owner.is_channel,
        owner_hours=owner.hours,
        opened_at=now,
        first_response_due=decision.first_response_due,
        resolution_due=decision.resolution_due,
        sla_first_response_due=decision.first_response_due,
        remind_at=remind_point(owner.hours, now, decision.first_response_due),
    )
    skips = tuple(Step(now, "skipped", who, reason) for who, reason in decision.skipped)
    night = " (outside business hours: clock starts when they are back)" if decision.out_of_hours else ""
    assigned = Step(now, "assigned", owner.who, f"{LEVEL_NAMES[owner.level]}{night}")
    state = replace(state, history=(Step(now, "opened", asker, topic), *skips, assigned))
    effects = (tell_asker(state, "routed"), to_owner(state, "assigned", state.first_response_due))
    return Transition(state, effects)


def _not_owner(state: HelpState, actor: str) -> NotOwner:
    """A polite refusal that names who does own the question."""
    who = _mention(state.owner, state.owner_is_channel)
    message = f"Thanks for offering! This question is with {who} now, so only they can act on it."
    return NotOwner(actor, state.owner, message)


def check_actor(state: HelpState, actor: str, verb: str) -> NotOwner | Invalid | None:
    """Refuse closed/answered requests and non-owners; a channel owner accepts anyone in it."""
    if state.state == "closed":
        return Invalid("closed", verb)
    if state.state == "answered":
        return Invalid("answered", verb)
    if not state.owner_is_channel and actor != state.owner:
        return _not_owner(state, actor)
    if actor in (state.asker, admin_channel_of(state)):
        return Invalid("asker_acts", verb)
    return None


def _claim(state: HelpState, actor: str) -> HelpState:
    """When the admin channel owns a request, the person who acts becomes its owner."""
    if not state.owner_is_channel:
        return state
    return replace(state, owner=actor, owner_is_channel=False)


def take(state: HelpState, actor: str, now: datetime) -> Result:
    """The owner says "I'm on it": the asker is told, the clock moves to the resolution deadline."""
    refused = check_actor(state, actor, "take")
    if refused:
        return refused
    if state.state == "taken":
        return Transition(state)  # a double click changes nothing
    was_channel = state.owner_is_channel
    new = _claim(state, actor)
    new = replace(
        new,
        state="taken",
        first_response_at=state.first_response_at or now,
        remind_at=remind_point(new.owner_hours, now, new.resolution_due),
        reminded=False,
        history=logged(state, Step(now, "taken", actor)),
    )
    effects: list[Effect] = [tell_asker(new, "taken")]
    if was_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "taken", actor, new.resolution_due))
    return Transition(new, tuple(effects))


def answer(state: HelpState, actor: str, now: datetime, *, auto_close_days: int = 3) -> Result:
    """The owner answered: ask the asker to confirm; unconfirmed requests auto-close after N days."""
    if auto_close_days < 1:
        raise ValueError("auto_close_days must be at least 1")
    refused = check_actor(state, actor, "answer")
    if refused:
        return refused
    was_channel = state.owner_is_channel
    new = replace(
        _claim(state, actor),
        state="answered",
        first_response_at=state.first_response_at or now,
        answered_at=now,
        confirm_due=now + timedelta(days=auto_close_days),
        history=logged(state, Step(now, "answered", actor)),
    )
    confirm_ask = AskAskerToConfirm(new.request_id, new.asker, actor)
    effects: list[Effect] = [tell_asker(new, "answered"), confirm_ask]
    if was_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "answered", actor))
    return Transition(new, tuple(effects))


def hand_over(state: HelpState, actor: str, to_user: str, note: str, now: datetime) -> Result:
    """The owner passes the question to a named colleague, who gets a fresh first-response deadline."""
    refused = check_actor(state, actor, "hand over")
    if refused:
        return refused
    to_user = to_user.strip()
    if not to_user or to_user == actor or (to_user == state.owner and not state.owner_is_channel):
        return Invalid("same_person")
    if to_user == state.asker:
        return Invalid("to_asker")
    first_due = deadline(state.owner_hours, now, state.sla.first_response_hours)
    new = replace(
        state,
        state="open",
        owner=to_user,
        owner_is_channel=False,
        first_response_due=first_due,
        resolution_due=max(state.resolution_due, first_due),
        remind_at=remind_point(state.owner_hours, now, first_due),
        reminded=False,
        history=logged(state, Step(now, "handed_over", actor, f"to {to_user}: {note}" if note else to_user)),
    )
    effects: list[Effect] = [
        NotifyOwner(state.request_id, to_user, "handed_over", first_due, note),
        tell_asker(new, "handed_over", note),
    ]
    if state.owner_is_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "handed_over", to_user, first_due))
    return Transition(new, tuple(effects))


def confirm(state: HelpState, solved: bool, now: datetime, *, is_active: IsActive | None = None) -> Result:
    """The asker's verdict: solved closes it; still stuck reopens it one level up with fresh deadlines."""
    if state.state != "answered":
        return Invalid("nothing_to_confirm")
    if solved:
        new = replace(
            state,
            state="closed",
            closed_at=now,
            resolution="solved",
            history=logged(state, Step(now, "confirmed", state.asker, "solved")),
        )
        effects = (
            to_owner(new, "solved", None),
            AskAskerToRate(new.request_id, new.asker, new.owner),
        )
        return Transition(new, effects)
    stuck = replace(
        state,
        state="open",
        answered_at=None,
        confirm_due=None,
        reopen_count=state.reopen_count + 1,
        history=logged(state, Step(now, "reopened", state.asker, "still stuck")),
    )
    return escalate(stuck, now, is_active or (lambda _who: True), "the asker is still stuck", "reopened")


def rate(state: HelpState, score: object, now: datetime) -> Transition | Invalid:
    """Record the asker's 1..5 satisfaction once there is an answer; a new rating replaces the old."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        return Invalid("bad_score")
    if state.state not in ("answered", "closed"):
        return Invalid("not_answered_yet")
    new = replace(state, rating=score, history=logged(state, Step(now, "rated", state.asker, str(score))))
    return Transition(new)
