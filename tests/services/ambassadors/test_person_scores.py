"""A person's own scores (bot.services.metrics.scores.person_scores): the same rules, Sentiment from their own
three answers, nothing for someone not enrolled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services.metrics.scores import person_scores
from models import PulseResponse, Wave, WaveMembership
from tests.services.ambassadors.conftest import NOW, active_on, person

TODAY = NOW.date()


def test_a_persons_scores_by_hand(session: Session, playbook: Playbook) -> None:
    who = person(session, "U0SOLO001", current_stage=2)
    for back in (0, 2, 4):
        active_on(session, who, TODAY - timedelta(days=back))
    for score in (5, 4):
        session.add(PulseResponse(person_id=who.id, kind="pulse", score=score, answered_at=NOW - timedelta(days=1)))
    session.flush()
    mine = person_scores(session, playbook=playbook, person_id=who.id, now=NOW)
    assert mine is not None
    assert (mine.adoption, mine.daily_active, mine.ignition, mine.messaging) == (100, 42, 100, 100)  # 3 of 7 days
    assert mine.maturity == 25 and mine.sentiment is None and mine.answers == 2  # 50 * 2/4; two answers only
    session.add(PulseResponse(person_id=who.id, kind="training", score=3, answered_at=NOW - timedelta(days=2)))
    session.flush()
    again = person_scores(session, playbook=playbook, person_id=who.id, now=NOW)
    assert again is not None and again.sentiment == 75  # (100 + 75 + 50) / 3


def test_someone_not_enrolled_has_no_scores(session: Session, playbook: Playbook) -> None:
    outside = person(session, "U0OUT0001")
    inside = person(session, "U0IN00001")
    wave = Wave(name="pilot", state="active")
    session.add(wave)
    session.flush()
    session.add(WaveMembership(wave_id=wave.id, person_id=inside.id, enrolled_at=NOW))
    session.flush()
    assert person_scores(session, playbook=playbook, person_id=outside.id, now=NOW) is None
    assert person_scores(session, playbook=playbook, person_id=inside.id, now=NOW) is not None
