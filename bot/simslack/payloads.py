"""Saved Slack sample payloads and builders for realistic inbound bodies (field names copied from them).

Builders return the inner `event` for Events API types; wrap it with `event_callback(...)`.
"""

from __future__ import annotations

import itertools
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

from .identity import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID
from .reference import DATA_DIR, load_json

PAYLOADS_DIR = DATA_DIR / "payloads"
_event_ids = itertools.count(1)
_trigger_ids = itertools.count(1)


def names() -> list[str]:
    """Every saved sample as "<folder>/<file>" (e.g. "events_api/reaction_added.bolt-python.json")."""
    return sorted(p.relative_to(PAYLOADS_DIR).as_posix() for p in PAYLOADS_DIR.rglob("*") if p.is_file())


def _resolve(name: str) -> Path:
    candidates = [n for n in names() if n in (name, name + ".json") or Path(n).name in (name, name + ".json")]
    if len(candidates) != 1:
        raise KeyError(f"{name!r} matches {candidates or 'no'} sample(s); known: {names()}")
    return PAYLOADS_DIR / candidates[0]


def load(name: str) -> Any:
    """A deep copy of a saved sample: JSON parsed, .txt as text. Name with or without folder / .json."""
    path = _resolve(name)
    relative = path.relative_to(DATA_DIR).as_posix()
    return load_json(relative) if path.suffix == ".json" else path.read_text(encoding="utf-8")


def fresh_event_id() -> str:
    """A unique Events API event_id ("Ev" + 10 upper-case alphanumerics, like real ones)."""
    return f"Ev{next(_event_ids):04d}{secrets.token_hex(3).upper()}"


def fresh_trigger_id() -> str:
    """A trigger_id in Slack's documented format "132456.7890123.abcdef"."""
    return f"{next(_trigger_ids)}{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def now_ts() -> str:
    """A message ts for now: "<secs>.<6 digits>"."""
    return f"{time.time():.6f}"


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = TEAM_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    api_app_id: str = APP_ID,
    bot_user_id: str = BOT_USER_ID,
) -> dict[str, Any]:
    """The event_callback envelope (shape of events_api/message.channel.user.bolt-python.json)."""
    return {
        "token": "verification_token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or fresh_event_id(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event.get('type', 'event')}-{team_id}-{event.get('channel', '')}",
    }


def message_event(
    user: str,
    channel: str,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """A user `message` event (channel_type "im" for DMs; thread_ts for thread replies)."""
    ts = ts or now_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = extra.pop("parent_user_id", user)
    event.update(extra)
    return event


def reaction_event(
    user: str,
    reaction: str,
    channel: str,
    item_ts: str,
    *,
    item_user: str | None = None,
    removed: bool = False,
) -> dict[str, Any]:
    """A reaction_added (or reaction_removed) event on a message."""
    return {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user,
        "item": {"type": "message", "channel": channel, "ts": item_ts},
        "reaction": reaction,
        "item_user": item_user or user,
        "event_ts": now_ts(),
    }


def member_joined(user: str, channel: str, *, inviter: str | None = None, channel_type: str = "C") -> dict[str, Any]:
    """A member_joined_channel event (channel_type "C" public, "G" private)."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": TEAM_ID,
        "event_ts": now_ts(),  # absent from the bolt-python sample, present in real deliveries
    }
    if inviter:
        event["inviter"] = inviter
    return event


def app_home_opened(
    user: str, tab: str = "home", *, channel: str | None = None, view: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An app_home_opened event; `view` only when a Home view was published before (as on Slack)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel or "D" + user[1:],
        "tab": tab,
        "event_ts": now_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


def slash_command(
    text: str,
    user_id: str,
    command: str = "/coach",
    *,
    channel_id: str = "C111",
    channel_name: str = "general",
    user_name: str | None = None,
    team_id: str = TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, str]:
    """Slash-command form fields (order and names of slash_commands/*.parsed.json)."""
    return {
        "token": "verification_token",
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url or f"https://hooks.slack.com/commands/{team_id}/111/{secrets.token_hex(8)}",
        "trigger_id": trigger_id or fresh_trigger_id(),
    }


def _user_ref(user: str, team_id: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id}


def _team_ref(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def block_actions(
    user: str,
    action_id: str,
    value: str,
    *,
    block_id: str = "b",
    action_type: str = "button",
    channel: str = "C111",
    message_ts: str | None = None,
    view: dict[str, Any] | None = None,
    team_id: str = TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A block_actions payload from a message button (or from a view when `view` is given)."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "type": action_type,
        "action_ts": now_ts(),
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": value, "emoji": True}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user_ref(user, team_id),
        "api_app_id": APP_ID,
        "token": "verification_token",
        "trigger_id": trigger_id or fresh_trigger_id(),
        "team": _team_ref(team_id),
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V111")}
        payload["view"] = view
    else:
        ts = message_ts or now_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": "general"}
        payload["message"] = {"type": "message", "ts": ts, "user": BOT_USER_ID, "text": ""}
        payload["response_url"] = (
            response_url or f"https://hooks.slack.com/actions/{team_id}/111/{secrets.token_hex(8)}"
        )
    return payload


def view_submission(
    user: str,
    callback_id: str,
    state_values: dict[str, dict[str, dict[str, Any]]],
    private_metadata: str = "",
    *,
    view_id: str = "V111",
    blocks: list[dict[str, Any]] | None = None,
    title: str = "Adoption Coach",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A view_submission payload (view_submission.bolt-python.json): state.values[block_id][action_id]."""
    return {
        "type": "view_submission",
        "team": _team_ref(team_id),
        "user": _user_ref(user, team_id),
        "api_app_id": APP_ID,
        "token": "verification_token",
        "trigger_id": fresh_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel"},
            "submit": {"type": "plain_text", "text": "Submit"},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": "B111",
        },
        "response_urls": [],
    }
