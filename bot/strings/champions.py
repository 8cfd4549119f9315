"""Wording of the champions network (seed 001): `/coach champions`, the invitation DM, the tip modal, digest stories."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "champions.title": {
        "en": "Champions: power users of {departments}",
        "ja": "チャンピオン候補: {departments} のパワーユーザー",
    },
    "champions.intro": {
        "en": "Power users are active on at least {days} of the last {window} days with at least {actions} actions. "
        "Invite them to {channel} to share what works.",
        "ja": "パワーユーザーは、直近 {window} 日のうち {days} 日以上活動し、{actions} 回以上操作した人です。"
        "{channel} に招待して、うまくいったことを共有してもらいましょう。",
    },
    "champions.none": {
        "en": "Nobody in {departments} meets the power-user rule yet ({days}+ active days and {actions}+ actions "
        "in {window} days).",
        "ja": "{departments} にはまだパワーユーザーの条件（{window} 日間で {days} 日以上の活動と"
        " {actions} 回以上の操作）を満たす人がいません。",
    },
    "champions.row": {
        "en": "<@{user}> · {department} · {days} active days, {actions} actions · {state}",
        "ja": "<@{user}> · {department} · 活動 {days} 日、操作 {actions} 回 · {state}",
    },
    "champions.state.none": {"en": "not invited yet", "ja": "未招待"},
    "champions.state.invited": {"en": "invited, waiting for an answer", "ja": "招待済み（返事待ち）"},
    "champions.state.accepted": {"en": ":trophy: champion", "ja": ":trophy: チャンピオン"},
    "champions.state.declined": {"en": "declined", "ja": "辞退"},
    "champions.state.wait": {
        "en": "declined; you may invite again from {date}",
        "ja": "辞退（{date} から再招待できます）",
    },
    "champions.invite": {"en": "Invite", "ja": "招待する"},
    "champions.more": {"en": "…and {count} more", "ja": "…ほか {count} 人"},
    "champions.outcome.sent": {
        "en": "Invitation sent to <@{user}>: they can accept or decline in their DM with Coach.",
        "ja": "<@{user}> さんに招待を送りました。Coach との DM で参加するか選べます。",
    },
    "champions.outcome.queued": {
        "en": "Invitation for <@{user}> is queued: Coach sends it in their working hours.",
        "ja": "<@{user}> さんへの招待を予約しました。相手の勤務時間内に届きます。",
    },
    "champions.outcome.already_invited": {
        "en": "<@{user}> is already invited and has not answered yet.",
        "ja": "<@{user}> さんはすでに招待済みで、まだ返事がありません。",
    },
    "champions.outcome.already_champion": {
        "en": "<@{user}> is already a champion.",
        "ja": "<@{user}> さんはすでにチャンピオンです。",
    },
    "champions.outcome.declined_recently": {
        "en": "<@{user}> declined recently; Coach will not ask them again for {days} days after their answer.",
        "ja": "<@{user}> さんは最近辞退しました。返事から {days} 日間は再び招待しません。",
    },
    "champions.outcome.not_power_user": {
        "en": "<@{user}> does not meet the power-user rule right now, so Coach did not invite them.",
        "ja": "<@{user}> さんは現在パワーユーザーの条件を満たしていないため、招待しませんでした。",
    },
    "champions.outcome.not_yours": {
        "en": "You can invite people of your own department(s) only.",
        "ja": "招待できるのは担当部署の人だけです。",
    },
    "champions.outcome.failed": {
        "en": "Slack did not deliver the invitation to <@{user}> ({code}).",
        "ja": "<@{user}> さんへの招待を Slack が届けられませんでした（{code}）。",
    },
    "champions.dm": {
        "en": ":trophy: <@{ambassador}> invites you to the champions network in {channel}: people who use Slack a lot "
        "and share what works for them. You are one of the most active people in {department}. Will you join?",
        "ja": ":trophy: <@{ambassador}> さんから、{channel} のチャンピオンネットワークへの招待です。Slack をよく使い、"
        "うまくいったことを共有する人たちの集まりです。あなたは {department} で特に活発な一人です。参加しますか？",
    },
    "champions.accept": {"en": "Accept", "ja": "参加する"},
    "champions.decline": {"en": "Decline", "ja": "辞退する"},
    "champions.accepted": {
        "en": ":tada: Welcome, champion! You are now in {channel}. Share a tip that helped you: it goes to the "
        "weekly digest of your ambassador, sponsor and admins.",
        "ja": ":tada: ようこそ、チャンピオン！{channel} に参加しました。役に立ったコツを共有してください。"
        "アンバサダー・スポンサー・管理者の週次ダイジェストに載ります。",
    },
    "champions.accepted_no_channel": {
        "en": ":tada: Welcome, champion! Coach could not add you to {channel} ({code}); your ambassador can add you. "
        "Meanwhile, share a tip that helped you.",
        "ja": ":tada: ようこそ、チャンピオン！{channel} に追加できませんでした（{code}）。"
        "アンバサダーに追加してもらってください。その間に、役に立ったコツを共有できます。",
    },
    "champions.declined": {
        "en": "No problem, thanks for telling us. Coach will not ask again for a while.",
        "ja": "承知しました。お知らせありがとうございます。しばらくは再びお誘いしません。",
    },
    "champions.already": {
        "en": "You already answered this invitation ({state}).",
        "ja": "この招待にはすでに回答済みです（{state}）。",
    },
    "champions.not_yours": {
        "en": "This invitation is not for you.",
        "ja": "この招待はあなた宛てではありません。",
    },
    "champions.share_tip": {"en": "Share a tip", "ja": "コツを共有する"},
    "champions.tip.title": {"en": "Share a tip", "ja": "コツを共有"},
    "champions.tip.label": {"en": "What works for you in Slack?", "ja": "Slack でうまくいっていることは？"},
    "champions.tip.hint": {
        "en": "A sentence or two, e.g. a channel, a shortcut or a workflow. Shown in the weekly digests; the text is "
        "cleared after {days} days.",
        "ja": "一、二文で（チャンネル、ショートカット、ワークフローなど）。週次ダイジェストに載り、"
        "{days} 日後に消去されます。",
    },
    "champions.tip.submit": {"en": "Share", "ja": "共有する"},
    "champions.tip.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "champions.tip.empty": {"en": "Write your tip first.", "ja": "コツを入力してください。"},
    "champions.tip.thanks": {
        "en": "Thank you! Your tip is in this week's digest.",
        "ja": "ありがとうございます！今週のダイジェストに載ります。",
    },
    "champions.tip.not_champion": {
        "en": "Tips are shared by champions; accept an invitation from your ambassador first.",
        "ja": "コツの共有はチャンピオン向けです。まずアンバサダーからの招待を受けてください。",
    },
    "champions.digest.stories": {"en": "*Success stories:*", "ja": "*サクセスストーリー:*"},
    "champions.digest.tip": {"en": "• <@{user}>'s tip: “{text}”", "ja": "• <@{user}> さんのコツ:「{text}」"},
    "champions.digest.celebration": {
        "en": "• <@{author}> celebrated <@{user}>: “{text}”",
        "ja": "• <@{author}> さんが <@{user}> さんをたたえました:「{text}」",
    },
    "champions.digest.celebration_plain": {
        "en": "• <@{author}> celebrated <@{user}>",
        "ja": "• <@{author}> さんが <@{user}> さんをたたえました",
    },
    "champions.digest.story": {"en": "• <@{user}>: “{text}”", "ja": "• <@{user}> さん:「{text}」"},
    "champions.digest.cleared": {"en": "(text cleared)", "ja": "（本文は消去済み）"},
}
