"""Buttons on nudge DMs: ack, call one service in a transaction, answer through `respond`."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.db import session_scope
from bot.deps import Deps
from bot.services.people import get_person
from bot.services.snooze import DEFAULT_DAYS, snooze
from bot.views import answers as answer_views
from bot.views import nudges as views
from bot.views import track_lessons as track_views
from bot.views.ids import NudgeAction
from nudges import actions

RATE_ACTION = re.compile(rf"^{re.escape(NudgeAction.RATE)}(\.[1-5])?$")


def _parsed(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, int, str, str]:
    nudge_id, kind, extra = views.parse_action_value(action.get("value") or "{}")
    return body["user"]["id"], nudge_id, kind, extra


def handle_stop_kind(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    user_id, nudge_id, kind, _ = _parsed(body, action)
    with session_scope(deps.session_factory) as session:
        result = actions.stop_kind(session, user_id=user_id, kind=kind, nudge_id=nudge_id, now=deps.clock.now())
    answer = views.stopped_kind(result.locale, kind, allowed=result.applied)
    respond(replace_original=False, response_type="ephemeral", **answer.as_kwargs())


def handle_nudge_snooze_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, deps: Deps
) -> None:
    """The nudge DM's Snooze button: the one snooze (bot/services/snooze), default length."""
    ack()
    user_id, nudge_id, _, _ = _parsed(body, action)
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        if person is None:
            return
        actions.record_press(session, person=person, nudge_id=nudge_id, now=now)
        result = snooze(session, person, days=DEFAULT_DAYS, now=now)
    respond(
        replace_original=False,
        response_type="ephemeral",
        **views.snoozed(result.locale, result.local_until).as_kwargs(),
    )


def handle_try_it(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    user_id, nudge_id, _, _ = _parsed(body, action)
    with session_scope(deps.session_factory) as session:
        ctx = actions.try_it(session, user_id=user_id, nudge_id=nudge_id, now=deps.clock.now())
    if ctx is not None:
        respond(replace_original=True, **views.training_follow_up(deps.playbook, ctx).as_kwargs())


def handle_rate(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, deps: Deps) -> None:
    ack()
    user_id, nudge_id, _, extra = _parsed(body, action)
    score = int(extra) if extra.isdigit() else 0
    with session_scope(deps.session_factory) as session:
        result = actions.rate(session, user_id=user_id, nudge_id=nudge_id, score=score, now=deps.clock.now())
    if result.detail.startswith("feedback."):  # the feedback gate: counted once, then a comment may follow
        if result.applied:
            respond(replace_original=True, **answer_views.counted(result.locale, nudge_id, score).as_kwargs())
        else:
            notice = answer_views.notice(result.detail.removeprefix("feedback."), result.locale)
            respond(replace_original=False, response_type="ephemeral", **notice.as_kwargs())
        return
    if result.applied or result.detail == "already rated":
        respond(replace_original=True, **views.rating_thanks(result.locale, score).as_kwargs())


def handle_lesson_done(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, deps: Deps) -> None:
    """ "Done" on a role-track lesson: recorded once, the DM replaced by how far the track is."""
    ack()
    user_id, nudge_id, _, _ = _parsed(body, action)
    with session_scope(deps.session_factory) as session:
        result = actions.lesson_done(
            session, user_id=user_id, nudge_id=nudge_id, playbook=deps.playbook, now=deps.clock.now()
        )
    if isinstance(result, actions.LessonDone):
        answer = track_views.lesson_done(
            result.locale, track=result.track, lesson=result.lesson, done=result.done, total=result.total
        )
        respond(replace_original=True, **answer.as_kwargs())


def register(app: App) -> None:
    app.action(NudgeAction.STOP_KIND)(handle_stop_kind)
    app.action(NudgeAction.SNOOZE)(handle_nudge_snooze_clicked)
    app.action(NudgeAction.TRY_IT)(handle_try_it)
    app.action(RATE_ACTION)(handle_rate)
    app.action(NudgeAction.LESSON_DONE)(handle_lesson_done)
