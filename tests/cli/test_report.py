"""`coach report`: CSV per person and per department, and the HTML page, on a small workspace worked out by hand.

Window 2026-02-02 … 2026-02-15 (14 UTC days; its last 7 days, the Adoption window, are 02-09 … 02-15), in the past,
so only active days count as "active" (docs/metrics.md). No waves: everyone counts as enrolled. The default
playbook has 4 stages, so a person's Maturity = 50 × stage / 4 + 50 × breadth / 6 (threads, mentions, files, apps,
workflows, core work), rounded down; Sentiment = mean of (answer - 1) × 25, from 3 answers.
- Ann (Sales, stage 2): active 02-09, 02-11, 02-13 (2 messages + 1 reply each, a file on 02-11), and 02-20 (after
  the window); 2 completions in the window, 1 before; pulse answers 4, 5, 3 → Adoption 100 (3 of the last 7
  days), Maturity 25 + 50 × 2 / 6 = 41.7 → 41, Sentiment (75 + 100 + 50) / 3 = 75.
- Bob (Sales, stage 1): active 02-03 only (5 messages); one anonymous feedback-gate answer (1) → Adoption 0,
  Maturity 12.5 → 12, no Sentiment of his own (the gate answer is anonymous: it counts for Sales, not for him).
- Cy (Sales, stage 0): nothing. A deactivated Sales member is left out.
- Dan (Support, stage 3): 4 reactions on 02-14 and on 02-15, an app on 02-15 → 2 of 7 days: Adoption 0,
  Maturity 37.5 + 8.3 = 45.8 → 45.
Sales: 3 enrolled, Adoption 1 × 100 // 3 = 33, daily active (3 + 0 + 0) × 100 // 21 = 14, Maturity
(41.7 + 12.5 + 0) / 3 → 18, Sentiment from 4 answers (75, 100, 50, 0) → 56, Messaging 2 of 3 (Ann and Bob posted)
= 66, Platform 0, Power users 0; ignition: Ann is the one active person at stage ≥ 2 → 33%, "reached"; red:
adoption; stuck (2 of 3 not active). Support: 1 person → no Sentiment; Adoption 0 (red), daily active 2 × 100 // 7
= 28, Platform 100, ignition 100%.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.db import make_engine, make_session_factory
from models import Completion, DailyActivity, Person, PulseResponse, Wave, WaveMembership

JAN = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = ["--from", "2026-02-02", "--to", "2026-02-15"]


def _at(day: int) -> datetime:
    return datetime(2026, 2, day, 10, tzinfo=UTC)


@pytest.fixture
def workspace(migrated_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite)
    engine = make_engine(migrated_sqlite)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        people = {
            uid: Person(slack_user_id=uid, department=dept, current_stage=stage, created_at=JAN, deactivated=gone)
            for uid, dept, stage, gone in [
                ("U0ANN0001", "Sales", 2, False),
                ("U0BOB0001", "Sales", 1, False),
                ("U0CY00001", "Sales", 0, False),
                ("U0DAN0001", "Support", 3, False),
                ("U0GONE001", "Sales", 4, True),
            ]
        }
        s.add_all(people.values())
        s.flush()
        ann, bob, dan, gone = (people[u].id for u in ("U0ANN0001", "U0BOB0001", "U0DAN0001", "U0GONE001"))

        def day(pid: int, d: date, **counts: int) -> DailyActivity:
            return DailyActivity(person_id=pid, day=d, **counts)

        s.add_all(
            [
                day(ann, date(2026, 2, 9), messages=2, replies=1),
                day(ann, date(2026, 2, 11), messages=2, replies=1, files=1),
                day(ann, date(2026, 2, 13), messages=2, replies=1),
                day(ann, date(2026, 2, 20), messages=9),
                day(bob, date(2026, 2, 3), messages=5),
                day(dan, date(2026, 2, 14), reactions=4),
                day(dan, date(2026, 2, 15), reactions=4, apps=1),
                day(gone, date(2026, 2, 14), messages=3),
            ]
        )
        s.add_all(
            [
                Completion(person_id=ann, use_case_key=k, source="event", completed_at=at)
                for k, at in [("a", _at(3)), ("b", _at(10)), ("c", datetime(2026, 1, 20, tzinfo=UTC))]
            ]
        )
        s.add_all(
            [
                PulseResponse(person_id=ann, kind="pulse", score=v, answered_at=_at(d))
                for v, d in [(4, 9), (5, 10), (3, 12)]
            ]
        )
        s.add(PulseResponse(person_id=bob, kind="feedback", score=1, answered_at=_at(12), show_name=False))
    yield factory
    engine.dispose()


def _report(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    key = "slack_user_id" if rows and "slack_user_id" in rows[0] else "department"
    return {r[key]: r for r in rows}


def test_one_row_per_person_with_the_numbers_worked_out_by_hand(workspace: sessionmaker, tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    code, stdout, stderr = _report("--csv", str(out), *WINDOW)
    assert code == 0, stderr
    assert f"{out}: 4 people (2026-02-02 to 2026-02-15)" in stdout
    rows = _rows(out)
    assert set(rows) == {"U0ANN0001", "U0BOB0001", "U0CY00001", "U0DAN0001"}  # the deactivated one is left out
    ann = rows["U0ANN0001"]
    assert {k: ann[k] for k in ("department", "stage", "completions", "active_days", "messages", "replies")} == {
        "department": "Sales",
        "stage": "2",
        "completions": "2",
        "active_days": "3",
        "messages": "6",
        "replies": "3",
    }
    assert (ann["files"], ann["adoption"], ann["maturity"], ann["sentiment"], ann["sentiment_answers"]) == (
        "1",
        "100",
        "41",
        "75",
        "3",
    )
    bob = rows["U0BOB0001"]
    assert (bob["active_days"], bob["adoption"], bob["maturity"], bob["sentiment"], bob["sentiment_answers"]) == (
        "1",
        "0",
        "12",
        "",
        "0",
    )
    dan = rows["U0DAN0001"]
    assert (dan["reactions"], dan["apps"], dan["adoption"], dan["maturity"]) == ("8", "1", "0", "45")
    assert rows["U0CY00001"]["active_days"] == "0" and rows["U0CY00001"]["maturity"] == "0"


def test_one_row_per_department_agrees_with_the_status_numbers(workspace: sessionmaker, tmp_path: Path) -> None:
    out = tmp_path / "departments.csv"
    code, _, stderr = _report("--departments", "--csv", str(out), *WINDOW)
    assert code == 0, stderr
    rows = _rows(out)
    sales, support = rows["Sales"], rows["Support"]
    assert {k: sales[k] for k in ("people", "enrolled", "active", "adopted", "adoption", "daily_active")} == {
        "people": "3",
        "enrolled": "3",
        "active": "1",
        "adopted": "1",
        "adoption": "33",
        "daily_active": "14",
    }
    assert {k: sales[k] for k in ("maturity", "sentiment", "answers", "usage", "messaging", "platform")} == {
        "maturity": "18",
        "sentiment": "56",
        "answers": "4",
        "usage": "14",
        "messaging": "66",
        "platform": "0",
    }
    assert (sales["power_users"], sales["power"], sales["ignited"], sales["ignition"], sales["forecast"]) == (
        "0",
        "0",
        "1",
        "33",
        "reached",
    )
    assert (sales["stuck"], sales["unanswered"]) == ("2", "0")
    assert sales["red"] == "adoption; stuck"  # the one red rule (docs/metrics.md): low Adoption, most not active
    assert (sales["stage_0"], sales["stage_1"], sales["stage_2"]) == ("1", "1", "1")
    assert (support["people"], support["sentiment"], support["ignition"], support["daily_active"]) == (
        "1",
        "",
        "100",
        "28",
    )
    assert (support["platform"], support["messaging"], support["red"]) == ("100", "0", "adoption")


def test_department_and_wave_narrow_the_people(workspace: sessionmaker, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    assert _report("--csv", str(out), *WINDOW, "--department", "Support")[0] == 0
    assert set(_rows(out)) == {"U0DAN0001"}
    with workspace.begin() as s:
        wave = Wave(name="Pilot", state="active")
        s.add(wave)
        s.flush()
        for uid in ("U0ANN0001", "U0CY00001"):
            pid = s.query(Person.id).filter_by(slack_user_id=uid).scalar()
            s.add(WaveMembership(wave_id=wave.id, person_id=pid, enrolled_at=JAN, running=True))
    assert _report("--csv", str(out), *WINDOW, "--wave", "Pilot")[0] == 0
    rows = _rows(out)
    assert set(rows) == {"U0ANN0001", "U0CY00001"} and rows["U0ANN0001"]["wave"] == "Pilot"
    # Bob is in another running wave: with --wave the departments of Pilot's members are listed, each whole
    # (Sales' 3 enrolled people, as the admin Home shows it), beside how many of Pilot's members are in it.
    with workspace.begin() as s:
        second = Wave(name="Second", state="active")
        s.add(second)
        s.flush()
        bob = s.query(Person.id).filter_by(slack_user_id="U0BOB0001").scalar()
        s.add(WaveMembership(wave_id=second.id, person_id=bob, enrolled_at=JAN, running=True))
    assert _report("--departments", "--csv", str(out), *WINDOW, "--wave", "Pilot")[0] == 0
    sales = _rows(out)["Sales"]
    assert set(_rows(out)) == {"Sales"} and (sales["people"], sales["enrolled"], sales["adoption"]) == ("2", "3", "33")


def test_the_html_page_is_self_contained_with_the_five_charts(workspace: sessionmaker, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, stderr = _report("--html", str(out), *WINDOW, "--locale", "ja")
    assert code == 0, stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page
    assert "定着レポート (2026-02-02 〜 2026-02-15)" in page
    for section in ("chart-adoption", "chart-funnel", "chart-ignition", "chart-sentiment", "chart-help"):
        assert f'<section id="{section}">' in page
    assert page.count('src="data:image/png;base64,') == 5
    assert 'src="http' not in page and "<link" not in page and "<script" not in page  # nothing fetched
    assert "<td>Sales</td>" in page


def test_an_empty_range_says_so(workspace: sessionmaker, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    code, _, stderr = _report("--csv", str(out), "--from", "2026-02-15", "--to", "2026-02-02")
    assert code == 1 and "the range is empty: --from 2026-02-15 is after --to 2026-02-02" in stderr
    assert not out.exists()
    code, _, stderr = _report("--csv", str(out), *WINDOW, "--department", "Legal")
    assert code == 1 and "nothing to report: nobody in Legal (2026-02-02 to 2026-02-15)" in stderr
    code, _, stderr = _report("--csv", str(out), "--from", "2025-06-01", "--to", "2025-06-30")
    assert code == 0 and "the range 2025-06-01 to 2025-06-30 holds no activity, completions or answers" in stderr
    assert all(r["active_days"] == "0" for r in _rows(out).values())


def test_it_needs_somewhere_to_write(workspace: sessionmaker) -> None:
    code, _, stderr = _report(*WINDOW)
    assert code == 2 and "--csv FILE and/or --html FILE" in stderr
    code, _, stderr = _report("--departments", "--html", "x.html", *WINDOW)
    assert code == 2 and "--departments goes with --csv FILE" in stderr


def test_the_progress_bar_hears_the_size_of_the_work_and_every_step(workspace: sessionmaker) -> None:
    from bot.playbook import default_playbook_path, load_playbook
    from bot.reports.data import ReportScope, build_report

    class Recorder:
        def __init__(self) -> None:
            self.total, self.done = 0, 0

        def start(self, total: int) -> None:
            self.total = total

        def advance(self, done: int) -> None:
            self.done += done

    recorder = Recorder()
    with workspace() as s:
        scope = ReportScope(date(2026, 2, 2), date(2026, 2, 15))
        build_report(s, load_playbook(default_playbook_path()), scope, now=_at(16), progress=recorder)
    assert (recorder.total, recorder.done) == (4 + 2, 4 + 2)  # four people, two departments


def test_the_charts_read_the_same_numbers_as_the_rows(workspace: sessionmaker) -> None:
    from bot.playbook import default_playbook_path, load_playbook
    from bot.reports.data import ReportScope, build_report

    with workspace() as s:
        scope = ReportScope(date(2026, 2, 2), date(2026, 2, 15))
        report = build_report(s, load_playbook(default_playbook_path()), scope, now=_at(16))
    assert (report.overall.enrolled, report.overall.adopted, report.overall.adoption) == (4, 1, 25)  # Ann of 4
    # Weeks end 02-08 (02-02 … 02-08: only Bob, 1 day) and 02-15: the last point is the report's Adoption.
    assert report.adoption_trend == [(date(2026, 2, 8), 0.0), (date(2026, 2, 15), 0.25)]
    # Sentiment of each week's answers: none the first week; Ann's 4, 5, 3 and Bob's anonymous 1 the second.
    assert report.sentiment_trend == [(date(2026, 2, 8), None), (date(2026, 2, 15), 56)]
    assert report.funnel == [4, 3, 2, 1, 0]  # stages 2, 1, 0, 3 of the enrolled people
    assert [(d.department, d.ignited, d.enrolled) for d in report.departments] == [("Sales", 1, 3), ("Support", 1, 1)]
