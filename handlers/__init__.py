"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

import handlers.ambassador_actions  # sub-commands in handlers.ambassador_commands register on import
from handlers import commands, events


def register(app: App, *, command_name: str = "/coach") -> None:
    events.register(app)
    commands.register(app, command_name)
    handlers.ambassador_actions.register(app)
