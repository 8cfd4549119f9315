"""Answers to the feedback gate's question: a 1–5 rating and an optional comment, counted once.

The question is a delivered outbox row (kind "feedback", payload `wave_id` and `round`). An answer is
counted once per delivered question and once per person, wave and gate round (two unique constraints on
`pulse_responses`); a second click changes nothing and says so. A comment can be added to a rating later
(the "Add a comment" modal), once. Each answer keeps the person's stage and department, the wave, the round
and whether they agreed to show their name, as they were at that moment.

Takes a session and returns plain results: no Slack, no rendering, no commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db import dialect_insert
from bot.domain.answers import COMMENTS_SHOWN, Comment, FeedbackSummary, clean_comment, summarise
from bot.domain.waves import Phase, WaveState
from bot.services.people import get_person
from models import NudgeDelivery, Person, PulseResponse, Wave, WaveMembership
from nudges.kinds import NudgeKind

KIND = NudgeKind.FEEDBACK.value
ROUNDS_SHOWN = 6  # the open round and five earlier ones (the admin Home counts the rest)


class Status(StrEnum):
    COUNTED = "counted"  # a new answer (a rating, maybe with a comment)
    COMMENT_ADDED = "comment_added"  # a comment added to the person's rating
    ALREADY = "already"  # already counted: nothing changed
    CLOSED = "closed"  # the gate round this question belongs to is over
    NEED_SCORE = "need_score"  # no rating yet, and none given
    NEED_COMMENT = "need_comment"  # rated already, and the form brought no comment
    UNKNOWN = "unknown"  # not a feedback question delivered to this person


@dataclass(frozen=True)
class AnswerResult:
    status: Status
    locale: str = "en"
    score: int | None = None
    comment_length: int = 0  # the comment's length as written (before trimming)
    trimmed: bool = False

    @property
    def counted(self) -> bool:
        return self.status in (Status.COUNTED, Status.COMMENT_ADDED)


@dataclass(frozen=True)
class GateQuestion:
    """A person's feedback question as the comment button and modal need it."""

    nudge_id: int
    locale: str
    wave_name: str
    open: bool
    score: int | None  # the rating already given, if any
    has_comment: bool


@dataclass(frozen=True)
class _Question:
    person: Person
    row: NudgeDelivery
    wave: Wave | None
    round: int


def _question(session: Session, user_id: str, nudge_id: int) -> _Question | None:
    """The person's own delivered feedback question (a forged id cannot reach someone else's)."""
    person = get_person(session, user_id)
    row = session.get(NudgeDelivery, nudge_id) if person is not None else None
    if person is None or row is None or row.person_id != person.id or row.kind != KIND:
        return None
    payload = row.payload or {}
    wave_id, round_ = payload.get("wave_id"), payload.get("round")
    wave = session.get(Wave, wave_id) if isinstance(wave_id, int) else None
    return _Question(person, row, wave, round_ if isinstance(round_, int) else 0)


def _is_open(q: _Question) -> bool:
    wave = q.wave
    return (
        wave is not None
        and wave.phase == Phase.FEEDBACK
        and wave.state in (WaveState.ACTIVE, WaveState.PAUSED)
        and wave.feedback_round == q.round
    )


def _existing(session: Session, q: _Question) -> PulseResponse | None:
    same_round = (
        (PulseResponse.person_id == q.person.id)
        & (PulseResponse.wave_id == (q.wave.id if q.wave else None))
        & (PulseResponse.kind == KIND)
        & (PulseResponse.round == q.round)
    )
    return session.scalar(select(PulseResponse).where(or_(PulseResponse.nudge_id == q.row.id, same_round)).limit(1))


def gate_question(session: Session, *, user_id: str, nudge_id: int) -> GateQuestion | None:
    """What the person already answered to this question, and whether it is still open."""
    q = _question(session, user_id, nudge_id)
    if q is None:
        return None
    answer = _existing(session, q)
    return GateQuestion(
        nudge_id=q.row.id,
        locale=q.person.effective_locale,
        wave_name=q.wave.name if q.wave else "",
        open=_is_open(q),
        score=answer.score if answer else None,
        has_comment=bool(answer and answer.comment),
    )


def record_feedback(
    session: Session,
    *,
    user_id: str,
    nudge_id: int,
    now: datetime,
    score: int | None = None,
    comment: str | None = None,
    show_name: bool = False,
) -> AnswerResult:
    """Count a member's answer to their gate question: once per question and round; a comment once."""
    q = _question(session, user_id, nudge_id)
    if q is None:
        return AnswerResult(Status.UNKNOWN)
    locale = q.person.effective_locale
    if q.row.interacted_at is None:
        q.row.interacted_at = now  # any press resets the back-off streak (nudges/rules.py)
    if not _is_open(q):
        return AnswerResult(Status.CLOSED, locale)
    cleaned = clean_comment(comment)
    answer = _existing(session, q)
    if answer is not None:
        if cleaned.text is None or answer.comment:
            return AnswerResult(Status.ALREADY, locale, answer.score)
        answer.comment, answer.show_name = cleaned.text, show_name
        session.flush()
        return AnswerResult(Status.COMMENT_ADDED, locale, answer.score, cleaned.original_length, cleaned.trimmed)
    if score is None:
        return AnswerResult(Status.NEED_SCORE, locale)
    values = {
        "person_id": q.person.id,
        "wave_id": q.wave.id if q.wave else None,
        "kind": KIND,
        "score": score,
        "comment": cleaned.text,
        "answered_at": now,
        "nudge_id": q.row.id,
        "round": q.round,
        "stage": q.person.current_stage,
        "department": q.person.department,
        "show_name": show_name and cleaned.text is not None,
    }
    # Two clicks racing: the unique constraints decide; the loser reads as "already counted".
    stmt = dialect_insert(session, PulseResponse).values(**values).on_conflict_do_nothing()
    if session.execute(stmt.returning(PulseResponse.id)).first() is None:
        return AnswerResult(Status.ALREADY, locale, score)
    q.row.payload = {**(q.row.payload or {}), "rated": score}
    session.flush()
    return AnswerResult(Status.COUNTED, locale, score, cleaned.original_length, cleaned.trimmed)


def _asked(session: Session, wave: Wave, round_: int) -> int:
    """Members asked in a round: the running members at the open gate (each got the question), else all."""
    stmt = select(func.count()).where(WaveMembership.wave_id == wave.id)
    if round_ == wave.feedback_round and wave.phase == Phase.FEEDBACK:
        stmt = stmt.where(WaveMembership.running.is_(True))
    return int(session.scalar(stmt) or 0)


def feedback_rounds(session: Session, wave_ids: Sequence[int]) -> dict[int, list[FeedbackSummary]]:
    """wave id → a summary of each of its newest ROUNDS_SHOWN gate rounds, newest first (with the newest
    round's comments): one grouped query for the scores, then a count and the comments per wave."""
    if not wave_ids:
        return {}
    waves = {w.id: w for w in session.scalars(select(Wave).where(Wave.id.in_(wave_ids)))}
    scores: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    comment_counts: dict[tuple[int, int], int] = defaultdict(int)
    pr = PulseResponse
    stmt = (
        select(pr.wave_id, pr.round, pr.score, func.count(), func.count(pr.comment))
        .where(pr.wave_id.in_(waves), pr.kind == KIND, pr.round.is_not(None))
        .group_by(pr.wave_id, pr.round, pr.score)
    )
    for wave_id, round_, score, n, with_comment in session.execute(stmt):
        key = (int(wave_id or 0), int(round_ or 0))
        scores[key].append((score, n))
        comment_counts[key] += with_comment
    out: dict[int, list[FeedbackSummary]] = {}
    for wave in waves.values():
        rounds = []
        for round_ in range(wave.feedback_round, max(0, wave.feedback_round - ROUNDS_SHOWN), -1):
            key = (wave.id, round_)
            newest = round_ == wave.feedback_round  # the Home quotes the newest round's comments only
            shown = _comments(session, wave.id, round_) if newest and comment_counts.get(key) else []
            rounds.append(
                summarise(round_, _asked(session, wave, round_), scores.get(key, []), comment_counts.get(key, 0), shown)
            )
        out[wave.id] = rounds
    return out


def _comments(session: Session, wave_id: int, round_: int) -> list[Comment]:
    """The newest comments of a round; a name only where the person ticked "show my name"."""
    stmt = (
        select(PulseResponse.comment, PulseResponse.show_name, Person.slack_user_id)
        .join(Person, Person.id == PulseResponse.person_id)
        .where(
            PulseResponse.wave_id == wave_id,
            PulseResponse.kind == KIND,
            PulseResponse.round == round_,
            PulseResponse.comment.is_not(None),
        )
        .order_by(PulseResponse.answered_at.desc(), PulseResponse.id.desc())
        .limit(COMMENTS_SHOWN)
    )
    return [Comment(text, user if shown else None) for text, shown, user in session.execute(stmt) if text]


def feedback_summary(session: Session, *, wave_id: int) -> FeedbackSummary | None:
    """The newest gate round of a wave (None before its gate ever opened)."""
    rounds = feedback_rounds(session, [wave_id]).get(wave_id, [])
    return rounds[0] if rounds else None
