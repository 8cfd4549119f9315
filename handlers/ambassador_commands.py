"""`/coach` sub-commands for ambassadors (status, stuck, nudge, celebrate, questions, confirm) and for everyone
(me, snooze, stop, start). Registered on import; handlers/commands.py has already acked, parsed and checked
the role. Each one: plain values → one service call in a session → a view → `respond` (response_url).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.commands import CommandCall, subcommand
from bot.db import session_scope
from bot.deps import Deps
from bot.flows.people import ensure_person
from bot.services import ambassadors as amb
from bot.services.callers import Caller
from bot.services.people import get_person
from bot.slack.gateway import SlackError
from bot.views import ambassador as views
from nudges.rules import CadenceRules, resolve_zone

log = logging.getLogger(__name__)

Respond = Callable[..., Any]
STUCK_WORDS = frozenset({"stuck", "停滞", "止まっている人"})
PUBLIC_WORDS = frozenset({"public", "--public", "channel", "公開"})
OFF_WORDS = frozenset({"off", "0", "wake", "解除", "オフ"})
GROUP_MEMBERS_MAX = 500
CELEBRATE_DM_MAX = 50
SNOOZE_DEFAULT_DAYS, SNOOZE_MAX_DAYS = 7, 90


def stage_titles(deps: Deps, locale: str) -> list[str]:
    return [stage.title.get(locale) for stage in deps.playbook.stages]


def cadence_rules(deps: Deps) -> CadenceRules:
    return CadenceRules.from_mapping(deps.playbook.cadence.model_dump(mode="json"))


def _number(words: tuple[str, ...], low: int, high: int) -> tuple[int | None, tuple[str, ...]]:
    """The first whole number among the words (clamped to [low, high]) and the other words."""
    for i, word in enumerate(words):
        if word.isascii() and word.isdigit() and len(word) <= 6:
            return min(max(int(word), low), high), words[:i] + words[i + 1 :]
    return None, words


def _scope(deps: Deps, caller: Caller, wanted: str, command: str, respond: Respond) -> amb.Scope | None:
    with session_scope(deps.session_factory) as session:
        scope = amb.scope_for(session, caller, wanted)
    if scope.problem:
        respond(**views.scope_problem(scope, command, caller.locale))
        return None
    return scope


@subcommand(
    "status",
    summary={
        "en": "your department at a glance: stages, ignition, trend",
        "ja": "担当部署の状況（ステージ・点火率・推移）",
    },
    role="ambassador",
    usage="[department]",
)
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
    respond(**views.status_message(statuses, stage_titles(deps, caller.locale), caller.locale, total=total))


@subcommand(
    "stuck",
    summary={
        "en": "who has not moved for a while, with Nudge buttons",
        "ja": "しばらく進んでいない人（声かけボタン付き）",
    },
    role="ambassador",
    usage="[days] [department]",
)
def run_stuck(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    days, words = _number(call.words, 1, 365)
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
        stage_titles=stage_titles(deps, caller.locale),
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


@subcommand(
    "nudge",
    summary={"en": "send someone a personal nudge (or everyone stuck)", "ja": "個別に声をかける（停滞中の全員にも）"},
    role="ambassador",
    usage="@person… [your words] | stuck",
)
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
            session, caller=caller, user_ids=user_ids, message=message, rules=cadence_rules(deps), now=now
        )
    respond(**views.nudge_result(outcome, caller.locale))


@subcommand(
    "celebrate",
    summary={
        "en": "recognise someone's progress (DM, or `public` here)",
        "ja": "進歩をたたえる（DM、または `public` でこの場に）",
    },
    role="ambassador",
    usage="@person [public] [message]",
)
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
    if public and allowed:
        respond(**views.celebration_public(caller.user_id, [t.user_id for t in allowed], message, caller.locale))
        sent = [t.user_id for t in allowed]
    else:
        sent = []
        for target in allowed:
            dm = views.celebration_dm(
                caller.user_id, target.stage, stage_titles(deps, target.locale), message, target.locale
            )
            try:
                deps.slack.send_dm(target.user_id, dm["text"], dm["blocks"])
                sent.append(target.user_id)
            except SlackError as exc:
                skipped.append((target.user_id, exc.code))
    respond(**views.celebration_result(sent, skipped, caller.locale))


@subcommand(
    "questions",
    summary={"en": "open help requests in your department, oldest first", "ja": "部署の未解決の質問（古い順）"},
    role="ambassador",
    usage="[department]",
)
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


@subcommand(
    "confirm",
    summary={"en": "confirm a use case someone reported", "ja": "自己申告されたユースケースを確認する"},
    role="ambassador",
    usage="@person <use case>",
)
def run_confirm(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    if len(call.user_ids) != 1:
        respond(**views.ephemeral(views.tr("confirm.nobody", caller.locale)))
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


# -- everyone -----------------------------------------------------------------------------------------


@subcommand("me", summary={"en": "your stage, what is done and what is next", "ja": "あなたのステージと次のステップ"})
def run_me(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = get_person(session, caller.user_id)
        if person is None:
            respond(**views.ephemeral(views.tr("me.unknown", caller.locale)))
            return
        locale, tz = person.effective_locale, person.tz
        summary = amb.my_summary(session, playbook=deps.playbook, person=person, now=deps.clock.now())
    titles = {case.key: case.title.get(locale) for case in deps.playbook.all_use_cases()}
    how_to = deps.playbook.use_case(summary.next_key).how_to.get(locale) if summary.next_key else ""
    until = _local(summary.snoozed_until, tz) if summary.snoozed_until else ""
    respond(
        **views.me_message(
            summary, titles=titles, stage_titles=stage_titles(deps, locale), how_to=how_to, until=until, locale=locale
        )
    )


def _local(moment: Any, tz: str | None) -> str:
    return str(moment.astimezone(resolve_zone(tz)[1]).strftime("%Y-%m-%d %H:%M"))


def snooze_days(words: tuple[str, ...]) -> int | None:
    """Nothing → a week; `off` → 0 (lift); a number → that many days (1–90); anything else → None."""
    if not words:
        return SNOOZE_DEFAULT_DAYS
    first = words[0].casefold()
    if first in OFF_WORDS:
        return 0
    days, _ = _number(words[:1], 1, SNOOZE_MAX_DAYS)
    return days


@subcommand(
    "snooze",
    summary={"en": "pause coaching messages for a while", "ja": "コーチングメッセージをしばらく止める"},
    usage="[days | off]",
)
def run_snooze(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    days = snooze_days(call.words)
    if days is None:
        respond(**views.ephemeral(views.tr("snooze.usage", caller.locale)))
        return
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = get_person(session, caller.user_id)
        if person is None:
            respond(**views.ephemeral(views.tr("me.unknown", caller.locale)))
            return
        until = amb.snooze(person, days=days, now=deps.clock.now())
        locale, tz = person.effective_locale, person.tz
    text = views.tr("snooze.on", locale, until=_local(until, tz)) if until else views.tr("snooze.off", locale)
    respond(**views.ephemeral(text))


def _set_stopped(deps: Deps, caller: Caller, respond: Respond, *, toggle: bool) -> None:
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = get_person(session, caller.user_id)
        if person is None:
            respond(**views.ephemeral(views.tr("me.unknown", caller.locale)))
            return
        stopped = amb.set_stopped(person, stopped=not amb.is_stopped(person) if toggle else False)
        locale = person.effective_locale
    respond(**views.ephemeral(views.tr("stop.on" if stopped else "stop.off", locale)))


@subcommand(
    "stop",
    summary={"en": "turn coaching messages off (again: back on)", "ja": "コーチングメッセージを停止（もう一度で再開）"},
)
def run_stop(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    _set_stopped(deps, caller, respond, toggle=True)


@subcommand("start", summary={"en": "turn coaching messages back on", "ja": "コーチングメッセージを再開"})
def run_start(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    _set_stopped(deps, caller, respond, toggle=False)
