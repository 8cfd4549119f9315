"""The champions network (seed 001): power users listed for their ambassador, invited, accepting or declining,
and the success stories the weekly digests show.

Who is a power user is the metrics package's one rule (`bot.services.metrics.scores.power_users`); this module
only keeps the invitations (`champions`) and the stories (`success_stories`). Every action re-checks on the
server: an Invite needs a department the caller steers and a person who is a power user *now*; an answer counts
only from the invited person, once; a tip only from an accepted champion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.db import insert_ignore
from bot.domain.champions import (
    TIP_MAX,
    Candidate,
    Invitation,
    InviteOutcome,
    InviteState,
    Story,
    may_invite_again,
)
from bot.playbook import Playbook
from bot.services.callers import Caller
from bot.services.metrics import NO_DEPARTMENT
from bot.services.metrics.scores import power_users
from models import Champion, Person, SuccessStory

LIST_MAX = 50


def _state(row: Champion | None) -> InviteState:
    return InviteState(row.state) if row is not None else InviteState.NONE


def candidates(session: Session, *, playbook: Playbook, departments: Sequence[str], now: datetime) -> list[Candidate]:
    """The power users of `departments`, most actions first, each with their invitation state."""
    wait = timedelta(days=playbook.champions.reinvite_after_days)
    out: list[Candidate] = []
    for department in departments:
        facts = {p.person_id: p for p in power_users(session, playbook=playbook, now=now, department=department)}
        if not facts:
            continue
        rows = session.execute(
            select(Person, Champion)
            .outerjoin(Champion, Champion.person_id == Person.id)
            .where(Person.id.in_(list(facts)), Person.deactivated.is_(False))
        ).all()
        for person, champion in rows:
            state = _state(champion)
            again = None
            if champion is not None and state is InviteState.DECLINED and champion.answered_at is not None:
                again = champion.answered_at + wait
            f = facts[person.id]
            out.append(
                Candidate(
                    user_id=person.slack_user_id,
                    name=person.display_name or person.slack_user_id,
                    department=department,
                    active_days=f.active_days_window,
                    actions=f.actions_window,
                    state=state,
                    invite_again_from=again if again is not None and again > now else None,
                )
            )
    out.sort(key=lambda c: (-c.actions, -c.active_days, c.name))
    return out[:LIST_MAX]


def invite(
    session: Session, *, playbook: Playbook, caller: Caller, user_id: str, now: datetime
) -> tuple[InviteOutcome, Invitation | None]:
    """Record an invitation from `caller` (when allowed); the Invitation is what the DM needs."""
    person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
    if person is None or person.deactivated or not caller.can_steer(person.department):
        return InviteOutcome.NOT_YOURS, None
    department = person.department or NO_DEPARTMENT
    if person.id not in {p.person_id for p in power_users(session, playbook=playbook, now=now, department=department)}:
        return InviteOutcome.NOT_POWER_USER, None
    row = session.scalar(select(Champion).where(Champion.person_id == person.id).with_for_update())
    state = _state(row)
    if not may_invite_again(state, row.answered_at if row else None, now, playbook.champions.reinvite_after_days):
        outcome = {
            InviteState.INVITED: InviteOutcome.ALREADY_INVITED,
            InviteState.ACCEPTED: InviteOutcome.ALREADY_CHAMPION,
        }.get(state, InviteOutcome.DECLINED_RECENTLY)
        return outcome, None
    inviter = session.scalar(select(Person.id).where(Person.slack_user_id == caller.user_id))
    if row is None:
        # Two clicks at once (two replicas): one row per person, the second click finds it already invited.
        fresh = {"person_id": person.id, "state": InviteState.INVITED.value, "invited_at": now}
        if not insert_ignore(session, Champion, fresh, conflict=["person_id"]):
            return InviteOutcome.ALREADY_INVITED, None
        row = session.scalar(select(Champion).where(Champion.person_id == person.id))
        if row is None:
            return InviteOutcome.ALREADY_INVITED, None
    row.department, row.state, row.invited_by_id = department, InviteState.INVITED.value, inviter
    row.invited_at, row.answered_at, row.channel_id, row.channel_error = now, None, None, None
    session.flush()
    return InviteOutcome.SENT, Invitation(
        champion_id=row.id,
        user_id=person.slack_user_id,
        locale=person.effective_locale,
        ambassador_user_id=caller.user_id,
        department=department,
    )


@dataclass(frozen=True)
class Answer:
    """The result of an Accept / Decline click. status: accepted | declined | already | not_yours."""

    status: str
    champion_id: int = 0
    locale: str = "en"
    state: InviteState = InviteState.NONE  # the invitation's state after the click


def answer(session: Session, *, champion_id: int, user_id: str, accept: bool, now: datetime) -> Answer:
    """The invited person's answer; counted once (a second click, or someone else's, changes nothing)."""
    row = session.get(Champion, champion_id, with_for_update=True)
    person = session.get(Person, row.person_id) if row is not None else None
    if row is None or person is None or person.slack_user_id != user_id:
        return Answer("not_yours")
    locale = person.effective_locale
    if row.state != InviteState.INVITED.value:
        return Answer("already", row.id, locale, InviteState(row.state))
    state = InviteState.ACCEPTED if accept else InviteState.DECLINED
    row.state, row.answered_at = state.value, now
    return Answer(state.value, row.id, locale, state)


def record_channel(session: Session, *, champion_id: int, channel_id: str | None, error: str | None) -> None:
    """Where the accepted champion was added (or Slack's reason it could not be done)."""
    row = session.get(Champion, champion_id)
    if row is not None:
        row.channel_id, row.channel_error = channel_id, (error[:64] if error else None)


def is_champion(session: Session, user_id: str) -> bool:
    """Whether the person accepted their invitation to the champions network."""
    state = session.scalar(
        select(Champion.state).join(Person, Person.id == Champion.person_id).where(Person.slack_user_id == user_id)
    )
    return state == InviteState.ACCEPTED.value


def add_tip(session: Session, *, user_id: str, text: str, now: datetime) -> bool:
    """A champion's tip, stored as their success story; False (nothing stored) for anyone else or an empty tip."""
    text = text.strip()[:TIP_MAX]
    person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
    if person is None or not text or not is_champion(session, user_id):
        return False
    session.add(
        SuccessStory(
            person_id=person.id,
            author_id=person.id,
            department=person.department,
            kind="tip",
            text=text,
            created_at=now,
        )
    )
    return True


def add_celebrations(
    session: Session, *, author_user_id: str, user_ids: Sequence[str], text: str, now: datetime
) -> int:
    """An ambassador's public celebration: one success story per person celebrated."""
    author = session.scalar(select(Person.id).where(Person.slack_user_id == author_user_id))
    people = session.scalars(select(Person).where(Person.slack_user_id.in_(list(user_ids)))).all()
    for person in people:
        session.add(
            SuccessStory(
                person_id=person.id,
                author_id=author,
                department=person.department,
                kind="celebration",
                text=text.strip()[:TIP_MAX],
                created_at=now,
            )
        )
    return len(people)


def recent_stories(session: Session, *, department: str, since: datetime, limit: int = 3) -> tuple[list[Story], int]:
    """A department's success stories since `since`, newest first (at most `limit`), and how many there were."""
    where = (SuccessStory.department == department, SuccessStory.created_at >= since)
    total = int(session.scalar(select(func.count()).select_from(SuccessStory).where(*where)) or 0)
    author = aliased(Person)
    rows = session.execute(
        select(
            Person.slack_user_id, author.slack_user_id, SuccessStory.kind, SuccessStory.text, SuccessStory.created_at
        )
        .join(Person, Person.id == SuccessStory.person_id)
        .outerjoin(author, author.id == SuccessStory.author_id)
        .where(*where)
        .order_by(SuccessStory.created_at.desc(), SuccessStory.id.desc())
        .limit(limit)
    ).all()
    return [Story(uid, by, kind, text, at) for uid, by, kind, text, at in rows], total
