"""The DM for one lesson of a role's track, and the reply to its "Done" button. Pure: no Slack, no database."""

from __future__ import annotations

from bot.i18n import t
from bot.playbook.schema import Playbook
from bot.views.blocks import Block, button, clip, context, section
from bot.views.ids import NudgeAction
from bot.views.nudges import TEXT_MAX, NudgeContext, OutgoingMessage, action_value, controls


def render_lesson(playbook: Playbook, ctx: NudgeContext) -> OutgoingMessage:
    """Track name and lesson number, the lesson, "try it now" when it has one, then Done and the usual buttons."""
    loc = ctx.locale
    role = str(ctx.payload.get("track", ""))
    track = playbook.tracks.get(role)
    keys = [lesson.key for lesson in track.lessons] if track else []
    lesson = track.lesson(ctx.subject or "") if track else None
    if track is None or lesson is None:  # the playbook changed under a queued row; the worker drops those first
        text = t("track.gone", loc)
        return OutgoingMessage(text=text, blocks=[section(text), controls(ctx)])
    title = lesson.title.get(loc)
    body = f"*{title}*\n{lesson.body.get(loc)}"
    if lesson.try_it:
        body += "\n" + t("track.try_it", loc, text=lesson.try_it.get(loc))
    blocks: list[Block] = [
        context(t("track.header", loc, track=track.title.get(loc), number=keys.index(lesson.key) + 1, total=len(keys))),
        section(clip(body, TEXT_MAX)),
        controls(
            ctx,
            button(
                t("track.done_button", loc),
                NudgeAction.LESSON_DONE,
                action_value(ctx.nudge_id, ctx.kind),
                style="primary",
            ),
        ),
    ]
    return OutgoingMessage(text=clip(f"{title}: {lesson.body.get(loc)}", TEXT_MAX), blocks=blocks)


def lesson_done(locale: str, *, track: str, lesson: str, done: int, total: int) -> OutgoingMessage:
    key = "track.all_done" if done >= total else "track.done"
    text = t(key, locale, track=track, lesson=lesson, done=done, total=total)
    return OutgoingMessage(text=text, blocks=[section(text)])
