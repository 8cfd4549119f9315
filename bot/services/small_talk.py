"""Queue the reply to small talk in the DM ("thanks", "ok", "ありがとう") as a transactional outbox row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.small_talk import SmallTalk
from bot.services.people import ensure_bare_person
from nudges.kinds import NudgeKind
from nudges.outbox import outbox_key
from nudges.rules import CadenceRules
from nudges.service import NudgeRequestResult, request_nudge


def queue_reply(
    session: Session, *, user_id: str, group: SmallTalk, ts: str, rules: CadenceRules, now: datetime
) -> NudgeRequestResult:
    """One reply per message (the key holds its `ts`, so a retried event answers once); the text is not kept."""
    person = ensure_bare_person(session, user_id)
    return request_nudge(
        session,
        person=person,
        kind=NudgeKind.SMALL_TALK,
        key=outbox_key(NudgeKind.SMALL_TALK.value, person.id, ts),
        now=now,
        payload={"group": group.value},
        rules=rules,
    )
