"""`coach waves export/import` round-trips the plan, reports file:line errors, audits; `coach audit` prints it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from bot.db import make_engine, make_session_factory, session_scope
from models import AuditEntry, Wave

PLAN = """\
waves:
  - name: Pilot
    goal: cut order lead time by 20%
    sponsor: U0CEO0001
    purpose_message: Orders move to Slack so nobody waits on email.
    start_date: 2099-04-01
    schedule: {unfreeze: 5, change: 20, refreeze: 10}
    members:
      departments: [Sales]
      users: [U0BOB0001]
  - name: Everyone else
    members: {usergroups: [S0ALL]}
    goal_ja: 受注リードタイムを 20% 短縮
    sponsor: U0CEO0001
    purpose_message_ja: 受注を Slack に移し、メール待ちをなくします。
"""


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return CliRunner()


def _count(url: str, model: type) -> int:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as s:
        n = int(s.scalar(select(func.count()).select_from(model)) or 0)
    engine.dispose()
    return n


def test_import_export_round_trip_and_audit(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    first = runner.invoke(main, ["waves", "import", str(plan), "--actor", "U0ADMIN01"])
    assert first.exit_code == 0, first.output
    assert "created Pilot" in first.output and "created Everyone else" in first.output
    again = runner.invoke(main, ["waves", "import", str(plan)])
    assert again.exit_code == 0 and "nothing to change" in again.output
    out = tmp_path / "out.yaml"
    assert runner.invoke(main, ["waves", "export", str(out)]).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert "cut order lead time by 20%" in exported and "state: scheduled" in exported
    assert "受注リードタイムを 20% 短縮" in exported and "メール待ちをなくします" in exported  # both languages
    assert runner.invoke(main, ["waves", "import", str(out)]).output.strip() == "nothing to change"
    log = runner.invoke(main, ["audit"])
    assert log.exit_code == 0
    assert log.output.count("wave.create") == 2 and "U0ADMIN01" in log.output
    assert _count(sqlite_url, AuditEntry) == 2


def test_invalid_plan_reports_file_and_line_and_saves_nothing(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        PLAN.replace("refreeze: 10", "refreeze: 0").replace("members: {usergroups: [S0ALL]}", "colour: red"),
        encoding="utf-8",
    )
    result = runner.invoke(main, ["waves", "import", str(plan)])
    assert result.exit_code == 1
    assert f"{plan}:12: waves.1.colour" in result.output
    plan.write_text(PLAN.replace("refreeze: 10", "refreeze: 0"), encoding="utf-8")
    result = runner.invoke(main, ["waves", "import", str(plan)])
    assert result.exit_code == 1
    assert f'{plan}:7: wave "Pilot": must be between 1 and 180 days' in result.output
    assert _count(sqlite_url, Wave) == 0 and _count(sqlite_url, AuditEntry) == 0


def test_a_sponsor_or_member_that_is_not_a_user_id_and_a_bad_date_are_named_with_their_line(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    plan = tmp_path / "typos.yaml"
    plan.write_text(PLAN.replace("sponsor: U0CEO0001", "sponsor: not-a-user"), encoding="utf-8")
    result = runner.invoke(main, ["waves", "import", str(plan)])
    assert result.exit_code == 1
    assert f"{plan}:4: wave \"Pilot\": Sponsor: 'not-a-user' is not a Slack user id" in result.output
    plan.write_text(PLAN.replace("users: [U0BOB0001]", "users: [bob]"), encoding="utf-8")
    result = runner.invoke(main, ["waves", "import", str(plan)])
    assert result.exit_code == 1 and f"{plan}:10: wave \"Pilot\": 'bob' is not a Slack user id" in result.output
    plan.write_text(PLAN.replace("start_date: 2099-04-01", "start_date: 2099-13-45"), encoding="utf-8")
    result = runner.invoke(main, ["waves", "import", str(plan)])
    assert result.exit_code == 1 and f"{plan}:6: waves.0.start_date" in result.output
    assert _count(sqlite_url, Wave) == 0


PEOPLE_PLAN = """\
waves:
  - name: Pilot
    sponsor: U0GONE001
    members:
      departments: [Sales]
      users:
        - U0BOB0001
        - U0NOSUCH1
        - B0T
        - U0BOT0001
        - u0lower01
"""


def test_user_ids_are_checked_with_users_info_one_line_each(
    runner: CliRunner, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.simslack import FakeSlack

    with FakeSlack() as fake:
        fake.add_user("U0BOB0001")
        fake.add_user("U0GONE001", deleted=True)
        fake.add_user("U0BOT0001", is_bot=True)
        monkeypatch.setenv("SLACK_API_URL", fake.api_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
        plan = tmp_path / "people.yaml"
        plan.write_text(PEOPLE_PLAN, encoding="utf-8")
        result = runner.invoke(main, ["waves", "import", str(plan)])
        asked = {c.args.get("user") for c in fake.calls_to("users.info")}
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert f'{plan}:3: wave "Pilot": Sponsor: U0GONE001 is deactivated in Slack; choose someone active.' in lines
    not_found = "U0NOSUCH1 is not a person in this Slack workspace (users.info: user_not_found)."
    assert f'{plan}:8: wave "Pilot": {not_found}' in lines
    assert any(line.startswith(f"{plan}:9: wave \"Pilot\": 'B0T' is not a Slack user id") for line in lines)
    assert f'{plan}:10: wave "Pilot": U0BOT0001 is a bot or app, not a person.' in lines
    assert any(line.startswith(f"{plan}:11: wave \"Pilot\": 'u0lower01' is not a Slack user id") for line in lines)
    assert not any("U0BOB0001" in line for line in lines)  # the one real, active person passes
    assert asked == {"U0GONE001", "U0BOB0001", "U0NOSUCH1", "U0BOT0001"}  # badly formed ids are not asked about
    assert _count(sqlite_url, Wave) == 0

    plan.write_text(PEOPLE_PLAN.split("    sponsor:")[0] + "    members: {users: [U0BOB0001]}\n", encoding="utf-8")
    with FakeSlack() as fake:
        fake.add_user("U0BOB0001")
        monkeypatch.setenv("SLACK_API_URL", fake.api_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
        ok = runner.invoke(main, ["waves", "import", str(plan)])
    assert ok.exit_code == 0 and "created Pilot" in ok.output, ok.output
