"""Publishing a person's App Home tab: the state read in one short transaction, rendered, views.publish."""

from __future__ import annotations

from bot.db import session_scope
from bot.deps import Deps
from bot.flows import setup
from bot.flows.people import ensure_person
from bot.services.home import home_state
from bot.views.admin_home import AdminHomeState, admin_home
from bot.views.home import employee_home


def publish_home(deps: Deps, user_id: str) -> None:
    """Build the person's Home tab from the database and publish it (admins get the admin view)."""
    ensure_person(deps, user_id)
    with session_scope(deps.session_factory) as session:
        state = home_state(
            session, settings=deps.settings, playbook=deps.playbook, user_id=user_id, now=deps.clock.now()
        )
    if state is None:
        return
    if isinstance(state, AdminHomeState) and setup.first_run(deps):
        setup.publish_checklist(deps, user_id)  # until a first wave exists, the admin Home is the checklist
        return
    view = admin_home(state) if isinstance(state, AdminHomeState) else employee_home(state)
    deps.slack.publish_home(user_id, view)
