"""Wording of the ambassador and employee `/coach` answers, status, stuck lists and digests (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ambassador.stuck.fallback": {
        "en": "{count} people stuck for {days}+ days in {where}",
        "ja": "{where}で {days} 日以上止まっている人が {count} 人",
    },
    "ambassador.status.title": {"en": "{department}: this week", "ja": "{department}: 今週の状況"},
    "ambassador.status.numbers": {
        "en": "*Enrolled* {enrolled}{enrolled_trend}   *Active (7 days)* {active}{active_trend}   "
        "*Open questions* {open_help}{help_trend}",
        "ja": "*対象者* {enrolled}{enrolled_trend}   *アクティブ (7日)* {active}{active_trend}   "
        "*未解決の質問* {open_help}{help_trend}",
    },
    "ambassador.status.stages": {"en": "*Where people are*", "ja": "*ステージ別の人数*"},
    "ambassador.status.not_started": {"en": "Not started", "ja": "未開始"},
    "ambassador.status.ignition": {
        "en": "*Ignition* (active at stage 2+, line at 20%)",
        "ja": "*点火率* (ステージ2以上で活動中、目標線 20%)",
    },
    "ambassador.status.ignited": {
        "en": ":fire: Past the 20% line: the majority tends to follow now. Keep celebrating.",
        "ja": ":fire: 20% の線を超えました。ここから多数派が続きます。成功を共有し続けましょう。",
    },
    "ambassador.status.to_ignite": {
        "en": ":seedling: {needed} more people active at stage 2+ reach the 20% line.",
        "ja": ":seedling: あと {needed} 人がステージ2以上で活動すると 20% の線に届きます。",
    },
    "ambassador.status.empty": {
        "en": "Nobody in {department} is enrolled yet.",
        "ja": "{department} にはまだ対象者がいません。",
    },
    "ambassador.status.trend": {"en": "Trend: compared with 7 days ago.", "ja": "矢印は 7 日前との比較です。"},
    "ambassador.status.more": {
        "en": "Showing {shown} of {total} departments.",
        "ja": "{total} 部署のうち {shown} 部署を表示しています。",
    },
    "ambassador.scope.not_yours": {
        "en": ":lock: You steer {own}; `{wanted}` is not one of your departments.",
        "ja": ":lock: あなたの担当は {own} です。`{wanted}` は担当部署ではありません。",
    },
    "ambassador.scope.unknown": {
        "en": "No department called `{wanted}`. Known departments: {choices}",
        "ja": "`{wanted}` という部署はありません。部署: {choices}",
    },
    "ambassador.scope.choose": {
        "en": "Which department? Add its name, e.g. `/coach {command} <department>`. {choices}",
        "ja": "どの部署ですか？ `/coach {command} <部署名>` のように指定してください。{choices}",
    },
    "ambassador.scope.none": {"en": "nobody yet", "ja": "なし"},
    "ambassador.stuck.title": {"en": "Who needs a hand", "ja": "手助けが必要な人"},
    "ambassador.stuck.intro": {
        "en": "No progress and no activity for {days} days in {departments}. Nudges follow Coach's cadence rules.",
        "ja": "{departments} で {days} 日間、進捗も活動もない人です。ナッジは Coach の配信ルールに従います。",
    },
    "ambassador.stuck.none": {
        "en": ":white_check_mark: Nobody in {departments} has been stuck for {days} days.",
        "ja": ":white_check_mark: {departments} で {days} 日以上止まっている人はいません。",
    },
    "ambassador.stuck.row": {"en": "<@{user}> · {stage} · {last}", "ja": "<@{user}> · {stage} · {last}"},
    "ambassador.stuck.never": {"en": "no activity seen yet", "ja": "まだ活動なし"},
    "ambassador.stuck.last": {"en": "last active {days} days ago", "ja": "最終活動 {days} 日前"},
    "ambassador.stuck.nudge": {"en": "Nudge", "ja": "声をかける"},
    "ambassador.stuck.nudge_all": {"en": "Nudge all {count}", "ja": "{count} 人全員に声をかける"},
    "ambassador.stuck.confirm_title": {"en": "Nudge everyone?", "ja": "全員に送りますか？"},
    "ambassador.stuck.confirm_text": {
        "en": "Coach sends each of the {count} people a personal nudge, within their weekly budget.",
        "ja": "{count} 人それぞれに、週の上限の範囲で個別のナッジを送ります。",
    },
    "ambassador.stuck.confirm_yes": {"en": "Nudge them", "ja": "送る"},
    "ambassador.stuck.confirm_no": {"en": "Cancel", "ja": "キャンセル"},
    "ambassador.list.more": {"en": "…and {count} more.", "ja": "…ほか {count} 件。"},
    "ambassador.nudge.queued": {
        "en": ":incoming_envelope: Nudge on its way to {names}.",
        "ja": ":incoming_envelope: {names} にナッジを送ります。",
    },
    "ambassador.nudge.later": {
        "en": ":hourglass: Queued for later: {names}",
        "ja": ":hourglass: 後で届きます: {names}",
    },
    "ambassador.nudge.skipped": {
        "en": ":no_entry_sign: Skipped: {names}",
        "ja": ":no_entry_sign: 送りませんでした: {names}",
    },
    "ambassador.nudge.nobody": {
        "en": "Whom should I nudge? `/coach nudge @person [your words]` or `/coach nudge stuck`.",
        "ja": "誰に送りますか？ `/coach nudge @相手 [メッセージ]` または `/coach nudge stuck`。",
    },
    "ambassador.celebrate.dm": {
        "en": ":tada: <@{sender}> wants to celebrate your progress{stage}!",
        "ja": ":tada: <@{sender}> さんがあなたの進歩をたたえています{stage}！",
    },
    "ambassador.celebrate.stage": {"en": " (stage {stage}: {title})", "ja": "（ステージ {stage}: {title}）"},
    "ambassador.celebrate.public": {
        "en": ":tada: Shout-out to {names} from <@{sender}>!",
        "ja": ":tada: <@{sender}> さんから {names} へ拍手！",
    },
    "ambassador.celebrate.sent": {"en": ":tada: Celebrated {names}.", "ja": ":tada: {names} をたたえました。"},
    "ambassador.celebrate.queued": {
        "en": ":hourglass: {names} will get it in their working hours (at most one celebration an hour).",
        "ja": ":hourglass: {names} には勤務時間内に届きます（お祝いは1時間に1回まで）。",
    },
    "ambassador.celebrate.nobody": {
        "en": "Whom should I celebrate? `/coach celebrate @person [public] [message]`.",
        "ja": "誰をたたえますか？ `/coach celebrate @相手 [public] [メッセージ]`。",
    },
    "ambassador.questions.title": {"en": "Open questions ({total})", "ja": "未解決の質問 ({total})"},
    "ambassador.questions.none": {
        "en": ":white_check_mark: No open questions in {departments}.",
        "ja": ":white_check_mark: {departments} に未解決の質問はありません。",
    },
    "ambassador.questions.row": {
        "en": "*#{id}* · <@{asker}> · {topic} · {age} · with {owner}\n>{question}",
        "ja": "*#{id}* · <@{asker}> · {topic} · {age} · 担当 {owner}\n>{question}",
    },
    "ambassador.questions.take": {"en": "Take it", "ja": "引き受ける"},
    "ambassador.age.days": {"en": "{days} d ago", "ja": "{days} 日前"},
    "ambassador.age.hours": {"en": "{hours} h ago", "ja": "{hours} 時間前"},
    "ambassador.confirm.confirmed": {
        "en": ":white_check_mark: Confirmed *{use_case}* for {name}.",
        "ja": ":white_check_mark: {name} さんの「{use_case}」を確認しました。",
    },
    "ambassador.confirm.stage": {"en": " They reached stage {stage}.", "ja": " ステージ {stage} に到達しました。"},
    "ambassador.confirm.already_done": {
        "en": "*{use_case}* is already done for {name}.",
        "ja": "{name} さんの「{use_case}」はすでに完了しています。",
    },
    "ambassador.confirm.not_pending": {
        "en": '{name} has not reported *{use_case}* yet; they press "I did it" first.',
        "ja": "{name} さんはまだ「{use_case}」を報告していません。先に「やりました」を押してもらってください。",
    },
    "ambassador.confirm.unknown_use_case": {
        "en": "Which use case? `/coach confirm @person <use case>`.{pending}",
        "ja": "どのユースケースですか？ `/coach confirm @相手 <ユースケース>`。{pending}",
    },
    "ambassador.confirm.pending": {"en": " Waiting for confirmation: {items}", "ja": " 確認待ち: {items}"},
    "ambassador.confirm.unknown_person": {
        "en": "I don't know that person yet.",
        "ja": "その人はまだ Coach に登録されていません。",
    },
    "ambassador.confirm.nobody": {
        "en": "Whose use case? `/coach confirm @person <use case>`.",
        "ja": "誰のユースケースですか？ `/coach confirm @相手 <ユースケース>`。",
    },
    "ambassador.reason.unknown": {"en": "not known to Coach yet", "ja": "Coach に未登録"},
    "ambassador.reason.not_in_department": {"en": "not in your department", "ja": "担当部署の人ではありません"},
    "ambassador.reason.deactivated": {"en": "deactivated", "ja": "無効化されたアカウント"},
    "ambassador.reason.opted_out": {"en": "turned these messages off", "ja": "このメッセージを停止中"},
    "ambassador.reason.budget_zero": {"en": "nudges are paused for everyone", "ja": "ナッジは全体で停止中"},
    "ambassador.reason.already_queued": {"en": "already nudged today", "ja": "今日はすでに送信済み"},
    "ambassador.reason.snoozed": {"en": "snoozed", "ja": "お休み中"},
    "ambassador.reason.dnd": {"en": "do not disturb", "ja": "おやすみモード"},
    "ambassador.reason.budget": {"en": "weekly limit reached", "ja": "週の上限に到達"},
    "ambassador.reason.min_gap": {"en": "had a message recently", "ja": "最近メッセージを受け取ったばかり"},
    "ambassador.reason.backoff": {"en": "has not answered recent nudges", "ja": "最近のナッジに未反応"},
    "ambassador.reason.holiday": {"en": "holiday", "ja": "休日"},
    "ambassador.reason.weekend": {"en": "weekend", "ja": "週末"},
    "ambassador.reason.off_hours": {"en": "outside working hours", "ja": "勤務時間外"},
    "ambassador.me.title": {"en": "Your Slack journey", "ja": "あなたの Slack ジャーニー"},
    "ambassador.me.stage": {"en": "*Stage {stage} of {total}:* {title}", "ja": "*ステージ {stage} / {total}:* {title}"},
    "ambassador.me.not_started": {
        "en": "You have not completed a stage yet.",
        "ja": "まだステージを完了していません。",
    },
    "ambassador.me.done": {"en": "*Done:* {items}", "ja": "*完了:* {items}"},
    "ambassador.me.pending": {"en": "*Waiting for confirmation:* {items}", "ja": "*確認待ち:* {items}"},
    "ambassador.me.next": {"en": "*Next:* {title}\n{how}", "ja": "*次のステップ:* {title}\n{how}"},
    "ambassador.me.all_done": {
        "en": ":tada: You have done every use case. Thank you!",
        "ja": ":tada: すべて完了しました。ありがとう！",
    },
    "ambassador.me.snoozed": {"en": "Coach is snoozed until {until}.", "ja": "{until} まで Coach はお休み中です。"},
    "ambassador.me.stopped": {
        "en": "Coaching messages are off (`/coach start` turns them on).",
        "ja": "コーチングメッセージは停止中です（`/coach start` で再開）。",
    },
    "ambassador.me.unknown": {
        "en": "Coach has not met you yet: open Coach's Home tab to start.",
        "ja": "まだ Coach に登録されていません。Coach のホームタブを開いて始めましょう。",
    },
    "ambassador.snooze.on": {
        "en": ":zzz: Coach is snoozed until {until}. `/coach snooze off` wakes it.",
        "ja": ":zzz: {until} まで Coach はお休みします。`/coach snooze off` で再開します。",
    },
    "ambassador.snooze.off": {"en": ":wave: Snooze lifted: Coach is back.", "ja": ":wave: お休みを解除しました。"},
    "ambassador.snooze.usage": {
        "en": "Use `/coach snooze [days 1-90]` or `/coach snooze off`.",
        "ja": "`/coach snooze [日数 1〜90]` または `/coach snooze off` を使ってください。",
    },
    "ambassador.stop.on": {
        "en": ":mute: Coaching messages are off. Replies to your own questions and celebrations still arrive. "
        "`/coach start` turns them back on.",
        "ja": ":mute: コーチングメッセージを停止しました。ご自身の質問への返信とお祝いは届きます。"
        "`/coach start` で再開します。",
    },
    "ambassador.stop.off": {
        "en": ":loud_sound: Coaching messages are on again.",
        "ja": ":loud_sound: コーチングメッセージを再開しました。",
    },
    "ambassador.digest.title": {"en": "Your week as ambassador", "ja": "アンバサダー週次ダイジェスト"},
    "ambassador.digest.admin_title": {"en": "Adoption this week, all departments", "ja": "今週の定着状況 (全部署)"},
    "ambassador.digest.moved": {
        "en": ":arrow_up: Moved up this week: {names}",
        "ja": ":arrow_up: 今週ステージが上がった人: {names}",
    },
    "ambassador.digest.no_moves": {
        "en": ":arrow_up: Nobody moved up a stage this week.",
        "ja": ":arrow_up: 今週ステージが上がった人はいません。",
    },
    "ambassador.digest.stuck": {
        "en": ":raised_hand: Could use a hand: {names}",
        "ja": ":raised_hand: 手助けが必要かも: {names}",
    },
    "ambassador.digest.questions": {
        "en": ":question: Open questions: {count} (`/coach questions`)",
        "ja": ":question: 未解決の質問: {count} 件（`/coach questions`）",
    },
    "ambassador.digest.footer": {
        "en": "`/coach status`, `/coach stuck` and `/coach questions` show the details.",
        "ja": "詳しくは `/coach status`、`/coach stuck`、`/coach questions` で確認できます。",
    },
}
