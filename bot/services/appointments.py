"""Appointing and removing ambassadors and executive sponsors; every change is written to the audit log.

An ambassador role is per department (one person may hold several); a sponsor role has an optional
department (None: the whole company). Roles are checked on the server from this table (services/callers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Text
from models import AuditEntry, Person, Role

APPOINTABLE = ("ambassador", "sponsor")


class RoleChangeError(ValueError):
    """The change cannot be made (unknown person, missing department, unknown role)."""


@dataclass(frozen=True)
class RoleRow:
    user_id: str
    name: str
    role: str
    department: str | None
    deactivated: bool


def _person(session: Session, user_id: str) -> Person:
    person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
    if person is None:
        raise RoleChangeError(Text("form.error.unknown_person", user=user_id))
    return person


def _check(role: str, department: str | None) -> str | None:
    if role not in APPOINTABLE:
        raise RoleChangeError(Text("form.error.roles", roles=", ".join(APPOINTABLE)))
    department = " ".join((department or "").split())[:128] or None
    if role == "ambassador" and department is None:
        raise RoleChangeError(Text("form.error.ambassador_department"))
    return department


def _find(session: Session, person: Person, role: str, department: str | None) -> Role | None:
    query = select(Role).where(Role.person_id == person.id, Role.role == role)
    query = query.where(Role.department.is_(None) if department is None else Role.department == department)
    return session.scalar(query)


def _audit(
    session: Session, *, actor: str, action: str, target: str, before: dict | None, after: dict | None, now: datetime
) -> None:
    session.add(AuditEntry(at=now, actor=actor[:32], action=action, target=target[:128], before=before, after=after))


def appoint(session: Session, *, actor: str, user_id: str, role: str, department: str | None, now: datetime) -> bool:
    """Give `user_id` the role (for `department`); False when they already had it (nothing audited)."""
    department = _check(role, department)
    person = _person(session, user_id)
    if _find(session, person, role, department) is not None:
        return False
    session.add(Role(person_id=person.id, role=role, department=department))
    entry = {"role": role, "department": department}
    _audit(session, actor=actor, action=f"{role}.appoint", target=user_id, before=None, after=entry, now=now)
    session.flush()
    return True


def remove(session: Session, *, actor: str, user_id: str, role: str, department: str | None, now: datetime) -> bool:
    """Take the role away; False when they did not have it."""
    department = _check(role, department)
    person = _person(session, user_id)
    row = _find(session, person, role, department)
    if row is None:
        return False
    session.delete(row)
    entry = {"role": role, "department": department}
    _audit(session, actor=actor, action=f"{role}.remove", target=user_id, before=entry, after=None, now=now)
    session.flush()
    return True


def list_roles(session: Session, *, role: str | None = None) -> list[RoleRow]:
    """Ambassadors and sponsors (or one of them), by department then name."""
    query = select(Role, Person).join(Person, Person.id == Role.person_id).where(Role.role.in_(APPOINTABLE))
    if role:
        query = query.where(Role.role == role)
    rows = [
        RoleRow(p.slack_user_id, p.display_name or p.slack_user_id, r.role, r.department, p.deactivated)
        for r, p in session.execute(query).all()
    ]
    return sorted(rows, key=lambda r: (r.role, r.department or "", r.name.casefold()))


def department_known(session: Session, department: str) -> bool:
    """Whether anybody belongs to the department (a typo warning for admins; appointing still works)."""
    return session.scalar(select(Person.id).where(Person.department == department).limit(1)) is not None
