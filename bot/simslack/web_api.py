"""The HTTP side of the fake: /api/<method> with Slack's auth, validation, limits, faults, recording."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import methods_analytics, methods_directory, methods_files, methods_messages, methods_views
from .args import CallContext
from .faults import Fault, Faults
from .ratelimit import RateLimits
from .recording import Call, CallLog
from .reference import arg_property, bot_scopes_of, documented_errors, is_known_method, required_args
from .workspace import ApiError, SlackState

HANDLERS = {
    **methods_messages.HANDLERS,
    **methods_directory.HANDLERS,
    **methods_views.HANDLERS,
    **methods_files.HANDLERS,
    **methods_analytics.HANDLERS,
}
# Methods whose documented bot scopes are enforced against `granted_scopes` (when that list is set): the optional
# features that must degrade when a workspace did not grant their scope. Others are not checked (yet).
SCOPE_CHECKED = frozenset({"files.getUploadURLExternal", "files.completeUploadExternal"})
JSON_STRING_ARGS = ("blocks", "attachments", "view", "metadata")
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    """An HTTP answer: status, extra headers and a JSON body."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent instead of the JSON body (admin.analytics.getFile's gzip file)


def parse_args(raw_query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Merge query-string and body arguments; parse JSON-string args like `blocks` and `view`."""
    args: dict[str, Any] = dict(parse_qsl(raw_query, keep_blank_values=True))
    if body:
        if content_type.startswith("application/json"):
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                args.update(loaded)
        else:
            args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for name in JSON_STRING_ARGS:
        if isinstance(args.get(name), str) and args[name]:
            # Unparseable values stay strings; the method answers invalid_blocks_format etc.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(args[name])
    return args


def missing_arg_error(method: str, arg: str) -> ApiError:
    """The error Slack documents for a missing required argument of this method."""
    errors = documented_errors(method)
    subtype = arg_property(method, arg).get("subtype")
    if (subtype == "channel" or arg == "channel") and "channel_not_found" in errors:
        return ApiError("channel_not_found")
    if (subtype == "user" or arg == "user") and "user_not_found" in errors:
        return ApiError("user_not_found")
    if "missing_argument" in errors:
        return ApiError("missing_argument")
    return ApiError("invalid_arguments", response_metadata={"messages": [f"missing required field: {arg}"]})


class WebApi:
    """Decides the answer to one Web API call; shared by all HTTP handler threads."""

    def __init__(self, workspace: SlackState, *, bot_tokens: set[str], app_tokens: set[str]) -> None:
        self.workspace = workspace
        self.bot_tokens = bot_tokens
        self.app_tokens = app_tokens
        self.user_tokens: dict[str, frozenset[str]] = {}  # xoxp- token → its scopes (FakeSlack.add_user_token)
        self.calls = CallLog()
        self.rate_limits = RateLimits()
        self.faults = Faults()
        self.socket_url = ""
        self.base_url = ""  # http://127.0.0.1:PORT, set when the server starts (upload URLs point here)
        # Slack reports a bot token's granted scopes in this header on every call (`coach doctor` reads it).
        self.granted_scopes: list[str] = []

    def handle(self, method: str, args: dict[str, Any], http_method: str, headers: dict[str, str]) -> Reply:
        """Answer one call and record it."""
        arrived = time.time()
        token = self._token(args, headers)
        fault = self.faults.take(method)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        reply = self._faulted(fault) if fault and (fault.status or fault.error) else self._answer(method, args, token)
        if token in self.user_tokens:  # Slack reports the calling token's own scopes
            reply.headers["x-oauth-scopes"] = ",".join(sorted(self.user_tokens[token]))
        self.calls.append(Call(method, args, http_method, headers, arrived, reply.status, reply.body))
        return reply

    @staticmethod
    def _token(args: dict[str, Any], headers: dict[str, str]) -> str:
        in_args = str(args.pop("token", "") or "")
        auth = headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else in_args

    @staticmethod
    def _faulted(fault: Fault) -> Reply:
        if fault.error:
            return Reply(fault.status or 200, {"ok": False, "error": fault.error})
        if fault.status == 429:
            return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        return Reply(fault.status or 500, {"ok": False, "error": "internal_error"})

    def _answer(self, method: str, args: dict[str, Any], token: str) -> Reply:
        if not is_known_method(method):
            return Reply(200, {"ok": False, "error": "unknown_method"})
        auth_error = self._auth_error(method, token)
        if auth_error:
            return Reply(200, {"ok": False, "error": auth_error})
        retry_after = self.rate_limits.check(method, args)
        if retry_after is not None:
            return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        missing = self._missing_scope(method)
        if missing:
            # Slack's shape: missing_scope with the scope needed and the scopes the token has.
            provided = ",".join(self.granted_scopes)
            return Reply(200, {"ok": False, "error": "missing_scope", "needed": missing, "provided": provided})
        try:
            for arg in required_args(method):
                if args.get(arg) in (None, ""):
                    raise missing_arg_error(method, arg)
            handler = HANDLERS.get(method)
            ctx = CallContext(token, self.socket_url, self.base_url, self.user_tokens.get(token))
            body = handler(self.workspace, args, ctx) if handler else {"ok": True}
        except ApiError as exc:
            body = {"ok": False, "error": exc.error, **exc.extra}
        raw = body.pop(methods_analytics.RAW, None)
        if isinstance(raw, bytes):
            return Reply(200, {"ok": True, "bytes": len(raw)}, {"Content-Type": "application/gzip"}, raw=raw)
        return Reply(200, body)

    def _missing_scope(self, method: str) -> str:
        """The documented bot scope this call lacks, "" when granted or not checked."""
        if method not in SCOPE_CHECKED or not self.granted_scopes:
            return ""
        return next((scope for scope in bot_scopes_of(method) if scope not in self.granted_scopes), "")

    def upload(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """The POST of a file's bytes to its upload URL (recorded as a call to "upload_url")."""
        status, text = methods_files.receive_upload(self.workspace, path[len(methods_files.UPLOAD_PATH) :], body)
        call = Call("upload_url", {"path": path, "length": len(body)}, "POST", headers, time.time(), status)
        call.response["ok"] = status == 200
        self.calls.append(call)
        return status, text

    def _auth_error(self, method: str, token: str) -> str | None:
        if not token:
            return "not_authed"
        if method == "apps.connections.open":
            return None if token in self.app_tokens else "invalid_auth"
        if token in self.app_tokens:
            return "not_allowed_token_type"
        return None if token in self.bot_tokens or token in self.user_tokens else "invalid_auth"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like slack.com
    # Headers and body go out in two writes; without TCP_NODELAY a kept-alive connection waits for the
    # peer's delayed ACK (~40 ms) before the body is sent (Nagle).
    disable_nagle_algorithm = True
    server: _Server
    timeout = 30

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, http_method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if parts.path.startswith("/hooks/"):
            self._record_response_url(parts.path, body, http_method, headers)
            return
        if parts.path.startswith(methods_files.UPLOAD_PATH) and http_method == "POST":
            status, text = self.server.api.upload(parts.path, body, headers)
            self._send(status, text.encode(), "text/plain; charset=utf-8")
            return
        if not parts.path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        try:
            args = parse_args(parts.query, body, headers.get("content-type", ""))
        except (ValueError, UnicodeDecodeError):
            self._send(200, json.dumps({"ok": False, "error": "invalid_json"}).encode(), JSON_CONTENT_TYPE)
            return
        reply = self.server.api.handle(parts.path[len("/api/") :], args, http_method, headers)
        if self.server.api.granted_scopes:
            reply.headers.setdefault("x-oauth-scopes", ",".join(self.server.api.granted_scopes))
        if reply.raw is not None:
            extra = {k: v for k, v in reply.headers.items() if k.lower() != "content-type"}
            self._send(reply.status, reply.raw, reply.headers.get("Content-Type", "application/octet-stream"), extra)
            return
        self._send(reply.status, json.dumps(reply.body).encode(), JSON_CONTENT_TYPE, reply.headers)

    def _record_response_url(self, path: str, body: bytes, http_method: str, headers: dict[str, str]) -> None:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {"raw": body.decode("utf-8", "replace")}
        self.server.api.calls.append(Call("response_url", {"path": path, **payload}, http_method, headers))
        self._send(200, b"ok", "text/html")

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired during a delay)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output quiet; every call is in CallLog instead


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, api: WebApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


def start_http(api: WebApi) -> tuple[_Server, threading.Thread]:
    """Serve the Web API on 127.0.0.1 with an OS-chosen port, in a daemon thread."""
    server = _Server(api)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread
