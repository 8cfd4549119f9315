"""People stay current: an hourly check runs the incremental people sync when the last one is older than
`COACH_PEOPLE_SYNC_HOURS` (default 24), and resumes a sync that stopped half-way. `team_join` and
`user_change` events keep people current between syncs (handlers/events.py).

The hourly slot is claimed once across replicas (nudges/job_claims.py); the sync itself is also held by one
process at a time (`setup_state.sync_holder`, renewed per page), since a sync of thousands paced under
users.profile.get's tier can outlast a slot's lease.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.db import session_scope
from bot.deps import Deps
from bot.flows.people import SyncBusy, people_rule, sync_people
from bot.services import setup
from bot.services.people import SyncResult

log = logging.getLogger(__name__)


def sync_due(status: setup.SyncStatus, deps: Deps) -> bool:
    """Never synced, an unfinished sync nobody runs, or the last one older than the configured hours."""
    now = deps.clock.now()
    if status.running(now):
        return False
    if status.started_at is not None or status.synced_at is None:
        return True
    return now - status.synced_at >= timedelta(hours=deps.settings.people_sync_hours)


def sync_people_job(deps: Deps) -> SyncResult | None:
    """The scheduled sync when it is due (None when it was not, or another process is syncing)."""
    with session_scope(deps.session_factory) as session:
        status = setup.sync_status(session)
    if not sync_due(status, deps):
        return None
    try:
        result = sync_people(deps, people_rule(deps))
    except SyncBusy:
        return None
    log.info(
        "people sync%s: %d added, %d updated, %d deactivated",
        " (resumed)" if result.resumed else "",
        result.created,
        result.updated,
        result.deactivated,
    )
    return result
