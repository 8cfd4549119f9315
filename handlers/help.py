"""Help routing listeners: "I need help", the contact's buttons, the asker's buttons, the two modals, `/coach help`.

Thin: ack, turn the payload into plain values, call one flow (``bot.flows.help``), answer politely. Refusals go
back ephemerally through ``respond``; modal input errors come back as ``response_action: errors``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import CommandCall
from bot.deps import Deps
from bot.flows import help as help_flow
from bot.flows.help_directory import contact_answered
from bot.flows.progress import record_help_opened
from bot.i18n import t
from bot.services.callers import Caller
from bot.services.help_directory import topic_keys, topic_title
from bot.views import help as views
from bot.views.ids import HelpAction, HelpView

RATE_ACTION = re.compile("^" + re.escape(HelpAction.RATE) + r"\.([0-9]+)$")


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def _request_id(body: dict[str, Any]) -> int | None:
    """The request id a button carries; None for anything that is not a positive integer."""
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def _tell(respond: Respond, text: str) -> None:
    """A polite ephemeral line for whoever clicked; the original message stays as it is."""
    if text:
        respond(text=text, response_type="ephemeral", replace_original=False)


def _unknown(respond: Respond, deps: Deps, user_id: str) -> None:
    _tell(respond, t("help.refuse.unknown", help_flow.asker_locale(deps, user_id)))


def _topics(deps: Deps, locale: str) -> list[tuple[str, str]]:
    return [(key, topic_title(deps.playbook, key, locale)) for key in topic_keys(deps.playbook)]


# --------------------------------------------------------------------------- "I need help"


def handle_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    user_id = _user(body)
    locale = help_flow.asker_locale(deps, user_id)
    client.views_open(trigger_id=body["trigger_id"], view=views.ask_modal(locale, _topics(deps, locale)))
    record_help_opened(deps, user_id)  # after views.open: the trigger expires in 3 s


def handle_ask_submission(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
    user_id = _user(body)
    values = view["state"]["values"]
    topic = ((values.get(HelpView.ASK_TOPIC, {}).get(HelpView.ASK_TOPIC) or {}).get("selected_option") or {}).get(
        "value"
    )
    question = (values.get(HelpView.ASK_QUESTION, {}).get(HelpView.ASK_QUESTION) or {}).get("value")
    locale = help_flow.asker_locale(deps, user_id)
    errors = views.ask_errors(topic, question, locale, topic_keys(deps.playbook))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    help_flow.ask(deps, user_id=user_id, text=question, topic=topic, via="modal")


# --------------------------------------------------------------------------- the contact's buttons


def handle_hand_over(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, deps: Deps) -> None:
    ack()
    user_id, request_id = _user(body), _request_id(body)
    if request_id is None:
        _unknown(respond, deps, user_id)
        return
    modal, refused = help_flow.hand_over_form(deps, request_id=request_id, actor=user_id)
    if modal is None:
        _tell(respond, refused)
        return
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def handle_hand_over_submission(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
    user_id = _user(body)
    values = view["state"]["values"]
    to_user = (values.get(HelpView.HAND_OVER_TO, {}).get(HelpView.HAND_OVER_TO) or {}).get("selected_user")
    note = (values.get(HelpView.HAND_OVER_NOTE, {}).get(HelpView.HAND_OVER_NOTE) or {}).get("value") or ""
    locale = help_flow.asker_locale(deps, user_id)
    errors = views.hand_over_errors(to_user, user_id, locale)
    try:
        request_id = int(json.loads(view.get("private_metadata") or "{}").get("request_id"))
    except (TypeError, ValueError):
        errors = {HelpView.HAND_OVER_TO: t("help.refuse.unknown", locale)}
        request_id = 0
    if errors:
        ack(response_action="errors", errors=errors)
        return
    outcome = help_flow.hand_over(deps, request_id=request_id, actor=user_id, to_user=to_user or "", note=note)
    if not outcome.ok:
        ack(response_action="errors", errors={HelpView.HAND_OVER_TO: outcome.message})
        return
    ack()
    help_flow.deliver(deps, outcome)


# --------------------------------------------------------------------------- the asker's buttons


def handle_contact_check(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    still_me = body["actions"][0]["action_id"] == HelpAction.CONTACT_STILL_ME
    text = contact_answered(deps, user_id=_user(body), still_me=still_me)
    respond(text=text, replace_original=True)


RequestAction = Callable[[Deps, int, str, str], help_flow.HelpOutcome]


def request_button(act: RequestAction) -> Callable[..., None]:
    """A button on a request card: ack, find the request, let the service decide, tell the clicker politely."""

    def handle(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
        ack()
        user_id, request_id = _user(body), _request_id(body)
        action_id = str(body["actions"][0]["action_id"])
        if request_id is None:
            _unknown(respond, deps, user_id)
            return
        _tell(respond, act(deps, request_id, user_id, action_id).message)

    return handle


def _rate(deps: Deps, request_id: int, actor: str, action_id: str) -> help_flow.HelpOutcome:
    match = RATE_ACTION.match(action_id)
    return help_flow.rate(deps, request_id=request_id, actor=actor, score=int(match.group(1)) if match else 0)


# --------------------------------------------------------------------------- /coach help <question>


def ask_command(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    """FAQ answers first (ephemeral), else the question goes to a person at once."""

    def show(message: views.Message) -> None:
        respond(text=message["text"], blocks=message["blocks"], response_type="ephemeral")

    result = help_flow.ask(deps, user_id=caller.user_id, text=call.rest, via="command", show=show)
    if result.kind == "routed":
        respond(text=t("help.command.routed", caller.locale), response_type="ephemeral")
    elif result.kind == "invalid":
        respond(text=result.message, response_type="ephemeral")


def register(app: App) -> None:
    app.action(HelpAction.OPEN)(handle_open)
    app.action(HelpAction.TAKE)(
        request_button(lambda deps, rid, actor, _a: help_flow.take(deps, request_id=rid, actor=actor))
    )
    app.action(HelpAction.ANSWERED)(
        request_button(lambda deps, rid, actor, _a: help_flow.answer(deps, request_id=rid, actor=actor))
    )
    app.action(HelpAction.HAND_OVER)(handle_hand_over)
    confirm = request_button(
        lambda deps, rid, actor, action_id: help_flow.confirm(
            deps, request_id=rid, actor=actor, solved=action_id == HelpAction.SOLVED
        )
    )
    app.action(HelpAction.SOLVED)(confirm)
    app.action(HelpAction.STILL_STUCK)(confirm)
    app.action(RATE_ACTION)(request_button(_rate))
    app.action(HelpAction.FAQ_SOLVED)(
        request_button(lambda deps, rid, actor, _a: help_flow.faq_solved(deps, request_id=rid, actor=actor))
    )
    # "I still need a person": the FAQ did not solve it, so the question is routed now.
    app.action(HelpAction.FAQ_NEED_PERSON)(
        request_button(lambda deps, rid, actor, _a: help_flow.route(deps, request_id=rid, actor=actor))
    )
    app.action(HelpAction.CONTACT_STILL_ME)(handle_contact_check)
    app.action(HelpAction.CONTACT_NOT_ME)(handle_contact_check)
    app.view(HelpView.ASK)(handle_ask_submission)
    app.view(HelpView.HAND_OVER)(handle_hand_over_submission)
