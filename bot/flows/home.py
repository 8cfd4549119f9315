"""Publishing a person's App Home tab: the state read in one short transaction, rendered, views.publish."""

from __future__ import annotations

from bot.db import session_scope
from bot.deps import Deps
from bot.flows import setup
from bot.flows.people import ensure_person, slack_locale
from bot.services import privacy
from bot.services.callers import load_caller
from bot.services.home import employee_home_state, home_state
from bot.services.people import get_person
from bot.views.admin_home import AdminHomeState, admin_home
from bot.views.home import EmployeeHomeState, employee_home
from bot.views.privacy import not_tracked_home, with_view_switch


def publish_home(deps: Deps, user_id: str) -> None:
    """Build the person's Home tab from the database and publish it.

    Admins get the admin view or their own journey, as they last chose, with a button to switch; someone
    Coach stopped tracking gets "Coach is not tracking you" with "Start again".
    """
    ensure_person(deps, user_id)
    state: EmployeeHomeState | AdminHomeState | None = None
    admin, untracked, locale = False, False, "en"
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:
            untracked = privacy.is_untracked(session, deps.settings.privacy_key, user_id)
        else:
            locale = person.effective_locale
            admin = load_caller(session, deps.settings, user_id).is_admin
            if admin and privacy.home_view_choice(session, person) == privacy.JOURNEY:
                state = employee_home_state(session, deps.playbook, person)
            else:
                state = home_state(
                    session, settings=deps.settings, playbook=deps.playbook, user_id=user_id, now=deps.clock.now()
                )
    if untracked:
        deps.slack.publish_home(user_id, not_tracked_home(slack_locale(deps, user_id)))
        return
    if state is None:
        return
    if isinstance(state, AdminHomeState) and setup.first_run(deps):
        setup.publish_checklist(deps, user_id)  # until a first wave exists, the admin Home is the checklist
        return
    if isinstance(state, AdminHomeState):
        view = with_view_switch(admin_home(state), journey=False, locale=locale)
    else:
        view = employee_home(state)
        if admin:
            view = with_view_switch(view, journey=True, locale=locale)
    deps.slack.publish_home(user_id, view)
