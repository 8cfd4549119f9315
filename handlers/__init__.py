"""Slack listeners, thin: translate Slack payloads into service calls. `register` wires them all once."""

from __future__ import annotations

from slack_bolt import App

from handlers import events


def register(app: App) -> None:
    events.register(app)
