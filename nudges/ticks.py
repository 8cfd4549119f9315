"""The nudge ticks: plan what is due (every few minutes), deliver what is due (every few seconds)."""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from nudges.config import cadence_rules
from nudges.planner import PlanReport, plan
from nudges.worker import DeliveryReport, DeliveryWorker

log = logging.getLogger(__name__)


def plan_nudges(deps: Deps) -> PlanReport:
    """Queue due coaching nudges for every enrolled person (set-based; re-runs queue nothing new)."""
    with session_scope(deps.session_factory) as session:
        report = plan(session, playbook=deps.playbook, rules=cadence_rules(deps.playbook), now=deps.clock.now())
    if report.total:
        log.info("planned nudges: %s", report.queued)
    return report


def deliver_nudges(deps: Deps) -> DeliveryReport:
    """One delivery tick with a fresh worker (the scheduler instead keeps one worker, see nudges.scheduler)."""
    return DeliveryWorker(deps).tick()
