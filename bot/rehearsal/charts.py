"""Charts for the rehearsal report: each function turns one report.json section into PNG bytes.

The figure, style, CJK font and PNG machinery is shared with every other chart (`bot.charts.style`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes

from bot.charts.style import cjk_font_path as cjk_font_path  # re-exported: the report names its font
from bot.charts.style import figure, no_data, png


def _no_data(ax: Axes, what: str) -> None:
    no_data(ax, f"no {what}")


def dms_per_person_week(histogram: Mapping[str, int], budget: int) -> bytes:
    """How many person-weeks got k DMs, with the playbook's weekly budget as a line: bars right of it are over."""
    with figure(6, 3) as (fig, (ax,)):
        ks = sorted(int(k) for k in histogram)
        counts = [histogram[str(k)] for k in ks]
        colors = ["#c0392b" if k > budget else "#2e86c1" for k in ks]
        ax.bar(ks, counts, color=colors, width=0.8)
        ax.axvline(budget + 0.5, color="#c0392b", linestyle="--", label=f"budget {budget}/week")
        ax.set_xlabel("DMs in one week")
        ax.set_ylabel("person-weeks")
        ax.legend(loc="upper right")
        return png(fig)


def dms_by_local_hour(by_hour: Mapping[str, int]) -> bytes:
    """The hour on the recipient's own clock when each DM landed."""
    with figure(6, 3) as (fig, (ax,)):
        hours = list(range(24))
        ax.bar(hours, [by_hour.get(str(h), 0) for h in hours], color="#2e86c1", width=0.8)
        ax.set_xticks(hours[::2])
        ax.set_xlim(-0.5, 23.5)
        ax.set_xlabel("local hour of the recipient")
        ax.set_ylabel("DMs")
        return png(fig)


def _stage_order(weeks_by_dept: Mapping[str, Sequence[Mapping[str, int]]]) -> list[str]:
    """Stages in ladder order as far as the counts show it: report.json sorts keys by name, so a stage is placed
    by the mean week its people were in it (people move up the ladder, so earlier stages hold people earlier)."""
    mass: dict[str, float] = {}
    weighted: dict[str, float] = {}
    for weeks in weeks_by_dept.values():
        for week, counts in enumerate(weeks):
            for stage, n in counts.items():
                mass[stage] = mass.get(stage, 0) + n
                weighted[stage] = weighted.get(stage, 0) + n * week
    return sorted(mass, key=lambda s: (weighted[s] / mass[s] if mass[s] else math.inf, s))


def stage_progression(
    weeks_by_dept: Mapping[str, Sequence[Mapping[str, int]]],
    ignition_week: Mapping[str, int | None],
    threshold: float,
) -> bytes:
    """Share of each department at each stage, week by week, with the ignition threshold and week marked."""
    depts = list(weeks_by_dept)
    stages = _stage_order(weeks_by_dept)
    with figure(max(3.0, 2.4 * len(depts)), 3.2, ncols=max(1, len(depts))) as (fig, axes):
        if not depts:
            _no_data(axes[0], "departments")
            return png(fig)
        for ax, dept in zip(axes, depts, strict=True):
            _stage_panel(ax, dept, weeks_by_dept[dept], stages, threshold, ignition_week.get(dept))
        axes[-1].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
        return png(fig)


def _stage_panel(
    ax: Axes, dept: str, weeks: Sequence[Mapping[str, int]], stages: list[str], threshold: float, ignition: int | None
) -> None:
    xs = list(range(len(weeks)))
    totals = [sum(w.values()) or 1 for w in weeks]
    bottom = [0.0] * len(weeks)
    for stage in stages:
        share = [w.get(stage, 0) / t for w, t in zip(weeks, totals, strict=True)]
        ax.bar(xs, share, bottom=bottom, label=stage, width=0.8)
        bottom = [b + s for b, s in zip(bottom, share, strict=True)]
    ax.axhline(threshold, color="black", linestyle="--", linewidth=1, label=f"ignition {threshold:.0%}")
    if ignition is not None:
        ax.axvline(ignition, color="#c0392b", linewidth=1.5)
    ax.set_title(dept if ignition is None else f"{dept} (ignition week {ignition})")
    ax.set_ylim(0, 1)
    ax.set_xticks(xs)
    ax.set_xlabel("week")


def help_requests(help_section: Mapping[str, Any]) -> bytes:
    """Time to first answer (minutes) next to how requests ended: answered, escalated, unanswered."""
    with figure(7, 3, ncols=2) as (fig, (left, right)):
        minutes = list(help_section.get("first_answer_minutes", []))
        if minutes:
            left.hist(minutes, bins=min(20, max(1, len(set(minutes)))), color="#2e86c1")
            left.set_xlabel("minutes to first answer")
            left.set_ylabel("requests")
        else:
            _no_data(left, "answered requests")
        names = ["asked", "answered", "escalated", "unanswered"]
        values = [int(help_section.get(n, 0)) for n in names]
        right.bar(names, values, color=["#7f8c8d", "#27ae60", "#f39c12", "#c0392b"])
        right.set_ylabel("requests")
        return png(fig)


def kinds_per_phase(by_phase: Mapping[str, Mapping[str, int]]) -> bytes:
    """Stacked bars: which kinds of DM each phase sent; a phase with no bar sent nothing."""
    phases = list(by_phase)
    kinds = sorted({k for counts in by_phase.values() for k in counts})
    with figure(6, 3) as (fig, (ax,)):
        if not phases:
            _no_data(ax, "phases")
            return png(fig)
        bottom = [0] * len(phases)
        for kind in kinds:
            values = [by_phase[p].get(kind, 0) for p in phases]
            ax.bar(phases, values, bottom=bottom, label=kind)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_ylabel("DMs")
        if kinds:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
        return png(fig)


def sentiment_trend(by_week: Sequence[float | None]) -> bytes:
    """Mean pulse rating per week (1-5); weeks nobody answered are gaps, not zeros."""
    with figure(6, 3) as (fig, (ax,)):
        if all(v is None for v in by_week):
            _no_data(ax, "pulse answers")
            return png(fig)
        ys = [math.nan if v is None else v for v in by_week]
        ax.plot(range(len(ys)), ys, marker="o", color="#8e44ad")
        ax.set_ylim(1, 5)
        ax.set_xticks(range(len(ys)))
        ax.set_xlabel("week")
        ax.set_ylabel("mean rating")
        return png(fig)
