"""The comment modal and the replies are valid Block Kit in en/ja; malformed submissions become field errors."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View

from bot.views import answers as views
from bot.views.ids import AnswerView


def _view(score: int | None, values: object, metadata: str = '{"n": 7}') -> dict:
    modal = views.comment_modal(locale="en", nudge_id=7, wave_name="Pilot", score=score)
    return {**modal, "private_metadata": metadata, "state": {"values": values}}


def _text(value: object) -> dict:
    return {AnswerView.TEXT: {AnswerView.TEXT: {"type": "plain_text_input", "value": value}}}


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("score", [None, 4])
def test_modal_and_replies_are_valid(locale: str, score: int | None) -> None:
    modal = views.comment_modal(locale=locale, nudge_id=7, wave_name="", score=score)
    View(**modal).validate_json()
    ids = [b.get("block_id") for b in modal["blocks"]]
    assert (AnswerView.SCORE in ids) == (score is None), "a rating is asked for only while none was given"
    assert AnswerView.SHOW_NAME in ids and json.loads(modal["private_metadata"]) == {"n": 7}
    texts = [b["text"]["text"] for b in modal["blocks"] if b["type"] == "section"]
    assert texts and all("{" not in text and "「」" not in text and "**" not in text for text in texts)
    lines = views.thanks_lines(locale, trimmed=True, length=10_000)
    View(**views.done_modal(locale, lines)).validate_json()
    assert "10,000" in lines[1] and "2,000" in lines[1]
    assert views.counted(locale, 7, 4).blocks[-1]["elements"][0]["action_id"] == "answers.comment"


def test_a_good_submission_reads_back() -> None:
    values = {
        AnswerView.SCORE: {AnswerView.SCORE: {"type": "radio_buttons", "selected_option": {"value": "5"}}},
        **_text("🎉"),
        AnswerView.SHOW_NAME: {AnswerView.SHOW_NAME: {"type": "checkboxes", "selected_options": [{"value": "show"}]}},
    }
    submission, errors = views.read_comment_submission(_view(None, values), "en")
    assert errors == {} and submission == views.CommentSubmission(7, 5, "🎉", True)


@pytest.mark.parametrize(
    ("score", "values", "metadata", "field"),
    [
        (None, {AnswerView.SCORE: {AnswerView.SCORE: {"selected_option": {"value": "9"}}}}, '{"n": 7}', "score"),
        (None, {AnswerView.SCORE: {AnswerView.SCORE: "five"}}, '{"n": 7}', "score"),
        (4, _text(["not", "text"]), '{"n": 7}', "text"),
        (4, {AnswerView.SHOW_NAME: {AnswerView.SHOW_NAME: {"selected_options": "yes"}}}, '{"n": 7}', "show_name"),
        (4, _text("fine"), "not json", "text"),
        (4, _text("fine"), '{"n": true}', "text"),
        (4, "garbage", "[]", "text"),
    ],
)
def test_malformed_values_are_field_errors_on_blocks_the_modal_has(
    score: int | None, values: object, metadata: str, field: str
) -> None:
    view = _view(score, values, metadata)
    submission, errors = views.read_comment_submission(view, "ja")
    assert submission is None and list(errors) == [f"answers.{field}"]
    assert set(errors) <= {b["block_id"] for b in view["blocks"] if "block_id" in b}
