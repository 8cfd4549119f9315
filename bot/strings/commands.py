"""Wording of everyone's `/coach` answers that have no view of their own: `/coach language` (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "language.set": {
        "en": "Coach will talk to you in English.",
        "ja": "これから Coach は日本語でお話しします。",
    },
    "language.auto": {
        "en": "Coach follows your Slack language again.",
        "ja": "Slack の言語設定に合わせます。",
    },
    "language.usage": {
        "en": "Use `/coach language en`, `ja` or `auto`.",
        "ja": "`/coach language en`、`ja`、`auto` のどれかを指定してください。",
    },
}
