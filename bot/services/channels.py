"""Channel id → name, because events carry ids and playbook criteria name channels.

Names come from the `channels` table, filled by `sync_channels` and on first sight through
conversations.info; a small in-process cache keeps the hot path free of queries.
"""

from __future__ import annotations

from threading import Lock

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore, session_scope
from bot.deps import Deps
from bot.slack.gateway import SlackError
from models import Channel

_cache: dict[str, str] = {}
_lock = Lock()


def remember(session: Session, *, channel_id: str, name: str, now: object, bot_is_member: bool | None = None) -> None:
    """Store or refresh a channel's name (and whether the bot is in it); safe when listeners race."""
    values: dict[str, object] = {
        "channel_id": channel_id,
        "name": name[:255],
        "updated_at": now,
        "bot_is_member": bool(bot_is_member),
        "is_private": False,
    }
    if not insert_ignore(session, Channel, values, conflict=["channel_id"]):
        changes: dict[str, object] = {"name": name[:255], "updated_at": now}
        if bot_is_member is not None:
            changes["bot_is_member"] = bot_is_member
        session.execute(update(Channel).where(Channel.channel_id == channel_id).values(changes))
    with _lock:
        _cache[channel_id] = name


def channel_name(deps: Deps, channel_id: str | None) -> str | None:
    """The channel's name, asking Slack once when we have never seen it; None for DMs or on failure."""
    if not channel_id or channel_id[0] == "D":
        return None
    with _lock:
        if channel_id in _cache:
            return _cache[channel_id]
    with session_scope(deps.session_factory) as session:
        name = session.scalar(select(Channel.name).where(Channel.channel_id == channel_id))
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
    with _lock:
        _cache[channel_id] = name
    return name


def sync_channels(deps: Deps) -> int:
    """Refresh every channel the bot can see (names and membership)."""
    now, count = deps.clock.now(), 0
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
            count += 1
    return count


def forget_cache() -> None:
    with _lock:
        _cache.clear()
