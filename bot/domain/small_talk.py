"""Small talk in the DM: "thanks", "ok", "👍", "ありがとう", "了解" are not help requests.

Pure: the text comes in, a `SmallTalk` group (or None) goes out; the text is never kept. A message is small talk
only when *all* of it is made of known pleasantries (thanks, acknowledgements, greetings) and emoji, so anything
with real content, a question mark (`?` or `？`) or more than `MAX_LENGTH` characters still goes to a person.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

MAX_LENGTH = 40  # characters of the message as typed; longer texts always reach a person


class SmallTalk(StrEnum):
    """What kind of pleasantry a message is, which decides the reply."""

    THANKS = "thanks"
    ACK = "ack"
    GREETING = "greeting"


# Phrases in the form they are typed, "|"-separated; `normalise` turns them into the form they are compared in.
_PHRASES: dict[SmallTalk, str] = {
    SmallTalk.THANKS: (
        "thanks|thank you|thankyou|thank u|thanx|thx|ty|tysm|tyvm|many thanks|thanks a lot|thank you so much"
        "|thank you very much|thanks so much|cheers|much appreciated|appreciate it|appreciated|great thanks"
        "|ありがとう|ありがとうございます|ありがとうございました|ありがと|どうもありがとう|有難う|有り難う|感謝|感謝します"
        "|感謝です|助かりました|助かります|助かる|サンキュー|さんきゅ|あざす|あざっす|どうも|すみません|恐れ入ります"
    ),
    SmallTalk.GREETING: (
        "hi|hello|hey|hiya|hey there|hi there|hello there|yo|good morning|good afternoon|good evening|morning"
        "|こんにちは|こんにちわ|おはよう|おはようございます|こんばんは|こんばんわ|はじめまして|よろしく|よろしくお願いします"
        "|よろしくお願いいたします|宜しくお願いします|お疲れ様です|お疲れさまです|おつかれさまです|お疲れ様|おつかれ"
        "|お世話になっております"
    ),
    SmallTalk.ACK: (
        "ok|okay|okey|k|kk|okie|got it|sure|alright|all right|cool|great|nice|perfect|noted|understood|fine"
        "|sounds good|will do|yes|yep|yeah|yup|no worries|np|awesome|lgtm|done|good|wow|lol"
        "|了解|了解です|了解しました|りょうかい|りょ|承知しました|承知です|承知いたしました|かしこまりました|わかりました"
        "|分かりました|はい|うん|オッケー|おっけー|なるほど|いいね|大丈夫です|大丈夫|確認しました"
    ),
}

# Words that only soften a pleasantry ("thanks coach", "了解です"); on their own they are not small talk.
_FILLERS = (
    "coach|again|so much|a lot|very much|you|for that|for the help|everyone|all"
    "|です|でした|ます|ございます|しました|さん|コーチ|また|とても|本当に|ほんとに"
)

# Emoji (and Slack shortcodes) that say something by themselves; any other emoji-only message is an acknowledgement.
_EMOJI_THANKS = frozenset("🙏🙇")
_EMOJI_GREETING = frozenset("👋")
_SHORTCODES: dict[str, SmallTalk] = {
    "pray": SmallTalk.THANKS,
    "bow": SmallTalk.THANKS,
    "thank_you": SmallTalk.THANKS,
    "thankyou": SmallTalk.THANKS,
    "arigato": SmallTalk.THANKS,
    "wave": SmallTalk.GREETING,
    "hand": SmallTalk.GREETING,
}

_SHORTCODE = re.compile(r":([a-z0-9_+'-]+):")
_MENTION = re.compile(r"<[@#!][^>]*>")
_SPACES = re.compile(r"\s+")
_DROP_CATEGORIES = ("P", "S", "C", "M")  # punctuation, symbols (emoji), controls/format (ZWJ), marks (selectors)
_DROP_CHARS = frozenset("ー笑")  # long-vowel marks and laughter: ありがとー, 了解笑 (NFKC folds ｰ into ー)
_JA_LAUGH = re.compile(r"(?<=[^\x00-\x7f])w+(?=\s|$)")  # 了解www


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def normalise(text: str) -> str:
    """The text as compared: NFKC, lower case, mentions, :shortcodes:, punctuation and emoji removed, spaces single."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _JA_LAUGH.sub(" ", _SHORTCODE.sub(" ", _MENTION.sub(" ", text)))
    kept = "".join(" " if unicodedata.category(ch)[0] in _DROP_CATEGORIES or ch in _DROP_CHARS else ch for ch in text)
    return _SPACES.sub(" ", kept).strip()


_NORMAL_PHRASES: tuple[tuple[str, SmallTalk | None], ...] = tuple(
    sorted(
        {
            *((normalise(p), group) for group, phrases in _PHRASES.items() for p in phrases.split("|")),
            *((normalise(p), None) for p in _FILLERS.split("|")),
        },
        key=lambda item: -len(item[0]),
    )
)


def _boundary(text: str, at: int) -> bool:
    """Whether a phrase may end at `at`: never inside a Latin word ("hi" is not the start of "high")."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())


def _segment(text: str) -> frozenset[SmallTalk] | None:
    """The groups of the phrases that make up all of `text`, or None when some of it is not a pleasantry."""
    best: dict[int, frozenset[SmallTalk | None]] = {0: frozenset()}
    for start in range(len(text) + 1):
        if start not in best:
            continue
        found = best[start]
        if start < len(text) and text[start] == " ":
            best.setdefault(start + 1, found)
            continue
        for phrase, group in _NORMAL_PHRASES:
            end = start + len(phrase)
            if phrase and text.startswith(phrase, start) and _boundary(text, end) and end not in best:
                best[end] = found | {group}
    groups = best.get(len(text))
    if groups is None:
        return None
    return frozenset(group for group in groups if group is not None)


def _emoji_group(text: str) -> SmallTalk | None:
    """The group an emoji-only message belongs to (None when it has no emoji at all)."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    codes = [_SHORTCODES.get(code) for code in _SHORTCODE.findall(lowered)]
    emoji = [ch for ch in lowered if _is_emoji(ch)]
    if not codes and not emoji:
        return None
    if SmallTalk.THANKS in codes or any(ch in _EMOJI_THANKS for ch in emoji):
        return SmallTalk.THANKS
    if SmallTalk.GREETING in codes or any(ch in _EMOJI_GREETING for ch in emoji):
        return SmallTalk.GREETING
    return SmallTalk.ACK


def classify(text: str) -> SmallTalk | None:
    """The pleasantry this message is, or None when it may need a person (anything else, questions, long texts)."""
    typed = text.strip()
    if not typed or len(typed) > MAX_LENGTH or "?" in unicodedata.normalize("NFKC", typed):  # NFKC: ？ and ﹖ too
        return None
    normal = normalise(typed)
    if not normal:
        return _emoji_group(typed)
    groups = _segment(normal)
    if not groups:
        return None
    emoji = _emoji_group(typed)
    for group in (SmallTalk.THANKS, SmallTalk.GREETING, SmallTalk.ACK):
        if group in groups or group == emoji:
            return group
    return None
