"""`coach`: every sub-command is attached in one place, fails in one line, and migrates by runtime's rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from bot.cli import main


def test_every_sub_command_is_registered_explicitly() -> None:
    assert sorted(main.commands) == [
        "ambassadors",
        "analytics",
        "audit",
        "doctor",
        "import-people",
        "migrate",
        "outbox",
        "playbook",
        "rehearse",
        "report",
        "run",
        "serve",
        "sync-people",
        "waves",
        "worker",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["outbox"],
        ["outbox", "--retry-failed"],
        ["audit"],
        ["waves", "export", "plan.yaml"],
        ["waves", "import", "plan.yaml"],
        ["ambassadors", "list"],
        ["ambassadors", "add", "U0ANN0001", "Sales"],
        ["import-people", "people.csv"],
        ["sync-people"],
        ["migrate"],
        ["doctor"],
        ["worker"],
    ],
)
def test_a_malformed_setting_ends_every_command_with_one_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "people.csv").write_text("slack_user_id,department\nU0ANN0001,Sales\n", encoding="utf-8")
    (tmp_path / "plan.yaml").write_text("waves: []\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "mysql://coach@localhost/coach")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "coach: DATABASE_URL is malformed: only sqlite:// and postgresql:// databases are supported"
    ]


def test_a_missing_token_is_named(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(main, ["sync-people"])
    assert result.exit_code == 2
    assert result.output.startswith("coach: SLACK_BOT_TOKEN is not set")


def test_an_embedded_sqlite_database_is_migrated_by_any_command(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no audit entries yet"


def test_postgres_is_migrated_only_by_coach_migrate(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    runner = CliRunner()
    refused = runner.invoke(main, ["audit"])
    engine = create_engine(postgres_url)
    try:
        assert refused.exit_code != 0 and inspect(engine).get_table_names() == []
        assert runner.invoke(main, ["migrate"]).output.strip() == "database is up to date"
        assert "audit_entries" in inspect(engine).get_table_names()
        listed = runner.invoke(main, ["audit"])
        assert listed.exit_code == 0 and listed.output.strip() == "no audit entries yet"
    finally:
        engine.dispose()
