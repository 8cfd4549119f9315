"""Buttons and the modal of the champions network: Invite (on `/coach champions`), Accept / Decline (on the
invitation DM), Share a tip and its modal. Ack at once, delegate to bot/flows/champions.py; a button is only a
request, the flow re-checks who may do what."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.deps import Deps
from bot.flows import champions as flow
from bot.services.callers import load_caller
from bot.views.commands import refusal
from bot.views.ids import ChampionAction, ChampionView


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))[:32]


def handle_invite_clicked(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    with session_scope(deps.session_factory) as session:
        caller = load_caller(session, deps.settings, body["user"]["id"])
    if not (caller.is_admin or "ambassador" in caller.roles):
        respond(**refusal("champions", "ambassador", caller.locale), replace_original=False)
        return
    respond(**flow.invite(deps, caller, _value(body)), replace_original=False)


def _answer(body: dict[str, Any], respond: Respond, deps: Deps, *, accept: bool) -> None:
    try:
        champion_id = int(_value(body))
    except ValueError:
        champion_id = 0
    message = flow.answer(deps, body["user"]["id"], champion_id, accept=accept)
    respond(**message, replace_original=True)


def handle_accept_clicked(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    _answer(body, respond, deps, accept=True)


def handle_decline_clicked(ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    _answer(body, respond, deps, accept=False)


def handle_share_tip_clicked(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, deps: Deps) -> None:
    ack()
    modal, locale = flow.tip_modal(deps, body["user"]["id"])
    if modal is None:
        text = flow.views.tip_done_modal(locale, "champions.tip.not_champion")["blocks"][0]["text"]["text"]
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    client.views_open(trigger_id=body["trigger_id"], view=modal)  # trigger-bound: within 3 s


def handle_tip_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
    errors, done = flow.submit_tip(deps, body["user"]["id"], view)
    if errors is not None:
        ack(response_action="errors", errors=errors)
    else:
        ack(response_action="update", view=done)


def register(app: App) -> None:
    app.action(ChampionAction.INVITE.value)(handle_invite_clicked)
    app.action(ChampionAction.ACCEPT.value)(handle_accept_clicked)
    app.action(ChampionAction.DECLINE.value)(handle_decline_clicked)
    app.action(ChampionAction.SHARE_TIP.value)(handle_share_tip_clicked)
    app.view(ChampionView.TIP.value)(handle_tip_submitted)
