"""Help routing end to end: every question reaches a named person, and the asker knows who.

Order of work, always: store first (the question is saved before anything can fail), decide with the pure
domain inside one short transaction (``bot.services.help.decide``), commit, then carry out the domain's
effects through ``deps.slack`` (``bot.flows.help_delivery``) and record what Slack gave back.

A request starts as a FAQ draft while the asker looks at ready answers; "I still need a person" (or no
FAQ match) routes it. Two clicks, or a click racing the tick, cannot both win: the loser's flush fails on
the row's version and the decision is made again on fresh data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.help import actions as action_rules
from bot.domain.help import escalation as escalation_rules
from bot.domain.help.question import QuestionError
from bot.domain.help.state import Effect, HelpState, NotifyAsker, NotifyOwner, RemindOwner, Result
from bot.domain.small_talk import classify as classify_small_talk
from bot.flows import small_talk
from bot.flows.help_delivery import GONE_CODES, deliver_effects
from bot.flows.people import ensure_person, slack_locale, untracked_person
from bot.flows.progress import record_help_opened
from bot.i18n import t
from bot.services import help as requests
from bot.services import help_redelivery as redelivery
from bot.services.help import Decide, Decided, DeliveryContext, Refusal, RoutingEnv
from bot.services.help_directory import deactivated_among
from bot.services.people import ensure_bare_person
from bot.slack.gateway import SlackError
from bot.views import help as views
from models import HelpRequest
from nudges.direct import DirectMessage, direct_key, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)

AUTO_CLOSE_DAYS = 3  # an answered question the asker never confirms closes as solved after this
MAX_ATTEMPTS = 4
Show = Callable[[views.Message], None]


@dataclass(frozen=True)
class HelpOutcome:
    """The result of an action: ok, or a polite ``message`` for whoever acted; effects still to deliver."""

    ok: bool
    request_id: int | None = None
    message: str = ""
    effects: tuple[Effect, ...] = ()
    context: DeliveryContext | None = None


@dataclass(frozen=True)
class AskResult:
    """What happened to a new question: refused (empty), shown FAQ answers, or routed to a person."""

    kind: str  # invalid | faq | routed
    request_id: int | None = None
    message: str = ""


def _refusal(refusal: Refusal) -> str:
    return views.refusal(
        refusal.reason,
        refusal.locale,
        request_id=refusal.request_id,
        owner=refusal.owner,
        owner_is_channel=refusal.owner_is_channel,
        invalid=refusal.invalid,
    )


def _outcome(decided: Decided) -> HelpOutcome:
    message = _refusal(decided.refusal) if decided.refusal else ""
    return HelpOutcome(decided.ok, decided.request_id, message, decided.effects, decided.context)


def _transition(deps: Deps, request_id: int, actor: str | None, rule: Decide, *, dry_run: bool = False) -> HelpOutcome:
    """Decide in one transaction; retried when a concurrent writer got there first."""
    for _attempt in range(MAX_ATTEMPTS):
        try:
            with session_scope(deps.session_factory) as session:
                decided = requests.decide(
                    session,
                    deps.playbook,
                    request_id=request_id,
                    actor=actor,
                    rule=rule,
                    now=deps.clock.now(),
                    dry_run=dry_run,
                )
            return _outcome(decided)
        except StaleDataError:
            log.info("help request %s changed under us; deciding again", request_id)
    with session_scope(deps.session_factory) as session:
        locale = requests.locale_of(session, actor or "")
    return HelpOutcome(False, request_id, _refusal(Refusal("busy", locale, request_id)))


# --------------------------------------------------------------------------- asking


def _ensure_asker(deps: Deps, user_id: str) -> None:
    """The asker's person row (needed for the foreign key); a Slack hiccup must not lose the question."""
    try:
        ensure_person(deps, user_id)
    except SlackError as exc:
        log.warning("users.info for asker %s failed (%s); storing the question anyway", user_id, exc)
        with session_scope(deps.session_factory) as session:
            ensure_bare_person(session, user_id)


def asker_locale(deps: Deps, user_id: str) -> str:
    """The asker's language for refusals shown before anything is stored."""
    with session_scope(deps.session_factory) as session:
        return requests.locale_of(session, user_id, deps.playbook.default_locale)


def ask(
    deps: Deps,
    *,
    user_id: str,
    text: str | None,
    topic: str | None = None,
    via: str = "dm",
    show: Show | None = None,
) -> AskResult:
    """A new question from any entry point: store it, show up to three FAQ answers, or route it at once.

    ``show`` presents the FAQ answers (``respond`` for the slash command); by default they go to the
    asker's DM. If they cannot be shown, the question is routed instead: FAQ first, never instead.
    """
    if untracked_person(deps, user_id):  # storing the question would record them again
        return AskResult("invalid", message=t("privacy.not_tracked_help", slack_locale(deps, user_id)))
    _ensure_asker(deps, user_id)
    record_help_opened(deps, user_id)
    with session_scope(deps.session_factory) as session:
        stored = requests.store_question(
            session, deps.playbook, user_id=user_id, text=text, topic=topic, via=via, now=deps.clock.now()
        )
    if isinstance(stored, QuestionError):
        return AskResult("invalid", message=stored.message)
    if stored.faq:
        message = views.faq_message(stored.locale, stored.request_id, views.faq_entries(stored.faq, stored.locale))
        try:
            (show or (lambda m: _faq_dm(deps, user_id, stored.request_id, m)))(message)
            return AskResult("faq", stored.request_id)
        except SlackError as exc:
            log.warning("could not show FAQ answers for request %s (%s); routing it", stored.request_id, exc)
    outcome = route(deps, request_id=stored.request_id, actor=user_id)
    return AskResult("routed" if outcome.ok else "invalid", stored.request_id, outcome.message)


def _faq_dm(deps: Deps, user_id: str, request_id: int, message: views.Message) -> None:
    """FAQ answers to the asker's own question, through the outbox like every DM (raises when Slack refused)."""
    key = direct_key(NudgeKind.HELP_ASKER, user_id, request_id, "faq")
    outgoing = DirectMessage(NudgeKind.HELP_ASKER, key, user_id, message["text"], message["blocks"])
    send_direct(deps, outgoing)


def faq_solved(deps: Deps, *, request_id: int, actor: str) -> HelpOutcome:
    """ "This solved it": the draft closes as answered by the FAQ (counted, never routed)."""
    with session_scope(deps.session_factory) as session:
        decided = requests.close_as_faq(session, request_id=request_id, actor=actor, now=deps.clock.now())
    if decided.ok:
        return HelpOutcome(True, request_id, t("help.faq.glad", decided.locale))
    return _outcome(decided)


def route(deps: Deps, *, request_id: int, actor: str | None = None) -> HelpOutcome:
    """Route a FAQ draft to its first owner (idempotent: a second click finds it routed)."""
    with session_scope(deps.session_factory) as session:
        people = requests.chain_people(session, deps.playbook, request_id=request_id)
        if people is None:
            return HelpOutcome(False, message=_refusal(Refusal("unknown", requests.locale_of(session, actor or ""))))
    _know_people(deps, people)
    outcome = _transition(deps, request_id, actor, _open)
    deliver(deps, outcome)
    return outcome


def _open(row: HelpRequest, state: HelpState | None, env: RoutingEnv, actor: str | None) -> Result | str:
    if row.state != "faq" or state is not None:
        return "already_routed"
    if actor is not None and actor != row.asker_user:
        return "not_asker"
    return action_rules.open_request(
        env.directory,
        request_id=str(row.id),
        asker=row.asker_user,
        topic=row.topic,
        department=row.department,
        ambassadors=env.ambassadors,
        is_active=env.is_active,
        now=env.now,
    )


def _know_people(deps: Deps, user_ids: Iterable[str]) -> None:
    """Fetch people we have never seen (locale, deactivation); unknown ids count as deactivated."""
    with session_scope(deps.session_factory) as session:
        unknown = requests.unknown_people(session, user_ids)
    for user_id in unknown:
        try:
            ensure_person(deps, user_id)
        except SlackError as exc:
            if exc.code in GONE_CODES:
                _mark_gone(deps, user_id)
            else:
                log.warning("users.info for contact %s failed: %s", user_id, exc)


def _mark_gone(deps: Deps, user_id: str) -> None:
    """Slack says this person cannot be reached: record them as deactivated so routing skips them."""
    with session_scope(deps.session_factory) as session:
        ensure_bare_person(session, user_id).deactivated = True


# --------------------------------------------------------------------------- the owner's and the asker's buttons

Act = Callable[[HelpState, RoutingEnv, str], "Result | str"]


def _on_routed(act: Act, *, asker_only: bool = False) -> Decide:
    """A rule for a routed request: unknown while it is a FAQ draft; ``asker_only`` refuses anyone else."""

    def rule(_row: HelpRequest, state: HelpState | None, env: RoutingEnv, who: str | None) -> Result | str:
        if state is None:
            return "unknown"
        if asker_only and who != state.asker:
            return "not_asker"
        return act(state, env, who or "")

    return rule


def _act(deps: Deps, request_id: int, actor: str, act: Act, *, asker_only: bool = False) -> HelpOutcome:
    """Decide, then deliver what the decision says."""
    outcome = _transition(deps, request_id, actor, _on_routed(act, asker_only=asker_only))
    deliver(deps, outcome)
    return outcome


def take(deps: Deps, *, request_id: int, actor: str) -> HelpOutcome:
    """ "Take it": the asker hears who is on it; the card now shows "taken"."""
    return _act(deps, request_id, actor, lambda state, env, who: action_rules.take(state, who, env.now))


def answer(deps: Deps, *, request_id: int, actor: str) -> HelpOutcome:
    """ "Answered": the asker is asked to confirm; unconfirmed it closes after AUTO_CLOSE_DAYS."""

    def act(state: HelpState, env: RoutingEnv, who: str) -> Result:
        return action_rules.answer(state, who, env.now, auto_close_days=AUTO_CLOSE_DAYS)

    return _act(deps, request_id, actor, act)


def can_act(deps: Deps, *, request_id: int, actor: str) -> HelpOutcome:
    """Whether the actor may act on the request now (checked before opening the hand-over modal)."""
    rule = _on_routed(lambda state, _env, who: action_rules.check_actor(state, who, "hand over") or "ok")
    return _transition(deps, request_id, actor, rule, dry_run=True)


def hand_over(deps: Deps, *, request_id: int, actor: str, to_user: str, note: str = "") -> HelpOutcome:
    """Pass the question to a named colleague with a note; effects are NOT delivered (call ``deliver``).

    The hand-over modal needs the verdict before it acks (errors show on the field), and Slack later.
    """
    with session_scope(deps.session_factory) as session:
        if to_user in deactivated_among(session, [to_user]):
            return HelpOutcome(False, request_id, t("help.handover.gone", requests.locale_of(session, actor)))

    def act(state: HelpState, env: RoutingEnv, who: str) -> Result:
        return action_rules.hand_over(state, who, to_user, note.strip(), env.now)

    return _transition(deps, request_id, actor, _on_routed(act))


def hand_over_form(deps: Deps, *, request_id: int, actor: str) -> tuple[dict[str, Any] | None, str]:
    """The hand-over modal for whoever may hand the request over, else (None, why not)."""
    allowed = can_act(deps, request_id=request_id, actor=actor)
    if not allowed.ok:
        return None, allowed.message
    with session_scope(deps.session_factory) as session:
        locale = requests.locale_of(session, actor, deps.playbook.default_locale)
        summary = requests.request_summary(session, request_id=request_id)
    return views.hand_over_modal(locale, request_id, summary), ""


def confirm(deps: Deps, *, request_id: int, actor: str, solved: bool) -> HelpOutcome:
    """ "Solved" closes and asks for a rating; "still stuck" reopens one level up."""

    def act(state: HelpState, env: RoutingEnv, _who: str) -> Result:
        return action_rules.confirm(state, solved, env.now, is_active=env.is_active)

    return _act(deps, request_id, actor, act, asker_only=True)


def rate(deps: Deps, *, request_id: int, actor: str, score: object) -> HelpOutcome:
    """A 1..5 satisfaction score from the asker (a new one replaces the old); nothing to tell anyone else."""
    rule = _on_routed(lambda state, env, _who: action_rules.rate(state, score, env.now), asker_only=True)
    outcome = _transition(deps, request_id, actor, rule)
    if outcome.ok:
        with session_scope(deps.session_factory) as session:
            locale = requests.locale_of(session, actor)
        return HelpOutcome(True, request_id, t("help.asker.rated", locale, score=score))
    return outcome


# --------------------------------------------------------------------------- time


def _tick_rule(row: HelpRequest, state: HelpState | None, env: RoutingEnv, _who: str | None) -> Result | str:
    """Escalate, remind or auto-close as of now; a FAQ draft nobody clicked closes quietly."""
    if state is None:
        return "faq_expired" if row.state == "faq" and row.wake_at and row.wake_at <= env.now else "ok"
    return escalation_rules.tick(state, env.directory, env.now, env.is_active, env.ambassadors)


def tick_one(deps: Deps, *, request_id: int) -> HelpOutcome:
    """One request's tick, delivered."""
    outcome = _transition(deps, request_id, None, _tick_rule)
    deliver(deps, outcome)
    return outcome


def tick(deps: Deps, *, limit: int = 200) -> int:
    """One scheduler pass over due requests; returns how many produced effects."""
    with session_scope(deps.session_factory) as session:
        ids = requests.due_requests(session, deps.clock.now(), limit)
    acted = 0
    for request_id in ids:
        try:
            acted += bool(tick_one(deps, request_id=request_id).effects)
        except Exception:  # one broken request must not stop the others; it is retried next tick
            log.exception("help tick failed for request %s", request_id)
    return acted


# --------------------------------------------------------------------------- carrying out effects


MAX_REROUTES = 5


def deliver(deps: Deps, outcome: HelpOutcome, *, depth: int = 0, attempts: int = 0) -> None:
    """Carry out the effects in Slack; a new owner Slack cannot reach is passed over at once (next rung).

    Any permanent error opening or posting the owner's DM moves the request on and tells the asker who has it
    now; a person Slack says is gone is also marked deactivated so routing skips them next time.
    """
    if not outcome.ok or outcome.context is None:
        return
    report = deliver_effects(deps, outcome.context, outcome.effects, attempts=attempts)
    for user_id in report.gone:
        _mark_gone(deps, user_id)
    if report.unreachable and depth < MAX_REROUTES:
        rule = _pass_over(frozenset(report.unreachable))
        deliver(deps, _transition(deps, outcome.context.request_id, None, rule), depth=depth + 1)


def redeliver(deps: Deps) -> int:
    """Retry help messages an outage held back, oldest first; returns how many passes were tried.

    A message about an owner the request has since moved away from is dropped (the new owner got their own).
    """
    with session_scope(deps.session_factory) as session:
        pending = redelivery.due(session, deps.clock.now())
        rows = {
            r.id: r
            for r in session.scalars(
                select(HelpRequest).where(HelpRequest.id.in_({p.context.request_id for p in pending}))
            )
        }
    for item in pending:
        row = rows.get(item.context.request_id)
        effects = tuple(e for e in item.effects if row is not None and _still_current(e, row))
        if effects:
            outcome = HelpOutcome(True, item.context.request_id, "", effects, item.context)
            deliver(deps, outcome, attempts=item.attempts)
        with session_scope(deps.session_factory) as session:
            redelivery.done(session, item.id)
    return len(pending)


def _still_current(effect: Effect, row: HelpRequest) -> bool:
    owner = getattr(effect, "owner", None)
    if isinstance(effect, RemindOwner | NotifyOwner | NotifyAsker) and owner and row.state != "closed":
        if isinstance(effect, NotifyOwner) and not requests.is_assignment(effect):
            return True  # "it moved away from you" is about a former owner
        return owner == row.owner
    return not isinstance(effect, RemindOwner) or row.state != "closed"


def _pass_over(unreachable: frozenset[str]) -> Decide:
    """Escalate a request whose owner could not be reached, as if that owner were deactivated."""

    def rule(_row: HelpRequest, state: HelpState | None, env: RoutingEnv, _who: str | None) -> Result | str:
        if state is None or state.state == "closed" or state.owner not in unreachable:
            return "ok"

        def reachable(user_id: str) -> bool:
            return user_id not in unreachable and env.is_active(user_id)

        reason = f"{state.owner} cannot be reached in Slack"
        return escalation_rules.escalate(state, env.now, reachable, reason, "rerouted")

    return rule


# --------------------------------------------------------------------------- direct messages


def handle_direct_message(
    deps: Deps, *, user_id: str, text: str, channel: str, ts: str, thread_ts: str | None = None
) -> None:
    """A DM to the bot: a reply in a request's thread is passed on; small talk is answered; the rest is a question.

    New questions get FAQ answers first (in the DM), then a person. "thanks", "ok", "👍", "ありがとう" and the like
    (``bot.domain.small_talk``) get a friendly reply with "I need help" instead, unless they are a reply in a
    request's thread, which the other side sees as always. Small talk is never stored; relayed text is kept in the
    outbox only until Slack took it (nudges/direct.py), never in the request.
    """
    if (
        thread_ts
        and thread_ts != ts
        and _relay(deps, user_id=user_id, text=text, channel=channel, ts=ts, thread_ts=thread_ts)
    ):
        return
    group = classify_small_talk(text)
    if group is not None:
        small_talk.reply(deps, user_id=user_id, group=group, ts=ts)
        return
    result = ask(deps, user_id=user_id, text=text, via="dm")  # FAQ answers go to this DM, through the outbox
    if result.kind == "invalid" and result.message:
        key = direct_key(NudgeKind.HELP_ASKER, user_id, "invalid", ts)
        send_direct(deps, DirectMessage(NudgeKind.HELP_ASKER, key, user_id, result.message))


def _relay(deps: Deps, *, user_id: str, text: str, channel: str, ts: str, thread_ts: str) -> bool:
    """Pass a thread reply between the owner's card thread and the asker's thread; False if no match."""
    with session_scope(deps.session_factory) as session:
        target = requests.relay_target(session, channel=channel, thread_ts=thread_ts)
    if target is None:
        return False
    if not target.channel or not target.ts or not text.strip():
        return True
    # Through the outbox like every message; the relayed words are kept only until Slack took them.
    kind = NudgeKind.HELP_ASKER if target.to_asker else NudgeKind.HELP_ROUTED
    key = direct_key(kind, target.channel, target.request_id, "relay", user_id, ts)
    message = DirectMessage(kind, key, target.channel, views.relay(user_id, text), thread_ts=target.ts)
    try:
        send_direct(deps, message)
    except SlackError as exc:
        log.warning("relay on help request %s failed: %s", target.request_id, exc)
    log.debug("relayed a reply on help request %s", target.request_id)
    return True
