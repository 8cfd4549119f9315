"""Channel names: asked of Slack once, then served from the app's own cache (one per Deps, never global)."""

from __future__ import annotations

import dataclasses

from bot.db import session_scope
from bot.deps import ChannelNames, Deps
from bot.flows.channels import bot_joined, channel_name, sync_channels
from bot.services.channels import stored_name
from bot.simslack.server import FakeSlack


def test_a_name_is_asked_of_slack_once_then_stored_and_cached(deps: Deps, fake: FakeSlack) -> None:
    fake.add_channel("C0NEWS001", "company-news")
    assert channel_name(deps, "C0NEWS001") == "company-news"
    assert channel_name(deps, "C0NEWS001") == "company-news"
    assert len(fake.calls_to("conversations.info")) == 1
    with session_scope(deps.session_factory) as session:
        assert stored_name(session, "C0NEWS001") == "company-news"


def test_direct_messages_have_no_name_and_cost_no_call(deps: Deps, fake: FakeSlack) -> None:
    assert channel_name(deps, "D0DIRECT1") is None
    assert channel_name(deps, None) is None
    assert fake.calls_to("conversations.info") == []


def test_each_app_has_its_own_cache(deps: Deps, fake: FakeSlack) -> None:
    fake.add_channel("C0NEWS001", "company-news")
    other = dataclasses.replace(deps, channel_names=ChannelNames())
    deps.channel_names.put("C0NEWS001", "a stale name")
    assert channel_name(deps, "C0NEWS001") == "a stale name"
    assert channel_name(other, "C0NEWS001") == "company-news"  # not the other app's cache


def test_joining_and_syncing_fill_the_cache(deps: Deps, fake: FakeSlack) -> None:
    fake.add_channel("C0NEWS001", "company-news")
    fake.add_channel("C0PROJ001", "proj-apollo")
    bot_joined(deps, "C0NEWS001")
    assert deps.channel_names.get("C0NEWS001") == "company-news"
    assert sync_channels(deps) >= 2
    calls = len(fake.calls_to("conversations.info"))
    assert channel_name(deps, "C0PROJ001") == "proj-apollo"
    assert len(fake.calls_to("conversations.info")) == calls
