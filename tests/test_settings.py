"""A missing or malformed setting stops the app with one clear line naming the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_are_the_embedded_setup() -> None:
    s = load_settings()
    assert s.database_url == "sqlite:///coach.db"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.coach_admins == ()


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1-2-abc\nCOACH_ADMINS=U012AB3CD, W0123ABCD\n")
    s = load_settings()
    assert s.bot_token == "xoxb-1-2-abc"
    assert s.coach_admins == ("U012AB3CD", "W0123ABCD")


def test_api_url_gets_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    assert load_settings().slack_api_url == "http://127.0.0.1:9999/api/"


def test_postgres_url_uses_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert load_settings().database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN is malformed: must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-1", "SLACK_APP_TOKEN is malformed"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL is malformed"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL is malformed: only sqlite"),
        ("DATABASE_URL", "::not a url::", "DATABASE_URL is malformed"),
        ("COACH_ADMINS", "alice,bob", "COACH_ADMINS is malformed"),
        (
            "COACH_PLAYBOOK",
            "/nowhere/playbook.yaml",
            "COACH_PLAYBOOK is malformed: file /nowhere/playbook.yaml",
        ),
    ],
)
def test_malformed_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_require_names_the_missing_variable() -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_APP_TOKEN is not set"):
        load_settings(SLACK_BOT_TOKEN="xoxb-1").require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        (["run"], {}, "coach: SLACK_BOT_TOKEN is not set"),
        (["run"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "coach: SLACK_APP_TOKEN is not set"),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "coach: SLACK_SIGNING_SECRET is not set"),
        (["migrate"], {"DATABASE_URL": "oracle://x"}, "coach: DATABASE_URL is malformed"),
    ],
)
def test_cli_stops_with_one_line_not_a_traceback(
    tmp_path: Path, command: list[str], env: dict[str, str], expected: str
) -> None:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        env={**clean, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == proc.stderr.strip().splitlines()[0]
    assert proc.stderr.startswith(expected)
    assert "Traceback" not in proc.stderr


def test_blank_values_mean_unset(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nSLACK_SIGNING_SECRET=\nCOACH_PLAYBOOK=\n")
    s = load_settings()
    assert s.coach_playbook is None
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is not set"):
        s.require("SLACK_SIGNING_SECRET")
