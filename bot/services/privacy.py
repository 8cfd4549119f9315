"""What Coach keeps about a person, shown to them in full, and deleted for real on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.domain.privacy import tracking_hash
from models import (
    Champion,
    Completion,
    CriterionHit,
    DailyActivity,
    DoNotTrack,
    HelpRedelivery,
    HelpRequest,
    HelpStep,
    HomeChoice,
    ImportedActivity,
    LessonCompletion,
    NudgeDelivery,
    Person,
    PulseResponse,
    Role,
    SuccessStory,
    Wave,
    WaveMembership,
)
from nudges.kinds import NudgeKind


@dataclass(frozen=True)
class StoredData:
    """Everything stored about one person, grouped as the modal shows it."""

    profile: dict[str, str]
    roles: list[str]
    completions: list[tuple[str, str, str, str]]  # key, status, source, date
    activity_days: int
    activity_totals: dict[str, int]
    matches: int
    nudges: int
    help_requests: int
    pulse_answers: int
    waves: int
    extra: dict[str, str] = field(default_factory=dict)


COUNTERS = ("messages", "replies", "reactions", "files", "apps", "bot_dms")


def _iso(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def describe(session: Session, person: Person) -> StoredData:
    """Read every table that refers to the person; nothing else about them exists."""

    def count(model: Any, column: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(column == person.id)) or 0)

    totals = session.execute(
        select(func.count(), *[func.coalesce(func.sum(getattr(DailyActivity, c)), 0) for c in COUNTERS]).where(
            DailyActivity.person_id == person.id
        )
    ).one()
    return StoredData(
        profile={
            "slack_user_id": person.slack_user_id,
            "display_name": person.display_name or "—",
            "department": person.department or "—",
            "locale": person.locale + (f" (override: {person.locale_override})" if person.locale_override else ""),
            "time_zone": person.tz,
            "stage": str(person.current_stage),
            "last_active": _iso(person.last_active_at),
            "snoozed_until": _iso(person.snoozed_until),
            "opted_out": ", ".join(person.opted_out_kinds or []) or "—",
        },
        roles=[f"{r.role}{' (' + r.department + ')' if r.department else ''}" for r in person.roles],
        completions=[
            (c.use_case_key, c.status, c.source, _iso(c.completed_at))
            for c in session.scalars(
                select(Completion).where(Completion.person_id == person.id).order_by(Completion.completed_at)
            )
        ],
        activity_days=int(totals[0]),
        activity_totals={c: int(v) for c, v in zip(COUNTERS, totals[1:], strict=True)},
        matches=count(CriterionHit, CriterionHit.person_id),
        nudges=count(NudgeDelivery, NudgeDelivery.person_id),
        help_requests=count(HelpRequest, HelpRequest.asker_id),
        pulse_answers=count(PulseResponse, PulseResponse.person_id),
        waves=count(WaveMembership, WaveMembership.person_id),
        extra={
            "lessons": str(count(LessonCompletion, LessonCompletion.person_id)),
            "imported_days": str(count(ImportedActivity, ImportedActivity.person_id)),
            "home_view": session.scalar(select(HomeChoice.view).where(HomeChoice.person_id == person.id)) or "—",
            "champion": session.scalar(select(Champion.state).where(Champion.person_id == person.id)) or "—",
            "success_stories": str(count(SuccessStory, SuccessStory.person_id)),
        },
    )


def erase(session: Session, person: Person) -> None:
    """Delete the person and every row that refers to them (explicitly, not trusting FK cascades on SQLite)."""
    pid = person.id
    asked = select(HelpRequest.id).where(HelpRequest.asker_id == pid).scalar_subquery()
    rows: tuple[tuple[Any, Any], ...] = (
        (HomeChoice, HomeChoice.person_id == pid),
        (HelpStep, HelpStep.request_id.in_(asked)),
        (HelpRedelivery, HelpRedelivery.request_id.in_(asked)),
        (LessonCompletion, LessonCompletion.person_id == pid),
        (ImportedActivity, ImportedActivity.person_id == pid),
        (CriterionHit, CriterionHit.person_id == pid),
        (Completion, Completion.person_id == pid),
        (DailyActivity, DailyActivity.person_id == pid),
        (NudgeDelivery, NudgeDelivery.person_id == pid),
        # DMs addressed by user id only (a reply before the person row existed)
        (NudgeDelivery, (NudgeDelivery.person_id.is_(None)) & (NudgeDelivery.address == person.slack_user_id)),
        (PulseResponse, PulseResponse.person_id == pid),
        (WaveMembership, WaveMembership.person_id == pid),
        (HelpRequest, HelpRequest.asker_id == pid),
        (Role, Role.person_id == pid),
        (Champion, Champion.person_id == pid),
        (SuccessStory, SuccessStory.person_id == pid),
    )
    # Rows about someone else keep existing without naming the deleted person as their author or inviter.
    session.execute(update(Champion).where(Champion.invited_by_id == pid).values(invited_by_id=None))
    session.execute(update(SuccessStory).where(SuccessStory.author_id == pid).values(author_id=None))
    for model, condition in rows:
        session.execute(delete(model).where(condition))
    session.execute(delete(Person).where(Person.id == pid))
    session.expunge(person)


# --------------------------------------------------------------------------- do not track


def untracked(session: Session, key: bytes, slack_user_ids: Iterable[str]) -> set[str]:
    """The ids among `slack_user_ids` whose owner asked Coach to stop tracking them (one query per 500)."""
    by_hash = {tracking_hash(key, u): u for u in set(slack_user_ids)}
    found: set[str] = set()
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        found.update(session.scalars(select(DoNotTrack.user_hash).where(DoNotTrack.user_hash.in_(chunk))))
    return {by_hash[h] for h in found}


def is_untracked(session: Session, key: bytes, slack_user_id: str) -> bool:
    return bool(untracked(session, key, [slack_user_id]))


def stop_tracking(session: Session, key: bytes, person: Person, now: datetime) -> None:
    """ "Delete everything": erase the person and leave only the marker, in one transaction."""
    user_id = person.slack_user_id
    erase(session, person)
    insert_ignore(session, DoNotTrack, {"user_hash": tracking_hash(key, user_id), "since": now}, conflict=["user_hash"])


def start_again(session: Session, key: bytes, slack_user_id: str) -> bool:
    """ "Start again": remove the marker so the next event or lookup creates the person afresh (True: removed)."""
    result = session.execute(delete(DoNotTrack).where(DoNotTrack.user_hash == tracking_hash(key, slack_user_id)))
    return bool(getattr(result, "rowcount", 0))


# --------------------------------------------------------------------------- an admin's Home view

JOURNEY, ADMIN = "journey", "admin"


def home_view_choice(session: Session, person: Person) -> str:
    """The Home view an admin last chose ("admin" until they choose)."""
    return session.scalar(select(HomeChoice.view).where(HomeChoice.person_id == person.id)) or ADMIN


def choose_home_view(session: Session, person: Person, view: str, now: datetime) -> None:
    """Remember the admin's choice of Home view (one row per person)."""
    if view not in (JOURNEY, ADMIN):
        raise ValueError(f"unknown Home view {view!r}")
    row = session.get(HomeChoice, person.id)
    if row is None:
        session.add(HomeChoice(person_id=person.id, view=view, chosen_at=now))
    else:
        row.view, row.chosen_at = view, now
    session.flush()


# --------------------------------------------------------------------------- retention of free text


@dataclass(frozen=True)
class PurgeResult:
    """How many texts a purge cleared (the rows, and so every count, stay)."""

    questions: int = 0
    notes: int = 0
    redeliveries: int = 0
    comments: int = 0
    stories: int = 0

    @property
    def total(self) -> int:
        return self.questions + self.notes + self.redeliveries + self.comments + self.stories


def purge_old_texts(session: Session, *, now: datetime, days: int) -> PurgeResult:
    """Clear the words people wrote once they are `days` old (docs/privacy.md, "How long").

    Help requests closed before the cutoff lose their question, their history notes (hand-over notes) and
    any pending redelivery (its snapshot holds the question). Feedback-gate comments answered before the
    cutoff are emptied, except while their round's gate is still open; an emptied comment is "" (not NULL)
    so the round keeps its count of comments. Success stories (champions' tips, public celebrations) shared
    before the cutoff lose their text. Every row stays: counts, scores, ratings and times are kept.
    """
    cutoff = now - timedelta(days=days)
    closed = select(HelpRequest.id).where(HelpRequest.state == "closed", HelpRequest.closed_at < cutoff)
    questions = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id.in_(closed.scalar_subquery()), HelpRequest.question != "")
        .values(question="")
        .execution_options(synchronize_session=False)
    )
    notes = session.execute(
        update(HelpStep)
        .where(HelpStep.request_id.in_(closed.scalar_subquery()), HelpStep.note.is_not(None), HelpStep.note != "")
        .values(note=None)
        .execution_options(synchronize_session=False)
    )
    redeliveries = session.execute(
        delete(HelpRedelivery)
        .where(HelpRedelivery.request_id.in_(closed.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    gate_open = (
        select(Wave.id)
        .where(
            Wave.id == PulseResponse.wave_id,
            Wave.phase == "feedback",
            Wave.state.in_(("active", "paused")),
            Wave.feedback_round == PulseResponse.round,
        )
        .exists()
    )
    comments = session.execute(
        update(PulseResponse)
        .where(
            PulseResponse.kind.in_(FREE_TEXT_ANSWER_KINDS),
            PulseResponse.answered_at < cutoff,
            PulseResponse.comment.is_not(None),
            PulseResponse.comment != "",
            ~gate_open,
        )
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    stories = session.execute(
        update(SuccessStory)
        .where(SuccessStory.created_at < cutoff, SuccessStory.text != "")
        .values(text="")
        .execution_options(synchronize_session=False)
    )
    return PurgeResult(
        questions=_rows(questions),
        notes=_rows(notes),
        redeliveries=_rows(redeliveries),
        comments=_rows(comments),
        stories=_rows(stories),
    )


# Answer kinds whose comment is what the person typed (the rating buttons of training and pulse nudges store
# the nudge's subject key there instead, which is not free text: nudges/actions.py).
FREE_TEXT_ANSWER_KINDS = (NudgeKind.FEEDBACK.value,)


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
