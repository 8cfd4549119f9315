"""Events API listeners. Bolt acks events before these run; each event_id is processed once.

Activity events are the exception: `DurableIngest` commits them before the ack (see bot/ingest/writer.py),
so an acked event survives `kill -9`; their listener then only does the follow-ups (help DMs).

One listener per event type (Bolt runs only the first match), fanning out to the services that care.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Deps
from bot.flows import channels
from bot.flows import help as help_flow
from bot.flows.home import publish_home
from bot.flows.people import learn_new_people, sync_usergroup_departments, untracked_person, upsert_tracked
from bot.ingest.batch import EventItem
from bot.ingest.writer import IngestQueue
from bot.services.people import department_rule
from bot.slack.gateway import SlackError
from handlers.event_translation import activities_from_event

log = logging.getLogger(__name__)


def event_item(deps: Deps, body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None) -> EventItem:
    """Translate one event into activities (channel names resolved from the cache)."""
    event_id = body.get("event_id")
    activities = tuple(
        channels.named(deps, a)
        for a in activities_from_event(event, event_id=event_id or "", bot_user_id=bot_user_id)
        if a.event_id
    )
    return EventItem(event_id=event_id, activities=activities)


ACTIVITY_EVENTS = ("message", "reaction_added", "app_mention", "member_joined_channel")


class DurableIngest(Middleware):
    """Commits activity events before Bolt acks them; a failed or slow commit answers 503 so Slack retries.

    A class, not a decorated function (Bolt inspects function middleware's arguments on every request).
    """

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        body = req.body
        event = body.get("event") if body.get("type") == "event_callback" else None
        if not isinstance(event, dict) or not _is_activity(event, req.context.bot_user_id):
            return next()
        ingest: IngestQueue = req.context["ingest"]
        if not ingest.record_durably(event_item(req.context["deps"], body, event, req.context.bot_user_id)):
            return BoltResponse(status=503, body="")
        req.context["ingested"] = True
        return next()


class FastIngest:
    """The HTTP ack path for plain activity events, without Bolt's dispatch: the same translation and the same
    durable commit as `DurableIngest`, then 200 (or 503 when the commit failed, so Slack retries).

    It runs only after `bot.request_guard` verified size, timestamp, signature and shape, and it takes only
    what Bolt would have done nothing more with after the commit: an activity event by a person (a string
    `user`, no `bot_id`, not Coach). Anything else — Coach's own or another bot's events, a person's DM to
    Coach (the help flow answers it), every other event type, or Coach's identity not known yet — goes to
    Bolt unchanged.
    """

    RETRY_IDENTITY_S = 30.0  # after a failed auth.test, Bolt alone handles events for this long

    def __init__(self, deps: Deps, ingest: IngestQueue, monotonic: Callable[[], float] = time.monotonic):
        self.deps, self.ingest, self._monotonic = deps, ingest, monotonic
        self._bot_user_id: str | None = None
        self._failed_at: float | None = None

    def _coach(self) -> str | None:
        """Coach's bot user id (auth.test once, as Bolt's single-workspace authorization does).

        While Slack cannot be asked, events go to Bolt, and auth.test is not retried on every request."""
        if self._bot_user_id is None:
            if self._failed_at is not None and self._monotonic() - self._failed_at < self.RETRY_IDENTITY_S:
                return None
            try:
                self._bot_user_id = str(self.deps.slack.auth_test().get("user_id") or "") or None
            except SlackError:
                self._failed_at = self._monotonic()
                return None
        return self._bot_user_id

    def ack(self, body: Any) -> int | None:
        """The HTTP status answered here, or None: let Bolt handle this request."""
        if not isinstance(body, dict) or body.get("type") != "event_callback":
            return None
        event = body.get("event")
        if not isinstance(event, dict) or event.get("type") not in ACTIVITY_EVENTS:
            return None
        user = event.get("user")
        if not isinstance(user, str) or event.get("bot_id") is not None:
            return None
        coach = self._coach()
        if coach is None or user == coach or _is_person_dm(event, coach):
            return None
        return 200 if self.ingest.record_durably(event_item(self.deps, body, event, coach)) else 503


def _is_activity(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Events whose counters ingest records; Coach joining a channel is a channel-cache change instead."""
    kind = event.get("type")
    return kind in ACTIVITY_EVENTS and not (kind == "member_joined_channel" and event.get("user") == bot_user_id)


def handle_activity(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, deps: Deps, ingest: IngestQueue
) -> None:
    if not context.get("ingested"):
        ingest.submit(event_item(deps, body, event, context.bot_user_id))
    if _is_person_dm(event, context.bot_user_id) and not untracked_person(deps, event["user"]):
        help_flow.handle_direct_message(
            deps,
            user_id=event["user"],
            text=str(event.get("text") or ""),
            channel=event["channel"],
            ts=event["ts"],
            thread_ts=event.get("thread_ts"),
        )


def _is_person_dm(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person writing to Coach in its DM (free-text help); edits, bots and Coach itself are not."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and event.get("subtype") in (None, "file_share")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def handle_member_joined_channel(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, deps: Deps, ingest: IngestQueue
) -> None:
    if event.get("user") == context.bot_user_id:
        channels.bot_joined(deps, event["channel"])
        return
    handle_activity(body, event, context, deps, ingest)


def handle_app_home_opened(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, deps: Deps, ingest: IngestQueue
) -> None:
    outcome = ingest.record_now(event_item(deps, body, event, context.bot_user_id))
    if outcome.duplicates:
        return
    learn_new_people(deps, outcome)
    if event.get("tab", "home") == "home":
        publish_home(deps, event["user"])


def handle_user_event(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    """team_join and user_change carry a full user object: create or refresh the person."""
    user = event.get("user")
    if not isinstance(user, dict) or "id" not in user:
        return
    upsert_tracked(deps, user)  # not for someone who asked Coach to stop tracking them


def handle_lifecycle(body: dict[str, Any], event: dict[str, Any]) -> None:
    # The app keeps its data: an admin may reinstall. Logged so operators see why calls start failing.
    log.warning("Slack lifecycle event %s for team %s", event.get("type"), body.get("team_id"))


def handle_usergroup_change(deps: Deps) -> None:
    """When departments come from user groups, a membership change re-maps departments."""
    rule = department_rule(deps.playbook)
    if rule.source == "usergroup" and rule.usergroups:
        sync_usergroup_departments(deps, rule)


def handle_member_left_channel() -> None:
    """Leaving a channel never undoes progress (no moving backwards); nothing to record."""


def register(app: App) -> None:
    app.use(DurableIngest())
    for name in ("message", "reaction_added", "app_mention"):
        app.event(name)(handle_activity)
    app.event("member_joined_channel")(handle_member_joined_channel)
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("team_join")(handle_user_event)
    app.event("user_change")(handle_user_event)
    app.event("app_uninstalled")(handle_lifecycle)
    app.event("tokens_revoked")(handle_lifecycle)
    app.event("member_left_channel")(handle_member_left_channel)
    for name in ("subteam_created", "subteam_updated", "subteam_members_changed"):
        app.event(name)(handle_usergroup_change)
