"""FakeSlack: a loopback Slack (Web API over HTTP + Socket Mode over WebSocket) for end-to-end tests."""

from __future__ import annotations

import copy
import itertools
import secrets
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from .identity import APP_TOKEN, BOT_TOKEN, Identity
from .ratelimit import RateLimited, RateLimits, RetryAfterViolation
from .recording import Call
from .socket_mode import SocketModeServer
from .web_api import WebApi, start_http
from .workspace import SlackState, build_channel, build_user


class FakeSlack:
    """Starts both servers on 127.0.0.1 with OS-chosen ports; use as a context manager.

    Example:
        with FakeSlack() as fake:
            fake.add_user("U1", name="ada", real_name="Ada Lovelace")
            client = WebClient(token=fake.bot_token, base_url=fake.api_url)
            client.chat_postMessage(channel="U1", text="hi")
            fake.wait_for("chat.postMessage")
    """

    def __init__(
        self,
        *,
        identity: Identity | None = None,
        bot_token: str = BOT_TOKEN,
        app_token: str = APP_TOKEN,
        ack_timeout: float = 3.0,
        seed_bot_user: bool = True,
    ) -> None:
        self.identity = identity or Identity()
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = SlackState(self.identity)
        self.api = WebApi(self.workspace, bot_tokens={bot_token}, app_tokens={app_token})
        self.socket = SocketModeServer(app_id=self.identity.app_id, ack_timeout=ack_timeout)
        self._hook_ids = itertools.count(100001)
        self._http: Any = None
        if seed_bot_user:
            self.add_user(
                self.identity.bot_user_id,
                name=self.identity.bot_name,
                real_name="Adoption Coach",
                is_bot=True,
            )

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start the HTTP and WebSocket servers."""
        self._http, _ = start_http(self.api)
        self.socket.start()
        self.api.socket_url = self.socket.url
        self.api.base_url = self.base_url
        return self

    def stop(self) -> None:
        """Stop both servers."""
        self.socket.stop()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (no trailing slash)."""
        assert self._http is not None, "FakeSlack not started"
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def api_url(self) -> str:
        """Web API base for WebClient(base_url=...); the trailing slash matters (REPORT.md §5.1)."""
        return f"{self.base_url}/api/"

    @property
    def socket_url(self) -> str:
        """The Socket Mode endpoint that apps.connections.open hands out."""
        return self.socket.url

    def response_url(self, kind: str = "commands") -> str:
        """A fresh response_url on this fake; POSTs to it are recorded as calls to "response_url"."""
        hook = f"{self.identity.team_id}/{next(self._hook_ids)}/{secrets.token_hex(8)}"
        return f"{self.base_url}/hooks/{kind}/{hook}"

    def add_token(self, token: str) -> None:
        """Accept another bot/user token (e.g. a second install)."""
        self.api.bot_tokens.add(token)

    def add_user_token(self, token: str, scopes: tuple[str, ...] = ()) -> None:
        """Accept a user token (xoxp-…) with these scopes (reported in `x-oauth-scopes` on its calls)."""
        self.api.user_tokens[token] = frozenset(scopes)

    def add_analytics_file(self, day: str, data: bytes) -> None:
        """The member analytics file admin.analytics.getFile serves for `day` (YYYY-MM-DD): gzip NDJSON bytes."""
        with self.workspace.lock:
            self.workspace.analytics_files[day] = data

    # -- seeding ---------------------------------------------------------------------------------

    def add_user(
        self, user_id: str, *, profile_fields: Mapping[str, str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Seed a user (see workspace.build_user for the keyword fields); returns the user object.

        `profile_fields` maps custom field ids (see `define_profile_field`) to values: users.profile.get
        answers them as `{value, alt}`; users.info and users.list, as on Slack, do not carry them."""
        user = build_user(self.identity, user_id, **fields)
        with self.workspace.lock:
            self.workspace.users[user_id] = user
            if profile_fields:
                self.set_profile_values(user_id, profile_fields)
        return copy.deepcopy(user)

    def define_profile_field(self, field_id: str, label: str, *, field_type: str = "text") -> None:
        """Add a custom profile field to the team's profile (team.profile.get), e.g. ("Xf01DEPT", "Department")."""
        with self.workspace.lock:
            fields = self.workspace.profile_fields
            fields[:] = [f for f in fields if f["id"] != field_id]
            fields.append(
                {
                    "id": field_id,
                    "ordering": len(fields),
                    "label": label,
                    "hint": "",
                    "type": field_type,
                    "possible_values": None,
                    "options": {"is_scim": False, "is_protected": False},
                    "is_hidden": False,
                    "section_id": "S0CUSTOM1",
                }
            )

    def set_profile_values(self, user_id: str, values: Mapping[str, str]) -> None:
        """Set a user's custom field values (field id → value; an empty value clears the field)."""
        with self.workspace.lock:
            known = {f["id"] for f in self.workspace.profile_fields}
            unknown = set(values) - known
            if unknown:
                raise ValueError(f"define_profile_field first: {sorted(unknown)}")
            mine = self.workspace.custom_fields.setdefault(user_id, {})
            for field_id, value in values.items():
                if value:
                    mine[field_id] = {"value": value, "alt": ""}
                else:
                    mine.pop(field_id, None)
            user = self.workspace.users.get(user_id)
            if user is not None:
                user["updated"] = int(user.get("updated", 0)) + 1  # Slack bumps `updated` on a profile edit

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: list[str] | None = None,
        *,
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> None:
        """Seed a channel with members (the bot joins unless bot_is_member=False)."""
        member_ids = list(members or [])
        if bot_is_member and self.identity.bot_user_id not in member_ids:
            member_ids.append(self.identity.bot_user_id)
        with self.workspace.lock:
            self.workspace.channels[channel_id] = build_channel(self.identity, channel_id, name, is_private=is_private)
            self.workspace.members[channel_id] = member_ids

    def set_dnd(
        self,
        user_id: str,
        *,
        snooze_enabled: bool = False,
        snooze_endtime: int | None = None,
        dnd_enabled: bool = True,
        next_dnd_start_ts: int = 1,
        next_dnd_end_ts: int = 1,
    ) -> None:
        """Seed what dnd.info reports for a user (dnd.info output schema in the docs metadata)."""
        with self.workspace.lock:
            self.workspace.dnd[user_id] = {
                "dnd_enabled": dnd_enabled,
                "next_dnd_start_ts": next_dnd_start_ts,
                "next_dnd_end_ts": next_dnd_end_ts,
                "snooze_enabled": snooze_enabled,
                "snooze_endtime": snooze_endtime,
            }

    def add_usergroup(
        self,
        usergroup_id: str,
        handle: str,
        users: list[str],
        *,
        name: str | None = None,
        description: str = "",
    ) -> None:
        """Seed a user group shaped like the docs usergroups.list example."""
        with self.workspace.lock:
            self.workspace.usergroups[usergroup_id] = {
                "id": usergroup_id,
                "team_id": self.identity.team_id,
                "is_usergroup": True,
                "name": name or handle,
                "description": description,
                "handle": handle,
                "is_external": False,
                "date_create": 1446598059,
                "date_update": 1446598059,
                "date_delete": 0,
                "auto_type": None,
                "created_by": "USLACKBOT",
                "updated_by": "USLACKBOT",
                "deleted_by": None,
                "prefs": {"channels": [], "groups": []},
                "users": list(users),
            }

    # -- inspection ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Web API call so far (oldest first)."""
        return self.api.calls.all()

    def calls_to(self, method: str) -> list[Call]:
        """Calls to one method."""
        return self.api.calls.to(method)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, *, ok_only: bool = False) -> list[Call]:
        """Block until `count` calls to `method` arrived; AssertionError listing the calls otherwise."""
        return self.api.calls.wait_for(method, count, timeout, ok_only=ok_only)

    def reset_calls(self) -> None:
        """Forget recorded calls (workspace state stays)."""
        self.api.calls.reset()

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Stored messages of a channel (or of the DM with a user id), oldest first, incl. metadata."""
        with self.workspace.lock:
            channel_id = self.workspace.resolve_channel(channel)
            return copy.deepcopy(self.workspace.messages.get(channel_id, []))

    def message_at(self, channel: str, ts: str | None) -> dict[str, Any]:
        """One stored message of a channel (or DM) by its ts, as it is now ({} when there is none)."""
        with self.workspace.lock:
            channel_id = self.workspace.resolve_channel(channel)
            for message in reversed(self.workspace.messages.get(channel_id, [])):
                if message.get("ts") == ts:
                    return copy.deepcopy(message)
        return {}

    def messages_where(self, channel: str, keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """The stored messages of a channel (or DM) that `keep` accepts, oldest first; only those are copied."""
        with self.workspace.lock:
            channel_id = self.workspace.resolve_channel(channel)
            return [copy.deepcopy(m) for m in self.workspace.messages.get(channel_id, []) if keep(m)]

    def message_count(self, channel: str) -> int:
        """How many messages a channel (or DM) holds."""
        with self.workspace.lock:
            return len(self.workspace.messages.get(self.workspace.resolve_channel(channel), []))

    @property
    def call_count(self) -> int:
        """How many Web API calls arrived so far (without copying the log)."""
        return self.api.calls.count()

    def ephemerals_for(self, user_id: str) -> list[dict[str, Any]]:
        """Ephemeral messages shown to a user."""
        with self.workspace.lock:
            return [copy.deepcopy(m) for m in self.workspace.ephemerals if m["recipient"] == user_id]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab currently published for a user."""
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.home_views.get(user_id))

    def uploaded_file(self, file_id: str) -> dict[str, Any]:
        """A file uploaded through files.getUploadURLExternal (with its `content` bytes and `state`)."""
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.files[file_id])

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel id with a user (the one conversations.open returns)."""
        return self.workspace.im_for(user_id)

    # -- rate limits and faults ------------------------------------------------------------------

    @property
    def rate_limits(self) -> RateLimits:
        """Rate-limit switches: enable(), disable(), set(method, limit=, window_seconds=, per_channel=)."""
        return self.api.rate_limits

    @property
    def rate_limited(self) -> list[RateLimited]:
        """Every 429 answered."""
        return list(self.api.rate_limits.rate_limited)

    @property
    def retry_after_violations(self) -> list[RetryAfterViolation]:
        """Calls that came back before their Retry-After elapsed."""
        return list(self.api.rate_limits.retry_after_violations)

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next call(s) fail with an HTTP status or a documented `ok: false` error, or be slow."""
        self.api.faults.fail_next(method, status=status, error=error, delay=delay, times=times)

    def outage(self, seconds: float | None = None, *, status: int = 500) -> None:
        """Every method answers `status` for `seconds` (None: until clear_outage())."""
        self.api.faults.outage(seconds, status=status)

    def clear_outage(self) -> None:
        """End an outage."""
        self.api.faults.clear_outage()

    # -- Socket Mode -----------------------------------------------------------------------------

    def push_envelope(
        self, envelope_type: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Send an envelope to the connected Socket Mode client; returns the envelope_id."""
        return self.socket.push_envelope(envelope_type, payload, accepts_response_payload=accepts_response_payload)

    def push_event(self, event_callback_body: dict[str, Any]) -> str:
        """Deliver an Events API body (type event_callback) as an events_api envelope."""
        return self.push_envelope("events_api", event_callback_body)

    def push_command(self, form_fields: dict[str, str]) -> str:
        """Deliver slash-command form fields as a slash_commands envelope."""
        return self.push_envelope("slash_commands", form_fields, accepts_response_payload=True)

    def push_interactive(self, payload: dict[str, Any]) -> str:
        """Deliver an interactivity payload (block_actions, view_submission, …) as an interactive envelope."""
        return self.push_envelope("interactive", payload, accepts_response_payload=True)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the envelope is acked; returns the ack frame."""
        return self.socket.wait_for_ack(envelope_id, timeout)

    def wait_connected(self, timeout: float = 5.0, *, total: int = 1) -> None:
        """Block until a Socket Mode client is connected (and `total` connections were opened)."""
        self.socket.wait_connected(timeout, total=total)

    def send_disconnect(self, reason: str = "warning", *, close: bool = False) -> None:
        """Send a disconnect frame to the newest connection."""
        self.socket.send_disconnect(reason, close=close)
