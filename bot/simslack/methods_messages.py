"""Web API methods that post, change and read messages (chat.*, reactions.add, conversations history)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .args import CallContext, flag, paginate, text_arg
from .workspace import ApiError, SlackState

Handler = Callable[[SlackState, dict[str, Any], CallContext], dict[str, Any]]

MAX_MESSAGE_BLOCKS = 50  # docs: blocks per message (REPORT.md §3)
MAX_ATTACHMENTS = 100  # chat.postMessage `too_many_attachments`


def _check_blocks(args: dict[str, Any]) -> None:
    blocks = args.get("blocks")
    if blocks in (None, ""):
        return
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    if len(blocks) > MAX_MESSAGE_BLOCKS or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        raise ApiError("invalid_blocks")


def _check_content(args: dict[str, Any]) -> None:
    if not any(args.get(k) not in (None, "", []) for k in ("text", "blocks", "attachments", "markdown_text")):
        raise ApiError("no_text")
    _check_blocks(args)
    attachments = args.get("attachments")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        raise ApiError("too_many_attachments")
    metadata = args.get("metadata")
    if metadata not in (None, ""):
        if not isinstance(metadata, dict):
            raise ApiError("invalid_metadata_format")
        if not isinstance(metadata.get("event_type"), str) or not isinstance(metadata.get("event_payload"), dict):
            raise ApiError("invalid_metadata_schema")


def _check_images(ws: SlackState, args: dict[str, Any]) -> None:
    """`image` blocks need alt text, and a `slack_file` must be a finished upload (methods_files.py).

    Slack's answer for an unknown or unfinished file, as reported in python-slack-sdk issue #1658:
    `invalid_blocks` with `errors: ["invalid slack file [json-pointer:/blocks/N/slack_file]"]`.
    """
    blocks = args.get("blocks")
    for n, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict) or block.get("type") != "image":
            continue
        if not block.get("alt_text"):
            raise ApiError("invalid_blocks", errors=[f"missing required field: alt_text [json-pointer:/blocks/{n}]"])
        ref = block.get("slack_file")
        if ref is None:
            continue
        file = ws.files.get(str(ref.get("id", ""))) if isinstance(ref, dict) else None
        if file is None or file.get("state") != "complete":
            raise ApiError("invalid_blocks", errors=[f"invalid slack file [json-pointer:/blocks/{n}/slack_file]"])


def _bot_message(ws: SlackState, args: dict[str, Any], ts: str) -> dict[str, Any]:
    ident = ws.identity
    message: dict[str, Any] = {
        "user": ident.bot_user_id,
        "type": "message",
        "ts": ts,
        "bot_id": ident.bot_id,
        "app_id": ident.app_id,
        "text": text_arg(args, "text"),
        "team": ident.team_id,
        "bot_profile": {
            "id": ident.bot_id,
            "deleted": False,
            "name": ident.bot_name,
            "updated": int(float(ts)),
            "app_id": ident.app_id,
            "team_id": ident.team_id,
        },
    }
    for key in ("blocks", "attachments", "metadata", "thread_ts"):
        if args.get(key) not in (None, ""):
            message[key] = copy.deepcopy(args[key])
    return message


def chat_post_message(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        _check_content(args)
        _check_images(ws, args)
        message = _bot_message(ws, args, ws.clock.next_ts())
        thread_ts = message.get("thread_ts")
        if thread_ts:
            parent = ws.find_message(channel, thread_ts)
            if parent is None:
                raise ApiError("invalid_arguments", response_metadata={"messages": ["invalid `thread_ts`"]})
            parent.setdefault("thread_ts", parent["ts"])
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            message["parent_user_id"] = parent.get("user", "")
            if flag(args, "reply_broadcast"):
                message["subtype"] = "thread_broadcast"
        ws.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}


def chat_post_ephemeral(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        user = text_arg(args, "user")
        ws.require_user(user)
        if user not in ws.members.get(channel, [user]):
            raise ApiError("user_not_in_channel")
        _check_content(args)
        message = _bot_message(ws, args, ws.clock.next_ts())
        ws.ephemerals.append({**message, "channel": channel, "recipient": user})
        return {"ok": True, "message_ts": message["ts"]}


def _own_message(ws: SlackState, args: dict[str, Any], refusal: str) -> tuple[str, dict[str, Any]]:
    channel = ws.resolve_channel(text_arg(args, "channel"))
    message = ws.find_message(channel, text_arg(args, "ts"))
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != ws.identity.bot_id:
        raise ApiError(refusal)
    return channel, message


def chat_update(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel, message = _own_message(ws, args, "cant_update_message")
        _check_blocks(args)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = copy.deepcopy(args[key])
        message["edited"] = {"user": ws.identity.bot_user_id, "ts": ws.clock.next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": copy.deepcopy(message),
        }


def chat_delete(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel, message = _own_message(ws, args, "cant_delete_message")
        ws.messages[channel].remove(message)
        return {"ok": True, "channel": channel, "ts": message["ts"]}


def reactions_add(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        message = ws.find_message(channel, text_arg(args, "timestamp"))
        if message is None:
            raise ApiError("message_not_found")
        name = text_arg(args, "name").strip(":")
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if entry is None:
            entry = {"name": name, "users": [], "count": 0}
            reactions.append(entry)
        if ws.identity.bot_user_id in entry["users"]:
            raise ApiError("already_reacted")
        entry["users"].append(ws.identity.bot_user_id)
        entry["count"] += 1
        ws.reactions.append({"channel": channel, "timestamp": message["ts"], "name": name})
        return {"ok": True}


def _public_view(message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
    shown = copy.deepcopy(message)
    if not with_metadata:
        shown.pop("metadata", None)
    return shown


def _in_range(ts: str, args: dict[str, Any]) -> bool:
    inclusive = flag(args, "inclusive")
    oldest, latest = text_arg(args, "oldest"), text_arg(args, "latest")
    value = float(ts)
    if oldest and (value < float(oldest) or (value == float(oldest) and not inclusive)):
        return False
    return not (latest and (value > float(latest) or (value == float(latest) and not inclusive)))


def conversations_history(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        top_level = [
            m
            for m in ws.messages.get(channel, [])
            if m.get("thread_ts", m["ts"]) == m["ts"] or m.get("subtype") == "thread_broadcast"
        ]
        newest_first = [m for m in reversed(top_level) if _in_range(m["ts"], args)]
        page, next_cursor = paginate(
            newest_first, [m["ts"] for m in newest_first], args, prefix="next_ts", default_limit=100
        )
        with_metadata = flag(args, "include_all_metadata")
        return {
            "ok": True,
            "messages": [_public_view(m, with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }


def conversations_replies(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        parent_ts = text_arg(args, "ts")
        if ws.find_message(channel, parent_ts) is None:
            raise ApiError("thread_not_found")
        thread = [m for m in ws.messages.get(channel, []) if m.get("thread_ts", m["ts"]) == parent_ts]
        page, next_cursor = paginate(thread, [m["ts"] for m in thread], args, prefix="next_ts", default_limit=1000)
        with_metadata = flag(args, "include_all_metadata")
        return {
            "ok": True,
            "messages": [_public_view(m, with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "reactions.add": reactions_add,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
