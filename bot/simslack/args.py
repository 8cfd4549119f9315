"""Helpers that read Web API arguments the way Slack does (form strings or JSON values)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from .workspace import ApiError


@dataclass(frozen=True)
class CallContext:
    """Per-call facts a method handler may need besides its arguments."""

    token: str
    socket_url: str
    base_url: str = ""  # http://127.0.0.1:PORT of the fake, for URLs it hands out (file upload URLs)
    user_scopes: frozenset[str] | None = None  # the scopes of a user token (xoxp-); None: not a user token


def flag(args: dict[str, Any], name: str) -> bool:
    """A boolean argument: true/1 as form strings, or a JSON true."""
    value = args.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def int_arg(args: dict[str, Any], name: str, default: int) -> int:
    """An integer argument, Slack's invalid_arguments if it is not a number."""
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        return int(str(value))
    except ValueError as exc:
        raise ApiError("invalid_arguments", response_metadata={"messages": [f"invalid `{name}`"]}) from exc


def text_arg(args: dict[str, Any], name: str) -> str:
    """A string argument, "" when absent."""
    value = args.get(name)
    return "" if value is None else str(value)


def encode_cursor(prefix: str, key: str) -> str:
    """An opaque cursor in Slack's style (docs users.list: base64 of "user:<id>")."""
    return base64.b64encode(f"{prefix}:{key}".encode()).decode()


def decode_cursor(prefix: str, cursor: str) -> str:
    """The key inside a cursor from encode_cursor, Slack's invalid_cursor otherwise."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_cursor") from exc
    found_prefix, _, key = text.partition(":")
    if found_prefix != prefix or not key:
        raise ApiError("invalid_cursor")
    return key


def paginate(
    items: list[Any], keys: list[str], args: dict[str, Any], *, prefix: str, default_limit: int
) -> tuple[list[Any], str]:
    """One page of `items` (each identified by the same-index `keys`) and the next cursor ("" at the end)."""
    start = 0
    cursor = text_arg(args, "cursor")
    if cursor:
        key = decode_cursor(prefix, cursor)
        if key not in keys:
            raise ApiError("invalid_cursor")
        start = keys.index(key)
    limit = int_arg(args, "limit", default_limit)
    end = len(items) if limit <= 0 else min(len(items), start + limit)
    next_cursor = encode_cursor(prefix, keys[end]) if end < len(items) else ""
    return items[start:end], next_cursor
