"""Slack events → `Activity` values (the domain's words). Pure: no I/O.

Message text is read here only to see whether a message mentions someone; it is never stored.
Subtypes that re-describe an earlier message (edits, deletions, reply counters) produce nothing, so
nothing is counted twice; the app's own messages never reach this point (Bolt drops self events).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.domain.activity import Activity

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# Subtypes that are a person's own new message in a channel.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
CHANNEL_TYPES = {"channel": "channel", "group": "group", "im": "im", "mpim": "mpim", "C": "channel", "G": "group"}


def _when(event: dict[str, Any]) -> datetime:
    raw: Any = event.get("event_ts") or event.get("ts")
    try:
        return datetime.fromtimestamp(float(raw), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)


def _channel_type(event: dict[str, Any]) -> Any:
    return CHANNEL_TYPES.get(event.get("channel_type") or "")


def activities_from_event(event: dict[str, Any], *, event_id: str, bot_user_id: str | None) -> list[Activity]:
    """Translate one Events API `event` into what the person did (usually one activity, sometimes none)."""
    kind = event.get("type")
    if kind == "message":
        return _from_message(event, event_id, bot_user_id)
    user = event.get("user")
    if not isinstance(user, str) or not user or user == bot_user_id:
        return []
    at = _when(event)
    if kind == "reaction_added":
        item = event.get("item") or {}
        return [Activity("reaction_added", user, event_id, at, channel_id=item.get("channel"))]
    if kind == "member_joined_channel":
        return [
            Activity(
                "member_joined_channel",
                user,
                event_id,
                at,
                channel_id=event.get("channel"),
                channel_type=_channel_type(event),
            )
        ]
    if kind == "app_mention":
        return [Activity("app_mention", user, event_id, at, channel_id=event.get("channel"))]
    if kind == "app_home_opened":
        return [Activity("app_home_opened", user, event_id, at)]
    return []


def _from_message(event: dict[str, Any], event_id: str, bot_user_id: str | None) -> list[Activity]:
    subtype = event.get("subtype")
    channel, channel_type, at = event.get("channel"), _channel_type(event), _when(event)
    ts, thread_ts = event.get("ts"), event.get("thread_ts")
    thread_reply = bool(thread_ts) and thread_ts != ts
    user = event.get("user")
    is_bot = bool(event.get("bot_id") or event.get("bot_profile") or subtype == "bot_message")
    via_app = bool(event.get("app_id")) and not is_bot  # posted by an app on the person's behalf
    if is_bot:
        # Another app or a workflow answered in a thread someone started: that person used an app.
        parent = event.get("parent_user_id")
        if thread_reply and isinstance(parent, str) and parent != bot_user_id and channel_type != "im":
            return [Activity("app_used", parent, f"{event_id}:app", at, channel_id=channel, channel_type=channel_type)]
        return []
    if subtype not in PERSON_SUBTYPES or not isinstance(user, str) or not user or user == bot_user_id:
        return []
    mentioned = {m for m in MENTION.findall(str(event.get("text") or "")) if m != user}
    message = Activity(
        "message",
        user,
        event_id,
        at,
        channel_id=channel,
        channel_type=channel_type,
        thread_reply=thread_reply,
        mentions_user=bool(mentioned - {bot_user_id}),
        from_app=via_app,
    )
    found = [message]
    if channel_type == "im":
        return found
    where = {"channel_id": channel, "channel_type": channel_type}
    if subtype == "file_share" or event.get("files"):
        found.append(Activity("file_shared", user, f"{event_id}:file", at, **where))
    if via_app:
        found.append(Activity("app_used", user, f"{event_id}:app", at, **where))
    return found
