"""Help requests from a department still waiting for an answer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import HelpRequest, Person


@dataclass(frozen=True)
class OpenQuestion:
    request_id: int
    asker_id: str
    asker_name: str
    topic: str
    question: str
    owner: str
    state: str
    asked_at: datetime | None


def open_questions(
    session: Session, *, departments: Collection[str], limit: int = 20
) -> tuple[list[OpenQuestion], int]:
    """Open help requests of askers in `departments`, oldest first (at most `limit`), and how many there are."""
    where = (HelpRequest.state != "closed", Person.department.in_(list(departments)))
    total = session.scalar(
        select(func.count(HelpRequest.id)).join(Person, Person.id == HelpRequest.asker_id).where(*where)
    )
    rows = session.execute(
        select(HelpRequest, Person.slack_user_id, Person.display_name)
        .join(Person, Person.id == HelpRequest.asker_id)
        .where(*where)
        .order_by(HelpRequest.created_at, HelpRequest.id)
        .limit(limit)
    )
    questions = [
        OpenQuestion(
            request_id=request.id,
            asker_id=user_id,
            asker_name=name or user_id,
            topic=request.topic,
            question=request.question[:500],
            owner=request.owner,
            state=request.state,
            asked_at=request.created_at,
        )
        for request, user_id, name in rows
    ]
    return questions, int(total or 0)
