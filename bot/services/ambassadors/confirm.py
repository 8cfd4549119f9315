"""Celebrations and ambassador-confirmed use cases (each re-checks the target's department)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services.ambassadors.nudging import people_by_user_id
from bot.services.ambassadors.scope import fold_text
from bot.services.callers import Caller
from bot.services.progress import confirm_completion
from models import Completion, Person


@dataclass(frozen=True)
class CelebrateTarget:
    user_id: str
    name: str
    locale: str
    stage: int
    allowed: bool
    reason: str = ""


def celebration_targets(session: Session, *, caller: Caller, user_ids: Collection[str]) -> list[CelebrateTarget]:
    """Who the caller may celebrate (people of their departments, not deactivated), and why not the others."""
    people = people_by_user_id(session, user_ids)
    targets = []
    for user_id in dict.fromkeys(user_ids):
        person = people.get(user_id)
        if person is None:
            targets.append(CelebrateTarget(user_id, user_id, "en", 0, False, "unknown"))
        elif not caller.can_steer(person.department):
            targets.append(CelebrateTarget(user_id, user_id, "en", 0, False, "not_in_department"))
        elif person.deactivated:
            targets.append(CelebrateTarget(user_id, person.display_name, "en", 0, False, "deactivated"))
        else:
            name = person.display_name or user_id
            targets.append(CelebrateTarget(user_id, name, person.effective_locale, person.current_stage, True))
    return targets


@dataclass(frozen=True)
class ConfirmOutcome:
    """status: confirmed | already_done | not_pending | unknown_use_case | unknown_person | not_in_department."""

    status: str
    person_name: str = ""
    use_case_key: str = ""
    pending: tuple[str, ...] = ()  # keys still waiting, to help the ambassador pick
    stage_reached: int | None = None


def find_use_case(playbook: Playbook, text: str, candidates: Collection[str] = ()) -> str | None:
    """A use case key from what the ambassador typed: key, or title (any locale); the only pending one if blank."""
    wanted = fold_text(text)
    if not wanted:
        return next(iter(candidates)) if len(candidates) == 1 else None
    cases = playbook.all_use_cases()
    for case in cases:
        if fold_text(case.key) == wanted or any(fold_text(title) == wanted for title in case.title.root.values()):
            return case.key
    partial = [c.key for c in cases if any(wanted in fold_text(title) for title in c.title.root.values())]
    preferred = [key for key in partial if key in candidates] or partial
    return preferred[0] if len(preferred) == 1 else None


def confirm_use_case(
    session: Session, *, playbook: Playbook, caller: Caller, user_id: str, text: str, now: datetime
) -> ConfirmOutcome:
    """Confirm a person's self-reported use case, within the caller's departments."""
    person = people_by_user_id(session, [user_id]).get(user_id)
    if person is None:
        return ConfirmOutcome("unknown_person")
    if not caller.can_steer(person.department):
        return ConfirmOutcome("not_in_department")
    name = person.display_name or user_id
    pending = tuple(
        session.scalars(
            select(Completion.use_case_key).where(Completion.person_id == person.id, Completion.status == "pending")
        )
    )
    key = find_use_case(playbook, text, pending)
    if key is None:
        return ConfirmOutcome("unknown_use_case", name, pending=pending)
    status, stage = _confirm_completion(
        session, playbook=playbook, person=person, use_case_key=key, confirmed_by=caller.user_id, now=now
    )
    return ConfirmOutcome(status, name, key, tuple(k for k in pending if k != key), stage)


def _confirm_completion(
    session: Session, *, playbook: Playbook, person: Person, use_case_key: str, confirmed_by: str, now: datetime
) -> tuple[str, int | None]:
    """Only a pending self-report can be confirmed; the shared progress path stores, advances and celebrates."""
    row = session.scalar(
        select(Completion).where(Completion.person_id == person.id, Completion.use_case_key == use_case_key)
    )
    if row is None or row.status not in ("pending", "done"):
        return "not_pending", None
    if row.status == "done":
        return "already_done", None
    confirm_completion(
        session, playbook=playbook, person=person, use_case_key=use_case_key, confirmed_by=confirmed_by, now=now
    )
    session.refresh(person)
    return "confirmed", person.current_stage or None
