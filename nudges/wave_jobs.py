"""The wave tick: scheduled waves start on their date, phases move by schedule, feedback gates open.

Safe on several replicas: waves are locked with SKIP LOCKED on PostgreSQL (SQLite serialises writers),
and the tick is idempotent (a wave already moved is left alone; outbox keys dedupe welcomes/questions).
"""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from bot.services.rollout import tick_waves

log = logging.getLogger(__name__)


def advance_wave_phases(deps: Deps) -> int:
    """Move every wave to where its schedule says it should be now; returns how many waves changed."""
    with session_scope(deps.session_factory) as session:
        changes = tick_waves(session, now=deps.clock.now(), usergroup_members=deps.slack.usergroup_members)
    for change in changes:
        log.info(
            "wave %s is now %s/%s (enrolled %s, feedback asked %s)",
            change.wave_id,
            change.state,
            change.phase,
            change.enrolled,
            change.asked,
        )
    return len(changes)
