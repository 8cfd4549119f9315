"""What the App Home tab shows a person, and publishing it (refreshed after every completion)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.progression import next_use_case
from bot.playbook import Playbook
from bot.services.admin_home import build_admin_home
from bot.services.people import get_person, upsert_person
from bot.services.progress import person_progress
from bot.services.roles import load_caller
from bot.services.sync import department_rule
from bot.slack.gateway import SlackError
from bot.views.home import ChecklistItem, EmployeeHomeState, employee_home
from models import Completion, Person


def ensure_person(deps: Deps, user_id: str, *, refresh: bool = False) -> None:
    """Make sure a person exists (users.info runs outside any transaction); `refresh` re-reads Slack."""
    if not refresh:
        with session_scope(deps.session_factory) as session:
            if get_person(session, user_id) is not None:
                return
    try:
        user = deps.slack.user_info(user_id)
    except SlackError:
        return  # keep the bare row; the next sync fills it in
    with session_scope(deps.session_factory) as session:
        upsert_person(session, user, department_rule(deps.playbook))


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
    )


def build_home(deps: Deps, user_id: str) -> dict[str, object] | None:
    """The admin view for admins, the journey for everyone else (None for someone Coach does not know)."""
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:
            return None
        if load_caller(session, deps.settings, user_id).is_admin:
            return build_admin_home(session, deps)
        return employee_home(employee_home_state(session, deps.playbook, person))


def publish_home(deps: Deps, user_id: str) -> None:
    """Build the person's Home tab from the database and publish it."""
    ensure_person(deps, user_id)
    view = build_home(deps, user_id)
    if view is not None:
        deps.slack.publish_home(user_id, view)
