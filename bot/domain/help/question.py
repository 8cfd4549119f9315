"""A question as typed: tidied, refused politely when empty, summarised (never cut) when long."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n import t

QUESTION_LIMIT = 3000  # Slack's section text limit: longer questions are stored whole, summarised in messages


@dataclass(frozen=True)
class CleanQuestion:
    """A question ready to store (``text``, whole) and to show in messages (``summary``)."""

    text: str
    summary: str


@dataclass(frozen=True)
class QuestionError:
    """Why the question cannot be accepted, phrased for the asker."""

    message: str


_ZWJ = "\u200d"


def _extends_previous(char: str) -> bool:
    """Code points that belong to the character before them (accents, ZWJ, selectors, skin tones)."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional(char: str) -> bool:
    """Flag emoji are pairs of regional indicator symbols."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _safe_cut(text: str, cut: int) -> int:
    """Move a cut point left until it does not split an accent, emoji sequence or flag pair."""
    while 0 < cut < len(text) and (_extends_previous(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(text) and _is_regional(text[cut]) and _is_regional(text[cut - 1]):
        run = 0
        while cut - run - 1 >= 0 and _is_regional(text[cut - run - 1]):
            run += 1
        if run % 2 == 1:
            cut -= 1
    return cut


def truncate(text: str, limit: int) -> str:
    """Shorten to at most ``limit`` code points, ending in "…", without breaking a visible character."""
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, max(limit - 1, 0))
    return text[:cut].rstrip() + "…"


def _tidy(text: str) -> str:
    """NFC, lone surrogates replaced, control characters (except newline/tab) dropped, CRLF unified."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(text) else text
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _has_surrogate(text: str) -> bool:
    """Lone surrogates cannot be stored as UTF-8 nor sent to Slack."""
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _is_blank(text: str) -> bool:
    """Only whitespace or invisible format characters (zero-width space, BOM, …)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def clean_question(
    text: str | None, *, locale: str = "en", limit: int = QUESTION_LIMIT
) -> CleanQuestion | QuestionError:
    """Validate and tidy a question: empty is refused politely, long is kept whole but summarised."""
    if text is None or _is_blank(tidy := _tidy(text)):
        return QuestionError(t("help.invalid.empty_question", locale))
    stripped = tidy.strip()
    return CleanQuestion(stripped, truncate(stripped, limit))
