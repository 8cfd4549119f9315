"""Snooze, the one meaning behind the Home button, the nudge DM button and `/coach snooze`.

"Coach pauses its nudges to me for N days; pending nudges wait": the pause ends at the start of the person's
own local day N days from today (so it never ends in their night), the latest request wins (a shorter
snooze shortens, `days=0` lifts it), and queued nudges are held, not dropped — the planner skips snoozed
people and the delivery rules defer their paced nudges until the end (nudges/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import Person
from nudges.rules import resolve_zone, start_of_local_day

DEFAULT_DAYS = 7
MAX_DAYS = 90


@dataclass(frozen=True)
class Snoozed:
    """The result in plain values: when the pause ends (None: not snoozed), as UTC and as the person's date."""

    until: datetime | None
    local_until: str  # YYYY-MM-DD in the person's zone (the pause ends as that day starts), "" when lifted
    locale: str


def snooze(session: Session, person: Person, *, days: int, now: datetime) -> Snoozed:
    """Pause the person's nudges until the start of their local day `days` from today; 0 lifts the pause."""
    days = min(max(days, 0), MAX_DAYS)
    if days == 0:
        person.snoozed_until = None
        session.flush()
        return Snoozed(None, "", person.effective_locale)
    zone = resolve_zone(person.tz)[1]
    until = start_of_local_day(person.tz, now.astimezone(zone).date() + timedelta(days=days))
    person.snoozed_until = until
    session.flush()
    return Snoozed(until, until.astimezone(zone).strftime("%Y-%m-%d"), person.effective_locale)
