"""views.* methods: record every view and enforce Slack's documented surface limits."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from .args import CallContext, text_arg
from .methods_messages import Handler
from .workspace import ApiError, SlackState

MAX_VIEW_BLOCKS = 100  # docs: blocks per modal / Home tab (REPORT.md §3)
MAX_VIEW_BYTES = 250_000  # views.* `view_too_large`: "greater than 250kb"


def _invalid(message: str) -> ApiError:
    # Shape of docs-examples/views.*.error.json: invalid_arguments + response_metadata.messages.
    return ApiError("invalid_arguments", response_metadata={"messages": [message]})


def _checked_view(args: dict[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict):
        raise _invalid("failed to parse `view` as a JSON object")
    if len(json.dumps(view, separators=(",", ":")).encode()) > MAX_VIEW_BYTES:
        raise ApiError("view_too_large")
    if view.get("type") not in ("modal", "home"):
        raise _invalid("missing required field: type")
    if view["type"] == "modal" and not view.get("title"):
        raise _invalid("missing required field: title")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        raise _invalid("missing required field: blocks")
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise _invalid(f"no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]")
    return view


def _stored_view(ws: SlackState, view: dict[str, Any], *, view_id: str, root_view_id: str) -> dict[str, Any]:
    ident = ws.identity
    stored: dict[str, Any] = {
        "id": view_id,
        "team_id": ident.team_id,
        "type": view["type"],
        "title": view.get("title"),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "blocks": copy.deepcopy(view["blocks"]),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": ws.clock.next_ts(),  # changes on every write, so a stale `hash` is detectable
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_view_id,
        "previous_view_id": None,
        "app_id": ident.app_id,
        "external_id": view.get("external_id", ""),
        "bot_id": ident.bot_id,
    }
    ws.views[view_id] = stored
    return stored


def _new_view_id(ws: SlackState) -> str:
    return "V" + hashlib.sha1(ws.clock.next_ts().encode(), usedforsecurity=False).hexdigest()[:10].upper()


def _require_trigger(args: dict[str, Any]) -> None:
    if not (text_arg(args, "trigger_id") or text_arg(args, "interactivity_pointer")):
        raise _invalid("invalid `trigger_id`")


def views_publish(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        user_id = text_arg(args, "user_id")
        if user_id not in ws.users:
            raise _invalid("invalid `user_id`")
        view = _checked_view(args)
        current = ws.home_views.get(user_id)
        if text_arg(args, "hash") and (current is None or current["hash"] != args["hash"]):
            raise ApiError("hash_conflict")
        view_id = current["id"] if current else _new_view_id(ws)
        stored = _stored_view(ws, view, view_id=view_id, root_view_id=view_id)
        ws.home_views[user_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}


def views_open(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        _require_trigger(args)
        view = _checked_view(args)
        view_id = _new_view_id(ws)
        return {
            "ok": True,
            "view": copy.deepcopy(_stored_view(ws, view, view_id=view_id, root_view_id=view_id)),
        }


def views_push(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        _require_trigger(args)
        view = _checked_view(args)
        view_id = _new_view_id(ws)
        return {
            "ok": True,
            "view": copy.deepcopy(_stored_view(ws, view, view_id=view_id, root_view_id=view_id)),
        }


def views_update(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        view_id, external_id = text_arg(args, "view_id"), text_arg(args, "external_id")
        if not (view_id or external_id):
            raise _invalid("either `view_id` or `external_id` is required")
        current = ws.views.get(view_id) or next(
            (v for v in ws.views.values() if external_id and v["external_id"] == external_id), None
        )
        if current is None:
            raise ApiError("not_found")
        view = _checked_view(args)
        if text_arg(args, "hash") and current["hash"] != args["hash"]:
            raise ApiError("hash_conflict")
        stored = _stored_view(ws, view, view_id=current["id"], root_view_id=current["root_view_id"])
        for user_id, home in list(ws.home_views.items()):
            if home["id"] == current["id"]:
                ws.home_views[user_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}


HANDLERS: dict[str, Handler] = {
    "views.publish": views_publish,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
}
