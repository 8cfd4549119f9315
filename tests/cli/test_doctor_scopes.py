"""`coach doctor` names a missing optional scope with the feature it enables (files:write → digest charts),
and warns while COACH_PRIVACY_KEY is unset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.cli.doctor import Check, run_checks
from bot.manifest import bot_scopes, load_manifest
from bot.simslack import FakeSlack
from bot.slack.gateway import SlackGateway, make_web_client
from tests.conftest import make_settings


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


def _check(fake: FakeSlack, sqlite_url: str, name: str = "scopes") -> Check:
    settings = make_settings(sqlite_url, SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=fake.bot_token)
    gateway = SlackGateway(make_web_client(settings.bot_token, fake.api_url, retries=0))
    return next(c for c in run_checks(settings, gateway) if c.name == name)


def test_files_write_is_in_the_manifest() -> None:
    assert "files:write" in bot_scopes(load_manifest())


def test_a_missing_files_write_is_named_with_the_feature_it_enables(fake: FakeSlack, sqlite_url: str) -> None:
    fake.api.granted_scopes = sorted(bot_scopes(load_manifest()) - {"files:write"})
    # Optional (bot.services.setup.OPTIONAL_SCOPES): Coach runs without it, doctor warns and names the feature.
    assert _check(fake, sqlite_url).ok
    line = _check(fake, sqlite_url, "scope files:write")
    assert line.warning and line.detail == "not granted: no chart images in the weekly digest"
    assert "add files:write" in line.fix


def test_all_scopes_granted_is_ok(fake: FakeSlack, sqlite_url: str) -> None:
    fake.api.granted_scopes = sorted(bot_scopes(load_manifest()))
    assert _check(fake, sqlite_url).ok and not _check(fake, sqlite_url, "scope files:write").warning


def test_an_unset_privacy_key_is_a_warning_saying_what_to_set(fake: FakeSlack, sqlite_url: str) -> None:
    fake.api.granted_scopes = sorted(bot_scopes(load_manifest()))
    unset = _check(fake, sqlite_url, "privacy key")
    assert unset.ok and unset.warning and "set COACH_PRIVACY_KEY" in unset.fix
    settings = make_settings(
        sqlite_url, SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=fake.bot_token, COACH_PRIVACY_KEY="s3cret"
    )
    gateway = SlackGateway(make_web_client(settings.bot_token, fake.api_url, retries=0))
    kept = next(c for c in run_checks(settings, gateway) if c.name == "privacy key")
    assert kept.ok and not kept.warning
