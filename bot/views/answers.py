"""The feedback gate's answers as a person sees them: replies to a rating, the comment modal, reading it back.

Pure: plain values in, Block Kit out (and plain values back from a submission); no services, no Slack.
A submission is read defensively: anything malformed becomes a field error on a block the modal has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.domain.answers import COMMENT_MAX, SCORES, parse_score
from bot.i18n import t
from bot.views.blocks import Block, actions, clip, context, section
from bot.views.ids import AnswerView
from bot.views.nudges import OutgoingMessage, comment_button

COMMENT_INPUT_MAX = 3000  # Slack's limit for a plain_text_input; Coach keeps COMMENT_MAX of it
TITLE_MAX = 24


def _plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def counted(locale: str, nudge_id: int, score: int) -> OutgoingMessage:
    """The question after a rating: thanks, and the way to add a comment."""
    text = t("answers.counted", locale, score=score)
    return OutgoingMessage(
        text=text, blocks=[section(text), actions(comment_button(locale, nudge_id), block_id=f"answers.{nudge_id}")]
    )


def notice_text(status: str, locale: str) -> str:
    """Why an answer changed nothing: "already" counted, the round is "closed", or not this person's question."""
    return t(f"answers.{status}" if status in ("already", "closed") else "answers.unknown", locale)


def notice(status: str, locale: str) -> OutgoingMessage:
    """`notice_text` as a private one-line reply."""
    text = notice_text(status, locale)
    return OutgoingMessage(text=text, blocks=[section(text)])


def comment_modal(*, locale: str, nudge_id: int, wave_name: str, score: int | None) -> dict[str, Any]:
    """The "Add a comment" modal: a rating (required while none was given), the comment, "show my name"."""
    blocks: list[Block] = [
        section(t("answers.modal.about", locale, wave=wave_name or t("answers.fallback.wave", locale)))
    ]
    if score is None:
        blocks.append(
            {
                "type": "input",
                "block_id": AnswerView.SCORE,
                "label": _plain(t("answers.modal.score", locale), 2000),
                "element": {
                    "type": "radio_buttons",
                    "action_id": AnswerView.SCORE,
                    "options": [{"text": _plain(str(s)), "value": str(s)} for s in SCORES],
                },
                "optional": False,
            }
        )
    else:
        blocks.append(context(t("answers.modal.rated", locale, score=score)))
    blocks.append(
        {
            "type": "input",
            "block_id": AnswerView.TEXT,
            "label": _plain(t("answers.modal.comment", locale), 2000),
            "hint": _plain(t("answers.modal.comment_hint", locale), 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": AnswerView.TEXT,
                "multiline": True,
                "max_length": COMMENT_INPUT_MAX,
            },
            "optional": score is None,
        }
    )
    blocks.append(
        {
            "type": "input",
            "block_id": AnswerView.SHOW_NAME,
            "label": _plain(t("answers.modal.show_name", locale), 2000),
            "hint": _plain(t("answers.modal.anonymous", locale), 2000),
            "element": {
                "type": "checkboxes",
                "action_id": AnswerView.SHOW_NAME,
                "options": [{"text": _plain(t("answers.modal.show_name", locale)), "value": "show"}],
            },
            "optional": True,
        }
    )
    return {
        "type": "modal",
        "callback_id": AnswerView.COMMENT,
        "title": _plain(t("answers.modal.title", locale), TITLE_MAX),
        "submit": _plain(t("answers.modal.submit", locale), TITLE_MAX),
        "close": _plain(t("answers.modal.close", locale), TITLE_MAX),
        "private_metadata": json.dumps({"n": nudge_id}),
        "blocks": blocks,
    }


def done_modal(locale: str, lines: list[str]) -> dict[str, Any]:
    """What the modal turns into after a submission (response_action=update)."""
    return {
        "type": "modal",
        "callback_id": AnswerView.DONE,
        "title": _plain(t("answers.modal.title", locale), TITLE_MAX),
        "close": _plain(t("answers.modal.done", locale), TITLE_MAX),
        "blocks": [section(clip("\n".join(lines), 3000))],
    }


def thanks_lines(locale: str, *, trimmed: bool, length: int) -> list[str]:
    lines = [t("answers.modal.thanks", locale)]
    if trimmed:
        lines.append(t("answers.modal.trimmed", locale, length=f"{length:,}", kept=f"{COMMENT_MAX:,}"))
    return lines


@dataclass(frozen=True)
class CommentSubmission:
    nudge_id: int
    score: int | None
    comment: str | None
    show_name: bool


def _value(values: Any, block: str) -> Any:
    """state.values[block][block] (action_id = block_id here), or None when absent or not a mapping."""
    if not isinstance(values, dict):
        return None
    inner = values.get(block)
    return inner.get(block) if isinstance(inner, dict) else None


def _error_block(blocks: set[str], wanted: str) -> str:
    """Slack shows an error only on a block the view has: the wanted one, else the comment box."""
    return wanted if wanted in blocks else AnswerView.TEXT


def read_comment_submission(view: dict[str, Any], locale: str) -> tuple[CommentSubmission | None, dict[str, str]]:
    """The submission's values, or field errors (block id → reason) for anything malformed."""
    present = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    blocks = {b for b in present if isinstance(b, str)}
    values = (view.get("state") or {}).get("values") if isinstance(view.get("state"), dict) else None
    errors: dict[str, str] = {}
    try:
        meta = json.loads(view.get("private_metadata") or "")
        nudge_id = int(meta["n"]) if isinstance(meta, dict) and not isinstance(meta.get("n"), bool) else 0
    except (TypeError, ValueError, KeyError):
        nudge_id = 0
    if nudge_id <= 0:
        errors[_error_block(blocks, AnswerView.TEXT)] = t("answers.error.stale", locale)
    score: int | None = None
    raw_score = _value(values, AnswerView.SCORE)
    if raw_score is not None:
        option = raw_score.get("selected_option") if isinstance(raw_score, dict) else "?"
        if option is not None:
            score = parse_score(option.get("value") if isinstance(option, dict) else None)
            if score is None:
                errors[_error_block(blocks, AnswerView.SCORE)] = t("answers.error.score", locale)
    raw_text = _value(values, AnswerView.TEXT)
    comment: str | None = None
    if raw_text is not None:
        text = raw_text.get("value") if isinstance(raw_text, dict) else 0
        if text is None or isinstance(text, str):
            comment = text
        else:
            errors[AnswerView.TEXT] = t("answers.error.malformed", locale)
    show_name = False
    raw_show = _value(values, AnswerView.SHOW_NAME)
    if raw_show is not None:
        chosen = raw_show.get("selected_options") if isinstance(raw_show, dict) else 0
        if chosen is None or isinstance(chosen, list):
            show_name = any(isinstance(o, dict) and o.get("value") == "show" for o in chosen or [])
        else:
            errors[_error_block(blocks, AnswerView.SHOW_NAME)] = t("answers.error.malformed", locale)
    if errors:
        return None, errors
    return CommentSubmission(nudge_id, score, comment, show_name), {}


def need_errors(status: str, view: dict[str, Any], locale: str) -> dict[str, str]:
    """Field errors for an answer the service could not count yet ("need_score" or "need_comment")."""
    blocks = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    if status == "need_score":
        return {_error_block({str(b) for b in blocks}, AnswerView.SCORE): t("answers.error.score", locale)}
    return {AnswerView.TEXT: t("answers.error.comment", locale)}
