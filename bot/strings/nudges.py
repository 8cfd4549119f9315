"""Wording of nudge DMs around the playbook's templates: their buttons, replies, and kind names (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "nudge.list_item": {"en": "*{title}*", "ja": "「{title}」"},
    "nudge.list_separator": {"en": ", ", "ja": "、"},
    "nudge.need_help": {
        "en": "I need help",
        "ja": "助けてほしい",
    },
    "nudge.stop_kind": {
        "en": "Don't send me this kind",
        "ja": "この種類は送らないで",
    },
    "nudge.snooze": {
        "en": "Snooze a week",
        "ja": "1週間お休み",
    },
    "nudge.try_it": {
        "en": "Try it now",
        "ja": "いま試す",
    },
    "nudge.how_to": {
        "en": "*How:* {text}",
        "ja": "*やり方:* {text}",
    },
    "nudge.rate_prompt": {
        "en": "How useful was this lesson? (1 = not at all, 5 = very)",
        "ja": "このレッスンは役に立ちましたか？（1＝まったく、5＝とても）",
    },
    "nudge.rated": {
        "en": "Thanks for rating it {score}/5.",
        "ja": "{score}/5 の評価をありがとうございます。",
    },
    "nudge.help_hint": {
        "en": 'Stuck at any point? Press "I need help" and a named person answers.',
        "ja": "困ったときは「助けてほしい」を押してください。担当者が回答します。",
    },
    "nudge.wave_goal": {
        "en": "*What this wave is for:* {goal}",
        "ja": "*今回の取り組みの目標:* {goal}",
    },
    "nudge.tip": {
        "en": ":bulb: Tip: {tip}",
        "ja": ":bulb: ヒント: {tip}",
    },
    "nudge.sponsor": {
        "en": "A word from <@{user}>: ",
        "ja": "<@{user}> さんから: ",
    },
    "nudge.from_ambassador": {
        "en": "From your ambassador <@{user}>",
        "ja": "アンバサダー <@{user}> さんより",
    },
    "nudge.stopped": {
        "en": "Done: Coach will not send you {kind} messages any more.",
        "ja": "承知しました。今後「{kind}」のメッセージは送りません。",
    },
    "nudge.not_optional": {
        "en": "These messages answer something you did, so they cannot be turned off.",
        "ja": "これはあなたの操作への返信なので、停止できません。",
    },
    "nudge.snoozed": {
        "en": "Coach is snoozed until {until}.",
        "ja": "{until} まで Coach はお休み中です。",
    },
    "nudge.solved": {
        "en": "Yes, solved",
        "ja": "解決しました",
    },
    "nudge.still_stuck": {
        "en": "Still stuck",
        "ja": "まだ困っています",
    },
    "nudge.celebrate_also": {
        "en": "Everything you completed just now: {use_cases}.",
        "ja": "今回達成したこと: {use_cases}。",
    },
    "nudge.kind.welcome": {
        "en": "welcome",
        "ja": "ウェルカム",
    },
    "nudge.kind.next_use_case": {
        "en": "next step",
        "ja": "次のステップ",
    },
    "nudge.kind.training": {
        "en": "training",
        "ja": "トレーニング",
    },
    "nudge.kind.reinforcement": {
        "en": "tips",
        "ja": "ヒント",
    },
    "nudge.kind.reengage": {
        "en": "reminder",
        "ja": "リマインダー",
    },
    "nudge.kind.pulse": {
        "en": "survey",
        "ja": "アンケート",
    },
    "nudge.kind.help_follow_up": {
        "en": "help follow-up",
        "ja": "ヘルプのフォローアップ",
    },
    "nudge.kind.feedback": {
        "en": "wave feedback",
        "ja": "ウェーブへのフィードバック",
    },
    "nudge.kind.ambassador": {
        "en": "ambassador",
        "ja": "アンバサダー",
    },
    "nudge.kind.celebrate": {
        "en": "celebration",
        "ja": "お祝い",
    },
    "nudge.kind.ambassador_digest": {
        "en": "weekly ambassador digest",
        "ja": "アンバサダー週次ダイジェスト",
    },
    "nudge.kind.small_talk": {
        "en": "reply",
        "ja": "返信",
    },
    # Replies to small talk in the DM (bot/domain/small_talk.py), one per group; the "I need help" button follows.
    "nudge.small_talk.thanks": {
        "en": 'You\'re welcome! If anything else comes up, press "I need help" and a named person answers.',
        "ja": "どういたしまして！ほかに困ったことがあれば「助けてほしい」を押してください。担当者が回答します。",
    },
    "nudge.small_talk.ack": {
        "en": ':+1: Whenever you need a hand, press "I need help" and a named person answers.',
        "ja": ":+1: 困ったときはいつでも「助けてほしい」を押してください。担当者が回答します。",
    },
    "nudge.small_talk.greeting": {
        "en": 'Hi! I\'m Coach. Type a question here or press "I need help", and a named person answers.',
        "ja": "こんにちは、Coach です。質問をここに書くか「助けてほしい」を押してください。担当者が回答します。",
    },
    "nudge.kind.help_routed": {"en": "help question for you", "ja": "あなた宛ての質問"},
    "nudge.kind.help_asker": {"en": "news on your help question", "ja": "あなたの質問の状況"},
    "nudge.kind.admin_post": {"en": "admin channel post", "ja": "管理チャンネルへの投稿"},
    "nudge.kind.confirm_ask": {"en": "help contact check", "ja": "問い合わせ窓口の確認"},
    "nudge.kind.cheer": {"en": "celebration from your ambassador", "ja": "アンバサダーからのお祝い"},
    "nudge.kind.reply": {"en": "reply to your click", "ja": "操作への返信"},
}
