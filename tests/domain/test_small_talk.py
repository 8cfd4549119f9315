"""Small talk in the DM: pleasantries are told apart from questions, in English, Japanese and emoji."""

from __future__ import annotations

import pytest

from bot.domain.small_talk import MAX_LENGTH, SmallTalk, classify, normalise

THANKS, ACK, GREETING = SmallTalk.THANKS, SmallTalk.ACK, SmallTalk.GREETING


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("thanks", THANKS),
        ("Thanks!", THANKS),
        ("THANK YOU", THANKS),
        ("thank you so much coach", THANKS),
        ("ty", THANKS),
        ("ok thanks :)", THANKS),
        ("Great, thanks!!", THANKS),
        ("<@U0COACH01> thanks", THANKS),
        ("ok", ACK),
        ("OK.", ACK),
        ("okay", ACK),
        ("got it", ACK),
        ("Sounds good", ACK),
        ("no worries", ACK),
        ("will do", ACK),
        ("hi", GREETING),
        ("Hello Coach", GREETING),
        ("good morning everyone", GREETING),
    ],
)
def test_english_pleasantries(text: str, group: SmallTalk) -> None:
    assert classify(text) is group


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("ありがとう", THANKS),
        ("ありがとうございます！", THANKS),
        ("ありがとー", THANKS),
        ("どうもありがとうございました。", THANKS),
        ("助かりました", THANKS),
        ("了解", ACK),
        ("了解です", ACK),
        ("了解しました。", ACK),
        ("承知しました", ACK),
        ("わかりました！", ACK),
        ("ｵｯｹｰ", ACK),  # half-width katakana: NFKC makes it オッケー
        ("了解www", ACK),
        ("おはようございます", GREETING),
        ("お疲れ様です", GREETING),
        ("よろしくお願いします", GREETING),
    ],
)
def test_japanese_pleasantries(text: str, group: SmallTalk) -> None:
    assert classify(text) is group


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("👍", ACK),
        ("👍🏽", ACK),  # with a skin tone
        ("👍👍👍", ACK),
        (":+1:", ACK),
        (":thumbsup::skin-tone-3:", ACK),
        ("🎉", ACK),
        ("🙏", THANKS),
        (":pray:", THANKS),
        ("🙇‍♀️", THANKS),  # a ZWJ sequence
        ("👋", GREETING),
        ("ok 🙏", THANKS),
        ("hey 👋", GREETING),
    ],
)
def test_emoji_only_and_emoji_with_words(text: str, group: SmallTalk) -> None:
    assert classify(text) is group


@pytest.mark.parametrize(
    "text",
    [
        "ok?",
        "thanks?",
        "ありがとう？",  # full-width question mark
        "了解﹖",  # small question mark, folded by NFKC
        "How do I share a file in a channel?",
        "ファイルをチャンネルで共有するには？",
    ],
)
def test_a_question_mark_is_never_small_talk(text: str) -> None:
    assert classify(text) is None


def test_a_long_text_is_never_small_talk() -> None:
    long_thanks = "thank you " * 5
    assert len(long_thanks.strip()) > MAX_LENGTH
    assert classify(long_thanks) is None
    assert classify("👍" * (MAX_LENGTH + 1)) is None
    assert classify("ありがとう" * 9) is None  # 45 characters


@pytest.mark.parametrize(
    "text",
    [
        "thanks, but I still cannot log in",
        "ok so how do I add a workflow",
        "ログインできません",
        "ファイルを共有する方法を教えて",
        "help",
        "high",  # starts with "hi"
        "thanksgiving",  # starts with "thanks"
        "okr planning",
        "you",  # a filler alone
        "です",
        "...",
        "",
        "   ",
        "<https://example.com|link>",
    ],
)
def test_anything_with_content_still_reaches_a_person(text: str) -> None:
    assert classify(text) is None


def test_normalise() -> None:
    assert normalise("  Ｔｈａｎｋｓ!! :tada:  ") == "thanks"
    assert normalise("OK,\n thanks 👍🏻") == "ok thanks"
    assert normalise("<@U123|coach> 了解です。") == "了解です"
