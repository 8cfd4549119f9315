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
        "en": "Coach forgets your progress, counters, nudges and help requests, and stops tracking you "
        "until you press Start again on its Home tab.",
        "ja": "進捗、カウンター、ナッジ、ヘルプ依頼を削除し、Home タブで「もう一度始める」を押すまで記録を止めます。",
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
        "en": "Done: everything Coach stored about you has been deleted, and Coach no longer tracks you.",
        "ja": "完了：Coach が保存していたあなたのデータをすべて削除し、記録を止めました。",
    },
    "privacy.view_journey": {
        "en": "My journey",
        "ja": "自分のジャーニー",
    },
    "privacy.view_admin": {
        "en": "Admin view",
        "ja": "管理者ビュー",
    },
    "privacy.viewing_admin": {
        "en": "You are an admin: this is the rollout. Your own ladder and your data are under *My journey*.",
        "ja": "あなたは管理者です：これは展開の画面です。自分のステップとデータは *自分のジャーニー* にあります。",
    },
    "privacy.viewing_journey": {
        "en": "This is your own journey. The rollout is under *Admin view*.",
        "ja": "これはあなた自身のジャーニーです。展開の画面は *管理者ビュー* にあります。",
    },
    "privacy.not_tracked_title": {
        "en": "Coach is not tracking you",
        "ja": "Coach はあなたを記録していません",
    },
    "privacy.not_tracked": {
        "en": "You deleted your data, so Coach stores nothing about you and does not count what you do in Slack. "
        "It keeps only a one-way code of your user id, so that it remembers not to start again on its own.",
        "ja": "データを削除したため、Coach はあなたについて何も保存せず、Slack での操作も数えていません。"
        "自動で記録を再開しないよう、ユーザー ID から作った元に戻せないコードだけを保存しています。",
    },
    "privacy.start_again": {
        "en": "Start again",
        "ja": "もう一度始める",
    },
    "privacy.start_again_hint": {
        "en": "Start again to get your journey back: Coach counts from zero.",
        "ja": "「もう一度始める」を押すとジャーニーを再開します（ゼロから数えます）。",
    },
    "privacy.not_tracked_help": {
        "en": "Coach is not tracking you, so it cannot keep a question for you. Press Start again on Coach's "
        "Home tab to use it again.",
        "ja": "Coach はあなたを記録していないため、質問を保存できません。もう一度使うには Coach の Home タブで"
        "「もう一度始める」を押してください。",
    },
    "privacy.more": {
        "en": "*Also:* {lessons} role-track lessons done, {imported} days of imported Slack analytics, "
        "Home view chosen: {view}, champions network: {champion}, success stories about you: {stories}",
        "ja": "*その他:* 役割トラックのレッスン完了 {lessons} 件、取り込んだ Slack 分析 {imported} 日分、"
        "選んだ Home の表示: {view}、チャンピオンネットワーク: {champion}、あなたのサクセスストーリー {stories} 件",
    },
    "privacy.kept_for": {
        "en": "The text of your help questions and comments is cleared {days} days after the request closes; "
        "the counts stay.",
        "ja": "ヘルプの質問やコメントの本文は、依頼が閉じてから {days} 日後に消去されます。件数は残ります。",
    },
}
