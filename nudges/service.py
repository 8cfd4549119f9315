"""Asking for a nudge, and the per-person history the cadence rules judge it by.

`request_nudge` is the public entry for other features (waves' welcome, ambassadors' messages, pulse
surveys, help follow-ups): it applies the rules at once, so the caller can say who was skipped and why,
and queues the rest in the outbox; the delivery worker decides again at send time (DND, budget, gap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import NudgeDelivery, Person
from nudges.kinds import NudgeKind, kind_values
from nudges.outbox import enqueue
from nudges.rules import BUDGET_WINDOW, CadenceRules, ReasonCode, Recipient, Verdict, decide

HISTORY_DEPTH = 12  # sent nudges per person the rules look at: enough for the budget and any back-off streak


@dataclass(frozen=True)
class SentNudge:
    """One delivered nudge as the rules see it."""

    kind: str
    sent_at: datetime
    interacted: bool


@dataclass(frozen=True)
class NudgeRequestResult:
    """What happened to a requested nudge: queued (maybe for later), skipped with a reason, or a duplicate."""

    outcome: Literal["queued", "skipped", "duplicate"]
    due_at: datetime | None = None
    reason: str = ""
    code: ReasonCode | None = None

    @property
    def queued(self) -> bool:
        return self.outcome == "queued"


def history_by_person(session: Session, person_ids: Iterable[int], *, now: datetime) -> dict[int, list[SentNudge]]:
    """Recent paced nudges per person, newest first (one query for a whole batch)."""
    ids = sorted(set(person_ids))
    found: dict[int, list[SentNudge]] = {pid: [] for pid in ids}
    if not ids:
        return found
    rows = session.execute(
        select(NudgeDelivery.person_id, NudgeDelivery.kind, NudgeDelivery.sent_at, NudgeDelivery.interacted_at)
        .where(
            NudgeDelivery.person_id.in_(ids),
            NudgeDelivery.state == "sent",
            NudgeDelivery.kind.in_(kind_values(lambda policy: policy.paced)),
            NudgeDelivery.sent_at <= now,
        )
        .order_by(NudgeDelivery.person_id, NudgeDelivery.sent_at.desc())
    )
    for person_id, kind, sent_at, interacted_at in rows:
        if person_id is not None and len(found[person_id]) < HISTORY_DEPTH:
            found[person_id].append(SentNudge(kind, sent_at or now, interacted_at is not None))
    return found


def recipient_of(
    person: Person, history: Sequence[SentNudge], *, now: datetime, dnd_until: datetime | None = None
) -> Recipient:
    """The rules' snapshot of one person: budget use, last nudge, how many in a row went ignored.

    A nudge counts as ignored when nobody pressed its buttons and the person showed no activity after it.
    """
    budget = tuple(n.sent_at for n in history if NudgeKind(n.kind).policy.budgeted and n.sent_at > now - BUDGET_WINDOW)
    streak = 0
    for nudge in history:
        active_after = person.last_active_at is not None and person.last_active_at > nudge.sent_at
        if nudge.interacted or active_after:
            break
        streak += 1
    return Recipient(
        user_id=person.slack_user_id,
        tz=person.tz,
        country=person.country,
        deactivated=person.deactivated,
        snoozed_until=person.snoozed_until,
        opted_out=frozenset(NudgeKind(k) for k in person.opted_out_kinds or () if k in NudgeKind._value2member_map_),
        sent_in_last_7_days=len(budget),
        last_sent_at=history[0].sent_at if history else None,
        ignored_streak=streak,
        dnd_until=dnd_until,
        budget_sent_at=budget,
    )


def request_nudge(
    session: Session,
    *,
    person: Person,
    kind: str | NudgeKind,
    key: str,
    now: datetime,
    payload: Mapping[str, Any] | None = None,
    rules: CadenceRules | None = None,
    subject: str | None = None,
    not_before: datetime | None = None,
) -> NudgeRequestResult:
    """Queue one nudge for `person` under idempotency `key`, or record why it is skipped.

    Pass `rules=cadence_rules(deps.playbook)`; without it the default cadence applies. A deferral is not a
    refusal: the row is queued for the earliest moment the rules allow (`due_at`, with the reason).
    """
    nudge_kind = NudgeKind(kind)
    rules = rules or CadenceRules()
    history = history_by_person(session, [person.id], now=now)[person.id]
    decision = decide(rules, recipient_of(person, history, now=now), nudge_kind, max(now, not_before or now))
    values: dict[str, Any] = {"payload": dict(payload or {}), "subject": subject, "created_at": now}
    if decision.verdict is Verdict.SKIP:
        enqueue(
            session,
            person_id=person.id,
            kind=nudge_kind.value,
            idempotency_key=key,
            due_at=now,
            state="skipped",
            reason=decision.reason,
            **values,
        )
        return NudgeRequestResult("skipped", None, decision.reason, decision.code)
    due_at = decision.at or max(now, not_before or now)
    queued = enqueue(
        session,
        person_id=person.id,
        kind=nudge_kind.value,
        idempotency_key=key,
        due_at=due_at,
        reason=decision.reason or None,
        **values,
    )
    if not queued:
        return NudgeRequestResult("duplicate", None, "already requested under this key")
    return NudgeRequestResult("queued", due_at, decision.reason, decision.code)
