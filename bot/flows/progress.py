"""Progress that a request (not an observed event batch) makes: opening help is the first use case."""

from __future__ import annotations

import logging
from uuid import uuid4

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.activity import Activity
from bot.flows.home import publish_home
from bot.ingest.batch import EventItem, ingest_batch
from bot.slack.gateway import SlackError

log = logging.getLogger(__name__)


def record_help_opened(deps: Deps, user_id: str) -> None:
    """Asking Coach for help is the first use case everyone learns ("know where to get help")."""
    now = deps.clock.now()
    activity = Activity("help_requested", user_id, f"help:{uuid4().hex}", now)
    with session_scope(deps.session_factory) as session:
        outcome = ingest_batch(
            session,
            playbook=deps.playbook,
            items=[EventItem(None, (activity,))],
            now=now,
            privacy_key=deps.settings.privacy_key,
        )
    if user_id in outcome.progressed:
        try:  # the Home tab is redrawn on its next open; a Slack outage must not lose the question being asked
            publish_home(deps, user_id)
        except SlackError as exc:
            log.warning("could not refresh the Home tab of %s: %s", user_id, exc)
