"""Wording of everyone's `/coach` answers: the usage guide, refusals, `/coach language` (en/ja)."""

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
    "usage.title": {"en": "*What `/coach` can do for you*", "ja": "*`/coach` でできること*"},
    "usage.unknown": {"en": "I don't know `/coach {name}`.", "ja": "`/coach {name}` というコマンドはありません。"},
    "usage.ask": {"en": "ask a person for help", "ja": "人に質問する"},
    "usage.refusal": {
        "en": "`/coach {name}` is for {role}s. Ask an admin if you should have that role.",
        "ja": "`/coach {name}` は{role}向けのコマンドです。権限が必要な場合は管理者に相談してください。",
    },
    "usage.role.ambassador": {"en": "ambassador", "ja": "アンバサダー"},
    "usage.role.admin": {"en": "admin", "ja": "管理者"},
}
