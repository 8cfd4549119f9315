"""The composition root: one Bolt App with our middleware and every listener registered once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware

import handlers
from bot.deps import Deps
from bot.flows.home import publish_home
from bot.flows.people import learn_new_people
from bot.ingest.home_refresh import HomeRefresher
from bot.ingest.writer import IngestQueue

log = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on Coach's side and nothing was changed. Please try again in a minute. / "
    "申し訳ありません、Coach 側で問題が起きました（変更はされていません）。少し待ってからもう一度お試しください。"
)


class CoachApp(App):
    """Bolt's App plus the pieces that must be drained on shutdown: listener threads and the ingest writer."""

    ingest: IngestQueue
    listeners: ThreadPoolExecutor

    def drain(self, timeout: float = 10.0) -> None:
        """Finish what was acked: queued events are recorded, running listeners complete."""
        self.ingest.stop(timeout)
        self.listeners.shutdown(wait=True)


class CoachMiddleware(Middleware):
    """Puts the app's dependencies into every listener's context.

    A class, not a decorated function: Bolt inspects a function middleware's arguments on every request,
    which cost more than the rest of an event's ack path.
    """

    def __init__(self, deps: Deps, ingest: IngestQueue):
        self.deps = deps
        self.ingest = ingest

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        if req.body.get("type") == "app_rate_limited":
            # Slack drops events past 30,000/hour/workspace and says so with this envelope-less notice.
            log.warning("Slack is dropping events: app_rate_limited for team %s", req.body.get("team_id"))
            return BoltResponse(status=200, body="")
        req.context["deps"] = self.deps
        req.context["ingest"] = self.ingest
        return next()


def build_app(deps: Deps, *, socket_mode: bool = False) -> CoachApp:
    """Build the Bolt app over the gateway's WebClient (the same client, so one base URL and retry policy)."""
    listeners = ThreadPoolExecutor(max_workers=8, thread_name_prefix="coach-listener")
    app = CoachApp(
        listener_executor=listeners,
        client=deps.slack.client,
        signing_secret=deps.settings.signing_secret or None,
        # Socket Mode frames are not signed; HTTP requests always are.
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
    )
    app.listeners = listeners
    homes = HomeRefresher(lambda user_id: publish_home(deps, user_id))
    app.ingest = IngestQueue(deps, learn=learn_new_people, homes=homes, effects=listeners)

    app.use(CoachMiddleware(deps, app.ingest))

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger, respond: Respond | None) -> None:
        logger.exception("listener failed (type=%s): %s", body.get("type"), error)
        if respond is not None and body.get("response_url"):
            # The person asked something and must not be left with silence (commands, button clicks).
            respond(text=SORRY, response_type="ephemeral", replace_original=False)

    handlers.register(app, command_name=deps.settings.slash_command)
    return app
