"""Which departments a caller may steer: decided on the server, a refusal says nothing about other departments."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.callers import Caller
from models import Person

SCOPE_MAX_DEPARTMENTS = 5


@dataclass(frozen=True)
class Scope:
    """The departments a request covers, or why it covers none (`problem`: not_yours | unknown | choose)."""

    departments: tuple[str, ...] = ()
    problem: str | None = None
    choices: tuple[str, ...] = ()
    wanted: str = ""


def fold_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def all_departments(session: Session) -> list[str]:
    """Departments people belong to (for admins, who may steer any)."""
    rows = session.scalars(
        select(Person.department).where(Person.department.is_not(None), Person.deactivated.is_(False)).distinct()
    )
    return sorted(d for d in rows if d)


def scope_for(session: Session, caller: Caller, wanted: str) -> Scope:
    """Which departments `caller` asked about; an ambassador never gets one outside `ambassador_of`."""
    wanted = " ".join(wanted.split())[:128]
    own = tuple(sorted(caller.ambassador_of))
    if not wanted:
        if own:
            return Scope(departments=own[:SCOPE_MAX_DEPARTMENTS])
        if caller.is_admin and caller.department:
            return Scope(departments=(caller.department,))
        return Scope(problem="choose", choices=tuple(all_departments(session)[:20]) if caller.is_admin else ())
    pool = list(own) + (all_departments(session) if caller.is_admin else [])
    for department in pool:
        if fold_text(department) == fold_text(wanted):
            return Scope(departments=(department,), wanted=wanted)
    if caller.is_admin:
        return Scope(problem="unknown", choices=tuple(pool[:20]), wanted=wanted)
    # Say the same thing whether or not the department exists: nothing about other departments leaks.
    return Scope(problem="not_yours", choices=own, wanted=wanted)
