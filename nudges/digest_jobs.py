"""The weekly ambassador digest: Monday morning in each ambassador's own time zone, once per ISO week.

Hourly, `queue_ambassador_digests` puts one outbox row per ambassador and week, keyed
`outbox_key("ambassador_digest", person_id, iso_week)`: replicas, retries and every tick inside the morning
window queue it once. The outbox worker delivers it like any other message (working hours, do-not-disturb,
429s, retries, reconciliation) and renders it at send time with `digest_for`, so the numbers are fresh.
Sponsors get the same digest for every department (the view shows the first few, weakest ignition first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.deps import Deps
from bot.playbook import Playbook
from bot.services import ambassadors as amb
from bot.views.ambassador import digest_message
from bot.views.nudges import OutgoingMessage
from models import Person, Role
from nudges.kinds import NudgeKind
from nudges.outbox import enqueue, outbox_key
from nudges.rules import resolve_zone

DIGEST_KIND = NudgeKind.AMBASSADOR_DIGEST.value
MORNING_HOURS = 3  # the window after the start of the working day in which the digest may go out


@dataclass(frozen=True)
class DigestDue:
    person_id: int
    user_id: str
    locale: str
    departments: tuple[str, ...]
    key: str


def in_monday_morning(deps: Deps, tz: str | None, now: datetime) -> str | None:
    """The ISO week (`2026-W02`) when `now` is Monday morning in `tz`, else None."""
    local = now.astimezone(resolve_zone(tz)[1])
    start = local.replace(
        hour=deps.playbook.cadence.working_hours.start.hour,
        minute=deps.playbook.cadence.working_hours.start.minute,
        second=0,
        microsecond=0,
    )
    if local.weekday() != 0 or not start <= local < start + timedelta(hours=MORNING_HOURS):
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def due_digests(deps: Deps, now: datetime) -> list[DigestDue]:
    """Ambassadors and sponsors whose Monday morning it is, with the departments their digest covers."""
    with session_scope(deps.session_factory) as session:
        rows = session.execute(
            select(Person, Role.role, Role.department)
            .join(Role, Role.person_id == Person.id)
            .where(Role.role.in_(("ambassador", "sponsor")), Person.deactivated.is_(False))
        ).all()
        covered: dict[int, tuple[Person, set[str]]] = {}
        everything: list[str] | None = None
        for person, role, department in rows:
            entry = covered.setdefault(person.id, (person, set()))
            if role == "sponsor" and department is None:
                everything = everything if everything is not None else amb.all_departments(session)
                entry[1].update(everything)
            elif department:
                entry[1].add(department)
    due = []
    for person, departments in covered.values():
        week = in_monday_morning(deps, person.tz, now)
        if week and departments:
            key = outbox_key(DIGEST_KIND, person.id, week)
            due.append(
                DigestDue(person.id, person.slack_user_id, person.effective_locale, tuple(sorted(departments)), key)
            )
    return due


def digest_for(
    session: Session, playbook: Playbook, departments: Sequence[str], locale: str, now: datetime
) -> OutgoingMessage:
    """The digest DM for these departments, weakest ignition first (the worker renders it at send time)."""
    digests = [amb.department_digest(session, playbook=playbook, department=d, now=now) for d in departments]
    digests.sort(key=lambda d: (d.status.current.ignition, d.status.department))
    titles = [stage.title.get(locale) for stage in playbook.stages]
    message = digest_message(digests, titles, locale)
    return OutgoingMessage(text=str(message["text"]), blocks=message["blocks"])


def queue_ambassador_digests(deps: Deps) -> int:
    """Hourly: whoever is in their Monday morning gets this week's digest queued (once per week)."""
    now = deps.clock.now()
    queued = 0
    with session_scope(deps.session_factory) as session:
        for item in due_digests(deps, now):
            queued += enqueue(
                session,
                person_id=item.person_id,
                kind=NudgeKind.AMBASSADOR_DIGEST.value,
                idempotency_key=item.key,
                due_at=now,
                payload={"departments": list(item.departments)},
            )
    return queued
