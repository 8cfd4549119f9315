"""Answers at the feedback gate on a real database: counted once, a comment once, the moment's context kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.answers import COMMENT_MAX
from bot.services import answers, rollout
from bot.services.answers import Status
from models import NudgeDelivery, Person, PulseResponse
from tests.services.conftest import NOW
from tests.services.test_rollout import form, members_of, people

GATE = NOW + timedelta(days=10)


def _at_gate(session: Session) -> int:
    people(session)
    wave = rollout.save_wave(
        session, actor="A", form=form("Pilot", goal="faster orders", departments=("Sales",)), now=NOW
    )
    rollout.start_wave(session, actor="A", wave_id=wave.id, now=NOW, usergroup_members=members_of)
    rollout.tick_waves(session, now=GATE, usergroup_members=members_of)
    assert rollout.get_wave(session, wave.id).phase == "feedback"  # type: ignore[union-attr]
    return wave.id


def _question(session: Session, slack_id: str) -> int:
    return int(
        session.scalar(
            select(NudgeDelivery.id)
            .join(Person, Person.id == NudgeDelivery.person_id)
            .where(Person.slack_user_id == slack_id, NudgeDelivery.kind == "feedback")
        )
    )


def _answers(session: Session) -> list[PulseResponse]:
    return list(session.scalars(select(PulseResponse).where(PulseResponse.kind == "feedback")))


def test_a_rating_counts_once_and_keeps_the_moment(session: Session) -> None:
    wave_id = _at_gate(session)
    session.execute(update(Person).where(Person.slack_user_id == "U0S0").values(current_stage=2))
    q = _question(session, "U0S0")
    first = answers.record_feedback(session, user_id="U0S0", nudge_id=q, score=4, now=GATE)
    assert first.status is Status.COUNTED and first.counted
    again = answers.record_feedback(session, user_id="U0S0", nudge_id=q, score=1, now=GATE)
    assert again.status is Status.ALREADY and again.score == 4
    [row] = _answers(session)
    assert (row.score, row.stage, row.department, row.wave_id, row.round, row.nudge_id) == (
        4,
        2,
        "Sales",
        wave_id,
        1,
        q,
    )
    assert row.show_name is False and row.comment is None


def test_a_comment_is_added_once_trimmed_and_emoji_only_is_fine(session: Session) -> None:
    _at_gate(session)
    q0, q1 = _question(session, "U0S0"), _question(session, "U0S1")
    answers.record_feedback(session, user_id="U0S0", nudge_id=q0, score=3, now=GATE)
    added = answers.record_feedback(session, user_id="U0S0", nudge_id=q0, comment="  " + "x" * 10_000, now=GATE)
    assert (added.status, added.trimmed, added.comment_length) == (Status.COMMENT_ADDED, True, 10_000)
    second = answers.record_feedback(session, user_id="U0S0", nudge_id=q0, comment="changed my mind", now=GATE)
    assert second.status is Status.ALREADY
    emoji = answers.record_feedback(
        session, user_id="U0S1", nudge_id=q1, score=5, comment="🎉🎉", show_name=True, now=GATE
    )
    assert emoji.status is Status.COUNTED and not emoji.trimmed
    by_score = {a.score: a for a in _answers(session)}
    assert len(by_score[3].comment or "") == COMMENT_MAX and by_score[3].show_name is False
    assert (by_score[5].comment, by_score[5].show_name) == ("🎉🎉", True)


def test_what_cannot_be_counted_says_why(session: Session) -> None:
    wave_id = _at_gate(session)
    q = _question(session, "U0S0")
    assert answers.record_feedback(session, user_id="U0S1", nudge_id=q, score=4, now=GATE).status is Status.UNKNOWN
    assert answers.record_feedback(session, user_id="U0S0", nudge_id=q, comment="hi", now=GATE).status is (
        Status.NEED_SCORE
    )
    assert answers.gate_question(session, user_id="U0S0", nudge_id=q) == answers.GateQuestion(
        nudge_id=q, locale="en", wave_name="Pilot", open=True, score=None, has_comment=False
    )
    rollout.extend_wave(session, actor="A", wave_id=wave_id, days=7, now=GATE)
    assert answers.record_feedback(session, user_id="U0S0", nudge_id=q, score=4, now=GATE).status is Status.CLOSED
    assert _answers(session) == []


def test_the_database_refuses_a_second_answer_per_question_and_per_round(session: Session) -> None:
    wave_id = _at_gate(session)
    q = _question(session, "U0S0")
    answers.record_feedback(session, user_id="U0S0", nudge_id=q, score=4, now=GATE)
    person_id = session.scalar(select(Person.id).where(Person.slack_user_id == "U0S0"))
    for extra in ({"nudge_id": q, "round": None}, {"nudge_id": None, "round": 1}):
        with pytest.raises(IntegrityError), session.begin_nested():
            row = {"person_id": person_id, "wave_id": wave_id, "kind": "feedback", "score": 2, "answered_at": GATE}
            session.add(PulseResponse(**row, **extra))
            session.flush()
    assert session.scalar(select(func.count()).select_from(PulseResponse)) == 1


def test_rounds_are_summarised_newest_first_with_names_only_where_agreed(session: Session) -> None:
    wave_id = _at_gate(session)
    for uid, score, comment, show in (("U0S0", 4, "good", True), ("U0S1", 2, "slow", False), ("U0S2", 5, None, False)):
        answers.record_feedback(
            session,
            user_id=uid,
            nudge_id=_question(session, uid),
            score=score,
            comment=comment,
            show_name=show,
            now=GATE,
        )
    summary = answers.feedback_summary(session, wave_id=wave_id)
    assert summary is not None
    assert (summary.round, summary.asked, summary.answered, summary.comment_count) == (1, 3, 3, 2)
    assert summary.average == pytest.approx(11 / 3) and summary.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert {(c.text, c.slack_user_id) for c in summary.comments} == {("good", "U0S0"), ("slow", None)}
    later = GATE + timedelta(days=8)
    rollout.extend_wave(session, actor="A", wave_id=wave_id, days=7, now=GATE)
    rollout.tick_waves(session, now=later, usergroup_members=members_of)
    rounds = answers.feedback_rounds(session, [wave_id])[wave_id]
    assert [(r.round, r.answered) for r in rounds] == [(2, 0), (1, 3)]
