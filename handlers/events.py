"""Events API listeners. Bolt acks events before these run; each event_id is processed once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.db import session_scope
from bot.deps import Deps
from bot.services import home
from bot.services.events import claim_event

log = logging.getLogger(__name__)


def first_delivery(deps: Deps, body: dict[str, Any]) -> bool:
    """False for Slack's retries of an event we already handled (same event_id)."""
    event_id = body.get("event_id")
    if not event_id:
        return True
    with session_scope(deps.session_factory) as session:
        return claim_event(session, event_id=event_id, now=deps.clock.now())


def handle_app_home_opened(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    deps: Deps = context["deps"]
    if event.get("tab", "home") != "home" or not first_delivery(deps, body):
        return
    home.publish_home(deps, event["user"])


def handle_lifecycle(body: dict[str, Any], event: dict[str, Any]) -> None:
    # The app keeps its data: an admin may reinstall. Logged so operators see why calls start failing.
    log.warning("Slack lifecycle event %s for team %s", event.get("type"), body.get("team_id"))


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("app_uninstalled")(handle_lifecycle)
    app.event("tokens_revoked")(handle_lifecycle)
