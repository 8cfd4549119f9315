"""The weekly ambassador digest: Monday morning in each ambassador's own time zone, once per ISO week.

Idempotency: the NudgeDelivery table is the ledger. A row keyed
`outbox_key("ambassador_digest", person_id, iso_week)` is inserted (insert-ignore, state `sending`) and
committed *before* the DM goes out, then marked sent or failed. So replicas, retries and hourly ticks
inside the morning window send at most one digest per week; a crash between the claim and the send loses
that week's digest rather than sending it twice. The row's kind, `ambassador_digest`, is not a NudgeKind:
the outbox worker has no template for it and must leave it alone.
Sponsors get the same digest for every department (the view shows the first few, weakest ignition first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.db import insert_ignore, session_scope
from bot.deps import Deps
from bot.services import ambassadors as amb
from bot.slack.gateway import SlackError
from bot.views.ambassador import digest_message
from models import NudgeDelivery, Person, Role
from nudges.outbox import outbox_key, outbox_row
from nudges.rules import resolve_zone

log = logging.getLogger(__name__)

DIGEST_KIND = "ambassador_digest"
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


def _claim_and_build(deps: Deps, item: DigestDue, now: datetime) -> dict[str, object] | None:
    with session_scope(deps.session_factory) as session:
        row = outbox_row(
            person_id=item.person_id,
            kind=DIGEST_KIND,
            idempotency_key=item.key,
            due_at=now,
            payload={"departments": list(item.departments)},
            state="sending",
        )
        claim = {"attempts": 1, "claimed_by": "send_ambassador_digests", "claimed_at": now}
        claimed = insert_ignore(session, NudgeDelivery, {**row, **claim}, conflict=["idempotency_key"])
        if not claimed:
            return None
        digests = [
            amb.department_digest(session, playbook=deps.playbook, department=department, now=now)
            for department in item.departments
        ]
    digests.sort(key=lambda d: (d.status.current.ignition, d.status.department))
    titles = [stage.title.get(item.locale) for stage in deps.playbook.stages]
    return digest_message(digests, titles, item.locale)


def send_one(deps: Deps, item: DigestDue, now: datetime) -> bool:
    """Claim the week's ledger row, send the DM, record the outcome; False when already claimed."""
    message = _claim_and_build(deps, item, now)
    if message is None:
        return False
    values: dict[str, object]
    try:
        posted = deps.slack.send_dm(item.user_id, str(message["text"]), message["blocks"])  # type: ignore[arg-type]
        values = {"state": "sent", "channel_id": posted.channel, "message_ts": posted.ts, "sent_at": deps.clock.now()}
    except SlackError as exc:
        values = {"state": "failed", "last_error": f"{exc.method}: {exc.code}"}
    with session_scope(deps.session_factory) as session:
        session.execute(update(NudgeDelivery).where(NudgeDelivery.idempotency_key == item.key).values(**values))
    return values["state"] == "sent"


def send_ambassador_digests(deps: Deps) -> int:
    """Hourly: whoever is in their Monday morning gets this week's digest (once)."""
    now = deps.clock.now()
    sent = failed = 0
    for item in due_digests(deps, now):
        try:
            sent += send_one(deps, item, now)
        except Exception:  # one person's digest must not stop the others; counted and logged
            failed += 1
            log.exception("ambassador digest for %s failed", item.user_id)
    if failed:
        log.error("ambassador digests: %d sent, %d failed", sent, failed)
    return sent
