"""Fixtures for end-to-end tests: a fake Slack with a few people, and the app running against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.simslack import FakeSlack
from tests.e2e.harness import HttpApp, grant_manifest_scopes, http_app


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(ack_timeout=1.0) as f:
        grant_manifest_scopes(f)
        f.add_user("U0ALICE01", name="alice", real_name="Alice Example", tz="Asia/Tokyo", locale="ja-JP")
        f.add_user("U0BOB0001", name="bob", real_name="Bob Example", tz="Europe/London", locale="en-GB")
        f.add_user("W111", name="wendy", real_name="Wendy Sample", tz="America/New_York", locale="en-US")
        yield f


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    with http_app(fake, sqlite_url) as running:
        yield running
