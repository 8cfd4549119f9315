"""Web API methods about identity, people and conversations (auth, users, team, dnd, usergroups)."""

from __future__ import annotations

import copy
import hashlib
import time
from typing import Any

from .args import CallContext, flag, paginate, text_arg
from .methods_messages import Handler
from .workspace import ApiError, SlackState, build_im


def auth_test(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    ident = ws.identity
    return {
        "ok": True,
        "url": ident.url,
        "team": ident.team_name,
        "user": ident.bot_name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "is_enterprise_install": False,
    }


def apps_connections_open(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    ticket = hashlib.sha1(f"{ctx.token}{time.monotonic_ns()}".encode(), usedforsecurity=False).hexdigest()[:12]
    return {"ok": True, "url": f"{ctx.socket_url}?ticket={ticket}&app_id={ws.identity.app_id}"}


def conversations_open(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        users = [u.strip() for u in text_arg(args, "users").split(",") if u.strip()]
        if not users:
            channel_arg = text_arg(args, "channel")
            if not channel_arg:
                raise ApiError("users_list_not_supplied")
            channel = ws.resolve_channel(channel_arg)
            return {"ok": True, "channel": copy.deepcopy(ws.channels[channel])}
        if len(users) > 1:
            raise ApiError("method_not_supported_for_channel_type")
        ws.require_user(users[0])
        already_open = users[0] in {c.get("user") for c in ws.channels.values() if c.get("is_im")}
        channel = ws.im_for(users[0])
        if not flag(args, "return_im"):
            return {"ok": True, "channel": {"id": channel}}
        answer: dict[str, Any] = {"ok": True, "channel": build_im(channel, users[0])}
        if already_open:
            answer.update(no_op=True, already_open=True)
        return answer


def _channel_view(ws: SlackState, channel_id: str) -> dict[str, Any]:
    shown = copy.deepcopy(ws.channels[channel_id])
    if not shown.get("is_im"):
        shown["is_member"] = ws.identity.bot_user_id in ws.members.get(channel_id, [])
    return shown


def conversations_info(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        shown = _channel_view(ws, channel)
        if flag(args, "include_num_members"):
            shown["num_members"] = len(ws.members.get(channel, []))
        if flag(args, "include_locale"):
            shown["locale"] = "en-US"
        return {"ok": True, "channel": shown}


def _type_of(channel: dict[str, Any]) -> str:
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    return "private_channel" if channel.get("is_private") else "public_channel"


def conversations_list(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        types = set((text_arg(args, "types") or "public_channel").split(","))
        exclude_archived = flag(args, "exclude_archived")
        chosen = [
            cid
            for cid, c in ws.channels.items()
            if _type_of(c) in types and not (exclude_archived and c.get("is_archived"))
        ]
        page, next_cursor = paginate(chosen, chosen, args, prefix="team", default_limit=100)
        channels = []
        for cid in page:
            shown = _channel_view(ws, cid)
            shown["num_members"] = len(ws.members.get(cid, []))
            channels.append(shown)
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": next_cursor}}


def conversations_members(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        members = list(ws.members.get(channel, []))
        page, next_cursor = paginate(members, members, args, prefix="user_id", default_limit=100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def conversations_join(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        members = ws.members.setdefault(channel, [])
        if ws.identity.bot_user_id not in members:
            members.append(ws.identity.bot_user_id)
        return {"ok": True, "channel": _channel_view(ws, channel)}


def conversations_invite(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    """Add people to a channel the bot is in (Slack: not_in_channel otherwise, already_in_channel for a member)."""
    with ws.lock:
        channel = ws.resolve_channel(text_arg(args, "channel"))
        if ws.channels[channel].get("is_im"):
            raise ApiError("method_not_supported_for_channel_type")
        users = [u.strip() for u in text_arg(args, "users").split(",") if u.strip()]
        if not users:
            raise ApiError("no_user")
        members = ws.members.setdefault(channel, [])
        if ws.identity.bot_user_id not in members:
            raise ApiError("not_in_channel")
        for user in users:
            ws.require_user(user)
            if user in members:
                raise ApiError("already_in_channel")
        members.extend(users)
        return {"ok": True, "channel": _channel_view(ws, channel)}


def _user_view(user: dict[str, Any], with_locale: bool) -> dict[str, Any]:
    shown = copy.deepcopy(user)
    if not with_locale:
        shown.pop("locale", None)
    return shown


def users_list(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        ids = list(ws.users)
        page, next_cursor = paginate(ids, ids, args, prefix="user", default_limit=0)
        with_locale = flag(args, "include_locale")
        return {
            "ok": True,
            "members": [_user_view(ws.users[uid], with_locale) for uid in page],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }


def users_info(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        user = ws.require_user(text_arg(args, "user"))
        return {"ok": True, "user": _user_view(user, flag(args, "include_locale"))}


# Standard profile keys users.profile.get returns (api-responses/docs-examples/users.profile.get, the method
# metadata's example); the fake copies them from the seeded user object.
PROFILE_KEYS = (
    "title", "phone", "skype", "real_name", "real_name_normalized", "display_name", "display_name_normalized",
    "status_text", "status_emoji", "avatar_hash", "email", "first_name", "last_name",
    "image_24", "image_32", "image_48", "image_72", "image_192", "image_512",
)  # fmt: skip


def users_profile_get(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    """The profile with custom fields keyed by field id ({value, alt}); `include_labels` adds each label."""
    with ws.lock:
        user_id = text_arg(args, "user") or ws.identity.bot_user_id
        user = ws.require_user(user_id)
        source = user.get("profile") or {}
        profile: dict[str, Any] = {k: source.get(k, "") for k in PROFILE_KEYS}
        profile.update(status_emoji_display_info=[], status_expiration=0, pronouns="", start_date="")
        fields = copy.deepcopy(ws.custom_fields.get(user_id, {}))
        if flag(args, "include_labels"):
            labels = {f["id"]: f["label"] for f in ws.profile_fields}
            for field_id, entry in fields.items():
                entry["label"] = labels.get(field_id, "")
        profile["fields"] = fields
        return {"ok": True, "profile": profile}


def team_profile_get(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    """The team's profile field definitions (`profile.fields` is a list) and their sections."""
    with ws.lock:
        visibility = text_arg(args, "visibility") or "all"
        fields = [
            copy.deepcopy(f)
            for f in ws.profile_fields
            if visibility == "all" or (visibility == "hidden") == bool(f.get("is_hidden"))
        ]
        section = {
            "id": "S0CUSTOM1",
            "team_id": ws.identity.team_id,
            "section_type": "custom",
            "label": "About Me",
            "order": 1,
            "is_hidden": False,
        }
        return {"ok": True, "profile": {"fields": fields, "sections": [section]}}


def team_info(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    ident = ws.identity
    icon_base = f"https://avatars.slack-edge.example/{ident.team_id}"
    icon: dict[str, Any] = {f"image_{s}": f"{icon_base}_{s}.png" for s in (34, 44, 68, 88, 102, 132)}
    icon["image_default"] = True
    return {
        "ok": True,
        "team": {
            "id": ident.team_id,
            "name": ident.team_name,
            "domain": ident.team_domain,
            "email_domain": f"{ident.team_domain}.example.com",
            "icon": icon,
            "url": ident.url,
        },
    }


def dnd_info(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        user = text_arg(args, "user") or ws.identity.bot_user_id
        if user != ws.identity.bot_user_id:
            ws.require_user(user)
        state = copy.deepcopy(ws.dnd.get(user, {}))
    answer: dict[str, Any] = {
        "ok": True,
        "dnd_enabled": state.get("dnd_enabled", False),
        "next_dnd_start_ts": state.get("next_dnd_start_ts", 1),
        "next_dnd_end_ts": state.get("next_dnd_end_ts", 1),
        "snooze_enabled": state.get("snooze_enabled", False),
    }
    if answer["snooze_enabled"]:
        endtime = int(state.get("snooze_endtime") or 0)
        answer["snooze_endtime"] = endtime
        answer["snooze_remaining"] = max(0, endtime - int(time.time()))
        answer["snooze_is_indefinite"] = False
    return answer


def usergroups_list(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        groups = []
        for group in ws.usergroups.values():
            if group["date_delete"] and not flag(args, "include_disabled"):
                continue
            shown = copy.deepcopy(group)
            users = shown.pop("users")
            if flag(args, "include_users"):
                shown["users"] = users
            if flag(args, "include_count"):
                shown["user_count"] = len(users)
            groups.append(shown)
        return {"ok": True, "usergroups": groups}


def usergroups_users_list(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    with ws.lock:
        group = ws.usergroups.get(text_arg(args, "usergroup"))
        if group is None:
            raise ApiError("no_such_subteam")
        return {"ok": True, "users": list(group["users"])}


HANDLERS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": apps_connections_open,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "conversations.list": conversations_list,
    "conversations.members": conversations_members,
    "conversations.join": conversations_join,
    "conversations.invite": conversations_invite,
    "users.list": users_list,
    "users.info": users_info,
    "users.profile.get": users_profile_get,
    "team.info": team_info,
    "team.profile.get": team_profile_get,
    "dnd.info": dnd_info,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
}
