"""Wording of the wave plan checks (wave editor field errors and `coach waves import` lines), en/ja."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "waves.user_id.format": {
        "en": "{user_id!r} is not a Slack user id (U or W, then capital letters and digits, like U012AB3CD).",
        "ja": "{user_id!r} は Slack のユーザー ID ではありません"
        "（U または W に英大文字と数字が続く形式。例: U012AB3CD）。",
    },
    "waves.user_id.not_found": {
        "en": "{user_id} is not a person in this Slack workspace (users.info: user_not_found).",
        "ja": "{user_id} はこの Slack ワークスペースのメンバーではありません（users.info: user_not_found）。",
    },
    "waves.user_id.deactivated": {
        "en": "{user_id} is deactivated in Slack; choose someone active.",
        "ja": "{user_id} は Slack で無効化されています。有効なメンバーを選んでください。",
    },
    "waves.user_id.bot": {
        "en": "{user_id} is a bot or app, not a person.",
        "ja": "{user_id} はボットまたはアプリで、人ではありません。",
    },
    "waves.user_id.sponsor": {"en": "Sponsor: {reason}", "ja": "スポンサー: {reason}"},
    "waves.user_id.unchecked": {
        "en": "could not ask Slack whether the user ids exist ({code}); their format was checked.",
        "ja": "ユーザー ID の存在を Slack に確認できませんでした（{code}）。形式は確認済みです。",
    },
}
