"""Ambassador-requested nudges, through the nudge engine so budgets, snooze and opt-out apply as to every nudge."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.callers import Caller
from models import Person
from nudges.kinds import NudgeKind
from nudges.outbox import outbox_key
from nudges.rules import CadenceRules
from nudges.service import request_nudge


@dataclass(frozen=True)
class NudgeRequest:
    """What happened to one requested nudge: queued (now or `at`), or skipped with a reason code."""

    queued: bool
    reason: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class NudgeTarget:
    user_id: str
    name: str
    queued: bool
    reason: str = ""  # skip reason, or why it waits (snoozed, dnd, budget, off_hours…)
    at: datetime | None = None


@dataclass(frozen=True)
class NudgeOutcome:
    targets: tuple[NudgeTarget, ...] = ()

    @property
    def queued(self) -> list[NudgeTarget]:
        return [t for t in self.targets if t.queued]

    @property
    def skipped(self) -> list[NudgeTarget]:
        return [t for t in self.targets if not t.queued]


def _request_nudge(
    session: Session,
    *,
    person: Person,
    kind: str,
    key: str,
    now: datetime,
    payload: dict[str, Any],
    rules: CadenceRules,
) -> NudgeRequest:
    """Queue one nudge through the nudge engine, so budgets, snooze and opt-out apply as to every nudge."""
    result = request_nudge(session, person=person, kind=kind, key=key, now=now, payload=payload, rules=rules)
    if result.outcome == "skipped":
        return NudgeRequest(queued=False, reason=str(result.code or "skipped"))
    if result.outcome == "duplicate":
        return NudgeRequest(queued=False, reason="already_queued")
    due = result.due_at or now
    return NudgeRequest(queued=True, reason=str(result.code or ""), at=None if due <= now else due)


def people_by_user_id(session: Session, user_ids: Collection[str]) -> dict[str, Person]:
    ids = list(dict.fromkeys(user_ids))
    found: dict[str, Person] = {}
    for start in range(0, len(ids), 500):
        for person in session.scalars(select(Person).where(Person.slack_user_id.in_(ids[start : start + 500]))):
            found[person.slack_user_id] = person
    return found


def nudge_people(
    session: Session,
    *,
    caller: Caller,
    user_ids: Collection[str],
    message: str,
    rules: CadenceRules,
    now: datetime,
) -> NudgeOutcome:
    """Ask the nudge engine for a personal nudge to each person the caller may steer; say who was skipped."""
    people = people_by_user_id(session, user_ids)
    targets: list[NudgeTarget] = []
    for user_id in dict.fromkeys(user_ids):
        person = people.get(user_id)
        if person is None:
            targets.append(NudgeTarget(user_id, user_id, queued=False, reason="unknown"))
            continue
        name = person.display_name or user_id
        if not caller.can_steer(person.department):
            targets.append(NudgeTarget(user_id, user_id, queued=False, reason="not_in_department"))
            continue
        outcome = _request_nudge(
            session,
            person=person,
            kind=NudgeKind.AMBASSADOR.value,
            # One ambassador nudge per person per day, however many ambassadors press the button.
            key=outbox_key(NudgeKind.AMBASSADOR.value, person.id, now.date().isoformat()),
            now=now,
            payload={"message": message[:2000], "from_user": caller.user_id},
            rules=rules,
        )
        targets.append(NudgeTarget(user_id, name, outcome.queued, outcome.reason, outcome.at))
    return NudgeOutcome(tuple(targets))
