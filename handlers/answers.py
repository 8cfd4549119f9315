"""The feedback gate's "Add a comment" button and its modal: ack, one service call, answer privately."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db import session_scope
from bot.deps import Deps
from bot.services import answers
from bot.services.people import get_person
from bot.views import answers as views
from bot.views.ids import AnswerAction, AnswerView
from bot.views.nudges import parse_action_value


def _tell(respond: Respond, status: str, locale: str) -> None:
    respond(replace_original=False, response_type="ephemeral", **views.notice(status, locale).as_kwargs())


def handle_comment_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, deps: Deps
) -> None:
    """Open the comment modal for the person's own, still open question; otherwise say why not."""
    ack()
    user_id = body["user"]["id"]
    try:
        nudge_id = parse_action_value(action.get("value") or "{}")[0]
    except (ValueError, KeyError, TypeError):
        nudge_id = 0
    with session_scope(deps.session_factory) as session:
        question = answers.gate_question(session, user_id=user_id, nudge_id=nudge_id)
        person = get_person(session, user_id) if question is None else None
        locale = question.locale if question else (person.effective_locale if person else "en")
    if question is None:
        _tell(respond, "unknown", locale)
    elif not question.open:
        _tell(respond, "closed", locale)
    elif question.has_comment:
        _tell(respond, "already", locale)
    else:
        modal = views.comment_modal(
            locale=locale, nudge_id=question.nudge_id, wave_name=question.wave_name, score=question.score
        )
        client.views_open(trigger_id=body["trigger_id"], view=modal)  # trigger-bound: within 3 s


def handle_comment_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
    """Count the rating and/or comment; field errors for anything malformed, never an exception."""
    user_id = body["user"]["id"]
    with session_scope(deps.session_factory) as session:
        person = get_person(session, user_id)
        locale = person.effective_locale if person else "en"
    submission, errors = views.read_comment_submission(view, locale)
    if submission is None:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(deps.session_factory) as session:
        result = answers.record_feedback(
            session,
            user_id=user_id,
            nudge_id=submission.nudge_id,
            score=submission.score,
            comment=submission.comment,
            show_name=submission.show_name,
            now=deps.clock.now(),
        )
    status = result.status
    if status in (answers.Status.NEED_SCORE, answers.Status.NEED_COMMENT):
        ack(response_action="errors", errors=views.need_errors(status.value, view, locale))
    elif result.counted:
        lines = views.thanks_lines(locale, trimmed=result.trimmed, length=result.comment_length)
        ack(response_action="update", view=views.done_modal(locale, lines))
    else:
        ack(
            response_action="update",
            view=views.done_modal(locale, [views.notice_text(status.value, locale)]),
        )


def register(app: App) -> None:
    app.action(AnswerAction.COMMENT)(handle_comment_clicked)
    app.view(AnswerView.COMMENT)(handle_comment_submitted)
