"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

from handlers import commands, events, nudge_actions


def register(app: App, *, command_name: str = "/coach") -> None:
    events.register(app)
    commands.register(app, command_name)
    nudge_actions.register(app)
