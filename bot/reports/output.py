"""Writing a `Report`: CSV per person or per department, or one self-contained HTML page with its charts.

The HTML reuses the rehearsal report's page machinery (bot/rehearsal/report_html.py: inline CSS, charts as base64
PNG, every value escaped) and the shared chart style (bot/charts).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from pathlib import Path

from bot.charts import report as report_charts
from bot.i18n import t
from bot.rehearsal.report_html import escape, figure_section, page, table_section
from bot.reports.data import DepartmentRow, PersonRow, Report
from bot.services.metrics import IGNITION_LINE

PERSON_COLUMNS = [f.name for f in dataclasses.fields(PersonRow)]
DEPARTMENT_COLUMNS = [f.name for f in dataclasses.fields(DepartmentRow) if f.name != "stages"]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _percent(value: int | None, unit: str = "%", after: str = "") -> str:
    return "–" if value is None else f"{value}{unit}{after}"


def write_people_csv(report: Report, path: Path) -> int:
    """One row per person; returns the number of rows."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PERSON_COLUMNS)
        for row in report.people:
            writer.writerow([_cell(getattr(row, name)) for name in PERSON_COLUMNS])
    return len(report.people)


def department_stage_columns(rows: Sequence[DepartmentRow]) -> list[str]:
    width = max((len(r.stages) for r in rows), default=0)
    return [f"stage_{n}" for n in range(width)]


def write_departments_csv(report: Report, path: Path) -> int:
    """One row per department, the people at each stage last (stage_0 = not started); returns the row count."""
    stages = department_stage_columns(report.departments)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*DEPARTMENT_COLUMNS, *stages])
        for row in report.departments:
            counts = [row.stages[n] if n < len(row.stages) else "" for n in range(len(stages))]
            writer.writerow([*(_cell(getattr(row, name)) for name in DEPARTMENT_COLUMNS), *counts])
    return len(report.departments)


def render_html(report: Report, stage_titles: Sequence[str], locale: str) -> str:
    """The page: scope and summary, the five charts, then the department table."""
    scope = report.scope
    title = t("reports.title", locale, first=scope.first_day.isoformat(), last=scope.last_day.isoformat())
    overall = report.overall
    summary = [
        (t("reports.window", locale), f"{scope.first_day} – {scope.last_day}"),
        (t("reports.department", locale), scope.department or t("reports.all", locale)),
        (t("reports.wave", locale), scope.wave or t("reports.all", locale)),
        (t("reports.people", locale), len(report.people)),
        (t("reports.enrolled", locale), overall.enrolled),
        (t("reports.adoption", locale), _percent(overall.adoption)),
        (t("reports.maturity", locale), _percent(overall.maturity, "/100")),
        (t("reports.sentiment", locale), _percent(overall.sentiment, "/100", f" ({overall.answers})")),
        (t("reports.ignition", locale), _percent(overall.ignition)),
    ]
    parts = [f"<h1>{escape(title)}</h1>", table_section("summary", t("reports.summary", locale), summary)]
    if not report.any_activity:
        parts.append(f'<p class="empty">{escape(t("reports.no_activity", locale))}</p>')
    ignition = [(d.department, d.ignited / d.enrolled) for d in report.departments if d.enrolled]
    parts += [
        figure_section(
            "chart-adoption",
            t("reports.chart.adoption", locale),
            report_charts.adoption_trend(report.adoption_trend, locale),
        ),
        figure_section(
            "chart-funnel",
            t("reports.chart.funnel", locale),
            report_charts.stage_funnel(report.funnel, stage_titles, locale),
        ),
        figure_section(
            "chart-ignition",
            t("reports.chart.ignition", locale),
            report_charts.ignition_by_department(ignition, IGNITION_LINE, locale),
        ),
        figure_section(
            "chart-sentiment",
            t("reports.chart.sentiment", locale),
            report_charts.sentiment_trend(report.sentiment_trend, locale),
        ),
        figure_section(
            "chart-help",
            t("reports.chart.help", locale),
            report_charts.help_response_times(report.help_minutes, locale),
        ),
        _departments_table(report.departments, locale),
    ]
    return page(title, "\n".join(parts), lang=locale)


def _departments_table(rows: Sequence[DepartmentRow], locale: str) -> str:
    stages = department_stage_columns(rows)
    head = "".join(f"<th>{escape(c)}</th>" for c in [*DEPARTMENT_COLUMNS, *stages])
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(_cell(getattr(r, c)))}</td>" for c in DEPARTMENT_COLUMNS)
        + "".join(f"<td>{escape(r.stages[n] if n < len(r.stages) else '')}</td>" for n in range(len(stages)))
        + "</tr>"
        for r in rows
    )
    note = escape(t("reports.scores_note", locale))
    return (
        f'<section id="departments"><h2>{escape(t("reports.departments", locale))}</h2>'
        f"<table><tr>{head}</tr>{body}</table><p>{note}</p></section>"
    )


def write_html(report: Report, path: Path, stage_titles: Sequence[str], locale: str) -> None:
    path.write_text(render_html(report, stage_titles, locale), encoding="utf-8")
