"""Starting the app in either mode, with the database ready first."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.db import upgrade_to_head
from bot.deps import Deps, build_deps
from bot.settings import Settings

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> Deps:
    """Build dependencies; an embedded SQLite database is migrated to head on every start."""
    if settings.database_url.startswith("sqlite"):
        # Replicas on PostgreSQL migrate once, explicitly (`coach migrate`), never racing at start-up.
        upgrade_to_head(settings.database_url)
    return build_deps(settings)


def socket_mode_handler(deps: Deps) -> SocketModeHandler:
    """Socket Mode over the gateway's WebClient, so apps.connections.open honours SLACK_API_URL."""
    app = build_app(deps, socket_mode=True)
    return SocketModeHandler(app, app_token=deps.settings.app_token)
