"""Small talk in the DM gets a friendly reply with "I need help", through the outbox; no help request is made."""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.small_talk import SmallTalk
from bot.flows.people import ensure_person
from bot.services.people import get_person
from bot.services.small_talk import queue_reply
from nudges.config import cadence_rules

log = logging.getLogger(__name__)


def reply(deps: Deps, *, user_id: str, group: SmallTalk, ts: str) -> None:
    """Queue the reply (the worker sends it in the person's language, or drops it once it is stale)."""
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        # A first DM may arrive before the event writer has asked Slack who this is (its row is still bare):
        # the reply is timed by their time zone and written in their language, so ask now.
        unknown = person is None or not person.display_name
    if unknown:
        ensure_person(deps, user_id, refresh=True)
    with session_scope(deps.session_factory) as session:
        outcome = queue_reply(
            session, user_id=user_id, group=group, ts=ts, rules=cadence_rules(deps.playbook), now=deps.clock.now()
        )
    log.info("small talk (%s) from %s: reply %s %s", group.value, user_id, outcome.outcome, outcome.reason)
