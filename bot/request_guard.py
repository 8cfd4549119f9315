"""A WSGI guard in front of Bolt: size, timestamp, signature, shape and replays are checked before Bolt parses.

Bolt parses the body before it verifies the signature, so garbage became a 500 with a traceback. Here nothing
parses a byte until the signature holds, every refusal is a 4xx with a one-word reason in the log (never the
body: it may hold a channel message's text), and a signed slash command or interaction replayed inside Slack's
5-minute window is answered 200 but passed to Bolt only once.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Slack's largest requests are view submissions (a modal holds at most 100 blocks of at most 3,000 characters
# each, ~300 KB even if every block were full) and message events (text is cut at 40,000 characters, ~160 KB
# as escaped UTF-8). 1 MiB is over three times either, and bounds memory at threads x 1 MiB.
MAX_BODY_BYTES = 1024 * 1024
# Slack signs with the current time and asks apps to refuse anything older than five minutes.
WINDOW_SECONDS = 5 * 60


class Refused(Exception):
    """Why a request is answered with a 4xx; `reason` is safe to log (never body content)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, *, now: float) -> None:
    """Raise Refused unless the timestamp is digits inside the window and the v0 HMAC matches."""
    if not timestamp.isdigit():
        raise Refused("401 Unauthorized", "timestamp_malformed")
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        raise Refused("401 Unauthorized", "timestamp_outside_window")
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refused("401 Unauthorized", "signature_mismatch")


def replay_key(content_type: str, body: bytes) -> str | None:
    """The durable key a slash command or interaction is acted on once by; None for Events API bodies.

    Events carry an event_id that ingest already deduplicates; Slack never retries commands or interactions,
    so a second copy is a replay. An interaction's trigger_id identifies it; a command is keyed by its body.
    """
    if "application/x-www-form-urlencoded" not in content_type:
        return None
    form = parse_qs(body.decode("utf-8", "replace"))
    trigger = None
    if "payload" in form:
        payload = json.loads(form["payload"][0])
        trigger = payload.get("trigger_id") if isinstance(payload, dict) else None
    elif "trigger_id" in form:
        trigger = form["trigger_id"][0]
    if form.get("ssl_check"):
        return None
    material = trigger.encode() if isinstance(trigger, str) and trigger else body
    return "replay:" + hashlib.sha256(material).hexdigest()[:56]


def check_shape(content_type: str, body: bytes) -> None:
    """Raise Refused for signed bodies Bolt would crash on (a JSON list, `payload=[1]`, `event: null`…)."""
    try:
        if "application/x-www-form-urlencoded" in content_type:
            form = parse_qs(body.decode("utf-8"), strict_parsing=False)
            if "payload" in form:
                _check_interaction(json.loads(form["payload"][0]))
            elif "command" not in form and "ssl_check" not in form:
                raise Refused("400 Bad Request", "form_without_command_or_payload")
            return
        _check_event_body(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        raise Refused("400 Bad Request", "body_not_parseable") from None


def _check_event_body(data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise Refused("400 Bad Request", "event_body_not_an_object_with_type")
    if data["type"] == "event_callback" and not isinstance(data.get("event"), dict):
        raise Refused("400 Bad Request", "event_callback_without_event")


def _check_interaction(payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise Refused("400 Bad Request", "payload_not_an_object_with_type")
    kind = payload["type"]
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise Refused("400 Bad Request", "interaction_without_user")  # Slack names the person on every one
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            raise Refused("400 Bad Request", "block_actions_without_actions")
    if kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        raise Refused("400 Bad Request", "view_payload_without_view")
    if kind == "view_submission":
        state = payload["view"].get("state", {})
        if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
            raise Refused("400 Bad Request", "view_submission_without_values")


def _read_body(environ: dict[str, Any]) -> bytes:
    raw = environ.get("CONTENT_LENGTH") or ""
    if not raw.isdigit():
        raise Refused("411 Length Required", "content_length_missing")
    length = int(raw)
    if length > MAX_BODY_BYTES:
        raise Refused("413 Content Too Large", "body_too_large")
    body: bytes = environ["wsgi.input"].read(length)
    if len(body) != length:
        raise Refused("400 Bad Request", "body_shorter_than_content_length")
    return body


def guard(
    downstream: WSGIApp,
    *,
    signing_secret: str,
    first_time: Callable[[str], bool],
    clock: Callable[[], float] = time.time,
) -> WSGIApp:
    """Wrap `downstream` (Bolt) so it only sees verified, well-formed, first-time requests.

    `first_time(key)` records the key durably and says whether it was new (False for a replay).
    """

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                raise Refused("405 Method Not Allowed", "method_not_post")
            body = _read_body(environ)
            verify_signature(
                signing_secret,
                environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                body,
                environ.get("HTTP_X_SLACK_SIGNATURE", ""),
                now=clock(),
            )
            content_type = environ.get("CONTENT_TYPE", "")
            check_shape(content_type, body)
            key = replay_key(content_type, body)
        except Refused as refused:
            log.warning("slack request refused: %s", refused.reason)
            return _answer(start_response, refused.status, refused.reason)
        if key is not None and not first_time(key):
            log.info("slack request replayed: acknowledged, not acted on again")
            return _answer(start_response, "200 OK", "")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return downstream(environ, start_response)

    return wsgi


def _answer(start_response: Callable[..., Any], status: str, reason: str) -> Iterable[bytes]:
    payload = reason.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(payload)))])
    return [payload]
