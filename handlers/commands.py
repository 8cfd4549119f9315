"""The one `/coach` listener: ack at once, parse, check the role, run the sub-command from the table.

Sub-commands answer ephemerally through `respond` (response_url), so slow work after the ack is fine. The
registry is built from handlers/command_table.py and held by the listener: there is no process-wide copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.commands import CommandCall, Registry, parse_command
from bot.db import session_scope
from bot.deps import Deps
from bot.services.callers import Caller, load_caller
from bot.views.commands import refusal, usage


def coach_command_listener(registry: Registry) -> Callable[..., None]:
    """The Bolt listener for `/coach`, dispatching over `registry`."""

    def handle_coach_command(ack: Ack, command: dict[str, Any], respond: Respond, deps: Deps) -> None:
        ack()
        call = parse_command(command.get("text", ""))
        with session_scope(deps.session_factory) as session:
            caller = load_caller(session, deps.settings, command["user_id"])
        dispatch(registry, deps, call, caller, respond)

    return handle_coach_command


def dispatch(registry: Registry, deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    """Route to the sub-command; help or anything unknown gets the usage guide for the caller's roles."""
    name = registry.resolve(call.name)
    sub = registry.get(name)
    if name == "help" and call.rest:
        sub = registry.get("ask")
    if sub is None or name == "" or (name == "help" and not call.rest):
        respond(**usage(registry.visible_to(set(caller.roles)), caller.locale, unknown=name))
        return
    if sub.role != "employee" and sub.role not in caller.roles and not caller.is_admin:
        respond(**refusal(sub.name, sub.role, caller.locale))
        return
    sub.run(deps, call, caller, respond)


def register(app: App, command_name: str, registry: Registry) -> None:
    app.command(command_name)(coach_command_listener(registry))
