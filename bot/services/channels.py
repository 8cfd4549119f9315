"""Channel id → name, because events carry ids and playbook criteria name channels.

Names are stored in the `channels` table, filled by the channel sync and on first sight through
conversations.info (bot/flows/channels.py); `bot.deps.ChannelNames`, one per `Deps`, keeps the hot path free of
queries.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from models import Channel


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


def stored_name(session: Session, channel_id: str) -> str | None:
    """The name the table holds for a channel id (None when Coach has never seen it)."""
    return session.scalar(select(Channel.name).where(Channel.channel_id == channel_id))


def channel_id_named(session: Session, name: str) -> str | None:
    """The id of the channel called `name` ("#ask-it" or "ask-it"), if Coach has seen it."""
    return session.scalar(select(Channel.channel_id).where(Channel.name == name.lstrip("#")))
