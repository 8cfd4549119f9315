from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.simslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(ack_timeout=0.3) as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=5)
