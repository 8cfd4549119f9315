"""The retention purge without Slack: which texts go, which stay, and that every row (so every count) stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.privacy import purge_old_texts
from models import HelpRedelivery, HelpRequest, HelpStep, PulseResponse, SuccessStory, Wave
from tests.services.conftest import NOW, make_person

DAYS = 90


def _request(session: Session, asker_id: int, *, state: str, closed_days_ago: float | None) -> HelpRequest:
    closed_at = NOW - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    row = HelpRequest(
        asker_id=asker_id, topic="login", question="my password", state=state, owner="U0ADMIN001", closed_at=closed_at
    )
    session.add(row)
    session.flush()
    session.add(HelpStep(request_id=row.id, at=NOW, kind="handed_over", actor="U0ADMIN001", note="to U2: call her"))
    session.add(HelpRedelivery(request_id=row.id, context={"question": "my password"}, effects=[], due_at=NOW))
    session.flush()
    return row


def _answer(session: Session, person_id: int, wave: Wave, *, kind: str, comment: str, days_ago: float) -> PulseResponse:
    row = PulseResponse(
        person_id=person_id,
        wave_id=wave.id,
        kind=kind,
        score=4,
        comment=comment,
        answered_at=NOW - timedelta(days=days_ago),
        round=1,
    )
    session.add(row)
    session.flush()
    return row


def test_help_texts_go_after_the_days_since_closing_and_the_rows_stay(session: Session) -> None:
    asker = make_person(session, "U0ASKER001")
    old = _request(session, asker.id, state="closed", closed_days_ago=DAYS + 1)
    recent = _request(session, asker.id, state="closed", closed_days_ago=DAYS - 1)
    still_open = _request(session, asker.id, state="open", closed_days_ago=None)

    result = purge_old_texts(session, now=NOW, days=DAYS)
    session.expire_all()

    assert (result.questions, result.notes, result.redeliveries) == (1, 1, 1)
    assert old.question == "" and recent.question == "my password" and still_open.question == "my password"
    notes = {rid: note for rid, note in session.execute(select(HelpStep.request_id, HelpStep.note))}
    assert notes == {old.id: None, recent.id: "to U2: call her", still_open.id: "to U2: call her"}
    assert session.scalar(select(func.count()).select_from(HelpRequest)) == 3
    assert session.scalar(select(func.count()).select_from(HelpStep)) == 3
    assert purge_old_texts(session, now=NOW, days=DAYS).total == 0  # idempotent


def test_gate_comments_go_after_the_days_but_never_while_their_gate_is_open(session: Session) -> None:
    person = make_person(session, "U0MEMBER01")
    wave = Wave(name="Pilot", state="active", phase="feedback", feedback_round=1)
    session.add(wave)
    session.flush()
    gate = _answer(session, person.id, wave, kind="feedback", comment="too many pings", days_ago=DAYS + 5)
    rating = _answer(session, person.id, wave, kind="training", comment="threads", days_ago=DAYS + 5)

    assert purge_old_texts(session, now=NOW, days=DAYS).comments == 0  # the round's gate is still open
    wave.phase, wave.feedback_round = "refreeze", 1
    session.flush()
    assert purge_old_texts(session, now=NOW, days=DAYS).comments == 1
    session.expire_all()
    assert gate.comment == "" and gate.score == 4
    assert rating.comment == "threads"  # a rating button's subject key, not free text
    # The round still counts one comment (an emptied comment is "", not NULL).
    assert session.scalar(select(func.count(PulseResponse.comment)).where(PulseResponse.kind == "feedback")) == 1


def test_success_stories_lose_their_text_after_the_days_and_stay_counted(session: Session) -> None:
    champion = make_person(session, "U0CHAMP001")
    old = SuccessStory(
        person_id=champion.id, kind="tip", text="pin the plan", created_at=NOW - timedelta(days=DAYS + 1)
    )
    recent = SuccessStory(
        person_id=champion.id, kind="celebration", text="great demo", created_at=NOW - timedelta(days=DAYS - 1)
    )
    session.add_all([old, recent])
    session.flush()

    assert purge_old_texts(session, now=NOW, days=DAYS).stories == 1
    session.expire_all()
    assert old.text == "" and recent.text == "great demo"
    assert session.scalar(select(func.count()).select_from(SuccessStory)) == 2
    assert purge_old_texts(session, now=NOW, days=DAYS).stories == 0  # idempotent
