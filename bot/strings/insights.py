"""Wording of the scores (Adoption, Maturity, Sentiment, health axes, ignition, forecast, red) on every surface."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "insights.reason_separator": {"en": "; ", "ja": "、"},
    "insights.not_started": {"en": "_Not started: nobody is enrolled yet._", "ja": "_未開始：まだ対象者がいません。_"},
    "insights.adoption": {
        "en": "*Adoption* {adoption}% ({adopted}/{enrolled} active on {days}+ of the last 7 days) · "
        "daily active {daily}%",
        "ja": "*定着 (Adoption)* {adoption}%（直近7日のうち{days}日以上活動: {adopted}/{enrolled}人）・"
        "日次アクティブ {daily}%",
    },
    "insights.maturity": {
        "en": "*Maturity* {maturity}/100 (stage reached and use beyond chat, {enrolled} people)",
        "ja": "*成熟度 (Maturity)* {maturity}/100（到達ステージとチャット以外の活用、{enrolled}人）",
    },
    "insights.sentiment": {
        "en": "*Sentiment* {sentiment}/100 ({answers} answers)",
        "ja": "*満足度 (Sentiment)* {sentiment}/100（回答 {answers} 件）",
    },
    "insights.sentiment_few": {
        "en": "*Sentiment* – ({answers} answers; a score needs {min} or more)",
        "ja": "*満足度 (Sentiment)* –（回答 {answers} 件。{min} 件以上で表示します）",
    },
    "insights.sentiment_small": {
        "en": "*Sentiment* – (not shown for groups of fewer than {min} people)",
        "ja": "*満足度 (Sentiment)* –（{min}人未満のグループには表示しません）",
    },
    "insights.axes": {
        "en": "*Health* Usage {usage}% · Messaging {messaging}% · Platform {platform}% · "
        "Power users {power}% ({power_users})",
        "ja": "*ヘルス* 利用 {usage}%・メッセージ {messaging}%・プラットフォーム {platform}%・"
        "パワーユーザー {power}%（{power_users}人）",
    },
    "insights.ignition": {
        "en": "*Ignition* {ignition}% ({ignited}/{enrolled} active at stage 2+, line 20%) · {forecast}",
        "ja": "*点火率* {ignition}%（ステージ2以上で活動中 {ignited}/{enrolled}人、目標線 20%）・{forecast}",
    },
    "insights.forecast.reached": {"en": "line reached", "ja": "目標線に到達"},
    "insights.forecast.week": {
        "en": "at this pace crosses 20% in the week of {week}",
        "ja": "このペースなら {week} の週に 20% を超えます",
    },
    "insights.forecast.not_at_pace": {
        "en": "not at this pace (within the wave)",
        "ja": "このペースでは（ウェーブ中に）届きません",
    },
    "insights.forecast.no_history": {
        "en": "forecast after a week of snapshots",
        "ja": "予測は1週間分の記録がたまってから",
    },
    "insights.forecast.not_started": {"en": "not started", "ja": "未開始"},
    "insights.red": {"en": ":red_circle: *Red*: {reasons}", "ja": ":red_circle: *要注意*：{reasons}"},
    "insights.green": {"en": ":large_green_circle: On track", "ja": ":large_green_circle: 順調"},
    "insights.reason.adoption": {
        "en": "Adoption {adoption}% < {line}%",
        "ja": "定着 {adoption}% < {line}%",
    },
    "insights.reason.sentiment": {
        "en": "Sentiment {sentiment} < {line}",
        "ja": "満足度 {sentiment} < {line}",
    },
    "insights.reason.forecast": {
        "en": "ignition {ignition}% will not reach 20% at this pace",
        "ja": "点火率 {ignition}% はこのペースでは 20% に届きません",
    },
    "insights.reason.stuck": {
        "en": "{stuck} of {enrolled} people inactive for 7 days",
        "ja": "{enrolled}人中{stuck}人が7日間活動なし",
    },
    "insights.reason.unanswered": {
        "en": "{unanswered} questions past their response time",
        "ja": "回答期限を過ぎた質問 {unanswered} 件",
    },
    "admin.insights.title": {"en": "Numbers", "ja": "数値"},
    "admin.insights.everyone": {"en": "*Everyone enrolled*", "ja": "*対象者全体*"},
    "admin.insights.stages": {"en": "*Maturity* (stage distribution):", "ja": "*成熟度*（ステージ別の人数）："},
    "admin.insights.as_of": {
        "en": "Numbers as of {at} UTC (daily snapshot, refreshed by the metrics tick) · formulas: docs/metrics.md",
        "ja": "{at} UTC 時点の数値（メトリクスの定期処理が更新する日次スナップショット）・計算式: docs/metrics.md",
    },
    "admin.insights.live": {
        "en": "Numbers computed just now (no snapshot yet) · formulas: docs/metrics.md",
        "ja": "いま計算した数値（スナップショットはまだありません）・計算式: docs/metrics.md",
    },
    "admin.insights.none_red": {
        "en": ":large_green_circle: No department is red.",
        "ja": ":large_green_circle: 要注意の部門はありません。",
    },
    "admin.insights.red_title": {"en": "*Red departments*", "ja": "*要注意の部門*"},
    "admin.insights.more_red": {"en": "_…and {n} more red departments._", "ja": "_…ほか {n} 部門が要注意です。_"},
    "admin.insights.dept_range": {
        "en": "Departments {first}–{last} of {total}, red first",
        "ja": "全 {total} 部門中 {first}–{last}（要注意の部門が先）",
    },
    "admin.insights.help": {
        "en": "*Help* · median first response {median} · within SLA {sla} · satisfaction {satisfaction} · {oldest}",
        "ja": "*ヘルプ*・初回応答の中央値 {median}・SLA内 {sla}・満足度 {satisfaction}・{oldest}",
    },
    "admin.insights.help_oldest": {
        "en": "oldest open: {topic}, waiting {age}",
        "ja": "最も古い未解決: {topic}（{age} 待ち）",
    },
    "admin.insights.help_none_open": {"en": "no open questions", "ja": "未解決の質問なし"},
    "admin.insights.training_title": {
        "en": "*Training ratings* (per use case, last {days} days)",
        "ja": "*トレーニングの評価*（活用事例ごと、直近{days}日）",
    },
    "admin.insights.training_row": {"en": "• {title}: {average} ({n} ratings)", "ja": "• {title}: {average}（{n} 件）"},
    "admin.insights.training_more": {"en": "_…and {n} more use cases._", "ja": "_…ほか {n} 件の活用事例。_"},
    "admin.insights.flagged_title": {
        "en": "*Help contacts to check* (flagged by the 90-day evergreen check)",
        "ja": "*確認が必要なヘルプ窓口*（90日ごとの確認で検出）",
    },
    "admin.insights.flagged_row": {
        "en": "• {who} · {topics} · {reason} · since {since}",
        "ja": "• {who}・{topics}・{reason}・{since} から",
    },
    "admin.insights.flagged_more": {
        "en": "_…and {n} more flagged contacts._",
        "ja": "_…ほか {n} 件の窓口が確認待ちです。_",
    },
    "insights.notice.red": {
        "en": ":red_circle: *{department} is red.*",
        "ja": ":red_circle: *{department} が要注意になりました。*",
    },
    "insights.notice.still_red": {
        "en": ":red_circle: *{department} is still red* (weekly reminder).",
        "ja": ":red_circle: *{department} はまだ要注意です*（週1回のお知らせ）。",
    },
    "insights.notice.recovered": {
        "en": ":large_green_circle: *{department} has recovered*: no longer red. Thank you!",
        "ja": ":large_green_circle: *{department} が回復しました*。要注意ではなくなりました。ありがとうございます！",
    },
    "insights.notice.why": {"en": "*Why*: {reasons}", "ja": "*理由*：{reasons}"},
    "insights.notice.actions": {"en": "*Suggested actions*", "ja": "*おすすめの対応*"},
    "insights.notice.again": {
        "en": "Coach reminds you at most once a week while it stays red, and says when it recovers.",
        "ja": "要注意の間は週に1回までお知らせし、回復したらお伝えします。",
    },
}
