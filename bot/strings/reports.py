"""Wording of `coach report --html` (en/ja); the chart labels are in bot/strings/charts.py."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reports.title": {"en": "Adoption report, {first} to {last}", "ja": "定着レポート ({first} 〜 {last})"},
    "reports.summary": {"en": "Summary", "ja": "概要"},
    "reports.window": {"en": "Window (UTC days)", "ja": "期間 (UTC)"},
    "reports.department": {"en": "Department", "ja": "部署"},
    "reports.wave": {"en": "Wave", "ja": "ウェーブ"},
    "reports.all": {"en": "all", "ja": "すべて"},
    "reports.people": {"en": "People", "ja": "人数"},
    "reports.enrolled": {"en": "Enrolled", "ja": "対象者"},
    "reports.adoption": {"en": "Adoption (active 3 of the last 7 days)", "ja": "定着率 (直近7日中3日以上活動)"},
    "reports.maturity": {"en": "Maturity", "ja": "成熟度"},
    "reports.sentiment": {"en": "Sentiment (answers)", "ja": "満足度 (回答数)"},
    "reports.ignition": {
        "en": "Ignition (active at stage 2+, line 20%)",
        "ja": "点火率 (ステージ2以上で活動, 目標20%)",
    },
    "reports.no_activity": {
        "en": "No activity, completions or answers were recorded in this range.",
        "ja": "この期間に記録された活動・達成・回答はありません。",
    },
    "reports.departments": {"en": "Departments", "ja": "部署別"},
    "reports.chart.adoption": {"en": "Adoption trend", "ja": "定着率の推移"},
    "reports.chart.funnel": {"en": "Stage funnel", "ja": "ステージ到達ファネル"},
    "reports.chart.ignition": {
        "en": "Ignition per department against the 20% line",
        "ja": "部署別の点火率と 20% の線",
    },
    "reports.chart.sentiment": {"en": "Sentiment trend", "ja": "満足度の推移"},
    "reports.chart.help": {"en": "Help response times", "ja": "ヘルプの回答時間"},
    "reports.scores_note": {
        "en": "Adoption, Maturity and Sentiment are 0-100; Sentiment is shown only from 3 answers or more.",
        "ja": "定着度・成熟度・満足度は 0〜100 です。満足度は回答が3件以上のときだけ表示します。",
    },
}
