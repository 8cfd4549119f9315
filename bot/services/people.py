"""People as the app knows them: created on first sight, refreshed from Slack's user objects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import normalise_locale
from models import Person


def get_person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def apply_user_object(person: Person, user: dict[str, Any]) -> None:
    """Copy what we need from a Slack user object (users.info / users.list / team_join / user_change)."""
    profile = user.get("profile") or {}
    person.display_name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name") or ""
    )[:255]
    if user.get("locale"):
        person.locale = normalise_locale(user["locale"])
    if user.get("tz"):
        person.tz = str(user["tz"])[:64]
    person.is_workspace_admin = bool(user.get("is_admin") or user.get("is_owner"))
    person.deactivated = bool(user.get("deleted"))


def is_human(user: dict[str, Any]) -> bool:
    """Bots and Slackbot are never coached."""
    return not (user.get("is_bot") or user.get("is_app_user") or user.get("id") == "USLACKBOT")


def upsert_person(session: Session, user: dict[str, Any]) -> Person | None:
    """Create or refresh a person from a Slack user object; bots are ignored (None)."""
    if not is_human(user):
        return None
    person = get_person(session, user["id"])
    if person is None:
        person = Person(slack_user_id=user["id"], opted_out_kinds=[])
        session.add(person)
    apply_user_object(person, user)
    session.flush()
    return person
