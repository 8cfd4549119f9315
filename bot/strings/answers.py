"""Wording around answers to the feedback gate's question: fallbacks, the comment modal, replies (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "answers.fallback.wave": {
        "en": "this wave",
        "ja": "このウェーブ",
    },
    "answers.fallback.goal": {
        "en": "getting more of our work done in Slack",
        "ja": "Slackでもっと仕事を進めること",
    },
}
