"""The one translation lookup: every key in both languages, none defined twice, English as the fallback."""

from __future__ import annotations

import pytest

from bot import i18n


def test_every_key_has_english_and_japanese() -> None:
    missing = [key for key, texts in i18n.STRINGS.items() if not texts.get("en") or not texts.get("ja")]
    assert missing == []


def test_a_key_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        i18n._merge(({"a.b": {"en": "x"}}, {"a.b": {"en": "y"}}))


def test_unknown_locale_falls_back_to_english() -> None:
    assert i18n.t("home.title", "fr-FR") == i18n.STRINGS["home.title"]["en"]
    assert i18n.t("home.title", "ja-JP") == i18n.STRINGS["home.title"]["ja"]


def test_a_text_reads_as_english_and_is_said_in_the_readers_language() -> None:
    from bot.i18n import Text, say

    refusal = Text("admin.transition.state", command=Text("admin.command.start"), state=Text("admin.state.active"))
    assert refusal == "cannot start a wave that is active"  # made where no locale is known: English
    assert say(refusal, "ja") == "実施中のウェーブには「開始」を実行できません"  # its values are said too
    assert say("<@U012AB3CD>", "ja") == "<@U012AB3CD>"  # any other string stays as it is
