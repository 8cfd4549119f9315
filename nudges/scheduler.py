"""APScheduler wiring: short ticks whose real state lives in database rows.

Every job is registered here through `job(...)` by the module that owns it, and the scheduler runs
inside `coach run` / `coach serve` or alone in `coach worker`. Several replicas may run the same tick:
jobs claim rows atomically, so work is still done once. A memory job store is enough (APScheduler's
docs: job stores must never be shared between schedulers), with coalesce and max_instances=1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler

from bot.deps import Deps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    seconds: float
    run: Callable[[Deps], object]


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, seconds: float) -> Callable[[Callable[[Deps], object]], Callable[[Deps], object]]:
    """Register `fn(deps)` to run every `seconds`; the job's name is its APScheduler id."""

    def decorate(fn: Callable[[Deps], object]) -> Callable[[Deps], object]:
        JOBS[name] = JobSpec(name=name, seconds=seconds, run=fn)
        return fn

    return decorate


def load_jobs() -> dict[str, JobSpec]:
    """Import the modules that register jobs (kept explicit so the list is easy to find)."""
    import nudges.digest_jobs
    import nudges.help_jobs
    import nudges.jobs  # noqa: F401
    import nudges.ticks as _nudge_ticks  # noqa: F401
    from nudges import wave_jobs  # noqa: F401

    return JOBS


def _safe(spec: JobSpec, deps: Deps) -> Callable[[], None]:
    def run() -> None:
        try:
            spec.run(deps)
        except Exception:  # one failing tick must not stop the scheduler; it is logged and retried next tick
            log.exception("job %s failed", spec.name)

    return run


def build_scheduler(deps: Deps, *, only: set[str] | None = None) -> BackgroundScheduler:
    """A UTC BackgroundScheduler with every registered job (or `only` those named)."""
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    )
    for spec in load_jobs().values():
        if only is None or spec.name in only:
            scheduler.add_job(_safe(spec, deps), "interval", seconds=spec.seconds, id=spec.name, name=spec.name)
    return scheduler
