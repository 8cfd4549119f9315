"""Wording of the "What does Coach know about me?" modal and its delete confirmation (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "privacy.title": {
        "en": "What Coach knows",
        "ja": "Coach が知っていること",
    },
    "privacy.close": {
        "en": "Close",
        "ja": "閉じる",
    },
    "privacy.intro": {
        "en": "This is everything Coach stores about you. It never stores the text of your channel messages.",
        "ja": "Coach があなたについて保存しているのは以下がすべてです。チャンネルのメッセージ本文は保存しません。",
    },
    "privacy.profile": {
        "en": "*Profile (from Slack)*",
        "ja": "*プロフィール（Slack から）*",
    },
    "privacy.roles": {
        "en": "*Roles:* {roles}",
        "ja": "*役割:* {roles}",
    },
    "privacy.done": {
        "en": "*Use cases ({n})*",
        "ja": "*ユースケース（{n} 件）*",
    },
    "privacy.activity": {
        "en": "*Activity counters:* {days} days — {totals}",
        "ja": "*アクティビティ数:* {days} 日分 — {totals}",
    },
    "privacy.other": {
        "en": "*Other records:* {matches} matched events, {nudges} nudges, {help} help requests, "
        "{pulse} survey answers, {waves} wave memberships",
        "ja": "*その他の記録:* 一致したイベント {matches} 件、ナッジ {nudges} 件、ヘルプ依頼 {help} 件、"
        "アンケート回答 {pulse} 件、ウェーブ参加 {waves} 件",
    },
    "privacy.delete": {
        "en": "Delete everything",
        "ja": "すべて削除",
    },
    "privacy.confirm_title": {
        "en": "Delete your data?",
        "ja": "データを削除しますか？",
    },
    "privacy.confirm_text": {
        "en": "Coach forgets your progress, counters, nudges and help requests. If you keep using Slack, "
        "counting starts again from zero (use /coach stop to stop nudges).",
        "ja": "進捗、カウンター、ナッジ、ヘルプ依頼を削除します。Slack を使い続けると、ゼロから数え直します"
        "（ナッジを止めるには /coach stop）。",
    },
    "privacy.confirm_yes": {
        "en": "Delete",
        "ja": "削除",
    },
    "privacy.confirm_no": {
        "en": "Keep",
        "ja": "残す",
    },
    "privacy.deleted": {
        "en": "Done: everything Coach stored about you has been deleted.",
        "ja": "完了：Coach が保存していたあなたのデータをすべて削除しました。",
    },
}
