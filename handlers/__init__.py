"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

import handlers.admin_roles
import handlers.ambassador_actions  # sub-commands in handlers.ambassador_commands register on import
from handlers import admin, commands, employee_commands, events, home_actions, nudge_actions
from handlers import help as help_handlers

# Sub-command modules register themselves with bot.commands on import.
SUBCOMMAND_MODULES = (employee_commands,)


def register(app: App, *, command_name: str = "/coach") -> None:
    events.register(app)
    home_actions.register(app)
    commands.register(app, command_name)
    help_handlers.register(app)
    admin.register(app)
    handlers.admin_roles.register(app)
    handlers.ambassador_actions.register(app)
    nudge_actions.register(app)
