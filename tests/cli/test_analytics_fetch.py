"""`coach analytics fetch --date`: admin.analytics.getFile through the gateway with a user token, then the import;
`coach doctor` says whether it is available. Against the fake Slack, serving the sample member file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.doctor import run_checks
from bot.db import make_engine, make_session_factory
from bot.settings import get_settings
from bot.simslack import FakeSlack
from bot.slack.gateway import SlackError, SlackGateway, make_web_client
from models import Person
from tests.conftest import make_settings
from tests.domain.test_analytics_file import SAMPLE

USER_TOKEN = "xoxp-fake-user-token"
DAY = "2026-11-02"  # the sample's first day (a finished UTC day)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        f.add_analytics_file(DAY, SAMPLE.read_bytes())
        yield f


@pytest.fixture
def env(fake: FakeSlack, migrated_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite)
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    engine = make_engine(migrated_sqlite)
    with make_session_factory(engine).begin() as s:
        s.add_all([Person(slack_user_id=u, department="Sales") for u in ("U01AKIKO01", "U01BEN0002", "U01CHLOE03")])
    engine.dispose()


def _fetch(*args: str) -> tuple[int, str, str]:
    get_settings.cache_clear()  # the environment changes between calls within one test
    result = CliRunner().invoke(main, ["analytics", "fetch", *args])
    return result.exit_code, result.stdout, result.stderr


def test_fetch_saves_slacks_file_and_imports_it(
    fake: FakeSlack, env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake.add_user_token(USER_TOKEN, ("admin.analytics:read",))
    monkeypatch.setenv("SLACK_USER_TOKEN", USER_TOKEN)
    out = tmp_path / "member.ndjson.gz"
    code, stdout, stderr = _fetch("--date", DAY, "--out", str(out))
    assert code == 0, stderr
    assert out.read_bytes() == SAMPLE.read_bytes()  # the gzip bytes, untouched by the client
    assert f"{out}: {len(SAMPLE.read_bytes())} bytes from admin.analytics.getFile (member, {DAY})" in stdout
    assert f"{out}: 8 member days (2026-11-02 to 2026-11-03): 6 new" in stdout
    (call,) = fake.calls_to("admin.analytics.getFile")
    assert call.ok and call.args["type"] == "member" and call.args["date"] == DAY
    assert call.headers["authorization"] == f"Bearer {USER_TOKEN}"  # the user token, not the bot's


def test_a_user_token_without_the_scope_is_refused_with_the_code(
    fake: FakeSlack, env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake.add_user_token(USER_TOKEN, ("users:read",))
    monkeypatch.setenv("SLACK_USER_TOKEN", USER_TOKEN)
    code, _, stderr = _fetch("--date", DAY, "--out", str(tmp_path / "x.gz"))
    assert code == 3 and "Slack refused admin.analytics.getFile: missing_scope" in stderr
    assert not (tmp_path / "x.gz").exists()


def test_without_a_user_token_or_for_an_unfinished_day_nothing_is_asked(
    fake: FakeSlack, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, stderr = _fetch("--date", DAY)
    assert code == 2 and "SLACK_USER_TOKEN is not set" in stderr and "admin.analytics:read" in stderr
    fake.add_user_token(USER_TOKEN, ("admin.analytics:read",))
    monkeypatch.setenv("SLACK_USER_TOKEN", USER_TOKEN)
    code, _, stderr = _fetch("--date", "2999-01-01")
    assert code == 1 and "2999-01-01 is not over yet in UTC" in stderr
    code, _, stderr = _fetch("--date", "2026-13-01")
    assert code == 2 and "is not a date" in stderr
    assert fake.calls_to("admin.analytics.getFile") == []
    code, _, stderr = _fetch("--date", "2026-10-01", "--no-import")  # a day Slack has no file for
    assert code == 3 and "file_not_found" in stderr


def test_a_bot_token_cannot_fetch(fake: FakeSlack) -> None:
    gateway = SlackGateway(make_web_client(fake.bot_token, fake.api_url, retries=0))
    with pytest.raises(SlackError, match="not_allowed_token_type"):
        gateway.analytics_file(date(2026, 11, 2), user_token=fake.bot_token)


def _analytics_check(fake: FakeSlack, sqlite_url: str, **extra: str) -> tuple[bool, str]:
    settings = make_settings(sqlite_url, SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=fake.bot_token, **extra)
    gateway = SlackGateway(make_web_client(settings.bot_token, fake.api_url, retries=0))
    check = next(c for c in run_checks(settings, gateway) if c.name == "analytics")
    return check.ok, check.detail


def test_doctor_says_whether_analytics_fetch_is_available(fake: FakeSlack, sqlite_url: str) -> None:
    ok, detail = _analytics_check(fake, sqlite_url)
    assert ok and "SLACK_USER_TOKEN is not set: `coach analytics fetch` is off" in detail
    fake.add_user_token(USER_TOKEN, ("users:read",))
    ok, detail = _analytics_check(fake, sqlite_url, SLACK_USER_TOKEN=USER_TOKEN)
    assert not ok and detail == "the user token lacks admin.analytics:read: `coach analytics fetch` cannot work"
    fake.add_user_token(USER_TOKEN, ("admin.analytics:read",))
    ok, detail = _analytics_check(fake, sqlite_url, SLACK_USER_TOKEN=USER_TOKEN)
    assert ok and detail.startswith("available")
