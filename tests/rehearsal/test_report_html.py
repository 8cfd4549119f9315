"""report.html from a report.json dict: every section, escaping, degenerate input, stable bytes, speed."""

from __future__ import annotations

import base64
import copy
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot.rehearsal import charts
from bot.rehearsal.report_html import REPORT_FILE, render_html, write_html

SAMPLE = Path(__file__).parent / "data" / "sample_report.json"
SCHEMA_KEYS = {
    "version", "seed", "people", "departments", "weeks", "start_date", "playbook", "plan", "weekly_budget",
    "messages_by_kind", "messages_by_phase", "messages_per_person_week", "max_messages_per_person_week",
    "messages_by_local_hour", "messages_outside_working_hours", "people_never_reached", "stage_counts_by_week",
    "ignition_week_by_department", "ignition_threshold", "help", "sentiment_by_week", "warnings",
}  # fmt: skip
CHART_IDS = [
    "chart-dms-per-week", "chart-local-hour", "chart-stages", "chart-help", "chart-kinds-per-phase", "chart-sentiment",
]  # fmt: skip
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def test_sample_fixture_is_schema_complete(report: dict[str, Any]) -> None:
    assert set(report) == SCHEMA_KEYS
    assert len(report["departments"]) == 5 and report["weeks"] == 6
    assert any(any(ord(c) > 0x3000 for c in d) for d in report["departments"]), "one Japanese department name"
    assert set(report["stage_counts_by_week"]) == set(report["departments"])
    assert all(len(weeks) == report["weeks"] for weeks in report["stage_counts_by_week"].values())


def test_every_section_and_chart_appears(report: dict[str, Any], tmp_path: Path) -> None:
    path = write_html(report, tmp_path)
    page = path.read_text(encoding="utf-8")
    assert path == tmp_path / REPORT_FILE
    for section in ["warnings", "summary", "never-reached", "plan", *CHART_IDS]:
        assert f'id="{section}"' in page
    assert page.index('id="warnings"') < page.index('id="summary"') < page.index('id="chart-dms-per-week"')
    for w in report["warnings"]:
        assert f"<code>{w['code']}</code>" in page
    assert "営業企画部" in page
    assert "U0000242" in page and "DND all week" in page
    images = _images(page)
    assert len(images) == len(CHART_IDS)
    assert all(img.startswith(PNG_MAGIC) for img in images)
    assert "http://" not in page and "https://" not in page, "self-contained: nothing loaded from elsewhere"


def test_text_from_the_report_is_escaped(report: dict[str, Any]) -> None:
    evil = "<script>alert(1)</script>"
    report["departments"][0] = evil
    report["stage_counts_by_week"] = {
        evil if d == "Engineering" else d: v for d, v in report["stage_counts_by_week"].items()
    }
    report["ignition_week_by_department"][evil] = report["ignition_week_by_department"].pop("Engineering")
    report["warnings"].append({"code": "stage_stall", "message": 'a "quote" & <b>bold</b>'})
    report["people_never_reached"].append({"user": "<img src=x onerror=alert(1)>", "reason": "<i>"})
    page = render_html(report)
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &quot;quote&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_empty_help_and_all_null_sentiment_do_not_crash(report: dict[str, Any]) -> None:
    report["help"] = {"asked": 0, "answered": 0, "escalated": 0, "unanswered": 0, "first_answer_minutes": []}
    report["sentiment_by_week"] = [None] * report["weeks"]
    report["warnings"] = []
    report["people_never_reached"] = []
    page = render_html(report)
    assert "No warnings." in page and "Everyone was reached." in page
    assert len(_images(page)) == len(CHART_IDS)


def test_no_phases_or_departments_do_not_crash(report: dict[str, Any]) -> None:
    report["messages_by_phase"] = {}
    report["stage_counts_by_week"] = {}
    report["ignition_week_by_department"] = {}
    assert len(_images(render_html(report))) == len(CHART_IDS)


def test_same_input_gives_same_bytes(report: dict[str, Any], tmp_path: Path) -> None:
    first = write_html(report, tmp_path / "a").read_bytes()
    second = write_html(copy.deepcopy(report), tmp_path / "b").read_bytes()
    assert first == second


def test_different_input_gives_a_different_chart(report: dict[str, Any]) -> None:
    before = charts.sentiment_trend(report["sentiment_by_week"])
    after = charts.sentiment_trend([None, 1.0, 1.5, 2.0, 2.5, 3.0])
    assert before != after


def test_over_budget_weeks_are_drawn_red(report: dict[str, Any]) -> None:
    """The chart's claim (bars right of the budget line are over) shows in its pixels."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    with_over = Image.open(BytesIO(charts.dms_per_person_week({"0": 10, "5": 10}, 3))).convert("RGB")
    without = Image.open(BytesIO(charts.dms_per_person_week({"0": 10, "1": 10}, 3))).convert("RGB")

    def red_pixels(img: Image.Image) -> int:
        return int(np.all(np.asarray(img) == (0xC0, 0x39, 0x2B), axis=-1).sum())

    assert red_pixels(with_over) > 1000 > red_pixels(without)


def test_japanese_font_is_packaged() -> None:
    path = charts.cjk_font_path()
    assert path is not None and path.stat().st_size > 1_000_000


def test_whole_report_renders_fast(report: dict[str, Any]) -> None:
    render_html(report)  # warm-up: font cache and imports are paid once per process
    start = time.process_time()  # CPU time: the 2-core machine is shared, so wall time measures the neighbours
    render_html(report)
    assert time.process_time() - start < 3.0


def test_phases_follow_the_plan_not_the_alphabet(report: dict[str, Any]) -> None:
    from bot.rehearsal.report_html import _by_phase

    assert list(_by_phase(report)) == ["unfreeze", "change", "refreeze"]
    report["messages_by_phase"]["orphan"] = {"welcome": 1}
    assert list(_by_phase(report))[-1] == "orphan", "a phase the plan never names is still shown"
