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
    # one line per `/coach` sub-command in the usage guide (handlers/command_table.py)
    "usage.summary.me": {"en": "your stage, what is done and what is next", "ja": "あなたのステージと次のステップ"},
    "usage.summary.snooze": {"en": "pause coaching messages for a while", "ja": "コーチングメッセージをしばらく止める"},
    "usage.summary.stop": {
        "en": "turn coaching messages off (again: back on)",
        "ja": "コーチングメッセージを停止（もう一度で再開）",
    },
    "usage.summary.start": {"en": "turn coaching messages back on", "ja": "コーチングメッセージを再開"},
    "usage.summary.language": {
        "en": "choose English or Japanese (`auto` follows Slack)",
        "ja": "英語か日本語を選ぶ（`auto` で Slack に合わせる）",
    },
    "usage.summary.ask": {"en": "ask a person for help (same as /coach help <question>)", "ja": "人に質問する"},
    "usage.summary.status": {
        "en": "your department at a glance: stages, ignition, trend",
        "ja": "担当部署の状況（ステージ・点火率・推移）",
    },
    "usage.summary.stuck": {
        "en": "who has not moved for a while, with Nudge buttons",
        "ja": "しばらく進んでいない人（声かけボタン付き）",
    },
    "usage.summary.nudge": {
        "en": "send someone a personal nudge (or everyone stuck)",
        "ja": "個別に声をかける（停滞中の全員にも）",
    },
    "usage.summary.celebrate": {
        "en": "recognise someone's progress (DM, or `public` here)",
        "ja": "進歩をたたえる（DM、または `public` でこの場に）",
    },
    "usage.summary.questions": {
        "en": "open help requests in your department, oldest first",
        "ja": "部署の未解決の質問（古い順）",
    },
    "usage.summary.confirm": {
        "en": "confirm a use case someone reported",
        "ja": "自己申告されたユースケースを確認する",
    },
    "usage.summary.champions": {
        "en": "power users of your department, to invite to the champions network",
        "ja": "部署のパワーユーザー（チャンピオンネットワークに招待）",
    },
}
