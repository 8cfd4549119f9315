"""Who owns a new question: the escalation chain, the walk along it, and business-time deadlines."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.business_hours import BusinessHours, add_business_hours, business_time_between, next_open
from bot.domain.business_hours import is_open as hours_open
from bot.domain.help.directory import Directory, Topic, TopicContact

PRIMARY, BACKUP, AMBASSADOR, ADMIN_CHANNEL = 0, 1, 2, 3
LEVEL_NAMES = {
    PRIMARY: "primary contact",
    BACKUP: "backup contact",
    AMBASSADOR: "ambassador",
    ADMIN_CHANNEL: "admin channel",
}
REMINDER_SHARE = 0.75  # remind the owner when this share of the time to the deadline has passed

IsActive = Callable[[str], bool]
ASKER_SKIP = "is the person asking"  # the reason the asker is never their own owner


@dataclass(frozen=True)
class ChainLink:
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
    chain: tuple[ChainLink, ...]
    position: int


def _pick_contact(topic: Topic | None, department: str | None) -> tuple[TopicContact | None, bool]:
    """(contact, is_department_specific): the department's own contact wins over the general one."""
    if topic is None:
        return None, False
    specific = next((c for c in topic.contacts if department and c.department == department), None)
    if specific:
        return specific, True
    return next((c for c in topic.contacts if c.department is None), None), False


def escalation_chain(
    directory: Directory, *, topic: str, department: str | None, ambassadors: Sequence[str]
) -> tuple[ChainLink, ...]:
    """Ordered candidates: primary → backup → ambassadors → admin channel (always last).

    For topics in ``ambassador_default_for`` without a department-specific contact, the department's
    ambassadors come first, then the general contact. A person appears once, at their first place.
    """
    contact, specific = _pick_contact(directory.topic(topic), department)
    contact_people = []
    if contact:
        contact_people.append(ChainLink(contact.primary, PRIMARY, contact.hours))
        if contact.backup:
            contact_people.append(ChainLink(contact.backup, BACKUP, contact.hours))
    amb_hours = contact.hours if contact else directory.office_hours
    amb_people = [ChainLink(a, AMBASSADOR, amb_hours) for a in ambassadors if a]
    ambassador_first = topic in directory.ambassador_default_for and not specific and amb_people
    people = amb_people + contact_people if ambassador_first else contact_people + amb_people
    unique: dict[str, ChainLink] = {}
    for person in people:
        unique.setdefault(person.who, person)
    channel = ChainLink(directory.admin_channel, ADMIN_CHANNEL, directory.admin_hours, is_channel=True)
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


def select(
    chain: Sequence[ChainLink],
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


def deadline(hours: BusinessHours | None, start: datetime, amount: float) -> datetime:
    """Business-time deadline, or wall-clock when there are no hours (always reachable)."""
    if hours is None:
        return start + timedelta(hours=amount)
    return add_business_hours(hours, start, amount)


def remind_point(hours: BusinessHours | None, start: datetime, due: datetime) -> datetime:
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
    chosen = select(chain, 0, now, is_active, {asker: ASKER_SKIP} if asker else {})
    owner = chain[chosen.index]
    sla = directory.sla_for(topic)
    first_due = deadline(owner.hours, chosen.starts_at, sla.first_response_hours)
    return RoutingDecision(
        owner=owner.who,
        level=owner.level,
        owner_is_channel=owner.is_channel,
        skipped=chosen.skipped,
        first_response_due=first_due,
        resolution_due=deadline(owner.hours, chosen.starts_at, sla.resolution_hours),
        expected_reply_by=first_due,
        out_of_hours=chosen.out_of_hours,
        chain=chain,
        position=chosen.index,
    )
