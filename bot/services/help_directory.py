"""The help directory: playbook contacts, admin overrides, ambassadors, and the 90-day evergreen check.

Routing reads one ``Directory`` built from the playbook's help section with the admin-editable
``HelpContact`` rows laid over it (a row replaces the playbook contact for its topic and department).
Ambassadors come from the Role table. Every contact confirms every ``EVERGREEN_DAYS`` that they are still
the right person; silence, a "not me" or a deactivated account is flagged to the admins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.help.directory import Directory, FlaggedContact, directory_from_dict
from bot.playbook import Playbook
from models import Channel, HelpContact, HelpContactCheck, Person, Role

EVERGREEN_DAYS = 90
ANSWER_WITHIN_DAYS = 7  # an unanswered evergreen question is flagged after this


def _contact_dict(row: HelpContact) -> dict[str, Any]:
    """An admin row in the playbook's contact shape."""
    return {
        "primary": row.primary_user,
        "backup": row.backup_user,
        "department": row.department,
        "hours": dict(row.hours) if row.hours else None,
    }


def _hours_hhmm(contact: dict[str, Any]) -> dict[str, Any]:
    """JSON dumps times as "09:00:00"; business hours read "HH:MM"."""
    hours = contact.get("hours")
    if hours:
        contact["hours"] = {**hours, **{k: str(hours[k])[:5] for k in ("start", "end") if k in hours}}
    return contact


def help_section(playbook: Playbook, overrides: Iterable[HelpContact] = ()) -> dict[str, Any]:
    """The playbook's help section as plain data, with admin rows replacing matching contacts."""
    data = playbook.help.model_dump(mode="json")
    by_topic: dict[str, list[HelpContact]] = {}
    for row in overrides:
        by_topic.setdefault(row.topic, []).append(row)
    for topic in data["topics"]:
        rows = by_topic.get(topic["key"], [])
        replaced = {row.department for row in rows}
        kept = [c for c in topic["contacts"] if c.get("department") not in replaced]
        topic["contacts"] = [_hours_hhmm(c) for c in [_contact_dict(r) for r in rows] + kept]
        topic["title"] = topic["key"]  # display titles stay localized in the playbook
    return data


def load_directory(session: Session, playbook: Playbook) -> Directory:
    """The routing directory as of now (admin edits apply to the next request and the next tick)."""
    rows = session.scalars(select(HelpContact).order_by(HelpContact.id)).all()
    return directory_from_dict(help_section(playbook, rows))


def topic_title(playbook: Playbook, key: str, locale: str) -> str:
    """A topic's title in the reader's language ("other" and unknown keys fall back to the key)."""
    topic = next((t for t in playbook.help.topics if t.key == key), None)
    return topic.title.get(locale) if topic else key


def topic_keys(playbook: Playbook) -> list[str]:
    """Topic keys in playbook order, always ending with an "other" choice."""
    keys = [t.key for t in playbook.help.topics]
    return keys if "other" in keys else [*keys, "other"]


def ambassadors_of(session: Session, department: str | None) -> list[str]:
    """Active ambassadors of a department, oldest appointment first."""
    if not department:
        return []
    rows = session.execute(
        select(Person.slack_user_id)
        .join(Role, Role.person_id == Person.id)
        .where(Role.role == "ambassador", Role.department == department, Person.deactivated.is_(False))
        .order_by(Role.id)
    )
    return [user_id for (user_id,) in rows]


def deactivated_among(session: Session, user_ids: Iterable[str]) -> set[str]:
    """Which of these people Slack reported as deactivated (people we never saw count as active)."""
    ids = [u for u in set(user_ids) if u and not u.startswith("#")]
    if not ids:
        return set()
    rows = session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(ids), Person.deactivated))
    return set(rows)


def contact_people(directory: Directory) -> list[str]:
    """Every named person in the directory (primaries and backups), once each, in directory order."""
    people: dict[str, None] = {}
    for topic in directory.topics:
        for contact in topic.contacts:
            people[contact.primary] = None
            if contact.backup:
                people[contact.backup] = None
    return list(people)


def set_contact(
    session: Session,
    *,
    topic: str,
    department: str | None,
    primary: str,
    backup: str | None,
    hours: Mapping[str, Any] | None,
    now: datetime,
) -> HelpContact:
    """Admin edit: create or replace the contact for a topic (and department); confirmed as of now."""
    row = session.scalar(
        select(HelpContact).where(
            HelpContact.topic == topic,
            HelpContact.department.is_(None) if department is None else HelpContact.department == department,
        )
    )
    if row is None:
        row = HelpContact(topic=topic, department=department)
        session.add(row)
    row.primary_user, row.backup_user, row.hours, row.confirmed_at = primary, backup, dict(hours or {}), now
    for user_id in filter(None, (primary, backup)):
        _confirm(session, user_id, now)
    session.flush()
    return row


# --------------------------------------------------------------------------- evergreen


@dataclass(frozen=True)
class EvergreenWork:
    """What the evergreen check decided: whom to ask, and what to flag to admins (user, reason)."""

    ask: list[str]
    flag: list[tuple[str, str]]


def _check_row(session: Session, user_id: str, now: datetime) -> HelpContactCheck:
    """A contact's evergreen row; a contact seen for the first time starts their 90 days now."""
    row = session.scalar(select(HelpContactCheck).where(HelpContactCheck.user_id == user_id))
    if row is None:
        row = HelpContactCheck(user_id=user_id, confirmed_at=now)
        session.add(row)
    return row


def _confirm(session: Session, user_id: str, now: datetime) -> None:
    row = _check_row(session, user_id, now)
    row.confirmed_at, row.asked_at, row.flagged_at, row.flag_reason = now, None, None, None


def plan_evergreen(session: Session, directory: Directory, now: datetime) -> EvergreenWork:
    """Mark who must be asked (90 days since confirming) and who must be flagged; the caller sends."""
    people = contact_people(directory)
    gone = deactivated_among(session, people)
    ask: list[str] = []
    flag: list[tuple[str, str]] = []
    # FOR UPDATE: two replicas running the pass at once mark (and so ask) each contact once.
    checks = select(HelpContactCheck).where(HelpContactCheck.user_id.in_(people)).with_for_update()
    rows = {r.user_id: r for r in session.scalars(checks)}
    for user_id in people:
        row = rows.get(user_id) or _check_row(session, user_id, now)
        if row.flagged_at is not None:
            continue
        if user_id in gone:
            reason = "deactivated"
        elif row.asked_at is not None and now >= row.asked_at + timedelta(days=ANSWER_WITHIN_DAYS):
            reason = "unconfirmed"
        else:
            if row.asked_at is None and now >= row.confirmed_at + timedelta(days=EVERGREEN_DAYS):
                row.asked_at = now
                ask.append(user_id)
            continue
        row.flagged_at, row.flag_reason = now, reason
        flag.append((user_id, reason))
    session.flush()
    return EvergreenWork(ask=ask, flag=flag)


def answer_evergreen(session: Session, *, user_id: str, still_me: bool, now: datetime) -> bool:
    """The contact's answer; ``False`` from "not me any more" means the admins must be told."""
    if still_me:
        _confirm(session, user_id, now)
    else:
        row = _check_row(session, user_id, now)
        row.flagged_at, row.flag_reason = now, "declined"
    session.flush()
    return still_me


def flagged_contacts(session: Session) -> list[tuple[str, str]]:
    """Contacts the admins must look at: (user id, reason)."""
    rows = session.scalars(select(HelpContactCheck).where(HelpContactCheck.flagged_at.is_not(None)))
    return [(r.user_id, r.flag_reason or "") for r in rows]


def flagged_contact_rows(session: Session, playbook: Playbook, *, locale: str) -> list[FlaggedContact]:
    """The flagged contacts still in the directory, flagged longest ago first (one flag until they confirm again
    or an admin replaces them; a contact no longer in the directory is not listed)."""
    topics: dict[str, list[str]] = {}
    for topic in load_directory(session, playbook).topics:
        title = topic_title(playbook, topic.key, locale)
        for contact in topic.contacts:
            label = f"{title} ({contact.department})" if contact.department else title
            for who in filter(None, (contact.primary, contact.backup)):
                if label not in topics.setdefault(who, []):
                    topics[who].append(label)
    rows = session.scalars(
        select(HelpContactCheck)
        .where(HelpContactCheck.flagged_at.is_not(None), HelpContactCheck.user_id.in_(list(topics)))
        .order_by(HelpContactCheck.flagged_at, HelpContactCheck.id)
    )
    return [
        FlaggedContact(r.user_id, tuple(topics[r.user_id]), r.flag_reason or "", r.flagged_at)
        for r in rows
        if r.flagged_at is not None
    ]


def channel_id_named(session: Session, name: str) -> str | None:
    """A channel's id from the channel cache, by name (with or without "#")."""
    return session.scalar(select(Channel.channel_id).where(Channel.name == name.lstrip("#")).limit(1))


def remember_channel(session: Session, channel: Mapping[str, Any], *, name: str, now: datetime) -> None:
    """Cache a channel found in conversations.list, so the next lookup needs no Slack call."""
    session.merge(
        Channel(
            channel_id=channel["id"],
            name=name,
            is_private=bool(channel.get("is_private")),
            bot_is_member=bool(channel.get("is_member")),
            updated_at=now,
        )
    )


def topics_by_person(directory: Directory) -> dict[str, list[str]]:
    """Which topics (and departments) each contact answers, for the evergreen question."""
    topics: dict[str, list[str]] = {}
    for topic in directory.topics:
        for contact in topic.contacts:
            label = f"{topic.key} ({contact.department})" if contact.department else topic.key
            for who in filter(None, (contact.primary, contact.backup)):
                topics.setdefault(who, []).append(label)
    return topics
