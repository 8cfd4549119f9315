"""The charts of `coach report --html`: adoption trend, stage funnel, ignition per department against the 20% line,
sentiment trend and help response times. Plain numbers in, PNG bytes out, labelled in the reader's language."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from matplotlib.ticker import PercentFormatter

from bot.charts.style import figure, no_data, png
from bot.i18n import t

BLUE = "#2e86c1"
LINE = "#c0392b"


def adoption_trend(points: Sequence[tuple[date, float]], locale: str) -> bytes:
    """Share of people active on >= 3 of the 7 days ending each week."""
    with figure(6, 3) as (fig, (ax,)):
        if not points:
            no_data(ax, t("charts.no_data", locale))
            return png(fig)
        labels = [d.isoformat() for d, _ in points]
        ax.plot(labels, [v for _, v in points], marker="o", color=BLUE)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(t("charts.adoption.title", locale))
        ax.set_xlabel(t("charts.week", locale))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        return png(fig)


def stage_funnel(at_least: Sequence[int], stage_titles: Sequence[str], locale: str) -> bytes:
    """People who reached at least each stage (index 0 = everyone in scope)."""
    with figure(6, 3) as (fig, (ax,)):
        if not at_least or not at_least[0]:
            no_data(ax, t("charts.no_people", locale))
            return png(fig)
        labels = [t("charts.everyone", locale), *stage_titles][: len(at_least)]
        ax.barh(labels[::-1], list(at_least)[::-1], color=BLUE)
        ax.set_title(t("charts.funnel.title", locale))
        ax.set_xlabel(t("charts.people", locale))
        return png(fig)


def ignition_by_department(rows: Sequence[tuple[str, float]], line: float, locale: str) -> bytes:
    """Ignition share per department with the 20% line."""
    with figure(6, 1.2 + 0.4 * max(1, len(rows))) as (fig, (ax,)):
        if not rows:
            no_data(ax, t("charts.no_people", locale))
            return png(fig)
        names = [d for d, _ in rows][::-1]
        values = [v for _, v in rows][::-1]
        bars = ax.barh(names, values, color=["#27ae60" if v >= line else "#e67e22" for v in values])
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], padding=2, fontsize=8)
        ax.axvline(line, color=LINE, linestyle="--", label=t("charts.line", locale))
        ax.set_xlim(0, max(0.5, *values))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(t("charts.ignition.title", locale))
        ax.legend(loc="lower right", fontsize=7)
        return png(fig)


def sentiment_trend(points: Sequence[tuple[date, float | None]], locale: str) -> bytes:
    """Sentiment 0-100 per week (docs/metrics.md); weeks with fewer than 3 answers are gaps, not zeros."""
    with figure(6, 3) as (fig, (ax,)):
        if all(v is None for _, v in points):
            no_data(ax, t("charts.no_data", locale))
            return png(fig)
        labels = [d.isoformat() for d, _ in points]
        ax.plot(labels, [math.nan if v is None else v for _, v in points], marker="o", color="#8e44ad")
        ax.set_ylim(0, 100)
        ax.set_title(t("charts.sentiment.title", locale))
        ax.set_xlabel(t("charts.week", locale))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        return png(fig)


def help_response_times(minutes: Sequence[float], locale: str) -> bytes:
    """Histogram of minutes to first response."""
    with figure(6, 3) as (fig, (ax,)):
        if not minutes:
            no_data(ax, t("charts.no_data", locale))
            return png(fig)
        ax.hist(list(minutes), bins=min(20, max(1, len(set(minutes)))), color=BLUE)
        ax.set_title(t("charts.help.title", locale))
        ax.set_ylabel(t("charts.requests", locale))
        return png(fig)
