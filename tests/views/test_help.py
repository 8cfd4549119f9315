"""Help views are valid Block Kit and speak the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.help.state import Invalid
from bot.views import help as views
from bot.views.ids import HelpView

DUE = datetime(2025, 3, 3, 5, 0, tzinfo=UTC)
TOPICS = [("setup", "Setup"), ("other", "Something else")]


def _blocks_valid(message: dict) -> None:
    assert message["text"]
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_modals_validate() -> None:
    View(**views.ask_modal("ja", TOPICS, topic="setup", question="x" * 5000)).validate_json()
    View(**views.hand_over_modal("en", 7, "question")).validate_json()


def test_card_for_each_state_and_long_question() -> None:
    for state in ("open", "taken", "answered", "closed", "moved"):
        card = views.Card(7, "Setup", "q" * 20_000, "U1", "Sales", "1. Basics", state, "U2", False, DUE, note="n")
        message = views.question_card(card, "ja")
        _blocks_valid(message)
        has_buttons = any(b["type"] == "actions" for b in message["blocks"])
        assert has_buttons == (state in ("open", "taken"))


def test_messages_validate_and_are_localized() -> None:
    _blocks_valid(views.faq_message("ja", 1, [("Q", "A")] * 5))
    _blocks_valid(views.rate_message("en", 1))
    _blocks_valid(views.confirm_message("en", 1, "Did it help?"))
    update = views.asker_update("routed", "ja", owner="U2", owner_is_channel=False, due=DUE, topic="設定")
    assert "担当" in update["text"] and "<!date^1740978000^" in update["text"]
    closed = Invalid("closed", "take")
    assert views.localize_refusal(closed, "ja").startswith("この")


def test_field_errors() -> None:
    errors = views.ask_errors(None, "", "ja", ["setup"])
    assert set(errors) == {HelpView.ASK_TOPIC, HelpView.ASK_QUESTION} and "質問" in errors[HelpView.ASK_QUESTION]
    assert views.ask_errors("setup", "ok", "en", ["setup"]) == {}
    assert views.hand_over_errors("U1", "U1", "en") and views.hand_over_errors(None, "U1", "en")
    assert views.hand_over_errors("U2", "U1", "en") == {}


@pytest.mark.parametrize("state", ["open", "taken", "answered", "closed", "moved"])
def test_the_admin_channels_help_messages_speak_its_language(state: str) -> None:
    """The admin channel reads the playbook's default language: in Japanese, no English word is left."""
    from tests.english import english_words, texts

    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    card = views.Card(
        1, "ログイン", "パスワードが通りません", "U0ASKER01", "営業部", "1. はじめる", state, "#coach-admins", True, due
    )
    messages = [views.admin_card(card, "ja"), views.contact_flag("U0HELPER1", "declined", "ja")]
    messages += [
        views.admin_post(
            kind, request_id=1, topic="ログイン", asker="U0ASKER01", owner="U0HELPER1", due=due, note="", locale="ja"
        )
        for kind in ("assigned", "reminder", "overdue", "taken", "answered", "handed_over", "solved")
    ]
    read = [text for message in messages for text in texts(message)]
    assert read and [w for text in read for w in english_words(text)] == []
    assert english_words(" ".join(texts(views.admin_card(card, "en"))))  # the same card in English has words to find
