"""The metrics tick: today's per-group snapshot (rollups the admin Home reads), then red-department notices.

Claimed once per slot across replicas (nudges/job_claims.py, registered in nudges/scheduler.py), and idempotent
on its own: the snapshot is an upsert of today's rows, and each notice is an outbox row with its own key.
"""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from bot.services.metrics.rollups import write_rollups

log = logging.getLogger(__name__)


def tick_metrics(deps: Deps) -> int:
    """Write today's snapshot of every department, running wave and the company; returns the rows written."""
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        rows = write_rollups(session, playbook=deps.playbook, now=now)
    log.info("metrics snapshot of %s: %s groups", now.date(), rows)
    return rows
