"""Red departments: who turned red, who is still red a week after the last notice, who recovered (docs/metrics.md).

`red_events` compares each department's scores with its stored state (`red_departments`) and moves the state on
in the caller's transaction, so the notices the caller queues in the same transaction are told once each: on
turning red, again at most every `red_repeat_days` while red, once on recovering.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.domain.insights import Scores
from bot.services.metrics import NO_DEPARTMENT
from models import Person, RedDepartment, Role


class RedEvent(StrEnum):
    TURNED_RED = "red"
    STILL_RED = "still_red"
    RECOVERED = "recovered"


@dataclass(frozen=True)
class RedChange:
    department: str
    event: RedEvent
    scores: Scores
    stamp: str  # when this notice's cause began (part of its outbox key)


def red_events(session: Session, departments: Iterable[Scores], *, now: datetime, repeat_days: int) -> list[RedChange]:
    """The notices due now, with each department's red state updated to match."""
    changes: list[RedChange] = []
    for scores in departments:
        if not scores.started or scores.key == NO_DEPARTMENT:
            continue  # nobody to tell about people without a department (the admin Home still shows them)
        state = session.get(RedDepartment, scores.key, with_for_update=True)
        if scores.red and (state is None or not state.red):
            if state is None:
                state = RedDepartment(department=scores.key)
                session.add(state)
            state.red, state.since, state.notified_at = True, now, now
            changes.append(RedChange(scores.key, RedEvent.TURNED_RED, scores, now.isoformat()))
        elif scores.red and state is not None and state.notified_at is not None:
            if now - state.notified_at >= timedelta(days=repeat_days):
                state.notified_at = now
                changes.append(RedChange(scores.key, RedEvent.STILL_RED, scores, now.isoformat()))
        elif not scores.red and state is not None and state.red:
            state.red, state.recovered_at = False, now
            changes.append(RedChange(scores.key, RedEvent.RECOVERED, scores, now.isoformat()))
        if state is not None:
            state.reasons = [r.value for r in scores.reasons]
    session.flush()
    return changes


def red_recipients(session: Session, department: str) -> list[tuple[int, str, str]]:
    """(person id, Slack id, locale) of the department's ambassadors and its sponsors (or the company-wide ones)."""
    rows = session.execute(
        select(Person.id, Person.slack_user_id, Person.locale, Person.locale_override, Role.role, Role.department)
        .join(Role, Role.person_id == Person.id)
        .where(
            Person.deactivated.is_(False),
            or_(
                (Role.role == "ambassador") & (Role.department == department),
                (Role.role == "sponsor") & or_(Role.department == department, Role.department.is_(None)),
            ),
        )
        .order_by(Person.id)
    ).all()
    own_sponsor = any(role == "sponsor" and dept == department for *_, role, dept in rows)
    out: dict[int, tuple[int, str, str]] = {}
    for pid, uid, locale, override, role, dept in rows:
        if role == "sponsor" and dept is None and own_sponsor:
            continue  # the department has its own sponsor
        out.setdefault(pid, (pid, uid, override or locale))
    return list(out.values())
