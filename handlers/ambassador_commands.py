"""`/coach` sub-commands for ambassadors: status, stuck, nudge, celebrate, questions, confirm, champions (everyone's
are in handlers/employee_commands.py). Listed in handlers/command_table.py; handlers/commands.py has already acked,
parsed and checked the role. Each one: plain values → one service call in a session → a view → `respond` (response_url).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.commands import CommandCall, first_number, stage_titles
from bot.db import session_scope
from bot.deps import Deps
from bot.flows import champions as champions_flow
from bot.i18n import t
from bot.services import ambassadors as amb
from bot.services import champions
from bot.services.callers import Caller
from bot.slack.gateway import SlackError
from bot.views import ambassador as views
from nudges.config import cadence_rules
from nudges.direct import DirectMessage, direct_key, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)

Respond = Callable[..., Any]
STUCK_WORDS = frozenset({"stuck", "停滞", "止まっている人"})
PUBLIC_WORDS = frozenset({"public", "--public", "channel", "公開"})
GROUP_MEMBERS_MAX = 500
CELEBRATE_DM_MAX = 50


def _scope(deps: Deps, caller: Caller, wanted: str, command: str, respond: Respond) -> amb.Scope | None:
    with session_scope(deps.session_factory) as session:
        scope = amb.scope_for(session, caller, wanted)
    if scope.problem:
        respond(**views.scope_problem(scope, command, caller.locale))
        return None
    return scope


def run_status(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    scope = _scope(deps, caller, " ".join(call.words), "status", respond)
    if scope is None:
        return
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        statuses = [
            amb.department_status(session, playbook=deps.playbook, department=department, now=now)
            for department in scope.departments
        ]
    total = max(len(caller.ambassador_of), len(statuses))
    respond(**views.status_message(statuses, stage_titles(deps.playbook, caller.locale), caller.locale, total=total))


def run_stuck(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    days, words = first_number(call.words, 1, 365)
    days = days or deps.playbook.cadence.reengage_after_days
    scope = _scope(deps, caller, " ".join(words), "stuck", respond)
    if scope is None:
        return
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        people = amb.stuck_people(session, playbook=deps.playbook, departments=scope.departments, now=now, days=days)
    message = views.stuck_message(
        people,
        departments=scope.departments,
        days=days,
        stage_titles=stage_titles(deps.playbook, caller.locale),
        now=now,
        locale=caller.locale,
    )
    respond(**message)


def mentioned_users(deps: Deps, call: CommandCall) -> tuple[list[str], list[str]]:
    """Mentioned people plus members of mentioned user groups; and the groups Slack would not list."""
    users = list(call.user_ids)
    failed = []
    for group in call.usergroup_ids[:10]:
        try:
            users.extend(deps.slack.usergroup_members(group)[:GROUP_MEMBERS_MAX])
        except SlackError as exc:
            log.warning("usergroups.users.list %s failed: %s", group, exc.code)
            failed.append(group)
    return list(dict.fromkeys(users))[:GROUP_MEMBERS_MAX], failed


def _without_first(text: str, words: frozenset[str]) -> str:
    head, _, tail = text.partition(" ")
    return tail.strip() if head.casefold() in words else text


def run_nudge(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    now = deps.clock.now()
    message = _without_first(call.plain, STUCK_WORDS)
    if call.words and call.words[0].casefold() in STUCK_WORDS:
        with session_scope(deps.session_factory) as session:
            scope = amb.scope_for(session, caller, "")
            departments = scope.departments
            stuck = amb.stuck_people(
                session,
                playbook=deps.playbook,
                departments=departments,
                now=now,
                days=deps.playbook.cadence.reengage_after_days,
            )
        user_ids = [person.user_id for person in stuck]
    else:
        user_ids, _ = mentioned_users(deps, call)
    if not user_ids:
        respond(**views.nudge_result(amb.NudgeOutcome(), caller.locale))
        return
    with session_scope(deps.session_factory) as session:
        outcome = amb.nudge_people(
            session, caller=caller, user_ids=user_ids, message=message, rules=cadence_rules(deps.playbook), now=now
        )
    respond(**views.nudge_result(outcome, caller.locale))


def run_celebrate(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    public = bool(call.words) and call.words[0].casefold() in PUBLIC_WORDS
    message = _without_first(call.plain, PUBLIC_WORDS)
    user_ids, _ = mentioned_users(deps, call)
    with session_scope(deps.session_factory) as session:
        targets = amb.celebration_targets(session, caller=caller, user_ids=user_ids[:CELEBRATE_DM_MAX])
    allowed = [t for t in targets if t.allowed]
    skipped = [(t.user_id, t.reason) for t in targets if not t.allowed]
    if not targets:
        respond(**views.celebration_result([], [], caller.locale))
        return
    sent: list[str] = []
    queued: list[str] = []
    if public and allowed:
        respond(**views.celebration_public(caller.user_id, [t.user_id for t in allowed], message, caller.locale))
        sent = [t.user_id for t in allowed]
        with session_scope(deps.session_factory) as session:  # a success story for the weekly digests
            champions.add_celebrations(
                session, author_user_id=caller.user_id, user_ids=sent, text=message, now=deps.clock.now()
            )
    for target in [] if public else allowed:
        dm = views.celebration_dm(
            caller.user_id, target.stage, stage_titles(deps.playbook, target.locale), message, target.locale
        )
        # Through the outbox: ledgered, with metadata, in the person's working hours, one celebration an hour.
        key = direct_key(NudgeKind.CHEER, target.user_id, caller.user_id, deps.clock.now().isoformat())
        try:
            posted = send_direct(deps, DirectMessage(NudgeKind.CHEER, key, target.user_id, dm["text"], dm["blocks"]))
            (sent if posted is not None else queued).append(target.user_id)
        except SlackError as exc:
            if exc.permanent:
                skipped.append((target.user_id, exc.code))
            else:
                queued.append(target.user_id)  # the outbox worker retries it
    respond(**views.celebration_result(sent, skipped, caller.locale, queued=queued))


def run_questions(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    scope = _scope(deps, caller, " ".join(call.words), "questions", respond)
    if scope is None:
        return
    with session_scope(deps.session_factory) as session:
        questions, total = amb.open_questions(session, departments=scope.departments)
    respond(
        **views.questions_message(
            questions, total, departments=scope.departments, now=deps.clock.now(), locale=caller.locale
        )
    )


def run_confirm(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    if len(call.user_ids) != 1:
        respond(**views.ephemeral(t("ambassador.confirm.nobody", caller.locale)))
        return
    with session_scope(deps.session_factory) as session:
        outcome = amb.confirm_use_case(
            session,
            playbook=deps.playbook,
            caller=caller,
            user_id=call.user_ids[0],
            text=call.plain,
            now=deps.clock.now(),
        )
    titles = {case.key: case.title.get(caller.locale) for case in deps.playbook.all_use_cases()}
    respond(
        **views.confirm_result(
            outcome.status,
            name=outcome.person_name,
            use_case=titles.get(outcome.use_case_key, outcome.use_case_key),
            pending=[titles.get(key, key) for key in outcome.pending],
            stage=outcome.stage_reached,
            locale=caller.locale,
        )
    )


def run_champions(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    respond(**champions_flow.list_champions(deps, caller, " ".join(call.words)))
