"""`coach outbox`: what is waiting, what failed and why; failed deliveries can be retried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import click
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.cli.common import friendly_errors, session_for_command
from bot.db import rowcount
from models import NudgeDelivery, Person

STATES = ("pending", "held", "sending", "failed", "skipped", "sent")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    user_id: str
    kind: str
    state: str
    due_at: datetime
    attempts: int
    reason: str


def outbox_counts(session: Session) -> dict[str, int]:
    """Rows per state."""
    rows = session.execute(select(NudgeDelivery.state, func.count()).group_by(NudgeDelivery.state))
    return {state: count for state, count in rows}


def list_outbox(session: Session, *, states: Sequence[str], limit: int) -> list[OutboxRow]:
    """Rows in `states`, failed and oldest-due first."""
    rows = session.execute(
        select(NudgeDelivery, func.coalesce(Person.slack_user_id, NudgeDelivery.address))
        .outerjoin(Person, Person.id == NudgeDelivery.person_id)  # channel posts have an address, no person
        .where(NudgeDelivery.state.in_(states))
        .order_by(NudgeDelivery.due_at, NudgeDelivery.id)
        .limit(limit)
    )
    return [
        OutboxRow(d.id, user_id or "", d.kind, d.state, d.due_at, d.attempts, d.last_error or "") for d, user_id in rows
    ]


def retry_failed(session: Session, *, now: datetime, row_id: int | None = None) -> int:
    """Put failed rows (one, or all) back to pending, due now, with a fresh attempt count."""
    stmt = update(NudgeDelivery).where(NudgeDelivery.state == "failed")
    if row_id is not None:
        stmt = stmt.where(NudgeDelivery.id == row_id)
    result = session.execute(
        stmt.values(
            state="pending", due_at=now, attempts=0, claimed_by=None, claimed_at=None, last_error="retry requested"
        )
    )
    return rowcount(result)


@click.command(help="List pending and failed nudge deliveries with their reasons; retry failed ones.")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice([*STATES, "all"]),
    help="states to list (default: pending, sending, failed)",
)
@click.option("--limit", default=50, show_default=True, type=int)
@click.option("--retry", "retry_id", type=int, help="put this failed delivery back in the queue")
@click.option("--retry-failed", "retry_all", is_flag=True, help="put every failed delivery back in the queue")
@friendly_errors
def outbox(states: tuple[str, ...], limit: int, retry_id: int | None, retry_all: bool) -> None:
    if retry_id is not None or retry_all:
        with session_for_command() as (deps, session):
            changed = retry_failed(session, now=deps.clock.now(), row_id=retry_id)
        if retry_id is not None and not changed:
            raise click.ClickException(f"no failed delivery with id {retry_id}")
        click.echo(f"requeued {changed} failed deliver{'y' if changed == 1 else 'ies'}")
        return
    wanted = STATES if "all" in states else (states or ("pending", "held", "sending", "failed"))
    with session_for_command() as (_, session):
        counts = outbox_counts(session)
        rows = list_outbox(session, states=wanted, limit=limit)
    click.echo("  ".join(f"{state}: {counts.get(state, 0)}" for state in STATES))
    if not rows:
        click.echo("nothing to show")
    for row in rows:
        due = row.due_at.strftime("%Y-%m-%d %H:%M")
        line = f"#{row.id:<7} {row.state:<8} {row.kind:<15} {row.user_id:<12} due {due} UTC  tries {row.attempts}"
        click.echo(line + (f"  — {row.reason}" if row.reason else ""))
