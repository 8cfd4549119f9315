"""Admin Home listeners for ambassadors, sponsors and help contacts: buttons, modals, option loads.

Like handlers/admin.py (whose role check this reuses), every listener loads the caller's roles from the
database first: a forged click, submission or option load from a non-admin is refused, logged at
WARNING, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.admin_forms import FormInvalid
from bot.flows import admin_home
from bot.flows.setup import admin_locale
from bot.i18n import t
from bot.services import admin_roles
from bot.views import admin_roles as views
from bot.views.ids import ContactField, RoleAdminAction, RoleAdminView, RoleField
from handlers.admin import is_admin, options_loader


def _modal_for(deps: Deps, action: str, locale: str) -> dict[str, Any]:
    with session_scope(deps.session_factory) as session:
        departments = admin_roles.department_options(session)
        if action != RoleAdminAction.EDIT_CONTACT:
            remove = action == RoleAdminAction.REMOVE
            return views.role_modal(remove=remove, departments=departments, locale=locale)
        in_use = [str((row.hours or {}).get("tz") or "") for row in admin_roles.contact_rows(session)]
    playbook_zones = [c.hours.tz for t in deps.playbook.help.topics for c in t.contacts]
    return views.contact_modal(
        topics=admin_roles.topic_choices(deps.playbook, locale),
        departments=departments,
        zones=views.zone_choices([z for z in [*playbook_zones, *in_use] if z]),
        default_tz=playbook_zones[0] if playbook_zones else "UTC",
        locale=locale,
    )


def handle_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    action = (body.get("actions") or [{}])[0].get("action_id", "")
    if not is_admin(deps, body["user"]["id"], action):
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=_modal_for(deps, action, admin_locale(deps, body["user"]["id"]))
    )


def _submitted(
    first_field: str, blocks: dict[str, Any], apply: Callable[[Deps, str, dict[str, Any]], None]
) -> Callable[..., None]:
    """A view_submission listener: admin check, apply (FormInvalid → field errors), ack, refresh Home."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
        user_id = body["user"]["id"]
        locale = admin_locale(deps, user_id)
        if not is_admin(deps, user_id, f"submission {view.get('callback_id')}"):
            ack(response_action="errors", errors={first_field: t("roles.not_admin", locale)})
            return
        values = (view.get("state") or {}).get("values") or {}
        try:
            apply(deps, user_id, values)
        except FormInvalid as exc:
            ack(response_action="errors", errors=views.errors_for(exc.errors, blocks, locale))
            return
        ack()
        admin_home.publish_admin_home(deps, user_id)

    return handle


def _change_role(remove: bool) -> Callable[[Deps, str, dict[str, Any]], None]:
    def apply(deps: Deps, user_id: str, values: dict[str, Any]) -> None:
        form = views.parse_role_submission(values)
        with session_scope(deps.session_factory) as session:
            admin_roles.change_role(
                session,
                actor=user_id,
                form=form,
                remove=remove,
                now=deps.clock.now(),
                lookup=admin_home.slack_lookup(deps),
            )

    return apply


def _save_contact(deps: Deps, user_id: str, values: dict[str, Any]) -> None:
    form = views.parse_contact_submission(values)
    with session_scope(deps.session_factory) as session:
        admin_roles.save_contact(session, actor=user_id, form=form, playbook=deps.playbook, now=deps.clock.now())


def _departments(deps: Deps) -> list[tuple[str, str]]:
    with session_scope(deps.session_factory) as session:
        return [(d, d) for d in admin_roles.department_options(session)]


def register(app: App) -> None:
    for action_id in RoleAdminAction:
        app.action(action_id.value)(handle_open)
    role_blocks = views.ROLE_ERROR_BLOCKS
    app.view(RoleAdminView.APPOINT.value)(_submitted(RoleField.USER.value, role_blocks, _change_role(remove=False)))
    app.view(RoleAdminView.REMOVE.value)(_submitted(RoleField.USER.value, role_blocks, _change_role(remove=True)))
    app.view(RoleAdminView.CONTACT.value)(
        _submitted(ContactField.TOPIC.value, views.CONTACT_ERROR_BLOCKS, _save_contact)
    )
    app.options(RoleField.DEPARTMENT.value)(options_loader(_departments))
    app.options(ContactField.DEPARTMENT.value)(options_loader(_departments))
