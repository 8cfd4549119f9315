"""The composition root: one Bolt App with our middleware and every listener registered once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

import handlers
from bot.deps import Deps

log = logging.getLogger(__name__)


def build_app(deps: Deps, *, socket_mode: bool = False, executor: Executor | None = None) -> App:
    """Build the Bolt app over the gateway's WebClient (the same client, so one base URL and retry policy).

    Listeners run after the ack on `executor` (Bolt's default is 5 threads); pass one to drain it on shutdown.
    """
    app = App(
        listener_executor=executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="coach-listener"),
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

    @app.middleware
    def note_rate_limited(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        # Slack drops events past 30,000/hour/workspace and says so with this envelope-less notice.
        if body.get("type") == "app_rate_limited":
            log.warning("Slack is dropping events: app_rate_limited for team %s", body.get("team_id"))
            return BoltResponse(status=200, body="")
        return next()

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
        logger.exception("listener failed (type=%s): %s", body.get("type"), error)

    handlers.register(app, command_name=deps.settings.slash_command)
    return app
