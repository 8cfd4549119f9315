""" "Delete everything" without Slack: every row that refers to the person goes, only the keyed marker stays,
and a table that gains a link to people (or to their help requests) fails here until erase handles it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import models
from bot.domain.privacy import tracking_hash
from bot.services.privacy import is_untracked, start_again, stop_tracking, untracked
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
from tests.services.conftest import NOW, make_person

KEY = b"a-secret-key"


def _fill(session: Session, person: Person) -> list[type]:
    """One row of every kind that refers to the person; returns the models filled."""
    pid = person.id
    wave = Wave(name="Pilot")
    session.add(wave)
    session.flush()
    request = HelpRequest(asker_id=pid, topic="login", question="q", owner="U0ADMIN001")
    session.add(request)
    session.flush()
    rows = [
        Role(person_id=pid, role="ambassador", department="Sales"),
        Completion(person_id=pid, use_case_key="react", source="observed", completed_at=NOW),
        CriterionHit(person_id=pid, use_case_key="react", event_id="Ev1", occurred_at=NOW),
        DailyActivity(person_id=pid, day=date(2025, 3, 10), messages=1),
        ImportedActivity(person_id=pid, day=date(2025, 3, 10)),
        LessonCompletion(person_id=pid, track="admin", lesson_key="plan", completed_at=NOW),
        NudgeDelivery(person_id=pid, kind="welcome", idempotency_key="k1", due_at=NOW),
        NudgeDelivery(person_id=None, address=person.slack_user_id, kind="reply", idempotency_key="k2", due_at=NOW),
        PulseResponse(person_id=pid, wave_id=wave.id, kind="feedback", score=3, answered_at=NOW),
        WaveMembership(wave_id=wave.id, person_id=pid, enrolled_at=NOW),
        HomeChoice(person_id=pid, view="journey", chosen_at=NOW),
        HelpStep(request_id=request.id, at=NOW, kind="opened", actor=person.slack_user_id),
        HelpRedelivery(request_id=request.id, context={}, effects=[], due_at=NOW),
        Champion(person_id=pid, state="accepted", invited_at=NOW, invited_by_id=pid),
        SuccessStory(person_id=pid, author_id=pid, kind="tip", text="Pin the plan", created_at=NOW),
    ]
    session.add_all(rows)
    session.flush()
    return [Person, HelpRequest, *{type(r) for r in rows}]


def _linked_tables() -> set[str]:
    """Tables with a foreign key to people, or to help_requests (the person's own questions)."""
    return {
        table.name
        for table in models.Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name in ("people", "help_requests")
    }


def test_stop_tracking_leaves_only_the_keyed_marker(session: Session) -> None:
    person = make_person(session, "U0GONE0001")
    other = make_person(session, "U0STAY0001")
    filled = _fill(session, person)
    assert _linked_tables() <= {m.__tablename__ for m in filled}, "erase (and this test) must cover the new table"

    stop_tracking(session, KEY, person, NOW)
    session.flush()

    for model in filled:
        n = session.scalar(select(func.count()).select_from(model)) or 0
        assert n == (1 if model is Person else 0), model.__tablename__  # only `other` is left
    assert session.scalar(select(DoNotTrack.user_hash)) == tracking_hash(KEY, "U0GONE0001")
    assert untracked(session, KEY, ["U0GONE0001", "U0STAY0001"]) == {"U0GONE0001"}
    assert not is_untracked(session, b"another-key", "U0GONE0001")  # keyed: a different key finds nothing
    assert other.slack_user_id == "U0STAY0001"

    assert start_again(session, KEY, "U0GONE0001") is True
    assert not is_untracked(session, KEY, "U0GONE0001")
    assert start_again(session, KEY, "U0GONE0001") is False


def test_erase_keeps_stories_and_invitations_about_others_without_their_author(session: Session) -> None:
    """An ambassador who deletes everything leaves the champions they invited and the people they celebrated
    their rows, no longer naming the ambassador."""
    ambassador = make_person(session, "U0GONE0001")
    champion = make_person(session, "U0STAY0001")
    session.add(Champion(person_id=champion.id, state="invited", invited_at=NOW, invited_by_id=ambassador.id))
    session.add(
        SuccessStory(
            person_id=champion.id, author_id=ambassador.id, kind="celebration", text="Well done", created_at=NOW
        )
    )
    session.flush()
    stop_tracking(session, KEY, ambassador, NOW)
    session.flush()
    assert session.execute(select(Champion.person_id, Champion.invited_by_id)).all() == [(champion.id, None)]
    assert session.execute(select(SuccessStory.person_id, SuccessStory.author_id)).all() == [(champion.id, None)]
