"""The scheduler runs exactly the jobs in its table, each at its interval, one delivery worker per scheduler."""

from __future__ import annotations

from unittest.mock import MagicMock

from bot.deps import Deps
from nudges import scheduler as sched
from nudges.worker import DeliveryWorker


def test_the_job_table_is_the_exact_list_of_scheduled_jobs() -> None:
    assert [(spec.name, spec.seconds) for spec in sched.JOBS] == [
        ("plan_nudges", 300),
        ("deliver_nudges", 1),
        ("queue_ambassador_digests", 3600),
        ("queue_admin_digest", 3600),
        ("tick_help_requests", 60),
        ("check_help_contacts", 3600),
        ("advance_wave_phases", 300),
        ("prune_processed_events", 3600),
        ("tick_metrics", 900),
        ("purge_old_texts", 3600),
        ("sync_people", 3600),
    ]


def test_build_scheduler_adds_every_job_in_the_table(deps: Deps) -> None:
    scheduler = sched.build_scheduler(deps)
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(spec.name for spec in sched.JOBS)
    assert sched.build_scheduler(deps, only={"plan_nudges"}).get_jobs()[0].id == "plan_nudges"


def test_the_delivery_tick_keeps_one_worker_per_scheduler(deps: Deps) -> None:
    tick = sched.delivery_worker(deps)
    worker = getattr(tick, "__self__", None)
    assert isinstance(worker, DeliveryWorker) and worker.deps is deps
    assert sched.delivery_worker(deps).__self__ is not worker  # type: ignore[attr-defined]


def test_a_failing_tick_is_logged_not_raised() -> None:
    failing = MagicMock(side_effect=RuntimeError("boom"))
    sched._safe("x", failing)()
    failing.assert_called_once()
