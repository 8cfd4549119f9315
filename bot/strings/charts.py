"""Wording on chart images and their alt texts (digests and reports), en/ja."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "charts.stages.title": {"en": "Where people are (share per stage)", "ja": "ステージ別の割合"},
    "charts.ignition.title": {"en": "Ignition (active at stage 2+)", "ja": "点火率 (ステージ2以上で活動中)"},
    "charts.line": {"en": "20% line", "ja": "20% の線"},
    "charts.share": {"en": "share of enrolled", "ja": "対象者に占める割合"},
    "charts.not_started": {"en": "Not started", "ja": "未開始"},
    "charts.everyone": {"en": "Everyone in scope", "ja": "対象の全員"},
    "charts.no_people": {"en": "Nobody is enrolled yet", "ja": "まだ対象者がいません"},
    "charts.digest.alt": {
        "en": "Chart of stage shares and ignition per department: {summary}",
        "ja": "部署ごとのステージ割合と点火率のグラフ: {summary}",
    },
    "charts.digest.alt_item": {
        "en": "{department} ignition {ignition}% of {enrolled}",
        "ja": "{department} 点火率 {ignition}% ({enrolled}人中)",
    },
    "charts.digest.title": {"en": "Adoption this week", "ja": "今週の定着状況"},
    "charts.adoption.title": {"en": "Adoption trend (active share per week)", "ja": "定着率の推移 (週ごとの活動率)"},
    "charts.week": {"en": "week", "ja": "週"},
    "charts.people": {"en": "people", "ja": "人数"},
    "charts.funnel.title": {"en": "Stage funnel (reached at least)", "ja": "ステージ到達ファネル"},
    "charts.sentiment.title": {"en": "Sentiment trend (0-100)", "ja": "満足度の推移 (0〜100)"},
    "charts.help.title": {"en": "Help: minutes to first response", "ja": "ヘルプ: 最初の回答までの分数"},
    "charts.requests": {"en": "requests", "ja": "件数"},
    "charts.no_data": {"en": "no data in this range", "ja": "この期間のデータはありません"},
}
