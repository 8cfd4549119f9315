"""The nudge ticks: plan what is due (every few minutes), deliver what is due (every few seconds)."""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from nudges.config import cadence_rules
from nudges.kinds import NudgeKind
from nudges.planner import PlanReport, plan
from nudges.tracks import plan_track_lessons
from nudges.worker import DeliveryReport, DeliveryWorker

log = logging.getLogger(__name__)


def plan_nudges(deps: Deps) -> PlanReport:
    """Queue due coaching nudges for every enrolled person, and role-track lessons (re-runs queue nothing new)."""
    rules, now = cadence_rules(deps.playbook), deps.clock.now()
    with session_scope(deps.session_factory) as session:
        report = plan(session, playbook=deps.playbook, rules=rules, now=now)
    with session_scope(deps.session_factory) as session:
        lessons = plan_track_lessons(
            session, playbook=deps.playbook, rules=rules, now=now, admins=deps.settings.coach_admins
        )
    if lessons:
        report = PlanReport(queued={**report.queued, NudgeKind.TRACK_LESSON.value: lessons})
    if report.total:
        log.info("planned nudges: %s", report.queued)
    return report


def deliver_nudges(deps: Deps) -> DeliveryReport:
    """One delivery tick with a fresh worker (the scheduler instead keeps one worker, see nudges.scheduler)."""
    return DeliveryWorker(deps).tick()
