"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

from handlers import admin, commands, events


def register(app: App, *, command_name: str = "/coach") -> None:
    events.register(app)
    commands.register(app, command_name)
    admin.register(app)
