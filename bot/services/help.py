"""Help routing over the database and Slack: every question reaches a named person, and the asker knows who.

Order of work, always: store first (the question is saved before anything can fail), decide with the pure
domain (bot/domain/help.py) inside one short transaction, commit, then carry out the domain's effects
through ``deps.slack`` and record what Slack gave back (thread ids) or that delivery failed.

A request starts as a FAQ draft (state "faq") while the asker looks at ready answers; "I still need a
person" (or no FAQ match) routes it. Rows carry a version column: two clicks or a click racing the tick
cannot both win; the loser re-reads and decides again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.help import actions as action_rules
from bot.domain.help import escalation as escalation_rules
from bot.domain.help.directory import Directory
from bot.domain.help.matching import match_faq, suggest_topic
from bot.domain.help.question import QuestionError, clean_question, truncate
from bot.domain.help.routing import escalation_chain
from bot.domain.help.state import (
    AskAskerToConfirm,
    AskAskerToRate,
    Effect,
    HelpState,
    Invalid,
    NotifyAsker,
    NotifyOwner,
    NotOwner,
    PostToAdminChannel,
    RemindOwner,
    Result,
    Transition,
)
from bot.i18n import STRINGS, t
from bot.services.help_directory import (
    ambassadors_of,
    contact_people,
    deactivated_among,
    load_directory,
    resolve_channel,
    topic_keys,
    topic_title,
)
from bot.services.help_store import ACTIVE_STATES, add_step, load_state, save_state
from bot.services.home import ensure_person
from bot.services.people import ensure_bare_person, get_person
from bot.services.progress import record_help_opened
from bot.slack.gateway import PostedMessage, SlackError
from bot.views import help as views
from models import HelpRequest, HelpStep, Person

log = logging.getLogger(__name__)

AUTO_CLOSE_DAYS = 3  # an answered question the asker never confirms closes as solved after this
FAQ_WAIT_DAYS = 3  # a FAQ draft nobody clicks on is closed quietly after this
MAX_ATTEMPTS = 4
GONE_CODES = frozenset({"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"})
Show = Callable[[views.Message], None]


@dataclass(frozen=True)
class Env:
    """What a transition needs besides the state: the directory, ambassadors, who is active, the time."""

    directory: Directory
    ambassadors: list[str]
    gone: frozenset[str]
    now: datetime

    def is_active(self, who: str) -> bool:
        return who not in self.gone


@dataclass(frozen=True)
class Context:
    """A snapshot taken inside the transaction, so effects render after commit without the session."""

    request_id: int
    question: str
    asker: str
    department: str | None
    stage: int
    topic: str
    state: str
    owner: str
    owner_is_channel: bool
    due: datetime | None
    card: tuple[str, str] | None
    card_owner: str
    asker_thread: tuple[str, str] | None
    admin_channel: str
    locales: Mapping[str, str]
    history: tuple[str, ...] = ()

    def locale(self, user_id: str) -> str:
        return self.locales.get(user_id, "en")


@dataclass(frozen=True)
class Outcome:
    """The result of an action: ok, or a polite ``message`` for whoever acted; effects still to deliver."""

    ok: bool
    request_id: int | None = None
    message: str = ""
    effects: tuple[Effect, ...] = ()
    context: Context | None = None


@dataclass(frozen=True)
class AskResult:
    """What happened to a new question: refused (empty), shown FAQ answers, or routed to a person."""

    kind: str  # invalid | faq | routed
    request_id: int | None = None
    message: str = ""


@dataclass
class _Deliveries:
    failures: list[tuple[Effect, SlackError]] = field(default_factory=list)


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
        person = get_person(session, user_id)
        return person.effective_locale if person else deps.playbook.default_locale


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
    _ensure_asker(deps, user_id)
    record_help_opened(deps, user_id)
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        assert person is not None  # _ensure_asker created it
        locale = person.effective_locale
        cleaned = clean_question(text, locale=locale)
        if isinstance(cleaned, QuestionError):
            return AskResult("invalid", message=cleaned.message)
        directory = load_directory(session, deps.playbook)
        chosen = topic if topic in topic_keys(deps.playbook) else suggest_topic(directory, cleaned.text, locale)
        row = HelpRequest(
            asker_id=person.id,
            asker_user=user_id,
            topic=chosen,
            department=person.department,
            question=cleaned.text,
            state="faq",
            owner="",
            via=via,
            opened_at=now,
        )
        session.add(row)
        session.flush()
        request_id = row.id
        matches = match_faq(directory, cleaned.text, locale)
        message: views.Message | None = None
        if matches:
            row.faq_shown = len(matches)
            row.next_deadline = row.wake_at = now + timedelta(days=FAQ_WAIT_DAYS)
            add_step(session, request_id, at=now, kind="faq_shown", actor=user_id, note=str(len(matches)))
            entries = [(views_text(e.question, locale), views_text(e.answer, locale)) for e in matches]
            message = views.faq_message(locale, request_id, entries)
    if message is not None:
        try:
            (show or (lambda m: _dm(deps, user_id, m)))(message)
            return AskResult("faq", request_id)
        except SlackError as exc:
            log.warning("could not show FAQ answers for request %s (%s); routing it", request_id, exc)
    outcome = route(deps, request_id=request_id, actor=user_id)
    return AskResult("routed" if outcome.ok else "invalid", request_id, outcome.message)


def views_text(texts: Mapping[str, str], locale: str) -> str:
    """A FAQ text in the reader's language, English (or any) when missing."""
    lang = locale.split("-")[0]
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def faq_solved(deps: Deps, *, request_id: int, actor: str) -> Outcome:
    """ "This solved it": the draft closes as answered by the FAQ (counted, never routed)."""
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        row = session.get(HelpRequest, request_id)
        locale = _locale_of(session, actor)
        if row is None:
            return Outcome(False, message=t("help.refuse.unknown", locale))
        if row.asker_user != actor:
            return Outcome(False, request_id, t("help.refuse.not_asker", locale))
        if row.state != "faq":
            return Outcome(False, request_id, t("help.refuse.already_routed", locale, id=request_id))
        row.state, row.resolution, row.closed_at = "closed", "faq", now
        row.next_deadline = row.wake_at = None
        add_step(session, request_id, at=now, kind="faq_solved", actor=actor)
        return Outcome(True, request_id, t("help.faq.glad", locale))


def route(deps: Deps, *, request_id: int, actor: str | None = None) -> Outcome:
    """Route a FAQ draft to its first owner (idempotent: a second click finds it routed)."""
    with session_scope(deps.session_factory) as session:
        row = session.get(HelpRequest, request_id)
        if row is None:
            return Outcome(False, message=t("help.refuse.unknown", _locale_of(session, actor or "")))
        directory = load_directory(session, deps.playbook)
        chain = escalation_chain(
            directory, topic=row.topic, department=row.department, ambassadors=ambassadors_of(session, row.department)
        )
    _know_people(deps, [c.who for c in chain if not c.is_channel])
    outcome = _transition(deps, request_id, actor, _open)
    deliver(deps, outcome)
    return outcome


def _open(row: HelpRequest, state: HelpState | None, env: Env, actor: str | None) -> Result | str:
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
        ids = set(user_ids)
        known = set(session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(ids))))
    for user_id in sorted(ids - known):
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


# --------------------------------------------------------------------------- the owner's buttons


def take(deps: Deps, *, request_id: int, actor: str) -> Outcome:
    """ "Take it": the asker hears who is on it; the card now shows "taken"."""
    outcome = _transition(
        deps, request_id, actor, lambda _r, s, e, a: action_rules.take(s, a or "", e.now) if s else "unknown"
    )
    deliver(deps, outcome)
    return outcome


def answer(deps: Deps, *, request_id: int, actor: str) -> Outcome:
    """ "Answered": the asker is asked to confirm; unconfirmed it closes after AUTO_CLOSE_DAYS."""

    def decide(_row: HelpRequest, state: HelpState | None, env: Env, who: str | None) -> Result | str:
        return action_rules.answer(state, who or "", env.now, auto_close_days=AUTO_CLOSE_DAYS) if state else "unknown"

    outcome = _transition(deps, request_id, actor, decide)
    deliver(deps, outcome)
    return outcome


def can_act(deps: Deps, *, request_id: int, actor: str) -> Outcome:
    """Whether the actor may act on the request now (checked before opening the hand-over modal)."""

    def decide(_row: HelpRequest, state: HelpState | None, _env: Env, who: str | None) -> Result | str:
        if state is None:
            return "unknown"
        refused = action_rules.check_actor(state, who or "", "hand over")
        return refused or "ok"

    return _transition(deps, request_id, actor, decide, dry_run=True)


def hand_over(deps: Deps, *, request_id: int, actor: str, to_user: str, note: str = "") -> Outcome:
    """Pass the question to a named colleague with a note; effects are NOT delivered (call ``deliver``).

    The hand-over modal needs the verdict before it acks (errors show on the field), and Slack later.
    """
    with session_scope(deps.session_factory) as session:
        if to_user in deactivated_among(session, [to_user]):
            return Outcome(False, request_id, t("help.handover.gone", _locale_of(session, actor)))

    def decide(_row: HelpRequest, state: HelpState | None, env: Env, who: str | None) -> Result | str:
        return action_rules.hand_over(state, who or "", to_user, note.strip(), env.now) if state else "unknown"

    return _transition(deps, request_id, actor, decide)


def request_summary(deps: Deps, *, request_id: int) -> str:
    """The question, shortened for a modal or a card."""
    with session_scope(deps.session_factory) as session:
        row = session.get(HelpRequest, request_id)
        return truncate(row.question, 600) if row else ""


# --------------------------------------------------------------------------- the asker's buttons


def confirm(deps: Deps, *, request_id: int, actor: str, solved: bool) -> Outcome:
    """ "Solved" closes and asks for a rating; "still stuck" reopens one level up."""

    def decide(_row: HelpRequest, state: HelpState | None, env: Env, who: str | None) -> Result | str:
        if state is None:
            return "unknown"
        if who != state.asker:
            return "not_asker"
        return action_rules.confirm(state, solved, env.now, is_active=env.is_active)

    outcome = _transition(deps, request_id, actor, decide)
    deliver(deps, outcome)
    return outcome


def rate(deps: Deps, *, request_id: int, actor: str, score: object) -> Outcome:
    """A 1..5 satisfaction score from the asker (a new one replaces the old)."""

    def decide(_row: HelpRequest, state: HelpState | None, env: Env, who: str | None) -> Result | str:
        if state is None:
            return "unknown"
        if who != state.asker:
            return "not_asker"
        return action_rules.rate(state, score, env.now)

    outcome = _transition(deps, request_id, actor, decide)
    if outcome.ok:
        with session_scope(deps.session_factory) as session:
            locale = _locale_of(session, actor)
        return Outcome(True, request_id, t("help.asker.rated", locale, score=score))
    return outcome


# --------------------------------------------------------------------------- time


def due_requests(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Requests the tick must look at: woken by a reminder or deadline, or owned by a deactivated person."""
    gone_owner = select(Person.slack_user_id).where(Person.deactivated)
    rows = session.scalars(
        select(HelpRequest.id)
        .where(
            or_(
                HelpRequest.wake_at <= now,
                (HelpRequest.state.in_(ACTIVE_STATES)) & HelpRequest.owner.in_(gone_owner),
            ),
            HelpRequest.state != "closed",
        )
        .order_by(HelpRequest.wake_at)
        .limit(limit)
    )
    return list(rows)


def tick_one(deps: Deps, *, request_id: int) -> Outcome:
    """Escalate, remind or auto-close one request as of now (FAQ drafts nobody clicked close quietly)."""

    def decide(row: HelpRequest, state: HelpState | None, env: Env, _who: str | None) -> Result | str:
        if state is None:
            return "faq_expired" if row.state == "faq" and row.wake_at and row.wake_at <= env.now else "ok"
        return escalation_rules.tick(state, env.directory, env.now, env.is_active, env.ambassadors)

    outcome = _transition(deps, request_id, None, decide)
    deliver(deps, outcome)
    return outcome


def tick(deps: Deps, *, limit: int = 200) -> int:
    """One scheduler pass over due requests; returns how many produced effects."""
    with session_scope(deps.session_factory) as session:
        ids = due_requests(session, deps.clock.now(), limit)
    acted = 0
    for request_id in ids:
        try:
            acted += bool(tick_one(deps, request_id=request_id).effects)
        except Exception:  # one broken request must not stop the others; it is retried next tick
            log.exception("help tick failed for request %s", request_id)
    return acted


# --------------------------------------------------------------------------- the transaction


def _locale_of(session: Session, user_id: str) -> str:
    person = get_person(session, user_id) if user_id else None
    return person.effective_locale if person else "en"


def _env(session: Session, deps: Deps, row: HelpRequest, state: HelpState | None) -> Env:
    directory = load_directory(session, deps.playbook)
    ambassadors = ambassadors_of(session, row.department)
    people = set(contact_people(directory)) | set(ambassadors)
    if state is not None:
        people |= {c.who for c in state.chain if not c.is_channel} | {state.owner}
    return Env(directory, ambassadors, frozenset(deactivated_among(session, people)), deps.clock.now())


Decide = Callable[[HelpRequest, HelpState | None, Env, str | None], "Result | str"]


def _refusal(session: Session, row: HelpRequest | None, actor: str | None, reason: str) -> str:
    locale = _locale_of(session, actor or "")
    if row is None or reason == "unknown":
        return t("help.refuse.unknown", locale)
    if reason == "already_routed":
        return t("help.refuse.already_routed", locale, id=row.id)
    return t(f"help.refuse.{reason}", locale) if f"help.refuse.{reason}" in STRINGS else ""


def _transition(deps: Deps, request_id: int, actor: str | None, decide: Decide, *, dry_run: bool = False) -> Outcome:
    """Load (locked), decide, save, snapshot; retried when a concurrent writer got there first."""
    for _attempt in range(MAX_ATTEMPTS):
        try:
            with session_scope(deps.session_factory) as session:
                row = session.scalar(select(HelpRequest).where(HelpRequest.id == request_id).with_for_update())
                if row is None:
                    return Outcome(False, request_id, _refusal(session, None, actor, "unknown"))
                state = load_state(row)
                env = _env(session, deps, row, state)
                result = decide(row, state, env, actor)
                if isinstance(result, str):
                    if result == "faq_expired":
                        row.state, row.resolution, row.closed_at = "closed", "faq_no_reply", env.now
                        row.next_deadline = row.wake_at = None
                        return Outcome(True, request_id)
                    return Outcome(result == "ok", request_id, _refusal(session, row, actor, result))
                if isinstance(result, NotOwner):
                    owner = views.mention(result.owner, state.owner_is_channel if state else False)
                    text = t("help.refuse.not_owner", _locale_of(session, actor or ""), id=request_id, owner=owner)
                    return Outcome(False, request_id, text)
                if isinstance(result, Invalid):
                    return Outcome(False, request_id, views.localize_refusal(result, _locale_of(session, actor or "")))
                if dry_run:
                    return Outcome(True, request_id)
                card_owner = row.owner
                save_state(session, row, result.state)
                context = _context(session, deps, row, result, card_owner)
            return Outcome(True, request_id, effects=result.effects, context=context)
        except StaleDataError:
            log.info("help request %s changed under us; deciding again", request_id)
    with session_scope(deps.session_factory) as session:
        return Outcome(False, request_id, t("help.refuse.busy", _locale_of(session, actor or "")))


def _stage_label(deps: Deps, number: int, locale: str) -> str | None:
    """The asker's stage on the ladder, in the reader's language (None before the first stage)."""
    if number <= 0 or number > len(deps.playbook.stages):
        return None
    return f"{number}. {deps.playbook.stages[number - 1].title.get(locale)}"


def _context(session: Session, deps: Deps, row: HelpRequest, result: Transition, card_owner: str) -> Context:
    state = result.state
    people = {state.asker, state.owner, card_owner}
    for effect in result.effects:
        people.add(getattr(effect, "owner", "") or "")
    persons = {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.slack_user_id.in_(people)))}
    locales = {uid: p.effective_locale for uid, p in persons.items()}
    history: tuple[str, ...] = ()
    if any(_is_assignment(e) for e in result.effects):
        steps = session.scalars(select(HelpStep).where(HelpStep.request_id == row.id).order_by(HelpStep.id))
        history = tuple(f"{views.when(s.at)} {s.kind} {s.actor or ''} {s.note or ''}".strip() for s in steps)
    asker = persons.get(state.asker)
    return Context(
        request_id=row.id,
        question=truncate(row.question, 2800),
        asker=state.asker,
        department=state.department,
        stage=asker.current_stage if asker else 0,
        topic=state.topic,
        state=state.state,
        owner=state.owner,
        owner_is_channel=state.owner_is_channel,
        due=state.first_response_due if state.state == "open" else state.resolution_due,
        card=(row.thread_channel, row.thread_ts) if row.thread_channel and row.thread_ts else None,
        card_owner=card_owner,
        asker_thread=(row.asker_channel, row.asker_ts) if row.asker_channel and row.asker_ts else None,
        admin_channel=state.chain[-1].who,
        locales=locales,
        history=history,
    )


def _is_assignment(effect: Effect) -> bool:
    """Effects that put the request in front of a new owner (a new card)."""
    if isinstance(effect, NotifyOwner):
        return effect.kind in ("assigned", "handed_over")
    return isinstance(effect, PostToAdminChannel) and effect.kind == "assigned" and effect.channel == effect.owner


# --------------------------------------------------------------------------- carrying out effects


def deliver(deps: Deps, outcome: Outcome, *, depth: int = 0) -> None:
    """Carry out the effects in Slack; failures are recorded on the request, never raised to the clicker."""
    ctx = outcome.context
    if not outcome.ok or ctx is None:
        return
    record = _Deliveries()
    new_card: PostedMessage | None = None
    for effect in outcome.effects:
        try:
            posted = _deliver_one(deps, ctx, effect)
            if posted is not None and _is_assignment(effect):
                new_card = posted
        except SlackError as exc:
            log.warning("help request %s: %s failed: %s", ctx.request_id, type(effect).__name__, exc)
            record.failures.append((effect, exc))
    try:
        _refresh_cards(deps, ctx, new_card)
    except SlackError as exc:
        log.warning("help request %s: card update failed: %s", ctx.request_id, exc)
    _record(deps, ctx, new_card, record)
    gone = [
        e.owner
        for e, exc in record.failures
        if isinstance(e, NotifyOwner) and _is_assignment(e) and exc.code in GONE_CODES
    ]
    if gone and depth < 3:
        for user_id in gone:
            _mark_gone(deps, user_id)
        deliver(deps, tick_one_quiet(deps, ctx.request_id), depth=depth + 1)


def tick_one_quiet(deps: Deps, request_id: int) -> Outcome:
    """A tick without delivering (the caller delivers, with its own depth guard)."""

    def decide(_row: HelpRequest, state: HelpState | None, env: Env, _who: str | None) -> Result | str:
        return escalation_rules.tick(state, env.directory, env.now, env.is_active, env.ambassadors) if state else "ok"

    return _transition(deps, request_id, None, decide)


def _dm(deps: Deps, user_id: str, message: views.Message) -> PostedMessage:
    return deps.slack.send_dm(user_id, message["text"], blocks=message["blocks"])


def _topic(deps: Deps, ctx: Context, locale: str) -> str:
    return topic_title(deps.playbook, ctx.topic, locale)


def _card(deps: Deps, ctx: Context, locale: str, *, state: str | None = None, note: str = "") -> views.Card:
    return views.Card(
        request_id=ctx.request_id,
        topic_title=_topic(deps, ctx, locale),
        question=ctx.question,
        asker=ctx.asker,
        department=ctx.department,
        stage=_stage_label(deps, ctx.stage, locale),
        state=state or ctx.state,
        owner=ctx.owner,
        owner_is_channel=ctx.owner_is_channel,
        due=ctx.due,
        note=note,
    )


def _admin_channel_id(deps: Deps, ctx: Context) -> str:
    return resolve_channel(deps, ctx.admin_channel)


def _deliver_one(deps: Deps, ctx: Context, effect: Effect) -> PostedMessage | None:
    """One effect → one Slack message (a new card returns its PostedMessage)."""
    if isinstance(effect, NotifyAsker):
        return _tell_asker(deps, ctx, effect)
    if isinstance(effect, AskAskerToConfirm):
        locale = ctx.locale(ctx.asker)
        template = deps.playbook.templates.help_follow_up.get(locale)
        person_name = views.mention(ctx.asker)
        text = template.format(name=person_name, contact=views.mention(effect.owner), topic=_topic(deps, ctx, locale))
        return _dm(deps, ctx.asker, views.confirm_message(locale, ctx.request_id, text))
    if isinstance(effect, AskAskerToRate):
        return _dm(deps, ctx.asker, views.rate_message(ctx.locale(ctx.asker), ctx.request_id))
    if isinstance(effect, NotifyOwner):
        locale = ctx.locale(effect.owner)
        if _is_assignment(effect):
            message = views.question_card(_card(deps, ctx, locale, note=effect.note), locale)
            posted = _dm(deps, effect.owner, message)
            _post_history(deps, ctx, posted, locale)
            return posted
        notice = views.owner_notice(
            effect.kind, locale, request_id=ctx.request_id, asker=ctx.asker, due=effect.due, note=effect.note
        )
        return _dm(deps, effect.owner, notice)
    if isinstance(effect, RemindOwner):
        locale = ctx.locale(effect.owner)
        notice = views.owner_notice("reminder", locale, request_id=ctx.request_id, asker=ctx.asker, due=effect.due)
        return _dm(deps, effect.owner, notice)
    if isinstance(effect, PostToAdminChannel):
        channel = _admin_channel_id(deps, ctx)
        if _is_assignment(effect):
            posted = deps.slack.post_message(
                channel, **_msg(views.admin_card(_card(deps, ctx, "en", note=effect.note)))
            )
            _post_history(deps, ctx, posted, "en")
            return posted
        message = views.admin_post(
            effect.kind,
            request_id=ctx.request_id,
            topic=_topic(deps, ctx, "en"),
            asker=ctx.asker,
            owner=effect.owner,
            due=effect.due,
            note=effect.note,
        )
        thread = ctx.card[1] if ctx.card and ctx.card[0] == channel else None
        return deps.slack.post_message(channel, **_msg(message), thread_ts=thread)
    raise TypeError(f"unknown help effect {effect!r}")


def _msg(message: views.Message) -> dict[str, Any]:
    return {"text": message["text"], "blocks": message["blocks"]}


def _post_history(deps: Deps, ctx: Context, card: PostedMessage, locale: str) -> None:
    """A new owner sees what happened before, in the card's thread: the request keeps its history."""
    if len(ctx.history) > 2:
        deps.slack.post_message(card.channel, **_msg(views.history_message(ctx.history, locale)), thread_ts=card.ts)


def _tell_asker(deps: Deps, ctx: Context, effect: NotifyAsker) -> PostedMessage | None:
    if effect.kind == "answered":
        return None  # the confirm question right after says who answered; one message, not two
    locale = ctx.locale(ctx.asker)
    message = views.asker_update(
        effect.kind,
        locale,
        owner=effect.owner,
        owner_is_channel=effect.owner_is_channel,
        due=effect.expected_reply_by,
        topic=_topic(deps, ctx, locale),
    )
    posted = _dm(deps, ctx.asker, message)
    if effect.kind == "routed":
        _set_thread(deps, ctx.request_id, asker=posted)
    return posted


def _refresh_cards(deps: Deps, ctx: Context, new_card: PostedMessage | None) -> None:
    """The old card shows where the question went; an unchanged card shows the new state."""
    if ctx.card is None:
        return
    channel, ts = ctx.card
    in_dm = channel.startswith("D")
    locale = ctx.locale(ctx.card_owner) if in_dm else "en"
    if new_card is not None and (new_card.channel, new_card.ts) != ctx.card:
        card = _card(deps, ctx, locale, state="moved")
    elif ctx.state in ("taken", "answered", "closed"):
        card = _card(deps, ctx, locale)
    else:
        return
    message = views.question_card(card, locale) if in_dm else views.admin_card(card)
    deps.slack.update_message(channel, ts, message["text"], blocks=message["blocks"])


def _set_thread(
    deps: Deps, request_id: int, *, card: PostedMessage | None = None, asker: PostedMessage | None = None
) -> None:
    """Remember where the conversation lives (without touching the version: no decision changed)."""
    values: dict[str, Any] = {}
    if card is not None:
        values.update(thread_channel=card.channel, thread_ts=card.ts)
    if asker is not None:
        values.update(asker_channel=asker.channel, asker_ts=asker.ts)
    if values:
        with session_scope(deps.session_factory) as session:
            session.execute(
                update(HelpRequest).where(HelpRequest.id == request_id).values(**values),
                execution_options={"synchronize_session": False},
            )


def _record(deps: Deps, ctx: Context, new_card: PostedMessage | None, record: _Deliveries) -> None:
    _set_thread(deps, ctx.request_id, card=new_card)
    if record.failures:
        now = deps.clock.now()
        with session_scope(deps.session_factory) as session:
            for effect, exc in record.failures:
                to = getattr(effect, "owner", "") or getattr(effect, "asker", "")
                note = f"{type(effect).__name__} to {to}: {exc.code}"
                add_step(session, ctx.request_id, at=now, kind="delivery_failed", actor="system", note=note)


# --------------------------------------------------------------------------- direct messages


def handle_direct_message(
    deps: Deps, *, user_id: str, text: str, channel: str, ts: str, thread_ts: str | None = None
) -> None:
    """A DM to the bot: a reply in a request's thread is passed on; anything else is a new question.

    New questions get FAQ answers first (in the DM), then a person. Relayed text is never stored.
    """
    if thread_ts and thread_ts != ts and _relay(deps, user_id=user_id, text=text, channel=channel, thread_ts=thread_ts):
        return
    result = ask(deps, user_id=user_id, text=text, via="dm", show=lambda m: _post(deps, channel, m))
    if result.kind == "invalid" and result.message:
        deps.slack.post_message(channel, result.message)


def _post(deps: Deps, channel: str, message: views.Message) -> None:
    deps.slack.post_message(channel, message["text"], blocks=message["blocks"])


def _relay(deps: Deps, *, user_id: str, text: str, channel: str, thread_ts: str) -> bool:
    """Pass a thread reply between the owner's card thread and the asker's thread; False if no match."""
    with session_scope(deps.session_factory) as session:
        row = session.scalar(
            select(HelpRequest).where(
                or_(
                    (HelpRequest.thread_channel == channel) & (HelpRequest.thread_ts == thread_ts),
                    (HelpRequest.asker_channel == channel) & (HelpRequest.asker_ts == thread_ts),
                )
            )
        )
        if row is None:
            return False
        from_owner = row.thread_channel == channel and row.thread_ts == thread_ts
        target = (row.asker_channel, row.asker_ts) if from_owner else (row.thread_channel, row.thread_ts)
        request_id = row.id
    if not target[0] or not target[1] or not text.strip():
        return True
    body = views.relay(user_id, text)
    deps.slack.post_message(target[0], body, thread_ts=target[1])
    log.debug("relayed a reply on help request %s", request_id)
    return True
