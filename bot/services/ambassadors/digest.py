"""The weekly department digest: who moved up, who is stuck, which questions wait, the week's success stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.champions import Story
from bot.playbook import Playbook
from bot.services.ambassadors.questions import OpenQuestion, open_questions
from bot.services.ambassadors.status import DepartmentStatus, department_status, members_query
from bot.services.ambassadors.stuck import StuckPerson, stuck_people
from bot.services.champions import recent_stories
from models import Person


@dataclass(frozen=True)
class MovedUp:
    user_id: str
    name: str
    stage: int


@dataclass(frozen=True)
class DepartmentDigest:
    """A week in one department: movement, who needs a hand, open questions (lists cut, totals kept)."""

    status: DepartmentStatus
    moved_up: tuple[MovedUp, ...]
    moved_total: int
    stuck: tuple[StuckPerson, ...]
    stuck_total: int
    questions: tuple[OpenQuestion, ...]
    questions_total: int
    stories: tuple[Story, ...] = ()  # success stories of the week: champions' tips, public celebrations
    stories_total: int = 0


def department_digest(
    session: Session, *, playbook: Playbook, department: str, now: datetime, limit: int = 5
) -> DepartmentDigest:
    """Everything the weekly ambassador digest says about one department."""
    since = now - timedelta(days=7)
    moved = session.execute(
        select(Person.slack_user_id, Person.display_name, Person.current_stage)
        .where(Person.id.in_(members_query(session, department)), Person.stage_reached_at > since)
        .order_by(Person.current_stage.desc(), Person.display_name)
    ).all()
    stuck = stuck_people(
        session,
        playbook=playbook,
        departments=[department],
        now=now,
        days=playbook.cadence.reengage_after_days,
    )
    questions, total = open_questions(session, departments=[department], limit=limit)
    stories, stories_total = recent_stories(session, department=department, since=since)
    return DepartmentDigest(
        status=department_status(session, playbook=playbook, department=department, now=now),
        moved_up=tuple(MovedUp(uid, name or uid, stage) for uid, name, stage in moved[:limit]),
        moved_total=len(moved),
        stuck=tuple(stuck[:limit]),
        stuck_total=len(stuck),
        questions=tuple(questions),
        questions_total=total,
        stories=tuple(stories),
        stories_total=stories_total,
    )
