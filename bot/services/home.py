"""What the App Home tab shows a person: their journey, or the admin view for admins (bot/flows/home.py
publishes it after every completion)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.progression import next_use_case
from bot.playbook import Playbook
from bot.playbook.schema import MAX_OPTIONAL_ON_HOME
from bot.services.admin_home import admin_home_state
from bot.services.callers import load_caller
from bot.services.people import get_person
from bot.services.progress import person_progress
from bot.settings import Settings
from bot.views.admin_home import AdminHomeState
from bot.views.home import ChecklistItem, EmployeeHomeState, OptionalStep, PhaseCard
from models import Completion, Person, Wave, WaveMembership


def employee_home_state(session: Session, playbook: Playbook, person: Person) -> EmployeeHomeState:
    """Stage, checklist and the next step, in the person's language."""
    loc = person.effective_locale
    progress = person_progress(session, person)
    pending = set(
        session.scalars(
            select(Completion.use_case_key).where(Completion.person_id == person.id, Completion.status == "pending")
        )
    )
    nxt = next_use_case(playbook, progress)
    checklist = [
        ChecklistItem(
            key=uc.key,
            title=uc.title.get(loc),
            stage=number,
            done=uc.key in progress.completed,
            pending=uc.key in pending,
            is_next=nxt is not None and uc.key == nxt.key,
        )
        for number, stage in enumerate(playbook.stages, 1)
        for uc in stage.use_cases
    ]
    # A playbook may lose stages after people reached them: show the highest stage that still exists.
    reached = min(progress.stage, len(playbook.stages))
    current = playbook.stages[reached - 1] if reached else None
    return EmployeeHomeState(
        locale=loc,
        name=person.display_name or person.slack_user_id,
        stage_number=reached,
        stage_total=len(playbook.stages),
        stage_title=current.title.get(loc) if current else "",
        checklist=checklist,
        next_title=nxt.title.get(loc) if nxt else None,
        next_key=nxt.key if nxt else None,
        next_why=nxt.why.get(loc) if nxt else None,
        next_how=nxt.how_to.get(loc) if nxt else None,
        snoozed_until=person.snoozed_until.date().isoformat() if person.snoozed_until else None,
        optional=[
            OptionalStep(key=uc.key, title=uc.title.get(loc), pending=uc.key in pending)
            for uc in playbook.optional_use_cases()
            if uc.key not in progress.completed
        ][:MAX_OPTIONAL_ON_HOME],
        phase=phase_card(session, playbook, person),
    )


def phase_card(session: Session, playbook: Playbook, person: Person) -> PhaseCard | None:
    """The person's running wave and its phase, with the phase's intro and one of its tips (None: no wave)."""
    row = session.execute(
        select(Wave.name, Wave.state, Wave.phase)
        .join(WaveMembership, WaveMembership.wave_id == Wave.id)
        .where(
            WaveMembership.person_id == person.id,
            WaveMembership.running.is_(True),
            Wave.state.in_(("active", "paused")),
        )
    ).first()
    if row is None or row.phase not in type(playbook.phases).model_fields:
        return None
    loc = person.effective_locale
    if row.state == "paused":
        return PhaseCard(wave=row.name, phase="paused")
    content = getattr(playbook.phases, row.phase)
    tips = content.tips or playbook.phases.refreeze.tips  # the gate has no tips of its own: keep the habits
    tip = tips[person.current_stage % len(tips)].get(loc) if tips else ""
    return PhaseCard(wave=row.name, phase=row.phase, intro=content.intro.get(loc), tip=tip)


def home_state(
    session: Session, *, settings: Settings, playbook: Playbook, user_id: str, now: datetime
) -> EmployeeHomeState | AdminHomeState | None:
    """The admin view's state for admins, the journey for everyone else (None for someone Coach does not know)."""
    person = get_person(session, user_id)
    if person is None:
        return None
    if load_caller(session, settings, user_id).is_admin:
        return admin_home_state(session, playbook=playbook, now=now, user_id=user_id)
    return employee_home_state(session, playbook, person)
