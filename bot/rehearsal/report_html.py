"""report.html: one self-contained page (inline CSS, charts as base64 PNG) from a report.json dict.

The page is a pure function of the report: no wall-clock time, no paths, so the same report gives the same bytes.
Every piece of text from the report passes through `html.escape` (department names and warnings come from
user-written playbooks and plans).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.rehearsal import charts

REPORT_FILE = "report.html"

_CSS = """
body { font-family: "IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
.warnings li { margin: 4px 0; }
.warnings code { background: #fdecea; padding: 1px 4px; }
.ok { color: #27ae60; }
figure { margin: 1.5em 0; }
img { max-width: 100%; }
"""


def write_html(report: Mapping[str, Any], out_dir: Path) -> Path:
    """Write `out_dir/report.html` for the report and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_FILE
    path.write_text(render_html(report), encoding="utf-8")
    return path


def render_html(report: Mapping[str, Any]) -> str:
    """The whole page as a string: warnings first (what to change), then the summary, then the charts."""
    body = "\n".join(
        [
            f"<h1>Rehearsal report: {_e(report['playbook'])}</h1>",
            _warnings(report["warnings"]),
            _summary(report),
            _never_reached(report["people_never_reached"]),
            _plan(report["plan"]),
            *_charts(report),
        ]
    )
    return page(f"Rehearsal report: {report['playbook']}", body)


def page(title: str, body: str, *, lang: str = "en") -> str:
    """A whole self-contained page (inline CSS) around `body`; shared with `coach report --html`."""
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


escape = _e  # public name for other pages built with this machinery


def _warnings(warnings: Iterable[Mapping[str, str]]) -> str:
    items = [f"<li><code>{_e(w['code'])}</code> {_e(w['message'])}</li>" for w in warnings]
    if not items:
        return '<section id="warnings"><h2>Warnings</h2><p class="ok">No warnings.</p></section>'
    return (
        f'<section id="warnings"><h2>Warnings ({len(items)})</h2><ul class="warnings">{"".join(items)}</ul></section>'
    )


def _table(section_id: str, title: str, rows: Iterable[tuple[object, object]]) -> str:
    cells = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<section id="{section_id}"><h2>{_e(title)}</h2><table>{cells}</table></section>'


def _summary(r: Mapping[str, Any]) -> str:
    h = r["help"]
    ignition = r["ignition_week_by_department"]
    rows: list[tuple[object, object]] = [
        ("Seed", r["seed"]),
        ("People", r["people"]),
        ("Departments", ", ".join(r["departments"])),
        ("Weeks", r["weeks"]),
        ("Start date", r["start_date"]),
        ("Weekly DM budget per person", r["weekly_budget"]),
        ("Most DMs to one person in one week", r["max_messages_per_person_week"]),
        ("DMs outside working hours (must be 0)", r["messages_outside_working_hours"]),
        ("DMs by kind", ", ".join(f"{k}: {v}" for k, v in r["messages_by_kind"].items()) or "none"),
        ("People never reached", len(r["people_never_reached"])),
        (
            "Help asked / answered / escalated / unanswered",
            f"{h['asked']} / {h['answered']} / {h['escalated']} / {h['unanswered']}",
        ),
        ("Ignition threshold", f"{r['ignition_threshold']:.0%}"),
    ]
    rows += [(f"Ignition week: {d}", "never" if w is None else w) for d, w in ignition.items()]
    return _table("summary", "Summary", rows)


def _never_reached(people: Iterable[Mapping[str, str]]) -> str:
    rows = "".join(f"<tr><td>{_e(p['user'])}</td><td>{_e(p['reason'])}</td></tr>" for p in people)
    if not rows:
        return (
            '<section id="never-reached"><h2>People never reached</h2><p class="ok">Everyone was reached.</p></section>'
        )
    return (
        '<section id="never-reached"><h2>People never reached</h2>'
        f"<table><tr><th>user</th><th>reason</th></tr>{rows}</table></section>"
    )


def _plan(plan: Iterable[Mapping[str, Any]]) -> str:
    rows = "".join(
        f"<tr><th>{_e(w['wave'])}</th>{''.join(f'<td>{_e(p)}</td>' for p in w['phase_by_week'])}</tr>" for w in plan
    )
    return f'<section id="plan"><h2>Plan: phase by week</h2><table>{rows}</table></section>'


def figure_section(section_id: str, title: str, png: bytes) -> str:
    """A titled section with the chart embedded as a base64 PNG (the page needs no other file)."""
    return _figure(section_id, title, png)


def table_section(section_id: str, title: str, rows: Iterable[tuple[object, object]]) -> str:
    """A titled two-column table (every cell escaped)."""
    return _table(section_id, title, rows)


def _figure(section_id: str, title: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<section id="{section_id}"><h2>{_e(title)}</h2><figure>'
        f'<img alt="{_e(title)}" src="data:image/png;base64,{data}"></figure></section>'
    )


def _charts(r: Mapping[str, Any]) -> list[str]:
    return [
        _figure(
            "chart-dms-per-week",
            "DMs per person per week against the budget",
            charts.dms_per_person_week(r["messages_per_person_week"], r["weekly_budget"]),
        ),
        _figure(
            "chart-local-hour", "Local hour at which DMs land", charts.dms_by_local_hour(r["messages_by_local_hour"])
        ),
        _figure(
            "chart-stages",
            "Stage progression per department, week by week",
            charts.stage_progression(_by_department(r), r["ignition_week_by_department"], r["ignition_threshold"]),
        ),
        _figure("chart-help", "Help requests: time to first answer and outcome", charts.help_requests(r["help"])),
        _figure("chart-kinds-per-phase", "Kinds sent per phase", charts.kinds_per_phase(_by_phase(r))),
        _figure(
            "chart-sentiment",
            "Sentiment trend (mean pulse rating per week)",
            charts.sentiment_trend(r["sentiment_by_week"]),
        ),
    ]


def _by_department(r: Mapping[str, Any]) -> dict[str, Any]:
    """Stage counts in the report's department order (the JSON object itself is sorted by name)."""
    counts = r["stage_counts_by_week"]
    return {d: counts[d] for d in r["departments"] if d in counts}


def _by_phase(r: Mapping[str, Any]) -> dict[str, Any]:
    """Kinds per phase in the order the plan runs the phases (the JSON object itself is sorted by name)."""
    by_phase = r["messages_by_phase"]
    order = {p: None for wave in r["plan"] for p in wave["phase_by_week"] if p in by_phase}
    return {p: by_phase[p] for p in [*order, *sorted(set(by_phase) - set(order))]}
