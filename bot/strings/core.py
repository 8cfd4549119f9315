"""Interface wording shared by the Home tab, self-reports, confirmations and snooze (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "home.title": {"en": "Your Slack journey", "ja": "あなたの Slack ジャーニー"},
    "home.greeting": {"en": "Hi {name}! Here is where you are.", "ja": "{name} さん、現在の状況です。"},
    "home.stage": {
        "en": "*Stage {number} of {total}:* {title}",
        "ja": "*ステージ {number} / {total}:* {title}",
    },
    "home.phase": {
        "en": "*{wave}* — now: *{phase}*",
        "ja": "*{wave}* — いまの段階: *{phase}*",
    },
    "home.phase.unfreeze": {"en": "why we are changing", "ja": "変える理由を知る"},
    "home.phase.change": {"en": "trying it, one step at a time", "ja": "一歩ずつ試す"},
    "home.phase.refreeze": {"en": "making it a habit", "ja": "習慣にする"},
    "home.phase.feedback": {"en": "tell us how it went", "ja": "ふりかえり（ご意見をお聞かせください）"},
    "home.phase.paused": {
        "en": "paused for now; Coach's next steps and tips wait until it resumes",
        "ja": "一時停止中です。次のステップやヒントは再開まで届きません",
    },
    "home.not_started": {
        "en": "You have not started yet: your first step is below.",
        "ja": "まだ始まっていません。最初のステップは下にあります。",
    },
    "home.all_done": {
        "en": ":tada: You have completed every stage. Thank you for leading the way!",
        "ja": ":tada: すべてのステージを完了しました。周りの人のお手本になってくれてありがとう！",
    },
    "home.next": {"en": "*Next:* {title}", "ja": "*次のステップ:* {title}"},
    "home.why": {"en": "*Why it matters:* {text}", "ja": "*なぜ大切か:* {text}"},
    "home.how": {"en": "*How:* {text}", "ja": "*やり方:* {text}"},
    "home.checklist": {"en": "Your checklist", "ja": "チェックリスト"},
    "home.optional": {"en": "Optional steps", "ja": "任意のステップ"},
    "home.pending": {"en": "waiting for confirmation", "ja": "確認待ち"},
    "home.did_it": {"en": "I did it", "ja": "やりました"},
    "home.need_help": {"en": "I need help", "ja": "助けてほしい"},
    "home.snooze": {"en": "Snooze a week", "ja": "1週間お休み"},
    "home.snoozed": {"en": "Coach is snoozed until {until}.", "ja": "{until} まで Coach はお休み中です。"},
    "home.what_you_know": {"en": "What does Coach know about me?", "ja": "Coach は私の何を知っている？"},
    "home.footer": {
        "en": "Coach keeps counts and completions only, never the text of your channel messages.",
        "ja": "Coach が記録するのは回数と達成状況だけで、チャンネルのメッセージ本文は保存しません。",
    },
    "report.completed": {
        "en": ":white_check_mark: Thanks! *{title}* is ticked off.",
        "ja": ":white_check_mark: ありがとう！ *{title}* を完了にしました。",
    },
    "report.pending": {
        "en": ":hourglass: Thanks! I asked {who} to confirm *{title}*.",
        "ja": ":hourglass: ありがとう！ *{title}* の確認を {who} にお願いしました。",
    },
    "report.pending_nobody": {
        "en": ":hourglass: Thanks! *{title}* waits for your department's ambassador to confirm it.",
        "ja": ":hourglass: ありがとう！ *{title}* は部門のアンバサダーの確認待ちです。",
    },
    "report.not_verified": {
        "en": "I could not see that yet: *{title}*. {how}",
        "ja": "まだ確認できませんでした: *{title}*。{how}",
    },
    "report.watching": {
        "en": "No need to report *{title}*: I tick it off by myself when I see it happen "
        "(I only see channels I am a member of).",
        "ja": "*{title}* は報告不要です。実際に行うと自動でチェックされます（Coach が参加しているチャンネルのみ）。",
    },
    "report.already_done": {"en": "*{title}* is already done. :tada:", "ja": "*{title}* は完了済みです。:tada:"},
    "report.unknown": {
        "en": "That step is not in the current playbook any more.",
        "ja": "そのステップは現在のプレイブックにありません。",
    },
    "confirm.ask": {
        "en": "<@{user}> says they did *{title}*. Can you confirm?",
        "ja": "<@{user}> さんが *{title}* を実施したと報告しています。確認できますか？",
    },
    "confirm.button": {"en": "Confirm", "ja": "確認する"},
    "confirm.done": {
        "en": ":white_check_mark: Confirmed *{title}* for <@{user}>.",
        "ja": ":white_check_mark: <@{user}> さんの *{title}* を確認しました。",
    },
    "confirm.refused": {
        "en": "Only an ambassador of <@{user}>'s department or an admin can confirm this.",
        "ja": "確認できるのは <@{user}> さんの部門のアンバサダーまたは管理者だけです。",
    },
    "snooze.done": {
        "en": ":zzz: Coach will stay quiet until {until}.",
        "ja": ":zzz: {until} まで Coach はお休みします。",
    },
}
