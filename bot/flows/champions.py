"""The champions network's flows (seed 001): list, invite, answer, share a tip.

Each owns its transaction, calls the gateway and renders: the service decides (and re-checks every button on
the server), the view draws. The invitation DM goes through the outbox (`NudgeKind.CHAMPION_INVITE`, via
`send_direct`: ledgered, in the person's working hours); an Accept adds the person to the playbook's champions
channel with `conversations.invite` and records where (or Slack's reason it could not).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.db import session_scope
from bot.deps import Deps
from bot.flows.help_directory import resolve_channel
from bot.services import champions
from bot.services.ambassadors import scope_for
from bot.services.callers import Caller
from bot.services.people import get_person
from bot.slack.gateway import SlackError
from bot.views import champions as views
from bot.views.ambassador import scope_problem
from nudges.direct import DirectMessage, direct_key, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)


def list_champions(deps: Deps, caller: Caller, wanted: str) -> dict[str, Any]:
    """`/coach champions [department]`: the power users of the caller's department(s), with Invite buttons."""
    with session_scope(deps.session_factory) as session:
        scope = scope_for(session, caller, wanted)
        if scope.problem:
            return scope_problem(scope, "champions", caller.locale)
        people = champions.candidates(
            session, playbook=deps.playbook, departments=scope.departments, now=deps.clock.now()
        )
    rule = deps.playbook.metrics.power_user
    return views.candidates_message(
        people,
        departments=scope.departments,
        channel=deps.playbook.champions.channel,
        window_days=deps.playbook.metrics.window_days,
        min_days=rule.min_active_days,
        min_actions=rule.min_actions,
        locale=caller.locale,
    )


def invite(deps: Deps, caller: Caller, user_id: str) -> dict[str, Any]:
    """An ambassador's Invite click: record it (when allowed) and send the invitation DM through the outbox."""
    now = deps.clock.now()
    days = deps.playbook.champions.reinvite_after_days
    with session_scope(deps.session_factory) as session:
        outcome, invitation = champions.invite(session, playbook=deps.playbook, caller=caller, user_id=user_id, now=now)
    if invitation is None:
        return views.invite_result(outcome, user_id, caller.locale, days=days)
    dm = views.invitation_dm(
        champion_id=invitation.champion_id,
        ambassador=invitation.ambassador_user_id,
        channel=deps.playbook.champions.channel,
        department=invitation.department,
        locale=invitation.locale,
    )
    key = direct_key(NudgeKind.CHAMPION_INVITE, invitation.user_id, invitation.champion_id, now.isoformat())
    try:
        posted = send_direct(
            deps, DirectMessage(NudgeKind.CHAMPION_INVITE, key, invitation.user_id, dm["text"], dm["blocks"])
        )
    except SlackError as exc:
        if exc.permanent:
            return views.invite_failed(user_id, exc.code, caller.locale)
        posted = None  # the outbox worker retries it
    return views.invite_result(outcome, user_id, caller.locale, days=days, queued=posted is None)


def answer(deps: Deps, user_id: str, champion_id: int, *, accept: bool) -> dict[str, Any]:
    """The invitee's Accept / Decline: recorded once; an Accept adds them to the champions channel."""
    channel_name = deps.playbook.champions.channel
    with session_scope(deps.session_factory) as session:
        result = champions.answer(
            session, champion_id=champion_id, user_id=user_id, accept=accept, now=deps.clock.now()
        )
    if result.status != "accepted":
        return views.answered(result.status, result.locale, channel=channel_name, state=result.state.value)
    channel_id, error = _add_to_channel(deps, user_id, channel_name)
    with session_scope(deps.session_factory) as session:
        champions.record_channel(session, champion_id=result.champion_id, channel_id=channel_id, error=error)
    return views.answered(
        "accepted", result.locale, channel=f"<#{channel_id}>" if channel_id else channel_name, error=error
    )


def _add_to_channel(deps: Deps, user_id: str, name: str) -> tuple[str | None, str | None]:
    """(channel id, None) once the person is in the champions channel, else (None, Slack's reason)."""
    channel = resolve_channel(deps, name)
    if channel.startswith("#"):
        return None, "channel_not_found"
    try:
        deps.slack.invite_to_channel(channel, user_id)
    except SlackError as exc:
        if exc.code != "already_in_channel":
            log.warning("could not add %s to the champions channel %s: %s", user_id, name, exc.code)
            return None, exc.code
    return channel, None


def tip_modal(deps: Deps, user_id: str) -> tuple[dict[str, Any] | None, str]:
    """The tip modal for a champion (None for anyone else), and the person's language."""
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        locale = person.effective_locale if person else "en"
        allowed = champions.is_champion(session, user_id)
    return (views.tip_modal(locale, deps.settings.text_retention_days) if allowed else None), locale


def submit_tip(deps: Deps, user_id: str, view: dict[str, Any]) -> tuple[dict[str, str] | None, dict[str, Any] | None]:
    """Store a submitted tip: (field errors, None) when empty, else (None, the modal that says what happened)."""
    tip = views.read_tip(view)
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        locale = person.effective_locale if person else "en"
        if not tip:
            return views.tip_errors(locale), None
        stored = champions.add_tip(session, user_id=user_id, text=tip, now=deps.clock.now())
    return None, views.tip_done_modal(locale, "champions.tip.thanks" if stored else "champions.tip.not_champion")
