"""Help requests in one transaction: store a question, decide a transition, snapshot what delivery needs.

Every function takes the caller's session and returns plain values; none commits and none calls Slack.
``bot/flows/help.py`` owns the transactions (and the retry when two writers race), calls Slack and
renders. A request starts as a FAQ draft (state "faq"); rows carry a version column, so a decision made
on a stale row fails at flush with ``StaleDataError`` and the flow decides again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.help.directory import Directory, FaqItem
from bot.domain.help.matching import match_faq, suggest_topic
from bot.domain.help.question import QuestionError, clean_question, truncate
from bot.domain.help.routing import escalation_chain
from bot.domain.help.state import (
    Effect,
    HelpState,
    Invalid,
    NotifyOwner,
    NotOwner,
    PostToAdminChannel,
    Result,
    Transition,
)
from bot.playbook import Playbook
from bot.services.help_directory import ambassadors_of, contact_people, deactivated_among, load_directory, topic_keys
from bot.services.help_store import ACTIVE_STATES, add_step, load_state, save_state
from bot.services.people import get_person
from models import HelpRequest, HelpStep, Person

FAQ_WAIT_DAYS = 3  # a FAQ draft nobody clicks on is closed quietly after this


@dataclass(frozen=True)
class RoutingEnv:
    """What a transition needs besides the state: the directory, ambassadors, who is active, the time."""

    directory: Directory
    ambassadors: list[str]
    gone: frozenset[str]
    now: datetime

    def is_active(self, who: str) -> bool:
        return who not in self.gone


@dataclass(frozen=True)
class DeliveryContext:
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
    history: tuple[tuple[datetime, str], ...] = ()
    revision: str = ""  # this transition among the request's, for the idempotency keys of its messages

    def locale(self, user_id: str) -> str:
        return self.locales.get(user_id, "en")


@dataclass(frozen=True)
class Refusal:
    """Why an action was refused, for the flow to word in ``locale``.

    ``reason`` names a ``help.refuse.<reason>`` string (or "invalid": the domain's ``invalid`` refusal);
    ``owner`` is who does own the request when the reason is "not_owner".
    """

    reason: str
    locale: str
    request_id: int | None = None
    owner: str = ""
    owner_is_channel: bool = False
    invalid: Invalid | None = None


@dataclass(frozen=True)
class Decided:
    """A transition's verdict: ok (with effects to deliver and their snapshot) or a refusal."""

    ok: bool
    request_id: int | None
    locale: str  # the actor's
    refusal: Refusal | None = None
    effects: tuple[Effect, ...] = ()
    context: DeliveryContext | None = None


@dataclass(frozen=True)
class NewQuestion:
    """A stored question: its id, the asker's locale, and the FAQ answers to show first (maybe none)."""

    request_id: int
    locale: str
    faq: tuple[FaqItem, ...] = ()


@dataclass(frozen=True)
class RelayTarget:
    """Where a thread reply goes: the other side of the conversation (empty when it has none yet)."""

    request_id: int
    channel: str | None
    ts: str | None
    to_asker: bool = False  # the reply goes to the asker's thread (else to the owner's card)


Decide = Callable[[HelpRequest, HelpState | None, RoutingEnv, str | None], "Result | str"]


def locale_of(session: Session, user_id: str, default: str = "en") -> str:
    """A person's language (``default`` for people we do not know)."""
    person = get_person(session, user_id) if user_id else None
    return person.effective_locale if person else default


def locales_of(session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    """The languages of the people we know among these ids."""
    people = session.scalars(select(Person).where(Person.slack_user_id.in_(set(user_ids))))
    return {p.slack_user_id: p.effective_locale for p in people}


# --------------------------------------------------------------------------- asking


def store_question(
    session: Session, playbook: Playbook, *, user_id: str, text: str | None, topic: str | None, via: str, now: datetime
) -> NewQuestion | QuestionError:
    """Save a new question as a FAQ draft; with FAQ matches it waits FAQ_WAIT_DAYS for a click."""
    person = get_person(session, user_id)
    if person is None:
        raise LookupError(f"asker {user_id} has no person row")
    locale = person.effective_locale
    cleaned = clean_question(text, locale=locale)
    if isinstance(cleaned, QuestionError):
        return cleaned
    directory = load_directory(session, playbook)
    chosen = topic if topic in topic_keys(playbook) else suggest_topic(directory, cleaned.text, locale)
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
    matches = match_faq(directory, cleaned.text, locale)
    if matches:
        row.faq_shown = len(matches)
        row.next_deadline = row.wake_at = now + timedelta(days=FAQ_WAIT_DAYS)
        add_step(session, row.id, at=now, kind="faq_shown", actor=user_id, note=str(len(matches)))
    return NewQuestion(row.id, locale, tuple(matches))


def close_as_faq(session: Session, *, request_id: int, actor: str, now: datetime) -> Decided:
    """ "This solved it": the draft closes as answered by the FAQ (counted, never routed)."""
    row = session.get(HelpRequest, request_id)
    locale = locale_of(session, actor)
    if row is None:
        return Decided(False, None, locale, Refusal("unknown", locale))
    if row.asker_user != actor:
        return Decided(False, request_id, locale, Refusal("not_asker", locale, request_id))
    if row.state != "faq":
        return Decided(False, request_id, locale, Refusal("already_routed", locale, request_id))
    row.state, row.resolution, row.closed_at = "closed", "faq", now
    row.next_deadline = row.wake_at = None
    add_step(session, request_id, at=now, kind="faq_solved", actor=actor)
    return Decided(True, request_id, locale)


def chain_people(session: Session, playbook: Playbook, *, request_id: int) -> list[str] | None:
    """The people a request's escalation chain would reach (None: no such request)."""
    row = session.get(HelpRequest, request_id)
    if row is None:
        return None
    directory = load_directory(session, playbook)
    ambassadors = ambassadors_of(session, row.department)
    chain = escalation_chain(directory, topic=row.topic, department=row.department, ambassadors=ambassadors)
    return [link.who for link in chain if not link.is_channel]


def unknown_people(session: Session, user_ids: Iterable[str]) -> list[str]:
    """Which of these ids have no person row yet (sorted)."""
    ids = set(user_ids)
    known = set(session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(ids))))
    return sorted(ids - known)


def request_summary(session: Session, *, request_id: int) -> str:
    """The question, shortened for a modal or a card."""
    row = session.get(HelpRequest, request_id)
    return truncate(row.question, 600) if row else ""


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


# --------------------------------------------------------------------------- one transition


def _env(session: Session, playbook: Playbook, row: HelpRequest, state: HelpState | None, now: datetime) -> RoutingEnv:
    directory = load_directory(session, playbook)
    ambassadors = ambassadors_of(session, row.department)
    people = set(contact_people(directory)) | set(ambassadors)
    if state is not None:
        people |= {c.who for c in state.chain if not c.is_channel} | {state.owner}
    return RoutingEnv(directory, ambassadors, frozenset(deactivated_among(session, people)), now)


def decide(
    session: Session,
    playbook: Playbook,
    *,
    request_id: int,
    actor: str | None,
    rule: Decide,
    now: datetime,
    dry_run: bool = False,
) -> Decided:
    """Load the request (locked), let ``rule`` decide, save the new state and snapshot it for delivery.

    ``rule`` returns a domain result, or a word: "ok" (nothing to do), "faq_expired" (close the draft
    quietly), or a refusal reason. ``dry_run`` only asks whether the actor may act.
    """
    locale = locale_of(session, actor or "")
    row = session.scalar(select(HelpRequest).where(HelpRequest.id == request_id).with_for_update())
    if row is None:
        return Decided(False, request_id, locale, Refusal("unknown", locale))
    state = load_state(row)
    env = _env(session, playbook, row, state, now)
    result = rule(row, state, env, actor)
    if isinstance(result, str):
        if result == "faq_expired":
            row.state, row.resolution, row.closed_at = "closed", "faq_no_reply", env.now
            row.next_deadline = row.wake_at = None
            return Decided(True, request_id, locale)
        refusal = None if result == "ok" else Refusal(result, locale, request_id)
        return Decided(result == "ok", request_id, locale, refusal)
    if isinstance(result, NotOwner):
        is_channel = state.owner_is_channel if state else False
        refusal = Refusal("not_owner", locale, request_id, result.owner, is_channel)
        return Decided(False, request_id, locale, refusal)
    if isinstance(result, Invalid):
        return Decided(False, request_id, locale, Refusal("invalid", locale, request_id, invalid=result))
    if dry_run:
        return Decided(True, request_id, locale)
    card_owner = row.owner
    save_state(session, row, result.state)
    context = _snapshot(session, row, result, card_owner)
    return Decided(True, request_id, locale, effects=result.effects, context=context)


def is_assignment(effect: Effect) -> bool:
    """Effects that put the request in front of a new owner (a new card)."""
    if isinstance(effect, NotifyOwner):
        return effect.kind in ("assigned", "handed_over")
    return isinstance(effect, PostToAdminChannel) and effect.kind == "assigned" and effect.channel == effect.owner


def _snapshot(session: Session, row: HelpRequest, result: Transition, card_owner: str) -> DeliveryContext:
    state = result.state
    people = {state.asker, state.owner, card_owner}
    for effect in result.effects:
        people.add(getattr(effect, "owner", "") or "")
    persons = {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.slack_user_id.in_(people)))}
    history: tuple[tuple[datetime, str], ...] = ()
    if any(is_assignment(e) for e in result.effects):
        steps = session.scalars(select(HelpStep).where(HelpStep.request_id == row.id).order_by(HelpStep.id))
        history = tuple((s.at, f"{s.kind} {s.actor or ''} {s.note or ''}".strip()) for s in steps)
    asker = persons.get(state.asker)
    steps_so_far = session.scalar(select(func.count()).select_from(HelpStep).where(HelpStep.request_id == row.id))
    return DeliveryContext(
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
        locales={uid: p.effective_locale for uid, p in persons.items()},
        history=history,
        revision=f"{row.version}.{steps_so_far or 0}",
    )


# --------------------------------------------------------------------------- after delivery


@dataclass(frozen=True)
class Delivered:
    """What Slack gave back: where the new card and the asker's thread are, and what failed (notes)."""

    card: tuple[str, str] | None = None
    asker_thread: tuple[str, str] | None = None
    failures: list[str] = field(default_factory=list)


def record_delivery(session: Session, *, request_id: int, delivered: Delivered, now: datetime) -> None:
    """Remember where the conversation lives (without touching the version: no decision changed), and failures."""
    values: dict[str, Any] = {}
    if delivered.card is not None:
        values.update(thread_channel=delivered.card[0], thread_ts=delivered.card[1])
    if delivered.asker_thread is not None:
        values.update(asker_channel=delivered.asker_thread[0], asker_ts=delivered.asker_thread[1])
    if values:
        session.execute(
            update(HelpRequest).where(HelpRequest.id == request_id).values(**values),
            execution_options={"synchronize_session": False},
        )
    for note in delivered.failures:
        add_step(session, request_id, at=now, kind="delivery_failed", actor="system", note=note)


def relay_target(session: Session, *, channel: str, thread_ts: str) -> RelayTarget | None:
    """The other side of a request's conversation for a reply in one of its threads (None: no request)."""
    row = session.scalar(
        select(HelpRequest).where(
            or_(
                (HelpRequest.thread_channel == channel) & (HelpRequest.thread_ts == thread_ts),
                (HelpRequest.asker_channel == channel) & (HelpRequest.asker_ts == thread_ts),
            )
        )
    )
    if row is None:
        return None
    from_owner = row.thread_channel == channel and row.thread_ts == thread_ts
    if from_owner:
        return RelayTarget(row.id, row.asker_channel, row.asker_ts, to_asker=True)
    return RelayTarget(row.id, row.thread_channel, row.thread_ts)
