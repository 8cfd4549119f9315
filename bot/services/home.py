"""What the App Home tab shows a person, and publishing it."""

from __future__ import annotations

from bot.db import session_scope
from bot.deps import Deps
from bot.services.admin_home import build_admin_home
from bot.services.people import get_person, upsert_person
from bot.services.roles import load_caller
from bot.views.home import EmployeeHomeState, employee_home
from models import Person


def ensure_person(deps: Deps, user_id: str) -> None:
    """Make sure a person we have never seen exists (users.info happens outside any transaction)."""
    with session_scope(deps.session_factory) as session:
        if get_person(session, user_id) is not None:
            return
    user = deps.slack.user_info(user_id)
    with session_scope(deps.session_factory) as session:
        if get_person(session, user_id) is None:
            upsert_person(session, user)


def employee_home_state(person: Person) -> EmployeeHomeState:
    return EmployeeHomeState(
        locale=person.effective_locale,
        name=person.display_name or person.slack_user_id,
        stage_number=person.current_stage,
        stage_total=0,
        stage_title="",
    )


def publish_home(deps: Deps, user_id: str) -> None:
    """Build the person's Home tab from the database and publish it."""
    ensure_person(deps, user_id)
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:  # a bot opened the Home tab
            return
        if load_caller(session, deps.settings, user_id).is_admin:
            view = build_admin_home(session, deps)
        else:
            view = employee_home(employee_home_state(person))
    deps.slack.publish_home(user_id, view)
