"""Help routing wording (en/ja): the ask modal, question cards, asker updates, FAQ, admin posts, refusals."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "help.modal.title": {"en": "Ask for help", "ja": "質問する"},
    "help.modal.submit": {"en": "Send", "ja": "送信"},
    "help.modal.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "help.modal.intro": {
        "en": "Tell us what you are stuck on. A named person will answer, and you will know who and by when.",
        "ja": "困っていることを教えてください。担当者が回答し、誰がいつまでに答えるかをお知らせします。",
    },
    "help.modal.topic": {"en": "Topic", "ja": "トピック"},
    "help.modal.question": {"en": "Your question", "ja": "質問内容"},
    "help.modal.question_hint": {
        "en": "Add any detail that helps: what you tried, what you expected.",
        "ja": "試したことや期待した結果など、役立つ情報を書き添えてください。",
    },
    "help.modal.pick_topic": {"en": "Please pick a topic.", "ja": "トピックを選んでください。"},
    "help.command.routed": {
        "en": "Got it. I sent your question to a person; updates come in your DM with me.",
        "ja": "承知しました。質問を担当者に送りました。進捗は私とのDMでお知らせします。",
    },
    "help.handover.title": {"en": "Hand over", "ja": "引き継ぐ"},
    "help.handover.submit": {"en": "Hand over", "ja": "引き継ぐ"},
    "help.handover.to": {"en": "Who should take it?", "ja": "誰に引き継ぎますか？"},
    "help.handover.note": {"en": "Note for them", "ja": "引き継ぎメモ"},
    "help.handover.pick": {"en": "Please choose a person.", "ja": "引き継ぐ相手を選んでください。"},
    "help.handover.self": {
        "en": "Please choose someone other than yourself.",
        "ja": "ご自身以外の人を選んでください。",
    },
    "help.handover.gone": {
        "en": "That person's account is deactivated; please choose someone else.",
        "ja": "その方のアカウントは無効になっています。別の人を選んでください。",
    },
    "help.card.header": {"en": "Help request #{id}: {topic}", "ja": "質問 #{id}: {topic}"},
    "help.card.from": {"en": "From {asker}", "ja": "質問者: {asker}"},
    "help.card.department": {"en": "Department: {department}", "ja": "部署: {department}"},
    "help.card.stage": {"en": "Stage: {stage}", "ja": "ステージ: {stage}"},
    "help.card.due_first": {"en": "Please respond by {due}", "ja": "{due} までに対応してください"},
    "help.card.due_resolve": {"en": "Please resolve by {due}", "ja": "{due} までに解決してください"},
    "help.card.note": {"en": "Note: {note}", "ja": "メモ: {note}"},
    "help.card.thread": {
        "en": "Reply in this thread to talk with {asker}; I pass messages both ways.",
        "ja": "このスレッドに返信すると {asker} さんに届きます（双方向に転送します）。",
    },
    "help.card.take": {"en": "Take it", "ja": "対応します"},
    "help.card.answered": {"en": "Answered", "ja": "回答済み"},
    "help.card.hand_over": {"en": "Hand over", "ja": "引き継ぐ"},
    "help.card.state.taken": {"en": ":raising_hand: Taken by {owner}", "ja": ":raising_hand: {owner} が対応中"},
    "help.card.state.answered": {
        "en": ":white_check_mark: Answered by {owner}; waiting for the asker to confirm",
        "ja": ":white_check_mark: {owner} が回答済み（質問者の確認待ち）",
    },
    "help.card.state.closed": {"en": ":lock: Closed", "ja": ":lock: 完了"},
    "help.card.state.moved": {
        "en": ":arrow_right: This question is now with {owner}. Thank you!",
        "ja": ":arrow_right: この質問は {owner} に移りました。ありがとうございました！",
    },
    "help.card.history": {"en": "History so far:", "ja": "これまでの経過:"},
    "help.asker.routed": {
        "en": "Thanks! Your question about *{topic}* is with {owner}. Expect an answer by {due}.",
        "ja": "ありがとうございます。「{topic}」についての質問は {owner} が担当します。{due} までに回答の予定です。",
    },
    "help.asker.routed_channel": {
        "en": "Thanks! Your question about *{topic}* went to the help team ({owner}). Expect an answer by {due}.",
        "ja": (
            "ありがとうございます。「{topic}」についての質問はヘルプチーム（{owner}）に届きました。"
            "{due} までに回答の予定です。"
        ),
    },
    "help.asker.thread": {
        "en": "Reply in this thread to add detail; I pass it on to whoever has your question.",
        "ja": "このスレッドに返信すると、担当者に転送します。",
    },
    "help.asker.taken": {
        "en": "{owner} is on your question now. Expect it resolved by {due}.",
        "ja": "{owner} があなたの質問に対応中です。{due} までに解決の予定です。",
    },
    "help.asker.handed_over": {
        "en": "Your question was handed over to {owner}. Expect an answer by {due}.",
        "ja": "あなたの質問は {owner} に引き継がれました。{due} までに回答の予定です。",
    },
    "help.asker.escalated": {
        "en": "No answer yet, so I passed your question to {owner}. Expect an answer by {due}.",
        "ja": "まだ回答がないため、質問を {owner} に回しました。{due} までに回答の予定です。",
    },
    "help.asker.rerouted": {
        "en": (
            "I could not reach the first contact in Slack, so {owner} has your question now. Expect an answer by {due}."
        ),
        "ja": "最初の担当者に Slack で連絡できなかったため、質問は {owner} が担当します。{due} までに回答の予定です。",
    },
    "help.asker.reopened": {
        "en": "Sorry it is not solved yet. {owner} has your question now. Expect an answer by {due}.",
        "ja": "まだ解決していないとのこと、申し訳ありません。{owner} が引き継ぎました。{due} までに回答の予定です。",
    },
    "help.asker.auto_closed": {
        "en": 'I closed your question as solved since I did not hear back. Press "I need help" any time.',
        "ja": (
            "返信がなかったため、質問を解決済みとして閉じました。困ったときはいつでも「助けてほしい」を押してください。"
        ),
    },
    "help.asker.answered": {
        "en": "{owner} answered your question. Did it help?",
        "ja": "{owner} があなたの質問に回答しました。解決しましたか？",
    },
    "help.asker.solved": {"en": "Solved", "ja": "解決しました"},
    "help.asker.still_stuck": {"en": "Still stuck", "ja": "まだ困っています"},
    "help.asker.rate": {
        "en": "Glad it is solved! How helpful was the answer? (1 = not at all, 5 = very)",
        "ja": "解決してよかったです。回答はどのくらい役に立ちましたか？（1＝まったく、5＝とても）",
    },
    "help.asker.rated": {
        "en": "Thanks for rating the help {score}/5.",
        "ja": "評価 {score}/5 をありがとうございました。",
    },
    "help.faq.intro": {
        "en": "These answers might solve it right away:",
        "ja": "こちらの回答で解決するかもしれません:",
    },
    "help.faq.solved": {"en": "This solved it", "ja": "解決しました"},
    "help.faq.need_person": {"en": "I still need a person", "ja": "担当者に聞きたい"},
    "help.faq.glad": {
        "en": 'Great, glad that solved it! Press "I need help" any time.',
        "ja": "解決してよかったです！困ったときはいつでも「助けてほしい」を押してください。",
    },
    "help.owner.moved_away": {
        "en": "Help request #{id} moved to someone else ({note}). No action needed from you.",
        "ja": "質問 #{id} は別の担当者に移りました（{note}）。対応は不要です。",
    },
    "help.owner.solved": {
        "en": "Help request #{id}: the asker confirmed it is solved. Thank you!",
        "ja": "質問 #{id}: 質問者が解決を確認しました。ありがとうございました！",
    },
    "help.owner.reminder": {
        "en": ":alarm_clock: Reminder: help request #{id} from {asker} is due {due}.",
        "ja": ":alarm_clock: リマインダー: {asker} さんからの質問 #{id} の期限は {due} です。",
    },
    "help.owner.overdue": {
        "en": ":warning: Help request #{id} from {asker} is overdue; please answer or hand it over (next: {due}).",
        "ja": (
            ":warning: {asker} さんからの質問 #{id} が期限切れです。回答するか引き継いでください（次の期限: {due}）。"
        ),
    },
    "help.refuse.not_owner": {
        "en": "Thanks for offering! Help request #{id} is with {owner} now, so only they can act on it.",
        "ja": "ありがとうございます！質問 #{id} は現在 {owner} が担当しているため、操作できるのは担当者だけです。",
    },
    "help.refuse.unknown": {
        "en": "I could not find that help request; it may have been removed.",
        "ja": "その質問が見つかりませんでした。削除された可能性があります。",
    },
    "help.refuse.not_asker": {
        "en": "Only the person who asked can do this.",
        "ja": "これは質問した本人だけが操作できます。",
    },
    "help.refuse.already_routed": {
        "en": "Your question #{id} is already with a person.",
        "ja": "質問 #{id} はすでに担当者に届いています。",
    },
    "help.refuse.busy": {
        "en": "Something went wrong on my side; your question is saved. Please try again in a minute.",
        "ja": "こちらで問題が起きました。質問は保存されています。少し待ってからもう一度お試しください。",
    },
    "help.evergreen.ask": {
        "en": "You are listed as a help contact for: {topics}. Are you still the right person?",
        "ja": "あなたは次のヘルプ窓口として登録されています: {topics}。今も担当で間違いありませんか？",
    },
    "help.evergreen.still_me": {"en": "Yes, still me", "ja": "はい、担当です"},
    "help.evergreen.not_me": {"en": "Not me any more", "ja": "もう担当ではありません"},
    "help.evergreen.thanks": {"en": "Thanks for confirming!", "ja": "ご確認ありがとうございます！"},
    "help.evergreen.noted": {
        "en": "Thanks, I have told the admins so they can name someone else.",
        "ja": "ありがとうございます。後任を決めてもらうよう管理者に伝えました。",
    },
    # Posts in the admin help channel. Admins share one channel, so the views post them in English; the
    # Japanese is there for a Japanese-speaking admin team (every key has both languages).
    "help.admin.assigned": {
        "en": ":sos: Help request #{id} ({topic}) from {asker} needs a person. Take it or hand it over. Due {due}.",
        "ja": (
            ":sos: {asker} さんからの質問 #{id}（{topic}）の担当者が必要です。"
            "対応するか引き継いでください。期限 {due}。"
        ),
    },
    "help.admin.reminder": {
        "en": ":alarm_clock: Help request #{id} from {asker} still needs a person (due {due}).",
        "ja": ":alarm_clock: {asker} さんからの質問 #{id} はまだ担当者がいません（期限 {due}）。",
    },
    "help.admin.overdue": {
        "en": ":warning: Help request #{id} from {asker} is overdue with {owner}{note}. Next check {due}.",
        "ja": ":warning: {asker} さんからの質問 #{id} は {owner} のもとで期限切れです{note}。次の確認 {due}。",
    },
    "help.admin.taken": {
        "en": ":raising_hand: {owner} took help request #{id}.",
        "ja": ":raising_hand: {owner} が質問 #{id} を担当しました。",
    },
    "help.admin.answered": {
        "en": ":white_check_mark: {owner} answered help request #{id}.",
        "ja": ":white_check_mark: {owner} が質問 #{id} に回答しました。",
    },
    "help.admin.handed_over": {
        "en": ":arrow_right: Help request #{id} was handed over to {owner}.",
        "ja": ":arrow_right: 質問 #{id} は {owner} に引き継がれました。",
    },
    "help.admin.solved": {"en": ":tada: Help request #{id} is solved.", "ja": ":tada: 質問 #{id} は解決しました。"},
    "help.admin.flag": {
        "en": (
            ":triangular_flag_on_post: Help contact {owner} needs attention: {note}. Please update the help directory."
        ),
        "ja": (
            ":triangular_flag_on_post: ヘルプ窓口 {owner} の確認が必要です: {note}。"
            "ヘルプ窓口の一覧を更新してください。"
        ),
    },
    "help.flag_reason.deactivated": {
        "en": "their account is deactivated",
        "ja": "アカウントが無効になっています",
    },
    "help.flag_reason.unconfirmed": {
        "en": "they did not confirm within a week that they are still the right person",
        "ja": "担当の継続確認に1週間以内の返答がありませんでした",
    },
    "help.flag_reason.declined": {
        "en": "they say they are no longer the right person",
        "ja": "もう担当ではないとの返答がありました",
    },
    # The domain's refusals (bot.domain.help.state.Invalid), by reason; {verb} is what was refused.
    "help.invalid.closed": {
        "en": "This question is already closed, so there is nothing to {verb}.",
        "ja": "この質問はすでに完了しています。",
    },
    "help.invalid.answered": {
        "en": "This question has already been answered, so there is nothing to {verb}.",
        "ja": "この質問はすでに回答済みです。",
    },
    "help.invalid.asker_acts": {
        "en": "Only a person other than the asker can {verb} this question.",
        "ja": "質問者本人はこの操作を行えません。",
    },
    "help.invalid.same_person": {
        "en": "Please choose someone else to hand this question to.",
        "ja": "別の人を選んでください。",
    },
    "help.invalid.to_asker": {
        "en": "This is their own question; please choose someone who can answer it.",
        "ja": "質問者本人には引き継げません。回答できる人を選んでください。",
    },
    "help.invalid.nothing_to_confirm": {
        "en": "There is no answer waiting for your confirmation on this question.",
        "ja": "この質問には確認待ちの回答がありません。",
    },
    "help.invalid.bad_score": {"en": "Please pick a score from 1 to 5.", "ja": "1〜5 の評価を選んでください。"},
    "help.invalid.not_answered_yet": {
        "en": "You can rate the help once your question has been answered.",
        "ja": "回答があってから評価できます。",
    },
    "help.invalid.empty_question": {
        "en": "Please type your question (a sentence is enough) and I'll find the right person for it.",
        "ja": "質問を入力してください(一文で大丈夫です)。担当者におつなぎします。",
    },
}
