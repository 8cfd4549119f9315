"""SlackDriver: POSTs signed Events API / slash command / interactivity requests to an HTTP-mode app."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit


def sign(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature: "v0=" + hex HMAC-SHA256 of b"v0:{ts}:{raw body}" (REPORT.md §2.3)."""
    basestring = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), basestring, hashlib.sha256).hexdigest()


class DriverResponse(NamedTuple):
    """What the app answered, and how long it took."""

    status: int
    headers: dict[str, str]
    body: str
    elapsed: float


class SlackDriver:
    """Plays Slack's side of HTTP mode against an app URL (default path /slack/events), over keep-alive."""

    def __init__(self, app_url: str, signing_secret: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(app_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http:// URL, got {app_url!r}")
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._host = parts.hostname
        self._port = parts.port or 80
        self._path = parts.path if parts.path not in ("", "/") else "/slack/events"
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def session(self) -> SlackDriver:
        """Another driver with its own keep-alive connection (one per thread in load tests)."""
        return SlackDriver(self.app_url, self.signing_secret, timeout=self.timeout)

    def close(self) -> None:
        """Close the keep-alive connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SlackDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post_event(
        self,
        body: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        timestamp: int | None = None,
        forge: bool = False,
    ) -> DriverResponse:
        """POST an Events API body as JSON; retry_num/retry_reason add X-Slack-Retry-* headers."""
        extra: dict[str, str] = {}
        if retry_num is not None:
            extra["X-Slack-Retry-Num"] = str(retry_num)
            extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        raw = json.dumps(body).encode()
        return self.post_raw(raw, "application/json", timestamp=timestamp, forge=forge, headers=extra)

    def post_command(
        self, fields: dict[str, str], *, timestamp: int | None = None, forge: bool = False
    ) -> DriverResponse:
        """POST slash-command fields form-urlencoded, as Slack does."""
        raw = urlencode(fields).encode()
        return self.post_raw(raw, "application/x-www-form-urlencoded", timestamp=timestamp, forge=forge)

    def post_interaction(
        self, payload: dict[str, Any], *, timestamp: int | None = None, forge: bool = False
    ) -> DriverResponse:
        """POST an interactivity payload as the single form field payload=<JSON>, as Slack does."""
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post_raw(raw, "application/x-www-form-urlencoded", timestamp=timestamp, forge=forge)

    def post_raw(
        self,
        raw: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        forge: bool = False,
        headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        """POST exact bytes signed over those bytes (fresh timestamp unless given; forge: bad signature)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = sign(self.signing_secret + ("-forged" if forge else ""), ts, raw)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }
        with self._lock:
            return self._exchange(raw, all_headers, may_retry=True)

    def _exchange(self, raw: bytes, headers: dict[str, str], *, may_retry: bool) -> DriverResponse:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            self._conn.request("POST", self._path, body=raw, headers=headers)
            response = self._conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The app closed an idle keep-alive connection; reconnect once.
            self._conn.close()
            self._conn = None
            if not may_retry:
                raise
            return self._exchange(raw, headers, may_retry=False)
        elapsed = time.perf_counter() - started
        if response.getheader("Connection", "").lower() == "close":
            self._conn.close()
            self._conn = None
        return DriverResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, text, elapsed)
