"""Periodic jobs claimed once per interval slot across replicas (`job_claims`, one row per job).

Every replica runs the same APScheduler table, each on its own phase. Before a shared job runs, the replica
claims the job's current slot, `floor(now / interval)`, in one conditional UPDATE: it wins only if the row's
slot is older, or the slot is the current one but its holder neither finished nor renewed before the lease
ran out (a replica that crashed mid-job). So each slot is run once, and a crashed holder's slot is retaken by
the next replica that fires after `lease` (at the latest, the next slot runs the job anyway).

Why a lease row per job and not one row per (job, slot) inserted with ON CONFLICT DO NOTHING: an insert-only
ledger cannot be retaken after a crash (the slot would be lost for a whole interval, an hour for digests) and
grows forever. PostgreSQL re-checks the WHERE of a concurrent UPDATE after the first commits (READ COMMITTED),
SQLite serialises writers; either way exactly one replica sees its UPDATE return the row.

The claim is a coordination saving, not the only guard: every job stays idempotent on its own (outbox keys,
row claims, SKIP LOCKED, conditional marks), so a slow job overrunning its lease at worst repeats no-ops.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import insert_ignore, session_scope
from models import JobClaim
from nudges.reconcile import HOST


def new_holder_id() -> str:
    """host:pid:token of one scheduler (logged with its claims)."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(3)}"


def slot_of(now: datetime, interval_seconds: float) -> int:
    """The interval slot `now` falls in (slots are aligned to the epoch, so every replica agrees)."""
    return int(now.timestamp() // interval_seconds)


def claim_slot(session: Session, *, job: str, slot: int, holder: str, now: datetime, lease: timedelta) -> bool:
    """Take `slot` of `job` for `holder`; False when another replica has it (running or done)."""
    insert_ignore(session, JobClaim, {"job": job, "slot": -1}, conflict=["job"])
    stmt = (
        update(JobClaim)
        .where(
            JobClaim.job == job,
            or_(
                JobClaim.slot < slot,
                and_(JobClaim.slot == slot, JobClaim.finished_at.is_(None), JobClaim.expires_at <= now),
            ),
        )
        .values(slot=slot, holder=holder, claimed_at=now, expires_at=now + lease, finished_at=None)
        .returning(JobClaim.job)
    )
    return session.execute(stmt).first() is not None


def finish_slot(session: Session, *, job: str, slot: int, holder: str, now: datetime, done: bool) -> None:
    """Mark the slot done, or (`done=False`, the job failed) hand it back so the next replica may retry it."""
    values = {"finished_at": now} if done else {"expires_at": now}
    session.execute(
        update(JobClaim).where(JobClaim.job == job, JobClaim.slot == slot, JobClaim.holder == holder).values(**values)
    )


class ClaimedJob:
    """A tick that runs `tick()` only when this replica claimed the current slot of `job`."""

    def __init__(
        self,
        job: str,
        interval_seconds: float,
        tick: Callable[[], object],
        *,
        factory: sessionmaker[Session],
        now: Callable[[], datetime],
        holder: str,
        lease: timedelta,
    ):
        self.job, self.interval, self.holder, self.lease = job, interval_seconds, holder, lease
        self._tick, self._factory, self._now = tick, factory, now

    def __call__(self) -> bool:
        """True when this replica ran the job for the current slot (an error in the job is raised, not kept)."""
        now = self._now()
        slot = slot_of(now, self.interval)
        with session_scope(self._factory) as session:
            if not claim_slot(session, job=self.job, slot=slot, holder=self.holder, now=now, lease=self.lease):
                return False
        done = False
        try:
            self._tick()
            done = True
        finally:
            with session_scope(self._factory) as session:
                finish_slot(session, job=self.job, slot=slot, holder=self.holder, now=self._now(), done=done)
        return True
