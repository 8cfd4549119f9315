"""Keyword matching for topics and FAQ answers, working for Japanese text without spaces too."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from bot.domain.help.directory import OTHER_TOPIC, Directory, FaqItem


def _normalise(text: str) -> str:
    """NFKC folds full-width letters (Ｓｌａｃｋ) and half-width kana; casefold ignores case."""
    return unicodedata.normalize("NFKC", text).casefold()


def _lang(locale: str) -> str:
    """ "ja-JP" and "ja_JP" both mean the "ja" keyword list."""
    return re.split(r"[-_]", locale.strip().lower(), maxsplit=1)[0]


def _hits(text: str, keyword: str) -> bool:
    """Latin keywords must start a word ("log" does not hit "catalog"); others match as substrings.

    Japanese has no spaces between words, so substring matching is the only workable rule there.
    """
    if not keyword:
        return False
    if keyword[0].isascii() and keyword[0].isalnum():
        return re.search(r"(?<![a-z0-9])" + re.escape(keyword), text) is not None
    return keyword in text


def _score(text: str, keywords: Mapping[str, Sequence[str]], locale: str) -> tuple[int, int]:
    """(weighted hits, matched length): own-locale keywords count double, others still count.

    Others still count because people mix languages ("VPNに繋がらない" matches an English "vpn").
    """
    lang = _lang(locale)
    best: dict[str, int] = {}
    for kw_locale, words in keywords.items():
        weight = 2 if _lang(kw_locale) == lang else 1
        for word in words:
            norm = _normalise(word).strip()
            if _hits(text, norm):
                best[norm] = max(best.get(norm, 0), weight)
    return sum(best.values()), sum(len(w) for w in best)


def suggest_topic(directory: Directory, text: str, locale: str) -> str:
    """The topic whose keywords best match the question, or "other"; ties go to playbook order."""
    norm = _normalise(text)
    best_key, best_score = OTHER_TOPIC, (0, 0)
    for topic in directory.topics:
        score = _score(norm, topic.keywords, locale)
        if score > best_score:
            best_key, best_score = topic.key, score
    return best_key


def match_faq(directory: Directory, text: str, locale: str, limit: int = 3) -> list[FaqItem]:
    """FAQ entries ranked by keyword overlap with the question (none when nothing overlaps)."""
    norm = _normalise(text)
    scored = [(_score(norm, entry.keywords, locale), i, entry) for i, entry in enumerate(directory.faq)]
    ranked = sorted((s for s in scored if s[0][0] > 0), key=lambda s: (-s[0][0], -s[0][1], s[1]))
    return [entry for _, _, entry in ranked[: max(limit, 0)]]
