"""The composition root: one Bolt App with our middleware and every listener registered once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

import handlers
from bot.deps import Deps

log = logging.getLogger(__name__)


def build_app(deps: Deps, *, socket_mode: bool = False) -> App:
    """Build the Bolt app over the gateway's WebClient (the same client, so one base URL and retry policy)."""
    app = App(
        client=deps.slack.client,
        signing_secret=deps.settings.signing_secret or None,
        # Socket Mode frames are not signed; HTTP requests always are.
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
    )

    @app.middleware
    def inject_deps(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["deps"] = deps
        return next()

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
        logger.exception("listener failed (type=%s): %s", body.get("type"), error)

    handlers.register(app, command_name=deps.settings.slash_command)
    return app
