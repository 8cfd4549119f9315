"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    admin,
    admin_roles,
    ambassador_actions,
    answers,
    champion_actions,
    commands,
    events,
    home_actions,
    nudge_actions,
)
from handlers import help as help_handlers
from handlers import setup as setup_handlers
from handlers.command_table import build_registry


def register(app: App, *, command_name: str = "/coach") -> None:
    events.register(app)
    home_actions.register(app)
    commands.register(app, command_name, build_registry())
    help_handlers.register(app)
    admin.register(app)
    admin_roles.register(app)
    ambassador_actions.register(app)
    champion_actions.register(app)
    nudge_actions.register(app)
    answers.register(app)
    setup_handlers.register(app)
