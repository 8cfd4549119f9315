"""Setup checklist listeners: its buttons (check again, sync people, back to the rollout) and the sponsor,
help contact and pilot modals. Like every admin listener, each one checks the caller is an admin in the
database first: a forged click or submission is refused, logged, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows import admin_home
from bot.flows import setup as flow
from bot.i18n import t
from bot.views.ids import SetupAction, SetupField, SetupView
from handlers.admin import is_admin


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def handle_show(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    """ "Setup checklist" (admin Home) and "Check again": publish the checklist with fresh status."""
    ack()
    if is_admin(deps, _user(body), "setup checklist"):
        flow.publish_checklist(deps, _user(body))


def handle_back(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    ack()
    if is_admin(deps, _user(body), "setup back"):
        admin_home.publish_admin_home(deps, _user(body), rollout=True)


def handle_sync(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    """ "Sync people": acked at once; the users.list walk runs on Bolt's worker thread after the ack."""
    ack()
    if is_admin(deps, _user(body), "setup sync"):
        flow.sync_now(deps, _user(body))


def _opener(build: Callable[[Deps, str], dict[str, Any]]) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
        ack()
        if is_admin(deps, _user(body), f"setup modal {build.__name__}"):
            client.views_open(trigger_id=body["trigger_id"], view=build(deps, _user(body)))

    return handle


def _submitted(first_field: str, apply: Callable[[Deps, str, dict[str, Any]], dict[str, str]]) -> Callable[..., None]:
    """A view_submission: admin check, apply (field errors shown in the modal), ack, then the Home tab."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
        user_id = _user(body)
        if not is_admin(deps, user_id, f"submission {view.get('callback_id')}"):
            ack(response_action="errors", errors={first_field: t("setup.not_admin", flow.admin_locale(deps, user_id))})
            return
        values = (view.get("state") or {}).get("values") or {}
        errors = apply(deps, user_id, {"values": values, "meta": view.get("private_metadata") or ""})
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        admin_home.publish_admin_home(deps, user_id)  # the checklist until a wave exists, then the rollout

    return handle


def register(app: App) -> None:
    app.action(SetupAction.OPEN.value)(handle_show)
    app.action(SetupAction.RECHECK.value)(handle_show)
    app.action(SetupAction.BACK.value)(handle_back)
    app.action(SetupAction.SYNC.value)(handle_sync)
    app.action(SetupAction.SPONSOR.value)(_opener(flow.sponsor_modal))
    app.action(SetupAction.CONTACTS.value)(_opener(flow.contacts_modal))
    app.action(SetupAction.PILOT.value)(_opener(flow.pilot_modal))
    app.view(SetupView.SPONSOR.value)(
        _submitted(SetupField.SPONSOR, lambda d, u, v: flow.save_sponsor(d, u, v["values"]))
    )
    app.view(SetupView.CONTACTS.value)(
        _submitted(f"{SetupField.CONTACT}.0.primary", lambda d, u, v: flow.save_contacts(d, u, v["values"], v["meta"]))
    )
    app.view(SetupView.PILOT.value)(
        _submitted(SetupField.DEPARTMENT, lambda d, u, v: flow.create_pilot(d, u, v["values"]))
    )
