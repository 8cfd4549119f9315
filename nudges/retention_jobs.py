"""Retention: the words people wrote (help questions, hand-over notes, gate comments, success stories) are cleared
`COACH_TEXT_RETENTION_DAYS` after the request closes; the rows and their counts stay (docs/privacy.md)."""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from bot.services.privacy import PurgeResult, purge_old_texts

log = logging.getLogger(__name__)


def purge_old_texts_job(deps: Deps) -> PurgeResult:
    """One short transaction; idempotent (a cleared text is not cleared again), so a retaken slot is harmless."""
    with session_scope(deps.session_factory) as session:
        result = purge_old_texts(session, now=deps.clock.now(), days=deps.settings.text_retention_days)
    if result.total:
        log.info(
            "retention: cleared %d questions, %d notes, %d redeliveries, %d comments, %d stories",
            result.questions,
            result.notes,
            result.redeliveries,
            result.comments,
            result.stories,
        )
    return result
