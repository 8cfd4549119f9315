"""Buttons on `/coach stuck`: Nudge one person, or Nudge all. The role and the department are checked again
on the server at click time — a button is only a request, never a permission."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.db import session_scope
from bot.deps import Deps
from bot.services import ambassadors as amb
from bot.services.callers import Caller, load_caller
from bot.views import ambassador as views
from bot.views.commands import refusal
from bot.views.ids import AmbassadorAction
from nudges.config import cadence_rules


def _clicker(deps: Deps, body: dict[str, Any]) -> Caller:
    with session_scope(deps.session_factory) as session:
        return load_caller(session, deps.settings, body["user"]["id"])


def _may_steer(caller: Caller) -> bool:
    return caller.is_admin or "ambassador" in caller.roles


def handle_nudge_one_clicked(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    caller = _clicker(deps, body)
    if not _may_steer(caller):
        respond(**refusal("nudge", "ambassador", caller.locale), replace_original=False)
        return
    target = str(body["actions"][0].get("value", ""))[:32]
    with session_scope(deps.session_factory) as session:
        outcome = amb.nudge_people(
            session,
            caller=caller,
            user_ids=[target],
            message="",
            rules=cadence_rules(deps.playbook),
            now=deps.clock.now(),
        )
    respond(**views.nudge_result(outcome, caller.locale), replace_original=False)


def parse_nudge_all(value: str) -> tuple[list[str], int]:
    """Departments and days from the button value; anything malformed is an empty request."""
    try:
        data = json.loads(value)
        departments = [str(d)[:128] for d in data.get("d", [])][: amb.SCOPE_MAX_DEPARTMENTS]
        return departments, min(max(int(data.get("n", 0)), 1), 365)
    except (ValueError, TypeError, AttributeError):
        return [], 0


def handle_nudge_all_clicked(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    caller = _clicker(deps, body)
    departments, days = parse_nudge_all(str(body["actions"][0].get("value", "")))
    allowed = [d for d in departments if caller.can_steer(d)]
    if not _may_steer(caller) or not allowed:
        respond(**refusal("nudge", "ambassador", caller.locale), replace_original=False)
        return
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        stuck = amb.stuck_people(session, playbook=deps.playbook, departments=allowed, now=now, days=days)
        outcome = amb.nudge_people(
            session,
            caller=caller,
            user_ids=[p.user_id for p in stuck],
            message="",
            rules=cadence_rules(deps.playbook),
            now=now,
        )
    respond(**views.nudge_result(outcome, caller.locale), replace_original=False)


def register(app: App) -> None:
    app.action(AmbassadorAction.NUDGE_ONE.value)(handle_nudge_one_clicked)
    app.action(AmbassadorAction.NUDGE_ALL.value)(handle_nudge_all_clicked)
