"""`coach rehearse` end to end, small: determinism, the delivery invariants, warnings, bad input, isolation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import main
from bot.playbook.loader import default_playbook_path

SMALL = ["--people", "24", "--departments", "3", "--weeks", "2"]


def _run(tmp_path: Path, *args: str, name: str = "out") -> tuple[int, str, dict[str, Any] | None]:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["rehearse", *SMALL, "--out", str(out), *args])
    report = out / "report.json"
    return result.exit_code, result.output, json.loads(report.read_text()) if report.exists() else None


def _playbook(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(default_playbook_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("rehearse")
    code, output, report = _run(tmp)
    assert code == 0, output
    assert report is not None
    return tmp, report


def test_same_seed_same_report(default_run: tuple[Path, dict[str, Any]]) -> None:
    tmp, first = default_run
    code, output, second = _run(tmp, name="again")
    assert code == 0, output
    assert second == first
    assert (tmp / "out" / "report.json").read_bytes() == (tmp / "again" / "report.json").read_bytes()


def test_bundled_playbook_keeps_hours_and_budget(default_run: tuple[Path, dict[str, Any]]) -> None:
    _, report = default_run
    assert sum(report["messages_by_kind"].values()) > 0
    assert report["messages_outside_working_hours"] == 0
    assert report["max_messages_per_person_week"] <= report["weekly_budget"] == 3
    assert sum(report["messages_per_person_week"].values()) == report["people"] * report["weeks"]
    assert set(report["messages_by_local_hour"]) == {str(h) for h in range(24)}
    assert report["playbook"] == "default.yaml"  # a file name, never a path
    assert not any(w["code"] == "over_budget" for w in report["warnings"])


def test_report_has_every_schema_key(default_run: tuple[Path, dict[str, Any]]) -> None:
    _, report = default_run
    keys = set(re.findall(r'^\s*"(\w+)":', (Path(__file__).parent / "schema_keys.txt").read_text(), re.M))
    keys.discard("first_answer_minutes")  # a key of "help", on its own line in the schema
    assert keys <= set(report), keys - set(report)
    assert {"asked", "answered", "escalated", "unanswered", "first_answer_minutes"} <= set(report["help"])
    weekly = [row for rows in report["scores_by_week"].values() for row in rows]  # bot.services.metrics' scores
    assert weekly and all(0 <= row["adoption"] <= 100 and row["enrolled"] > 0 for row in weekly)
    assert set(report["scores_by_week"]) <= set(report["departments"]) | {"(no department)"}


def test_unreachable_use_case_is_flagged(tmp_path: Path) -> None:
    def unreachable(data: dict[str, Any]) -> None:
        data["stages"][0]["use_cases"][1]["criteria"] = {"event": "file_shared"}  # Coach is not subscribed to it

    code, output, report = _run(tmp_path, "--playbook", str(_playbook(tmp_path, unreachable)))
    assert code == 0, output
    assert report is not None
    key = yaml.safe_load(default_playbook_path().read_text())["stages"][0]["use_cases"][1]["key"]
    never = [w["message"] for w in report["warnings"] if w["code"] == "use_case_never_completed"]
    [warning] = [m for m in never if f'"{key}"' in m]
    assert 'needs the event "file_shared", which the app does not receive' in warning
    assert warning.startswith("custom.yaml:")


def test_budget_of_one_is_respected(tmp_path: Path) -> None:
    def tight(data: dict[str, Any]) -> None:
        data["cadence"]["weekly_budget"] = 1

    code, output, report = _run(tmp_path, "--playbook", str(_playbook(tmp_path, tight)))
    assert code == 0, output
    assert report is not None
    assert report["weekly_budget"] == 1
    assert report["max_messages_per_person_week"] <= 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--people", "0"], "--people must be between"),
        (["--weeks", "1000"], "--weeks must be between"),
        (["--people", "3", "--departments", "5"], "--departments must be between 1 and the number of people"),
    ],
)
def test_impossible_parameters_get_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    result = CliRunner().invoke(main, ["rehearse", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_broken_playbook_is_refused_like_playbook_check(tmp_path: Path) -> None:
    broken = _playbook(tmp_path, lambda d: d["cadence"].update(weekly_budget="lots"))
    check = CliRunner().invoke(main, ["playbook", "check", str(broken)])
    result = CliRunner().invoke(main, ["rehearse", "--playbook", str(broken), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert check.output.splitlines()[0] == result.output.splitlines()[0]
    assert "custom.yaml:" in result.output
    assert not (tmp_path / "o").exists()


def test_broken_plan_is_refused_with_file_and_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("waves:\n  - name: pilot\n    colour: blue\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rehearse", "--plan", str(plan), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"{plan}:3:" in result.output
    assert not (tmp_path / "o").exists()


def test_existing_out_dir_needs_force(default_run: tuple[Path, dict[str, Any]]) -> None:
    tmp, _ = default_run
    result = CliRunner().invoke(main, ["rehearse", *SMALL, "--out", str(tmp / "out")])
    assert result.exit_code == 2
    assert "--force" in result.output


def test_never_reaches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real-looking settings in the environment and .env are ignored: the API and database are the simulation's."""
    monkeypatch.chdir(tmp_path)
    real_db = tmp_path / "real.db"
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{real_db}\nSLACK_BOT_TOKEN=xoxb-real\n", encoding="utf-8")
    monkeypatch.setenv("SLACK_API_URL", "http://192.0.2.1:9/api/")  # TEST-NET: would hang, never answer
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-from-env")
    import socket

    real_connect = socket.socket.connect
    seen: list[Any] = []

    def connect(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    code, output, report = _run(tmp_path, "--weeks", "1")
    assert code == 0, output
    assert report is not None and sum(report["messages_by_kind"].values()) > 0
    assert not real_db.exists()
    assert seen and all(isinstance(a, tuple) and a[0] == "127.0.0.1" for a in seen), seen


def test_help_questions_are_asked_answered_and_escalated(default_run: tuple[Path, dict[str, Any]]) -> None:
    """The bundled plan has an out-of-office contact (the first one): its questions escalate, others get answers."""
    _, report = default_run
    help_ = report["help"]
    assert help_["asked"] > 0
    assert help_["answered"] > 0
    assert help_["escalated"] > 0
    assert help_["answered"] + help_["unanswered"] == help_["asked"]
    assert len(help_["first_answer_minutes"]) <= help_["asked"]
    assert help_["first_answer_minutes"] == sorted(help_["first_answer_minutes"])
    assert all(m >= 0 for m in help_["first_answer_minutes"])
    assert not any(w["code"] == "empty_placeholder" for w in report["warnings"])


def test_contacts_answer_only_in_working_hours() -> None:
    from datetime import UTC, datetime

    from bot.rehearsal.runner import _working
    from bot.rehearsal.workspace import SimPerson

    tokyo = SimPerson("U0C", "c", "Asia/Tokyo", "ja-JP", "Sales", "eager")
    friday_night = datetime(2027, 1, 8, 12, 0, tzinfo=UTC)  # 21:00 Friday in Tokyo
    assert _working(tokyo, friday_night) == datetime(2027, 1, 11, 0, 0, tzinfo=UTC)  # Monday 09:00 Tokyo
    inside = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)  # Tuesday 11:30 Tokyo
    assert _working(tokyo, inside) == inside


def test_template_with_an_empty_placeholder_is_flagged(tmp_path: Path) -> None:
    """No sponsor in the playbook nor the plan, and the welcome says {sponsor}: flagged with file and key."""

    def no_sponsor(data: dict[str, Any]) -> None:
        data["purpose"].pop("sponsor", None)
        for locale in data["templates"]["welcome"]:
            data["templates"]["welcome"][locale] += " {sponsor}"

    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "waves:\n  - name: pilot\n    start_date: 2027-01-04\n    members:\n      departments: [Sales]\n",
        encoding="utf-8",
    )
    code, output, report = _run(
        tmp_path, "--playbook", str(_playbook(tmp_path, no_sponsor)), "--plan", str(plan), "--weeks", "1"
    )
    assert code == 0, output
    assert report is not None
    flagged = [w["message"] for w in report["warnings"] if w["code"] == "empty_placeholder"]
    assert flagged, report["warnings"]
    assert all(m.startswith("custom.yaml:") for m in flagged)
    assert any('template "templates.welcome.' in m and "{sponsor} empty" in m for m in flagged), flagged
    assert not any("{name}" in m or "{first_use_case}" in m for m in flagged), flagged
