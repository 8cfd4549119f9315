"""The chart image of the weekly digests: per department, where people are and ignition against the 20% line.

Labelled in the reader's language (`bot.i18n.t`; Japanese through the packaged CJK font of `bot.charts.style`).
The input is plain numbers (`DepartmentBars`), so the chart is a pure function of what the digest text says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.ticker import PercentFormatter

from bot.charts.style import figure, no_data, png
from bot.i18n import t

IGNITION_COLOR = "#e67e22"
LINE_COLOR = "#c0392b"
STAGE_COLORS = ("#bdc3c7", "#aed6f1", "#5dade2", "#2e86c1", "#1b4f72", "#0b2545", "#000000")


@dataclass(frozen=True)
class DepartmentBars:
    """One department's row in the chart: people per stage (index 0 = not started) and the ignition share."""

    department: str
    stages: tuple[int, ...]
    ignition: float

    @property
    def enrolled(self) -> int:
        return sum(self.stages)


def digest_chart(rows: Sequence[DepartmentBars], stage_titles: Sequence[str], locale: str, line: float) -> bytes:
    """PNG: stacked stage shares (left) and ignition with the `line` (right), one row per department."""
    height = 1.2 + 0.45 * max(1, len(rows))
    with figure(8, height, ncols=2) as (fig, (left, right)):
        shown = [r for r in rows if r.enrolled]
        if not shown:
            no_data(left, t("charts.no_people", locale))
            no_data(right, t("charts.no_people", locale))
            return png(fig)
        names = [r.department for r in shown][::-1]  # first department on top
        labels = [t("charts.not_started", locale), *stage_titles]
        width = max(len(r.stages) for r in shown)
        lefts = [0.0] * len(shown)
        for stage in range(width):
            shares = [(r.stages[stage] if stage < len(r.stages) else 0) / r.enrolled for r in shown][::-1]
            label = labels[stage] if stage < len(labels) else str(stage)
            color = STAGE_COLORS[min(stage, len(STAGE_COLORS) - 1)]
            left.barh(names, shares, left=lefts, color=color, label=label)
            lefts = [a + b for a, b in zip(lefts, shares, strict=True)]
        left.set_xlim(0, 1)
        left.set_title(t("charts.stages.title", locale))
        left.set_xlabel(t("charts.share", locale))
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=min(4, width), fontsize=7, frameon=False)
        ignition = [r.ignition for r in shown][::-1]
        bars = right.barh(names, ignition, color=IGNITION_COLOR)
        right.bar_label(bars, labels=[f"{v:.0%}" for v in ignition], padding=2, fontsize=8)
        right.axvline(line, color=LINE_COLOR, linestyle="--", label=t("charts.line", locale))
        right.set_xlim(0, max(0.5, *(r.ignition for r in shown)))
        right.set_title(t("charts.ignition.title", locale))
        right.set_xlabel(t("charts.share", locale))
        right.legend(loc="lower right", fontsize=7)
        for ax in (left, right):
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        return png(fig)


def digest_alt_text(rows: Sequence[DepartmentBars], locale: str) -> str:
    """What the chart shows, for screen readers and notifications (Slack limits alt text to 2,000 characters)."""
    items = [
        t(
            "charts.digest.alt_item",
            locale,
            department=r.department,
            ignition=round(r.ignition * 100),
            enrolled=r.enrolled,
        )
        for r in rows
    ]
    summary = ", ".join(items) if items else t("charts.no_people", locale)
    return t("charts.digest.alt", locale, summary=summary)[:2000]
