"""Help requests: every question reaches a named person, and the asker always knows who has it.

Pure rules only (no Slack, no database, time passed in as ``now``):

- the help *directory* (topics, contacts, FAQ) as small frozen dataclasses the playbook adapts into;
- ``suggest_topic`` / ``match_faq``: keyword matching that also works for Japanese text without spaces;
- ``route``: who owns a new question (primary → backup → ambassador → admin channel), with a reason
  for every person skipped;
- a request state machine (``open_request``, ``take``, ``answer``, ``hand_over``, ``tick``, ``confirm``,
  ``rate``) whose transitions return a new ``HelpState`` plus *effects* the service layer carries out;
- ``clean_question`` for user input, and metrics over request records.

Invariant kept by every transition: a request that is not closed has exactly one current owner (a user
id, or the admin channel) and a next deadline (``HelpState.next_deadline``); its history only grows.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.domain.business_hours import BusinessHours, add_business_hours, business_time_between, next_open
from bot.domain.business_hours import is_open as hours_open

OTHER_TOPIC = "other"
PRIMARY, BACKUP, AMBASSADOR, ADMIN_CHANNEL = 0, 1, 2, 3
LEVEL_NAMES = {
    PRIMARY: "primary contact",
    BACKUP: "backup contact",
    AMBASSADOR: "ambassador",
    ADMIN_CHANNEL: "admin channel",
}
REMINDER_SHARE = 0.75  # remind the owner when this share of the time to the deadline has passed
QUESTION_LIMIT = 3000  # Slack's section text limit: longer questions are stored whole, summarised in messages

State = Literal["open", "taken", "answered", "closed"]
IsActive = Callable[[str], bool]
_ASKER = "is the person asking"


# --------------------------------------------------------------------------- directory


@dataclass(frozen=True)
class Sla:
    """Hours of *business* time allowed for the first response and for the resolution."""

    first_response_hours: float = 4.0
    resolution_hours: float = 24.0


@dataclass(frozen=True)
class Contact:
    """Who answers a topic, optionally for one department; ``hours=None`` means always reachable."""

    primary: str
    backup: str | None = None
    department: str | None = None
    hours: BusinessHours | None = None


@dataclass(frozen=True)
class Topic:
    """A help topic with its matching keywords per locale, its SLA and its contacts."""

    key: str
    title: str
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sla: Sla = Sla()
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class FaqEntry:
    """A ready answer shown before (or instead of) routing a question to a person."""

    topic: str
    question: Mapping[str, str]
    answer: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Directory:
    """Everything routing needs from the playbook.

    ``admin_hours`` is when the admin channel is staffed. ``None`` makes the channel a safety net rather
    than a desk: it only receives a request when no active person is left in the chain, and its deadlines
    run on wall-clock time. ``office_hours`` are the hours assumed for ambassadors when the topic has no
    contact to borrow hours from (``None``: always reachable).
    """

    topics: tuple[Topic, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    ambassador_default_for: frozenset[str] = frozenset()
    admin_channel: str = "#coach-help-admins"
    admin_hours: BusinessHours | None = None
    office_hours: BusinessHours | None = None
    default_sla: Sla = Sla()

    def topic(self, key: str) -> Topic | None:
        """The topic with this key, if the playbook has one."""
        return next((t for t in self.topics if t.key == key), None)

    def sla_for(self, key: str) -> Sla:
        """The topic's SLA, or the default for unknown topics such as "other"."""
        topic = self.topic(key)
        return topic.sla if topic else self.default_sla


def _keywords(raw: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """Normalise a {locale: [words]} mapping read from YAML."""
    return {locale: tuple(words) for locale, words in (raw or {}).items()}


def _hours(raw: Mapping[str, Any] | None) -> BusinessHours | None:
    """Build business hours from the playbook's {tz, days, start, end, holidays} mapping."""
    return BusinessHours(**raw) if raw else None


def directory_from_dict(data: Mapping[str, Any]) -> Directory:
    """Adapt the playbook's help section (plain dicts, as loaded from YAML) into a ``Directory``."""
    topics = tuple(
        Topic(
            key=t["key"],
            title=t.get("title", t["key"]),
            keywords=_keywords(t.get("keywords")),
            sla=Sla(**t["sla"]) if t.get("sla") else Sla(),
            contacts=tuple(
                Contact(c["primary"], c.get("backup"), c.get("department"), _hours(c.get("hours")))
                for c in t.get("contacts", ())
            ),
        )
        for t in data.get("topics", ())
    )
    faq = tuple(
        FaqEntry(f["topic"], dict(f["question"]), dict(f["answer"]), _keywords(f.get("keywords")))
        for f in data.get("faq", ())
    )
    return Directory(
        topics=topics,
        faq=faq,
        ambassador_default_for=frozenset(data.get("ambassador_default_for", ())),
        admin_channel=data.get("admin_channel", "#coach-help-admins"),
        admin_hours=_hours(data.get("admin_hours")),
        office_hours=_hours(data.get("office_hours")),
    )


# --------------------------------------------------------------------------- keyword matching


def _normalise(text: str) -> str:
    """NFKC folds full-width letters (Ｓｌａｃｋ) and half-width kana; casefold ignores case."""
    return unicodedata.normalize("NFKC", text).casefold()


def _lang(locale: str) -> str:
    """ "ja-JP" and "ja_JP" both mean the "ja" keyword list."""
    return re.split(r"[-_]", locale.strip().lower(), maxsplit=1)[0]


def _hits(text: str, keyword: str) -> bool:
    """Latin keywords must start a word ("log" does not hit "catalog"); others match as substrings.

    Japanese has no spaces between words, so substring matching is the only workable rule there.
    """
    if not keyword:
        return False
    if keyword[0].isascii() and keyword[0].isalnum():
        return re.search(r"(?<![a-z0-9])" + re.escape(keyword), text) is not None
    return keyword in text


def _score(text: str, keywords: Mapping[str, Sequence[str]], locale: str) -> tuple[int, int]:
    """(weighted hits, matched length): own-locale keywords count double, others still count.

    Others still count because people mix languages ("VPNに繋がらない" matches an English "vpn").
    """
    lang = _lang(locale)
    best: dict[str, int] = {}
    for kw_locale, words in keywords.items():
        weight = 2 if _lang(kw_locale) == lang else 1
        for word in words:
            norm = _normalise(word).strip()
            if _hits(text, norm):
                best[norm] = max(best.get(norm, 0), weight)
    return sum(best.values()), sum(len(w) for w in best)


def suggest_topic(directory: Directory, text: str, locale: str) -> str:
    """The topic whose keywords best match the question, or "other"; ties go to playbook order."""
    norm = _normalise(text)
    best_key, best_score = OTHER_TOPIC, (0, 0)
    for topic in directory.topics:
        score = _score(norm, topic.keywords, locale)
        if score > best_score:
            best_key, best_score = topic.key, score
    return best_key


def match_faq(directory: Directory, text: str, locale: str, limit: int = 3) -> list[FaqEntry]:
    """FAQ entries ranked by keyword overlap with the question (none when nothing overlaps)."""
    norm = _normalise(text)
    scored = [(_score(norm, entry.keywords, locale), i, entry) for i, entry in enumerate(directory.faq)]
    ranked = sorted((s for s in scored if s[0][0] > 0), key=lambda s: (-s[0][0], -s[0][1], s[1]))
    return [entry for _, _, entry in ranked[: max(limit, 0)]]


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Candidate:
    """One link of the escalation chain: who, at which level, reachable when."""

    who: str
    level: int
    hours: BusinessHours | None = None
    is_channel: bool = False


@dataclass(frozen=True)
class RoutingDecision:
    """Who owns a new question and by when the asker can expect a reply.

    ``expected_reply_by`` is the promise made to the asker; today it equals ``first_response_due``,
    kept separate so the wording policy can change without touching escalation.
    """

    owner: str
    level: int
    owner_is_channel: bool
    skipped: tuple[tuple[str, str], ...]
    first_response_due: datetime
    resolution_due: datetime
    expected_reply_by: datetime
    out_of_hours: bool
    chain: tuple[Candidate, ...]
    position: int


def _pick_contact(topic: Topic | None, department: str | None) -> tuple[Contact | None, bool]:
    """(contact, is_department_specific): the department's own contact wins over the general one."""
    if topic is None:
        return None, False
    specific = next((c for c in topic.contacts if department and c.department == department), None)
    if specific:
        return specific, True
    return next((c for c in topic.contacts if c.department is None), None), False


def escalation_chain(
    directory: Directory, *, topic: str, department: str | None, ambassadors: Sequence[str]
) -> tuple[Candidate, ...]:
    """Ordered candidates: primary → backup → ambassadors → admin channel (always last).

    For topics in ``ambassador_default_for`` without a department-specific contact, the department's
    ambassadors come first, then the general contact. A person appears once, at their first place.
    """
    contact, specific = _pick_contact(directory.topic(topic), department)
    contact_people = []
    if contact:
        contact_people.append(Candidate(contact.primary, PRIMARY, contact.hours))
        if contact.backup:
            contact_people.append(Candidate(contact.backup, BACKUP, contact.hours))
    amb_hours = contact.hours if contact else directory.office_hours
    amb_people = [Candidate(a, AMBASSADOR, amb_hours) for a in ambassadors if a]
    ambassador_first = topic in directory.ambassador_default_for and not specific and amb_people
    people = amb_people + contact_people if ambassador_first else contact_people + amb_people
    unique: dict[str, Candidate] = {}
    for person in people:
        unique.setdefault(person.who, person)
    channel = Candidate(directory.admin_channel, ADMIN_CHANNEL, directory.admin_hours, is_channel=True)
    return (*unique.values(), channel)


@dataclass(frozen=True)
class _Selection:
    """Result of walking the chain: the chosen index, the skips, and when their clock starts."""

    index: int
    skipped: tuple[tuple[str, str], ...]
    out_of_hours: bool
    starts_at: datetime


def _closed_reason(hours: BusinessHours, now: datetime) -> str:
    """A human reason naming when the person is back, in their own zone."""
    back = next_open(hours, now).astimezone(hours.zone)
    return f"out of business hours (back {back:%a %H:%M} {hours.tz})"


def _select(
    chain: Sequence[Candidate],
    start: int,
    now: datetime,
    is_active: IsActive,
    exclude: Mapping[str, str],
) -> _Selection:
    """Walk the chain from ``start``: the first active person in business hours owns the request.

    Out-of-hours decision: when nobody from ``start`` on is in hours (and the admin channel is not
    staffed now), the first *active* person gets it anyway and their deadlines start at their next open
    time, so a question asked at night waits for a named person rather than bouncing to admins. Only
    when no active person is left does the admin channel (the end of the chain) take it.
    """
    skipped: list[tuple[str, str]] = []
    fallback: tuple[int, tuple[tuple[str, str], ...]] | None = None
    channel_index = len(chain) - 1
    for index in range(start, channel_index):
        person = chain[index]
        if person.who in exclude:
            skipped.append((person.who, exclude[person.who]))
            continue
        if not is_active(person.who):
            skipped.append((person.who, "deactivated"))
            continue
        if person.hours is not None and not hours_open(person.hours, now):
            if fallback is None:
                fallback = (index, tuple(skipped))
            skipped.append((person.who, _closed_reason(person.hours, now)))
            continue
        return _Selection(index, tuple(skipped), False, now)
    channel = chain[channel_index]
    if channel.hours is not None and hours_open(channel.hours, now):
        return _Selection(channel_index, tuple(skipped), False, now)
    if fallback is not None:
        index, before = fallback
        hours = chain[index].hours
        return _Selection(index, before, True, next_open(hours, now) if hours else now)
    starts = next_open(channel.hours, now) if channel.hours else now
    return _Selection(channel_index, tuple(skipped), channel.hours is not None, starts)


def _deadline(hours: BusinessHours | None, start: datetime, amount: float) -> datetime:
    """Business-time deadline, or wall-clock when there are no hours (always reachable)."""
    if hours is None:
        return start + timedelta(hours=amount)
    return add_business_hours(hours, start, amount)


def _remind_point(hours: BusinessHours | None, start: datetime, due: datetime) -> datetime:
    """The instant when ``REMINDER_SHARE`` of the (business) time from start to due has passed."""
    if due <= start:
        return due
    if hours is None:
        return start + (due - start) * REMINDER_SHARE
    spent = business_time_between(hours, start, due) * REMINDER_SHARE
    return add_business_hours(hours, start, spent.total_seconds() / 3600)


def route(
    directory: Directory,
    *,
    topic: str,
    department: str | None,
    ambassadors: Sequence[str],
    is_active: IsActive,
    now: datetime,
    asker: str | None = None,
) -> RoutingDecision:
    """Choose the owner of a new question and its business-time deadlines.

    Walks primary → backup → ambassador(s) → admin channel, skipping the asker, deactivated people and
    people out of business hours, each with a reason in ``skipped``. Night rule: if nobody is in hours
    (and the admin channel is not staffed now), the first active person still gets the question, with
    deadlines counted from their next opening (``out_of_hours=True``), so nobody is stranded at night
    and nobody is paged either. The admin channel takes it only when no active person is left.
    """
    chain = escalation_chain(directory, topic=topic, department=department, ambassadors=ambassadors)
    chosen = _select(chain, 0, now, is_active, {asker: _ASKER} if asker else {})
    owner = chain[chosen.index]
    sla = directory.sla_for(topic)
    first_due = _deadline(owner.hours, chosen.starts_at, sla.first_response_hours)
    return RoutingDecision(
        owner=owner.who,
        level=owner.level,
        owner_is_channel=owner.is_channel,
        skipped=chosen.skipped,
        first_response_due=first_due,
        resolution_due=_deadline(owner.hours, chosen.starts_at, sla.resolution_hours),
        expected_reply_by=first_due,
        out_of_hours=chosen.out_of_hours,
        chain=chain,
        position=chosen.index,
    )


# --------------------------------------------------------------------------- request state machine


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
    sla: Sla
    chain: tuple[Candidate, ...]
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
    """The action does not fit the request's state or the input is bad; ``message`` is user-facing."""

    message: str


Result = Transition | NotOwner | Invalid


def _mention(who: str, is_channel: bool) -> str:
    """Slack mention text for a person; channels are shown by name."""
    return who if is_channel else f"<@{who}>"


def _channel(state: HelpState) -> str:
    """The admin channel at the end of this request's chain."""
    return state.chain[-1].who


def _to_owner(state: HelpState, kind: str, due: datetime | None, note: str = "") -> Effect:
    """Reach the owner: a DM for a person, a channel post for the admin channel."""
    if state.owner_is_channel:
        return PostToAdminChannel(state.request_id, state.owner, kind, state.owner, due, note)
    return NotifyOwner(state.request_id, state.owner, kind, due, note)


def _tell_asker(state: HelpState, kind: str, note: str = "") -> NotifyAsker:
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


def _log(state: HelpState, *steps: Step) -> tuple[Step, ...]:
    """History is append-only."""
    return state.history + steps


def _assign(state: HelpState, index: int, starts_at: datetime, now: datetime) -> HelpState:
    """Give the request to chain[index] with fresh deadlines counted from ``starts_at``."""
    owner = state.chain[index]
    first_due = _deadline(owner.hours, starts_at, state.sla.first_response_hours)
    return replace(
        state,
        state="open",
        position=index,
        owner=owner.who,
        level=owner.level,
        owner_is_channel=owner.is_channel,
        owner_hours=owner.hours,
        first_response_due=first_due,
        resolution_due=_deadline(owner.hours, starts_at, state.sla.resolution_hours),
        remind_at=_remind_point(owner.hours, now, first_due),
        reminded=False,
    )


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
        remind_at=_remind_point(owner.hours, now, decision.first_response_due),
    )
    skips = tuple(Step(now, "skipped", who, reason) for who, reason in decision.skipped)
    night = " (outside business hours: clock starts when they are back)" if decision.out_of_hours else ""
    assigned = Step(now, "assigned", owner.who, f"{LEVEL_NAMES[owner.level]}{night}")
    state = replace(state, history=(Step(now, "opened", asker, topic), *skips, assigned))
    effects = (_tell_asker(state, "routed"), _to_owner(state, "assigned", state.first_response_due))
    return Transition(state, effects)


def _not_owner(state: HelpState, actor: str) -> NotOwner:
    """A polite refusal that names who does own the question."""
    who = _mention(state.owner, state.owner_is_channel)
    message = f"Thanks for offering! This question is with {who} now, so only they can act on it."
    return NotOwner(actor, state.owner, message)


def _check_actor(state: HelpState, actor: str, verb: str) -> NotOwner | Invalid | None:
    """Refuse closed/answered requests and non-owners; a channel owner accepts anyone in it."""
    if state.state == "closed":
        return Invalid(f"This question is already closed, so there is nothing to {verb}.")
    if state.state == "answered":
        return Invalid(f"This question has already been answered, so there is nothing to {verb}.")
    if not state.owner_is_channel and actor != state.owner:
        return _not_owner(state, actor)
    if actor in (state.asker, _channel(state)):
        return Invalid(f"Only a person other than the asker can {verb} this question.")
    return None


def _claim(state: HelpState, actor: str) -> HelpState:
    """When the admin channel owns a request, the person who acts becomes its owner."""
    if not state.owner_is_channel:
        return state
    return replace(state, owner=actor, owner_is_channel=False)


def take(state: HelpState, actor: str, now: datetime) -> Result:
    """The owner says "I'm on it": the asker is told, the clock moves to the resolution deadline."""
    refused = _check_actor(state, actor, "take")
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
        remind_at=_remind_point(new.owner_hours, now, new.resolution_due),
        reminded=False,
        history=_log(state, Step(now, "taken", actor)),
    )
    effects: list[Effect] = [_tell_asker(new, "taken")]
    if was_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "taken", actor, new.resolution_due))
    return Transition(new, tuple(effects))


def answer(state: HelpState, actor: str, now: datetime, *, auto_close_days: int = 3) -> Result:
    """The owner answered: ask the asker to confirm; unconfirmed requests auto-close after N days."""
    if auto_close_days < 1:
        raise ValueError("auto_close_days must be at least 1")
    refused = _check_actor(state, actor, "answer")
    if refused:
        return refused
    was_channel = state.owner_is_channel
    new = replace(
        _claim(state, actor),
        state="answered",
        first_response_at=state.first_response_at or now,
        answered_at=now,
        confirm_due=now + timedelta(days=auto_close_days),
        history=_log(state, Step(now, "answered", actor)),
    )
    confirm_ask = AskAskerToConfirm(new.request_id, new.asker, actor)
    effects: list[Effect] = [_tell_asker(new, "answered"), confirm_ask]
    if was_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "answered", actor))
    return Transition(new, tuple(effects))


def hand_over(state: HelpState, actor: str, to_user: str, note: str, now: datetime) -> Result:
    """The owner passes the question to a named colleague, who gets a fresh first-response deadline."""
    refused = _check_actor(state, actor, "hand over")
    if refused:
        return refused
    to_user = to_user.strip()
    if not to_user or to_user == actor or (to_user == state.owner and not state.owner_is_channel):
        return Invalid("Please choose someone else to hand this question to.")
    if to_user == state.asker:
        return Invalid("This is their own question; please choose someone who can answer it.")
    first_due = _deadline(state.owner_hours, now, state.sla.first_response_hours)
    new = replace(
        state,
        state="open",
        owner=to_user,
        owner_is_channel=False,
        first_response_due=first_due,
        resolution_due=max(state.resolution_due, first_due),
        remind_at=_remind_point(state.owner_hours, now, first_due),
        reminded=False,
        history=_log(state, Step(now, "handed_over", actor, f"to {to_user}: {note}" if note else to_user)),
    )
    effects: list[Effect] = [
        NotifyOwner(state.request_id, to_user, "handed_over", first_due, note),
        _tell_asker(new, "handed_over", note),
    ]
    if state.owner_is_channel:
        effects.append(PostToAdminChannel(state.request_id, state.owner, "handed_over", to_user, first_due))
    return Transition(new, tuple(effects))


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


def _extend(state: HelpState, now: datetime, kind: str, note: str) -> Transition:
    """End of the chain: nobody further to escalate to, so keep the owner and keep reminding."""
    hours = state.owner_hours
    due = _deadline(hours, now, state.sla.first_response_hours)
    is_open_state = state.state == "open"
    new = replace(
        state,
        first_response_due=due if is_open_state else state.first_response_due,
        resolution_due=state.resolution_due if is_open_state else due,
        remind_at=_remind_point(hours, now, due),
        reminded=False,
        history=_log(state, Step(now, "reminded", state.owner, note)),
    )
    effects: list[Effect] = [_to_owner(new, kind, due, note)]
    if not new.owner_is_channel:
        alert = PostToAdminChannel(state.request_id, _channel(state), "overdue", state.owner, due, note)
        effects.append(alert)
    return Transition(new, tuple(effects))


def _escalate(state: HelpState, now: datetime, is_active: IsActive, reason: str, kind: str) -> Transition:
    """Move the request one step down the chain, skipping unreachable people with a reason each."""
    last = len(state.chain) - 1
    owner_gone = not state.owner_is_channel and not is_active(state.owner)
    at_end = state.position >= last
    if at_end and kind != "reopened" and (state.owner_is_channel or not owner_gone):
        return _extend(state, now, "reminder" if state.owner_is_channel else "overdue", reason)
    exclude = {state.asker: _ASKER, state.owner: "already had it"}
    chosen = _select(state.chain, min(state.position + 1, last), now, is_active, exclude)
    previous = state
    new = _assign(state, chosen.index, chosen.starts_at, now)
    skips = tuple(Step(now, "skipped", who, why) for who, why in chosen.skipped)
    moved = Step(now, "escalated", new.owner, f"{reason}; from {previous.owner} to {LEVEL_NAMES[new.level]}")
    new = replace(new, history=_log(state, *skips, moved))
    effects: list[Effect] = [
        _tell_asker(new, kind, reason),
        _to_owner(new, "assigned", new.first_response_due),
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
        return _escalate(state, now, is_active, f"{state.owner} is deactivated", "escalated")
    if state.state == "open" and now >= state.first_response_due:
        return _escalate(state, now, is_active, "no response by the first-response deadline", "escalated")
    if state.state == "taken" and now >= state.resolution_due:
        return _escalate(state, now, is_active, "not resolved by the resolution deadline", "escalated")
    if not state.reminded and now >= state.remind_at:
        due = state.next_deadline or now
        reminded = replace(state, reminded=True, history=_log(state, Step(now, "reminded", state.owner)))
        if state.owner_is_channel:
            return Transition(reminded, (_to_owner(state, "reminder", due),))
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
        history=_log(state, Step(now, "auto_closed", "system", note)),
    )
    return Transition(new, (_tell_asker(new, "auto_closed", note),))


def confirm(state: HelpState, solved: bool, now: datetime, *, is_active: IsActive | None = None) -> Result:
    """The asker's verdict: solved closes it; still stuck reopens it one level up with fresh deadlines."""
    if state.state != "answered":
        return Invalid("There is no answer waiting for your confirmation on this question.")
    if solved:
        new = replace(
            state,
            state="closed",
            closed_at=now,
            resolution="solved",
            history=_log(state, Step(now, "confirmed", state.asker, "solved")),
        )
        effects = (
            _to_owner(new, "solved", None),
            AskAskerToRate(new.request_id, new.asker, new.owner),
        )
        return Transition(new, effects)
    stuck = replace(
        state,
        state="open",
        answered_at=None,
        confirm_due=None,
        reopen_count=state.reopen_count + 1,
        history=_log(state, Step(now, "reopened", state.asker, "still stuck")),
    )
    return _escalate(stuck, now, is_active or (lambda _who: True), "the asker is still stuck", "reopened")


def rate(state: HelpState, score: object, now: datetime) -> Transition | Invalid:
    """Record the asker's 1..5 satisfaction once there is an answer; a new rating replaces the old."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        return Invalid("Please pick a score from 1 to 5.")
    if state.state not in ("answered", "closed"):
        return Invalid("You can rate the help once your question has been answered.")
    new = replace(state, rating=score, history=_log(state, Step(now, "rated", state.asker, str(score))))
    return Transition(new)


# --------------------------------------------------------------------------- input validation


@dataclass(frozen=True)
class CleanQuestion:
    """A question ready to store (``text``, whole) and to show in messages (``summary``)."""

    text: str
    summary: str


@dataclass(frozen=True)
class QuestionError:
    """Why the question cannot be accepted, phrased for the asker."""

    message: str


_EMPTY_MESSAGES = {
    "en": "Please type your question (a sentence is enough) and I'll find the right person for it.",
    "ja": "質問を入力してください(一文で大丈夫です)。担当者におつなぎします。",
}
_ZWJ = "\u200d"


def _extends_previous(char: str) -> bool:
    """Code points that belong to the character before them (accents, ZWJ, selectors, skin tones)."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional(char: str) -> bool:
    """Flag emoji are pairs of regional indicator symbols."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _safe_cut(text: str, cut: int) -> int:
    """Move a cut point left until it does not split an accent, emoji sequence or flag pair."""
    while 0 < cut < len(text) and (_extends_previous(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(text) and _is_regional(text[cut]) and _is_regional(text[cut - 1]):
        run = 0
        while cut - run - 1 >= 0 and _is_regional(text[cut - run - 1]):
            run += 1
        if run % 2 == 1:
            cut -= 1
    return cut


def truncate(text: str, limit: int) -> str:
    """Shorten to at most ``limit`` code points, ending in "…", without breaking a visible character."""
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, max(limit - 1, 0))
    return text[:cut].rstrip() + "…"


def _tidy(text: str) -> str:
    """NFC, lone surrogates replaced, control characters (except newline/tab) dropped, CRLF unified."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(text) else text
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _has_surrogate(text: str) -> bool:
    """Lone surrogates cannot be stored as UTF-8 nor sent to Slack."""
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _is_blank(text: str) -> bool:
    """Only whitespace or invisible format characters (zero-width space, BOM, …)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def clean_question(
    text: str | None, *, locale: str = "en", limit: int = QUESTION_LIMIT
) -> CleanQuestion | QuestionError:
    """Validate and tidy a question: empty is refused politely, long is kept whole but summarised."""
    if text is None or _is_blank(tidy := _tidy(text)):
        return QuestionError(_EMPTY_MESSAGES.get(_lang(locale), _EMPTY_MESSAGES["en"]))
    stripped = tidy.strip()
    return CleanQuestion(stripped, truncate(stripped, limit))


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class RequestRecord:
    """What metrics need about one request (the service layer builds these from its rows)."""

    topic: str
    department: str | None
    state: State
    opened_at: datetime
    sla_first_response_due: datetime
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None


def record_of(state: HelpState) -> RequestRecord:
    """Project a request's state onto the fields metrics use."""
    return RequestRecord(
        topic=state.topic,
        department=state.department,
        state=state.state,
        opened_at=state.opened_at,
        sla_first_response_due=state.sla_first_response_due,
        first_response_at=state.first_response_at,
        closed_at=state.closed_at,
        rating=state.rating,
    )


def open_by_topic(records: Iterable[RequestRecord]) -> dict[str, int]:
    """Requests not yet closed, per topic."""
    return dict(Counter(r.topic for r in records if r.state != "closed"))


def open_by_department(records: Iterable[RequestRecord]) -> dict[str | None, int]:
    """Requests not yet closed, per department (None: no department known)."""
    return dict(Counter(r.department for r in records if r.state != "closed"))


def median_first_response(records: Iterable[RequestRecord]) -> timedelta | None:
    """Median wall-clock time from asking to the first take or answer."""
    waits = sorted(r.first_response_at - r.opened_at for r in records if r.first_response_at is not None)
    if not waits:
        return None
    middle = len(waits) // 2
    return waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2


def share_within_sla(records: Iterable[RequestRecord], now: datetime) -> float | None:
    """Share (0..1) of decided requests first answered by the SLA; unanswered past due count as misses."""
    decided = hits = 0
    for r in records:
        if r.first_response_at is not None:
            decided += 1
            hits += r.first_response_at <= r.sla_first_response_due
        elif now > r.sla_first_response_due:
            decided += 1
    return hits / decided if decided else None


def oldest_open(records: Iterable[RequestRecord]) -> RequestRecord | None:
    """The request that has waited longest without being closed."""
    return min((r for r in records if r.state != "closed"), key=lambda r: r.opened_at, default=None)


def mean_satisfaction(records: Iterable[RequestRecord]) -> float | None:
    """Average 1..5 rating over rated requests."""
    scores = [r.rating for r in records if r.rating is not None]
    return statistics.fmean(scores) if scores else None


@dataclass(frozen=True)
class HelpMetrics:
    """All help KPIs at once, for the admin Home tab and the weekly digest."""

    open_by_topic: dict[str, int]
    open_by_department: dict[str | None, int]
    median_first_response: timedelta | None
    share_within_sla: float | None
    oldest_open: RequestRecord | None
    mean_satisfaction: float | None


def help_metrics(records: Sequence[RequestRecord], now: datetime) -> HelpMetrics:
    """Compute every help KPI over the same records."""
    return HelpMetrics(
        open_by_topic=open_by_topic(records),
        open_by_department=open_by_department(records),
        median_first_response=median_first_response(records),
        share_within_sla=share_within_sla(records, now),
        oldest_open=oldest_open(records),
        mean_satisfaction=mean_satisfaction(records),
    )
