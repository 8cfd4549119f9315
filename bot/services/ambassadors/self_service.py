"""The employee's own `/coach me|snooze|stop`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.progression import PersonProgress, next_use_case
from bot.playbook import Playbook
from models import Completion, Person
from nudges.kinds import OPTABLE_KINDS


@dataclass(frozen=True)
class MySummary:
    """What `/coach me` shows: stage, what is done, what waits for confirmation, and the next step."""

    stage: int
    stage_total: int
    done: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    next_key: str | None = None
    snoozed_until: datetime | None = None
    stopped: bool = False
    department: str | None = None


def my_summary(session: Session, *, playbook: Playbook, person: Person, now: datetime) -> MySummary:
    """The caller's own progress, from their row and completions."""
    rows = session.execute(
        select(Completion.use_case_key, Completion.status).where(Completion.person_id == person.id)
    ).all()
    done: set[str] = set()
    pending: set[str] = set()
    for key, status in rows:
        (done if status == "done" else pending).add(key)
    order = {case.key: n for n, case in enumerate(playbook.all_use_cases())}
    nxt = next_use_case(playbook, PersonProgress(completed=frozenset(done), stage=person.current_stage))
    snoozed = person.snoozed_until if person.snoozed_until and person.snoozed_until > now else None
    return MySummary(
        stage=person.current_stage,
        stage_total=len(playbook.stages),
        done=tuple(sorted((k for k in done if k in order), key=order.__getitem__)),
        pending=tuple(sorted((k for k in pending if k in order), key=order.__getitem__)),
        next_key=nxt.key if nxt else None,
        snoozed_until=snoozed,
        stopped=is_stopped(person),
        department=person.department,
    )


def is_stopped(person: Person) -> bool:
    return {k.value for k in OPTABLE_KINDS} <= set(person.opted_out_kinds or [])


def set_stopped(person: Person, *, stopped: bool) -> bool:
    """Opt out of (or back into) every optional nudge kind; transactional messages still arrive."""
    optable = {k.value for k in OPTABLE_KINDS}
    current = set(person.opted_out_kinds or [])
    person.opted_out_kinds = sorted(current | optable) if stopped else sorted(current - optable)
    return stopped
