"""The one gateway to Slack's Web API.

Everything that talks to Slack goes through `SlackGateway`, over one `slack_sdk.WebClient` with a
configurable base URL (tests and proxies) and slack-sdk's own retry handlers: HTTP 429 honours
`Retry-After`, 5xx and connection errors back off and retry. Errors that reach callers are mapped to
`SlackError` with a `permanent` flag, so the outbox knows what to retry and what to give up on.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from threading import Lock
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

log = logging.getLogger(__name__)

# Errors retrying cannot fix: the person, channel or app state is wrong, not the moment.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "not_allowed_token_type",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "not_enabled",
        "view_too_large",
        "invalid_metadata_format",
        "unknown_method",
        "messages_tab_disabled",
    }
)


class SlackError(Exception):
    """A Slack call failed after slack-sdk's retries."""

    def __init__(self, method: str, code: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{method}: {code}" + (f" (HTTP {status})" if status else ""))
        self.method = method
        self.code = code
        self.status = status
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT_ERRORS


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str


class KeepAliveWebClient(WebClient):
    """A WebClient that reuses one HTTP/1.1 connection per thread for a plain-`http://` base URL.

    slack-sdk opens a new connection (and the server a new thread) for every call through `urlopen`. For a
    plain-HTTP base URL with no proxy (the simulated Slack on 127.0.0.1, a local test proxy) this client sends
    the same request over a kept-alive `http.client` connection instead, and answers slack-sdk exactly as
    `urlopen` does (a non-2xx status is an `HTTPError`, a failure while connecting or sending a `URLError`),
    so its retry handlers behave the same. `https://` URLs (slack.com) and proxies take slack-sdk's own path.
    A connection the server closed while idle is reopened once; any other failure drops the connection.
    """

    _local = threading.local()

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme != "http" or self.proxy is not None or not parts.hostname:
            return super()._perform_urllib_http_request_internal(url, req)
        key = (parts.hostname, parts.port or 80, self.timeout)
        pool: dict[tuple[str, int, int], http.client.HTTPConnection] = self._local.__dict__.setdefault("conns", {})
        selector = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k: str(v) for k, v in req.header_items()}
        for attempt in (0, 1):
            conn = pool.pop(key, None)
            reused = conn is not None
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=self.timeout)
            try:
                try:
                    conn.request(req.get_method(), selector, body=req.data, headers=headers)  # type: ignore[arg-type]
                except OSError as err:
                    if reused and attempt == 0 and isinstance(err, (BrokenPipeError, ConnectionResetError)):
                        conn.close()
                        continue
                    raise URLError(err) from err
                try:
                    resp = conn.getresponse()
                except (http.client.RemoteDisconnected, ConnectionResetError):
                    if reused and attempt == 0:  # closed while idle before it read our request
                        conn.close()
                        continue
                    raise
                body = resp.read()
            except BaseException:
                conn.close()
                raise
            if resp.will_close:
                conn.close()
            else:
                pool[key] = conn
            if not 200 <= resp.status < 300:
                raise HTTPError(url, resp.status, resp.reason, resp.msg, BytesIO(body))
            if resp.msg.get_content_type() == "application/gzip":  # admin.analytics.getFile: bytes, as urlopen's
                return {"status": resp.status, "headers": resp.msg, "body": body}
            charset = resp.msg.get_content_charset() or "utf-8"
            return {"status": resp.status, "headers": resp.msg, "body": body.decode(charset)}
        raise URLError("connection closed twice")  # not reached: the second attempt returns or raises


def make_web_client(token: str, base_url: str, *, timeout: int = 10, retries: int = 3) -> WebClient:
    """A WebClient with slack-sdk's built-in handlers for 429, server errors and connection errors."""
    client = KeepAliveWebClient(token=token or None, base_url=base_url, timeout=timeout)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=retries),
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ServerErrorRetryHandler(max_retry_count=retries),
    ]
    return client


class Pace:
    """At most `per_minute` calls, evenly spaced (so no sliding minute ever holds more), across threads."""

    def __init__(
        self,
        per_minute: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 60.0 / per_minute
        self._monotonic, self._sleep = monotonic, sleep
        self._next = 0.0
        self._lock = Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(self._next, now)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


# team.profile.get is Tier 3 and its labels change rarely: Slack's advice is to cache them (profile/README.md).
TEAM_PROFILE_TTL_SECONDS = 3600.0
PROFILE_RATE_DEFAULT = 80.0  # users.profile.get per minute: under Tier 4's 100+ (settings COACH_SLACK_PROFILE_RATE)


class SlackGateway:
    """Slack, in the app's own terms."""

    def __init__(self, client: WebClient, *, profile_rate: float = PROFILE_RATE_DEFAULT):
        self.client = client
        self._dm_channels: dict[str, str] = {}
        self._dm_lock = Lock()
        self.profile_pace = Pace(profile_rate)
        self._team_fields: tuple[float, list[dict[str, Any]]] | None = None

    def _call(self, method: str, fn: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
        try:
            return fn(**kwargs)
        except SlackApiError as exc:
            resp = exc.response
            code = str(resp.get("error") or "unknown_error") if isinstance(resp.data, dict) else "unknown_error"
            retry_after = resp.headers.get("Retry-After") or resp.headers.get("retry-after")
            raise SlackError(
                method,
                code if resp.status_code != 429 else "ratelimited",
                status=resp.status_code,
                retry_after=float(retry_after) if retry_after else None,
            ) from exc
        except OSError as exc:  # timeouts and refused connections after the retry handler gave up
            raise SlackError(method, "connection_error") from exc
        except SlackRequestError as exc:  # files_upload_v2: the bytes' POST to the upload URL was refused
            raise SlackError(method, "upload_failed") from exc

    # -- identity -------------------------------------------------------------------------------
    def auth_test(self) -> dict[str, Any]:
        """Who the bot is (team, bot user id, bot id) — also proves the token works."""
        return dict(self._call("auth.test", self.client.auth_test).data)  # type: ignore[arg-type]

    def scopes_header(self) -> str | None:
        """The bot token's granted scopes: auth.test's `x-oauth-scopes` header (None when Slack sent none)."""
        resp = self._call("auth.test", self.client.auth_test)
        return resp.headers.get("x-oauth-scopes") or resp.headers.get("X-OAuth-Scopes")

    def team_info(self) -> dict[str, Any]:
        return dict(self._call("team.info", self.client.team_info)["team"])

    # -- messages ---------------------------------------------------------------------------------
    def open_dm(self, user_id: str) -> str:
        """The bot's DM channel with a person (cached: conversations.open is Tier 3)."""
        with self._dm_lock:
            if user_id in self._dm_channels:
                return self._dm_channels[user_id]
        resp = self._call("conversations.open", self.client.conversations_open, users=user_id)
        channel = str(resp["channel"]["id"])
        with self._dm_lock:
            self._dm_channels[user_id] = channel
        return channel

    def send_dm(
        self,
        user_id: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> PostedMessage:
        """Post in the person's DM with the bot."""
        return self.post_message(self.open_dm(user_id), text, blocks=blocks, metadata=metadata)

    def post_message(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> PostedMessage:
        kwargs: dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            kwargs["blocks"] = blocks
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if metadata:
            kwargs["metadata"] = metadata
        resp = self._call("chat.postMessage", self.client.chat_postMessage, **kwargs)
        return PostedMessage(channel=str(resp["channel"]), ts=str(resp["ts"]))

    def post_ephemeral(self, channel: str, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self._call(
            "chat.postEphemeral",
            self.client.chat_postEphemeral,
            channel=channel,
            user=user_id,
            text=text,
            blocks=blocks,
        )

    def update_message(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self._call("chat.update", self.client.chat_update, channel=channel, ts=ts, text=text, blocks=blocks)

    def history(self, channel: str, *, oldest: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Recent messages with their metadata (used to reconcile the outbox after a crash)."""
        resp = self._call(
            "conversations.history",
            self.client.conversations_history,
            channel=channel,
            oldest=oldest,
            limit=limit,
            include_all_metadata=True,
        )
        return list(resp.get("messages", []))

    # -- files ------------------------------------------------------------------------------------
    def upload_file(self, content: bytes, *, filename: str, title: str, alt_text: str) -> str:
        """Upload bytes as a private file of the bot (no channel: it is shown by an `image` block); its file id.

        slack-sdk's `files_upload_v2` makes the three calls (files.getUploadURLExternal, the POST of the bytes,
        files.completeUploadExternal); it needs the `files:write` scope (`missing_scope` otherwise).
        """
        resp = self._call(
            "files.upload",
            self.client.files_upload_v2,
            content=content,
            filename=filename,
            title=title,
            alt_txt=alt_text[:1000],  # files.getUploadURLExternal: alt_txt_too_large over 1,000 characters
        )
        return str(resp["file"]["id"])

    # -- analytics --------------------------------------------------------------------------------
    def analytics_file(self, day: date, *, user_token: str) -> bytes:
        """Slack's member analytics file for one UTC day (gzip NDJSON), with a user token holding
        `admin.analytics:read` (Enterprise organisations; a bot token cannot call admin.analytics.getFile)."""
        resp = self._call(
            "admin.analytics.getFile",
            self.client.admin_analytics_getFile,
            type="member",
            date=day.isoformat(),
            token=user_token,
        )
        if not isinstance(resp.data, bytes):
            raise SlackError("admin.analytics.getFile", "not_a_file")
        return resp.data

    # -- views ------------------------------------------------------------------------------------
    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Replace the person's App Home tab."""
        self._call("views.publish", self.client.views_publish, user_id=user_id, view=view)

    # -- people and channels ----------------------------------------------------------------------
    def user_info(self, user_id: str) -> dict[str, Any]:
        resp = self._call("users.info", self.client.users_info, user=user_id, include_locale=True)
        return dict(resp["user"])

    def user_pages(
        self, *, page_size: int = 200, cursor: str | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """users.list pages from `cursor` on, each with the cursor of the page after it (None after the last);
        Tier 2: the retry handler waits out 429s."""
        while True:
            resp = self._call("users.list", self.client.users_list, limit=page_size, cursor=cursor, include_locale=True)
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            yield list(resp.get("members", [])), cursor
            if not cursor:
                return

    def user_profile(self, user_id: str) -> dict[str, Any]:
        """users.profile.get without labels (`include_labels` is heavily rate limited): custom fields come as
        `profile.fields`, keyed by field id, each `{value, alt}`. Paced at `profile_pace` (Tier 4)."""
        self.profile_pace.wait()
        resp = self._call("users.profile.get", self.client.users_profile_get, user=user_id)
        return dict(resp.get("profile") or {})

    def team_profile_fields(self, *, fresh: bool = False) -> list[dict[str, Any]]:
        """team.profile.get's field definitions (`{id, label, …}`), cached for an hour (Tier 3)."""
        cached = self._team_fields
        if cached is not None and not fresh and time.monotonic() - cached[0] < TEAM_PROFILE_TTL_SECONDS:
            return cached[1]
        resp = self._call("team.profile.get", self.client.team_profile_get)
        fields = list((resp.get("profile") or {}).get("fields") or [])
        self._team_fields = (time.monotonic(), fields)
        return fields

    def channel_members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        cursor: str | None = None
        while True:
            resp = self._call(
                "conversations.members",
                self.client.conversations_members,
                channel=channel_id,
                cursor=cursor,
                limit=1000,
            )
            members.update(resp.get("members", []))
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    def iter_channels(self) -> Iterator[dict[str, Any]]:
        """Public and private channels the bot can see (for id → name and membership)."""
        cursor: str | None = None
        while True:
            resp = self._call(
                "conversations.list",
                self.client.conversations_list,
                cursor=cursor,
                limit=1000,
                types="public_channel,private_channel",
                exclude_archived=True,
            )
            yield from resp.get("channels", [])
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    def invite_to_channel(self, channel_id: str, user_id: str) -> None:
        """Add a person to a channel the bot is in (conversations.invite, scope channels:write.invites)."""
        self._call("conversations.invite", self.client.conversations_invite, channel=channel_id, users=user_id)

    def channel_info(self, channel_id: str) -> dict[str, Any]:
        return dict(self._call("conversations.info", self.client.conversations_info, channel=channel_id)["channel"])

    def dnd_info(self, user_id: str) -> dict[str, Any]:
        return dict(self._call("dnd.info", self.client.dnd_info, user=user_id).data)  # type: ignore[arg-type]

    def usergroups(self) -> list[dict[str, Any]]:
        return list(self._call("usergroups.list", self.client.usergroups_list)["usergroups"])

    def usergroup_members(self, usergroup_id: str) -> list[str]:
        resp = self._call("usergroups.users.list", self.client.usergroups_users_list, usergroup=usergroup_id)
        return list(resp.get("users", []))
