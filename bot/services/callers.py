"""Who is calling and what they may do: roles are looked up on the server for every request, never trusted
from a payload (appointments.py writes the roles table; COACH_ADMINS and Slack's admin flag make admins)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, or_, select
from sqlalchemy.orm import Session

from bot.settings import Settings
from models import Person, Role


@dataclass(frozen=True)
class Caller:
    """The person behind a request, with their roles and the departments they may steer."""

    user_id: str
    locale: str = "en"
    department: str | None = None
    roles: frozenset[str] = frozenset()
    ambassador_of: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def can_steer(self, department: str | None) -> bool:
        """Admins steer every department; ambassadors only their own."""
        return self.is_admin or (department is not None and department in self.ambassador_of)


def admin_condition(coach_admins: Iterable[str] | BindParameter[Any]) -> ColumnElement[bool]:
    """SQL: the person is a Coach admin by the rule `load_caller` applies (COACH_ADMINS or Slack's admin flag).

    `coach_admins` may be an expanding bound parameter, for a statement built once (nudges/tracks.py)."""
    admins = coach_admins if isinstance(coach_admins, BindParameter) else sorted(set(coach_admins))
    return or_(Person.is_workspace_admin.is_(True), Person.slack_user_id.in_(admins))


def load_caller(session: Session, settings: Settings, user_id: str) -> Caller:
    """Roles from COACH_ADMINS, the workspace admin flag and the roles table."""
    person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
    roles: set[str] = set()
    ambassador_of: set[str] = set()
    if user_id in settings.coach_admins or (person is not None and person.is_workspace_admin):
        roles.add("admin")
    if person is not None:
        for role in session.scalars(select(Role).where(Role.person_id == person.id)):
            roles.add(role.role)
            if role.role == "ambassador" and role.department:
                ambassador_of.add(role.department)
    return Caller(
        user_id=user_id,
        locale=person.effective_locale if person else "en",
        department=person.department if person else None,
        roles=frozenset(roles),
        ambassador_of=frozenset(ambassador_of),
    )
