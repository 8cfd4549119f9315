"""Knowing channels by name: the hot path's cached lookup, the bot joining a channel, and the full sync."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.activity import Activity
from bot.services.channels import remember, stored_name
from bot.slack.gateway import SlackError

log = logging.getLogger(__name__)


def channel_name(deps: Deps, channel_id: str | None) -> str | None:
    """The channel's name, asking Slack once when we have never seen it; None for DMs or on failure."""
    if not channel_id or channel_id[0] == "D":
        return None
    cached = deps.channel_names.get(channel_id)
    if cached is not None:
        return cached
    with session_scope(deps.session_factory) as session:
        name = stored_name(session, channel_id)
    if name is None:
        try:
            info = deps.slack.channel_info(channel_id)
        except SlackError:
            return None
        name = str(info.get("name") or "")
        with session_scope(deps.session_factory) as session:
            remember(
                session, channel_id=channel_id, name=name, now=deps.clock.now(), bot_is_member=info.get("is_member")
            )
    deps.channel_names.put(channel_id, name)
    return name


def named(deps: Deps, activity: Activity) -> Activity:
    """The activity with its channel's name filled in (playbook criteria name channels, events carry ids)."""
    name = channel_name(deps, activity.channel_id)
    return replace(activity, channel_name=name) if name else activity


def bot_joined(deps: Deps, channel_id: str) -> None:
    """The bot was invited to a channel: from now on it sees the channel's events, so remember it."""
    try:
        info = deps.slack.channel_info(channel_id)
    except SlackError as exc:
        log.warning("joined channel %s but cannot read it: %s", channel_id, exc.code)
        return
    name = str(info.get("name") or "")
    with session_scope(deps.session_factory) as session:
        remember(session, channel_id=channel_id, name=name, now=deps.clock.now(), bot_is_member=True)
    deps.channel_names.put(channel_id, name)


def sync_channels(deps: Deps) -> int:
    """Refresh every channel the bot can see (names and membership)."""
    now = deps.clock.now()
    channels = list(deps.slack.iter_channels())
    with session_scope(deps.session_factory) as session:
        for info in channels:
            remember(
                session,
                channel_id=info["id"],
                name=str(info.get("name") or ""),
                now=now,
                bot_is_member=bool(info.get("is_member")),
            )
    for info in channels:
        deps.channel_names.put(info["id"], str(info.get("name") or ""))
    return len(channels)
