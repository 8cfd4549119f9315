"""APScheduler wiring: short ticks whose real state lives in database rows.

Every job is listed once in `JOBS` below (name, interval, function); the job modules import nothing from
here. The scheduler runs inside `coach run` / `coach serve` or alone in `coach worker`, and every replica
runs the same table. Each periodic job except delivery is *claimed* once per interval slot across replicas
(nudges/job_claims.py), so N replicas plan, digest, tick waves and help, check contacts, prune, purge and
sync people once per slot, not N times; delivery runs on every replica because its rows are claimed one by
one (nudges/claims.py) and its Slack pace is shared (nudges/shared_pace.py). A memory job store is enough
(APScheduler's docs: job stores must never be shared between schedulers), with coalesce and max_instances=1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.deps import Deps
from nudges.digest_jobs import queue_admin_digest, queue_ambassador_digests
from nudges.event_pruning import prune_processed_events
from nudges.help_jobs import check_help_contacts, tick_help_requests
from nudges.insight_jobs import tick_metrics
from nudges.job_claims import ClaimedJob, new_holder_id
from nudges.people_jobs import sync_people_job
from nudges.retention_jobs import purge_old_texts_job
from nudges.ticks import plan_nudges
from nudges.wave_jobs import advance_wave_phases
from nudges.worker import DeliveryWorker

log = logging.getLogger(__name__)

Tick = Callable[[], object]


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job; `start(deps)` returns the tick, bound to any state the job keeps between ticks."""

    name: str
    seconds: float
    start: Callable[[Deps], Tick]
    claimed: bool = True  # once per slot across replicas; False only for per-replica loops (delivery)

    @property
    def lease(self) -> timedelta:
        """How long a claimed slot stays its holder's before a crashed holder's slot may be retaken."""
        return timedelta(seconds=max(60.0, min(self.seconds, 600.0)))


def each_tick(fn: Callable[[Deps], object]) -> Callable[[Deps], Tick]:
    """A stateless job: every tick calls `fn(deps)`."""
    return lambda deps: lambda: fn(deps)


def delivery_worker(deps: Deps) -> Tick:
    """One worker per scheduler, so its throttle, DND cache and claim id live as long as the scheduler."""
    return DeliveryWorker(deps).tick


JOBS: tuple[JobSpec, ...] = (
    JobSpec("plan_nudges", 300, each_tick(plan_nudges)),
    JobSpec("deliver_nudges", 1, delivery_worker, claimed=False),
    JobSpec("queue_ambassador_digests", 3600, each_tick(queue_ambassador_digests)),
    JobSpec("queue_admin_digest", 3600, each_tick(queue_admin_digest)),
    JobSpec("tick_help_requests", 60, each_tick(tick_help_requests)),
    JobSpec("check_help_contacts", 3600, each_tick(check_help_contacts)),
    JobSpec("advance_wave_phases", 300, each_tick(advance_wave_phases)),
    JobSpec("prune_processed_events", 3600, each_tick(prune_processed_events)),
    # Today's per-department snapshot (the admin Home reads it) and red-department notices (nudges/insight_jobs.py).
    JobSpec("tick_metrics", 900, each_tick(tick_metrics)),
    JobSpec("purge_old_texts", 3600, each_tick(purge_old_texts_job)),
    # The incremental people sync when due (COACH_PEOPLE_SYNC_HOURS, default daily) or interrupted.
    JobSpec("sync_people", 3600, each_tick(sync_people_job)),
)


def _safe(name: str, tick: Tick) -> Tick:
    def run() -> None:
        try:
            tick()
        except Exception:  # one failing tick must not stop the scheduler; it is logged and retried next tick
            log.exception("job %s failed", name)

    return run


def bind(spec: JobSpec, deps: Deps, holder: str) -> Tick:
    """The job's tick as this replica runs it: behind its slot claim unless it is a per-replica loop."""
    tick = spec.start(deps)
    if not spec.claimed:
        return tick
    return ClaimedJob(
        spec.name,
        spec.seconds,
        tick,
        factory=deps.session_factory,
        now=deps.clock.now,
        holder=holder,
        lease=spec.lease,
    )


def build_scheduler(deps: Deps, *, only: set[str] | None = None) -> BackgroundScheduler:
    """A UTC BackgroundScheduler with every job in `JOBS` (or `only` those named)."""
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    )
    holder = new_holder_id()
    for spec in JOBS:
        if only is None or spec.name in only:
            tick = _safe(spec.name, bind(spec, deps, holder))
            scheduler.add_job(tick, "interval", seconds=spec.seconds, id=spec.name, name=spec.name)
    return scheduler
