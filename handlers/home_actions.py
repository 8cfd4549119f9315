"""Buttons on the employee Home tab, the privacy modal, and ambassadors' confirm buttons."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.deps import Deps
from bot.flows.home import publish_home
from bot.flows.people import ensure_person
from bot.flows.self_report import report_done
from bot.i18n import t
from bot.services import privacy
from bot.services.callers import load_caller
from bot.services.people import get_person
from bot.services.progress import confirm_completion
from bot.services.snooze import DEFAULT_DAYS, snooze
from bot.slack.gateway import SlackError
from bot.views.blocks import actions, button, section
from bot.views.ids import HomeAction, ProgressAction
from bot.views.privacy import deleted_modal, what_you_know_modal
from nudges.direct import DirectMessage, direct_key, reply, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)


def _locale(deps: Deps, user_id: str) -> str:
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        return person.effective_locale if person else "en"


def handle_did_it(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    ack()
    user_id = body["user"]["id"]
    report = report_done(deps, user_id=user_id, use_case_key=str(action.get("value") or ""))
    loc = _locale(deps, user_id)
    title = report.use_case.title.get(loc) if report.use_case else ""
    if report.result == "pending":
        if report.newly_pending:  # a second click does not ask the ambassadors again
            _ask_ambassadors(deps, user_id, report.use_case.key if report.use_case else "", report.ambassadors)
        key = "report.pending" if report.ambassadors else "report.pending_nobody"
        text = t(key, loc, title=title, who=", ".join(f"<@{a}>" for a in report.ambassadors))
    else:
        how = report.use_case.how_to.get(loc) if report.use_case else ""
        text = t(f"report.{report.result}", loc, title=title, how=how)
    reply(deps, user_id, text, about="did_it")
    publish_home(deps, user_id)


def _ask_ambassadors(deps: Deps, user_id: str, use_case_key: str, ambassadors: list[str]) -> None:
    for ambassador in ambassadors:
        loc = _locale(deps, ambassador)
        title = deps.playbook.use_case(use_case_key).title.get(loc)
        text = t("confirm.ask", loc, user=user_id, title=title)
        value = json.dumps({"user": user_id, "use_case": use_case_key})
        blocks = [
            section(text),
            actions(button(t("confirm.button", loc), ProgressAction.CONFIRM, value, style="primary")),
        ]
        # A confirmation ask, through the outbox: once per person and use case, in the ambassador's working hours.
        key = direct_key(NudgeKind.CONFIRM_ASK, ambassador, user_id, use_case_key)
        try:
            send_direct(deps, DirectMessage(NudgeKind.CONFIRM_ASK, key, ambassador, text, blocks))
        except SlackError as exc:
            log.warning("confirmation ask to %s failed: %s", ambassador, exc)


def handle_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    ack()
    clicker = body["user"]["id"]
    try:
        value = json.loads(action.get("value") or "{}")
        user_id, use_case_key = str(value["user"]), str(value["use_case"])
    except (ValueError, KeyError, TypeError):
        log.warning("malformed confirm value from %s", clicker)
        return
    loc = _locale(deps, clicker)
    with session_scope(deps.session_factory) as session:
        caller = load_caller(session, deps.settings, clicker)
        person = get_person(session, user_id)
        allowed = person is not None and caller.can_steer(person.department)
        if allowed and person is not None and use_case_key in deps.playbook.ladder_index:
            confirm_completion(
                session,
                playbook=deps.playbook,
                person=person,
                use_case_key=use_case_key,
                confirmed_by=clicker,
                now=deps.clock.now(),
            )
    if not allowed:
        log.warning("refused confirm by %s for %s", clicker, user_id)
        reply(deps, clicker, t("confirm.refused", loc, user=user_id), about="confirm")
        return
    title = deps.playbook.use_case(use_case_key).title.get(loc) if use_case_key in deps.playbook.ladder_index else ""
    reply(deps, clicker, t("confirm.done", loc, user=user_id, title=title), about="confirm")
    publish_home(deps, user_id)


def handle_home_snooze_clicked(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    """The Home tab's "Snooze a week" button: the one snooze (bot/services/snooze), default length."""
    ack()
    user_id = body["user"]["id"]
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:
            return
        result = snooze(session, person, days=DEFAULT_DAYS, now=deps.clock.now())
    reply(deps, user_id, t("snooze.done", result.locale, until=result.local_until), about="snooze")
    publish_home(deps, user_id)


def handle_what_you_know(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    with session_scope(deps.session_factory) as session:
        person = get_person(session, body["user"]["id"])
        if person is None:
            return
        view = what_you_know_modal(
            privacy.describe(session, person), person.effective_locale, deps.settings.text_retention_days
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)  # trigger-bound: must happen within 3 s


def handle_delete_my_data(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    user_id = body["user"]["id"]
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        loc = person.effective_locale if person else "en"
        if person is not None:
            privacy.stop_tracking(session, deps.settings.privacy_key, person, deps.clock.now())
    log.info("erased stored data of a person at their request; not tracking them any more")
    if body.get("view", {}).get("id"):
        client.views_update(view_id=body["view"]["id"], view=deleted_modal(loc))
    publish_home(deps, user_id)  # "Coach is not tracking you", with "Start again"


def handle_start_again(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    """Remove the "do not track" marker; the person is created afresh from Slack and gets their journey."""
    ack()
    user_id = body["user"]["id"]
    with session_scope(deps.session_factory) as session:
        privacy.start_again(session, deps.settings.privacy_key, user_id)
    ensure_person(deps, user_id, refresh=True)
    publish_home(deps, user_id)


def handle_switch_view(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    """An admin's "My journey" / "Admin view": remembered per person, then the Home tab is published again."""
    ack()
    user_id = body["user"]["id"]
    view = privacy.JOURNEY if action.get("action_id") == HomeAction.VIEW_JOURNEY else privacy.ADMIN
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None or not load_caller(session, deps.settings, user_id).is_admin:
            return
        privacy.choose_home_view(session, person, view, deps.clock.now())
    publish_home(deps, user_id)


def register(app: App) -> None:
    app.action(HomeAction.DID_IT)(handle_did_it)
    app.action(HomeAction.SNOOZE)(handle_home_snooze_clicked)
    app.action(HomeAction.WHAT_YOU_KNOW)(handle_what_you_know)
    app.action(HomeAction.DELETE_MY_DATA)(handle_delete_my_data)
    app.action(HomeAction.START_AGAIN)(handle_start_again)
    app.action(HomeAction.VIEW_JOURNEY)(handle_switch_view)
    app.action(HomeAction.VIEW_ADMIN)(handle_switch_view)
    app.action(ProgressAction.CONFIRM)(handle_confirm)
