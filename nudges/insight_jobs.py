"""The metrics tick: today's per-group snapshot (rollups the admin Home reads), then red-department notices.

Claimed once per slot across replicas (nudges/job_claims.py, registered in nudges/scheduler.py), and idempotent
on its own: the snapshot is an upsert of today's rows, and each notice is an outbox row with its own key,
inserted in the same transaction that moves the department's red state on (bot/services/metrics/red.py) — so a
department that turns red is told once, again at most weekly while red, and once when it recovers. The worker
delivers the rows: the admin channel's at once, the ambassadors' and sponsor's DMs in their working hours.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_ignore, session_scope
from bot.deps import Deps
from bot.flows.help_directory import resolve_channel
from bot.services.metrics.red import RedChange, red_events, red_recipients
from bot.services.metrics.rollups import latest, write_rollups
from bot.services.metrics.scores import thresholds
from bot.views.insights import red_notice
from models import NudgeDelivery, RedDepartment
from nudges.direct import direct_key
from nudges.kinds import NudgeKind
from nudges.outbox import outbox_row

log = logging.getLogger(__name__)


def tick_metrics(deps: Deps) -> int:
    """Write today's snapshot of every department, running wave and the company, then queue red notices;
    returns the snapshot rows written."""
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        rows = write_rollups(session, playbook=deps.playbook, now=now)
    log.info("metrics snapshot of %s: %s groups", now.date(), rows)
    queue_red_notices(deps, now)
    return rows


def queue_red_notices(deps: Deps, now: datetime) -> int:
    """Compare today's snapshot with each department's red state; queue the notices that are due."""
    with session_scope(deps.session_factory) as session:
        found = latest(session)
        anything = found is not None and (
            any(d.red for d in found.departments)
            or session.scalar(select(RedDepartment.department).where(RedDepartment.red.is_(True)).limit(1))
        )
    if not anything:
        return 0  # nobody red and nobody recovering: no need to look the admin channel up
    channel = resolve_channel(deps, deps.playbook.help.admin_channel)
    queued = 0
    with session_scope(deps.session_factory) as session:
        found = latest(session)
        if found is None:
            return 0
        metrics = deps.playbook.metrics
        for change in red_events(session, found.departments, now=now, repeat_days=metrics.red_repeat_days):
            queued += _queue(deps, session, change, channel, now)
    if queued:
        log.info("red-department notices queued: %s", queued)
    return queued


def _queue(deps: Deps, session: Session, change: RedChange, channel: str, now: datetime) -> int:
    """One notice to the admin channel (in the playbook's default language) and one DM per recipient."""
    playbook = deps.playbook
    rules = thresholds(playbook)
    queued = 0
    targets: list[tuple[int | None, str, str, NudgeKind]] = [
        (None, channel, playbook.default_locale, NudgeKind.ADMIN_POST)
    ]
    targets += [
        (pid, uid, loc, NudgeKind.RED_DEPARTMENT) for pid, uid, loc in red_recipients(session, change.department)
    ]
    for person_id, address, locale, kind in targets:
        actions = [a.text.get(locale) for a in playbook.metrics.red_actions]
        message = red_notice(change.event.value, change.scores, rules, actions, locale)
        key = direct_key(kind, address, "red", change.department, change.event.value, change.stamp)
        row = outbox_row(
            person_id=person_id,
            address=address,
            kind=kind.value,
            idempotency_key=key,
            due_at=now,
            payload={"text": message["text"], "blocks": message["blocks"]},
            created_at=now,
        )
        queued += insert_ignore(session, NudgeDelivery, row, conflict=["idempotency_key"])
    return queued
