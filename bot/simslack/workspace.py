"""In-memory workspace state of the fake: users, channels, messages, views, DND, user groups."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .clock import TsClock
from .identity import Identity


class ApiError(Exception):
    """An `ok: false` answer with Slack's error code (and optional extra response fields)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _avatar(seed: str) -> dict[str, str]:
    digest = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()
    base = f"https://avatars.slack-edge.example/{digest}"
    sizes = ("24", "32", "48", "72", "192", "512")
    return {"avatar_hash": "g" + digest[:11], **{f"image_{s}": f"{base}_{s}.jpg" for s in sizes}}


def build_user(
    identity: Identity,
    user_id: str,
    *,
    name: str | None = None,
    real_name: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    title: str = "",
    tz: str = "America/Los_Angeles",
    tz_label: str = "Pacific Standard Time",
    tz_offset: int = -28800,
    locale: str = "en-US",
    is_admin: bool = False,
    is_owner: bool = False,
    is_primary_owner: bool = False,
    is_restricted: bool = False,
    is_ultra_restricted: bool = False,
    deleted: bool = False,
    is_bot: bool = False,
    is_app_user: bool = False,
) -> dict[str, Any]:
    """A user object shaped like api-responses/docs-examples/users.info.success.json.

    Custom profile fields are not part of it: as on Slack, users.profile.get answers them (SlackState)."""
    name = name or user_id.lower()
    real_name = real_name if real_name is not None else name.title()
    display = display_name if display_name is not None else name
    profile: dict[str, Any] = {
        **_avatar(user_id),
        "status_text": "",
        "status_emoji": "",
        "title": title,
        "real_name": real_name,
        "display_name": display,
        "real_name_normalized": real_name,
        "display_name_normalized": display,
        "email": email or f"{name}@{identity.team_domain}.example.com",
        "first_name": real_name.split(" ")[0] if real_name else "",
        "last_name": " ".join(real_name.split(" ")[1:]),
        "team": identity.team_id,
    }
    if is_bot:
        profile.pop("email")
        profile.update({"bot_id": identity.bot_id, "api_app_id": identity.app_id, "always_active": True})
    return {
        "id": user_id,
        "team_id": identity.team_id,
        "name": name,
        "deleted": deleted,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": profile,
        "is_admin": is_admin,
        "is_owner": is_owner,
        "is_primary_owner": is_primary_owner,
        "is_restricted": is_restricted,
        "is_ultra_restricted": is_ultra_restricted,
        "is_bot": is_bot,
        "updated": int(time.time()),
        "is_app_user": is_app_user,
        "has_2fa": False,
        "locale": locale,
    }


def build_channel(identity: Identity, channel_id: str, name: str, *, is_private: bool = False) -> dict[str, Any]:
    """A channel object shaped like conversations.info.success.json."""
    now = int(time.time())
    return {
        "id": channel_id,
        "name": name,
        "is_channel": not is_private,
        "is_group": is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": is_private,
        "created": now,
        "is_archived": False,
        "is_general": name == "general",
        "unlinked": 0,
        "name_normalized": name,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "context_team_id": identity.team_id,
        "updated": now * 1000,
        "creator": identity.bot_user_id,
        "shared_team_ids": [identity.team_id],
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
        "previous_names": [],
    }


def build_im(channel_id: str, user_id: str) -> dict[str, Any]:
    """A DM object shaped like conversations.open.success_with_return_im.json."""
    return {
        "id": channel_id,
        "created": int(time.time()),
        "is_im": True,
        "is_org_shared": False,
        "user": user_id,
        "last_read": "0000000000.000000",
        "latest": None,
        "unread_count": 0,
        "unread_count_display": 0,
        "is_open": True,
        "priority": 0,
    }


@dataclass
class SlackState:
    """All mutable state behind the fake Web API; guard compound updates with `lock`."""

    identity: Identity
    clock: TsClock = field(default_factory=TsClock)
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    dnd: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home_views: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → file (methods_files.py), bytes kept
    analytics_files: dict[str, bytes] = field(default_factory=dict)  # "YYYY-MM-DD" → member file (gzip NDJSON)
    # Custom profile fields (data/profile/README.md): the team's field definitions as team.profile.get lists
    # them, and each user's values keyed by field id ({value, alt}) as users.profile.get answers them.
    profile_fields: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    _im_by_user: dict[str, str] = field(default_factory=dict)

    def im_for(self, user_id: str) -> str:
        """The stable DM channel id between the bot and a user (created on first use)."""
        with self.lock:
            if user_id not in self._im_by_user:
                channel_id = "D" + hashlib.sha1(user_id.encode(), usedforsecurity=False).hexdigest()[:9].upper()
                self._im_by_user[user_id] = channel_id
                self.channels[channel_id] = build_im(channel_id, user_id)
                self.members[channel_id] = [self.identity.bot_user_id, user_id]
            return self._im_by_user[user_id]

    def resolve_channel(self, channel: str) -> str:
        """Map a channel argument (C/G/D id, or a user id meaning "DM that user") to a channel id."""
        if channel in self.channels:
            return channel
        if channel[:1] in ("U", "W") and channel in self.users:
            return self.im_for(channel)
        by_name = [cid for cid, c in self.channels.items() if c.get("name") == channel.lstrip("#")]
        if by_name:
            return by_name[0]
        raise ApiError("channel_not_found")

    def require_user(self, user_id: str) -> dict[str, Any]:
        """The seeded user, or Slack's user_not_found."""
        if user_id not in self.users:
            raise ApiError("user_not_found")
        return self.users[user_id]

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The stored message with that ts in that channel, if any."""
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
