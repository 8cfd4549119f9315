"""The guard in front of Bolt: refusals are 4xx with a reason, never a body in the log; replays act once."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.request_guard import MAX_BODY_BYTES, guard
from bot.simslack.driver import sign

SECRET = "s3cret"
NOW = 1_800_000_000
MARKER = "PRIVATE-MARKER-7f3a"


class Downstream:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.bodies.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [])
        return [b"ok"]


USER = {"id": "U0BOB0001"}


def call(
    app: Any,
    body: bytes,
    *,
    ctype: str = "application/json",
    ts: str | None = None,
    sig: str | None = None,
    length: str | None = None,
) -> str:
    ts = str(NOW) if ts is None else ts
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": ctype,
        "CONTENT_LENGTH": str(len(body)) if length is None else length,
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
        "HTTP_X_SLACK_SIGNATURE": sign(SECRET, ts, body) if sig is None else sig,
    }
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers: statuses.append(status)))
    return statuses[0]


@pytest.fixture
def setup() -> tuple[Any, Downstream, set[str]]:
    seen: set[str] = set()

    def first_time(key: str) -> bool:
        if key in seen:
            return False
        seen.add(key)
        return True

    down = Downstream()
    return guard(down, signing_secret=SECRET, first_time=first_time, clock=lambda: float(NOW)), down, seen


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


@pytest.mark.parametrize(
    ("body", "ctype", "status"),
    [
        (b"{bad", "application/json", "400"),
        (b"[1, 2]", "application/json", "400"),
        (b'"s"', "application/json", "400"),
        (b"null", "application/json", "400"),
        (b'{"type": "event_callback", "event": null}', "application/json", "400"),
        (form(payload="[1]"), "application/x-www-form-urlencoded", "400"),
        (form(payload="{not json"), "application/x-www-form-urlencoded", "400"),
        (
            form(payload=json.dumps({"type": "block_actions", "actions": []})),
            "application/x-www-form-urlencoded",
            "400",
        ),
        (
            form(payload=json.dumps({"type": "view_submission", "user": USER, "view": "x"})),
            "application/x-www-form-urlencoded",
            "400",
        ),
        (
            form(payload=json.dumps({"type": "block_actions", "actions": [{"action_id": "a"}]})),  # nobody
            "application/x-www-form-urlencoded",
            "400",
        ),
        (
            form(payload=json.dumps({"type": "block_actions", "user": "U1", "actions": [{"action_id": "a"}]})),
            "application/x-www-form-urlencoded",
            "400",
        ),
        (
            form(payload=json.dumps({"type": "view_submission", "user": USER, "view": {"state": {"values": [1]}}})),
            "application/x-www-form-urlencoded",
            "400",
        ),
        (
            form(payload=json.dumps({"type": "view_submission", "user": USER, "view": {"state": "x"}})),
            "application/x-www-form-urlencoded",
            "400",
        ),
        (b"\xff\xfe", "application/json", "400"),
    ],
)
def test_signed_malformed_bodies_are_400_and_never_reach_bolt(setup: Any, body: bytes, ctype: str, status: str) -> None:
    app, down, _ = setup
    assert call(app, body, ctype=ctype).startswith(status)
    assert down.bodies == []


@pytest.mark.parametrize(
    ("ts", "sig", "status"),
    [("abc", "v0=00", "401"), (str(NOW - 301), None, "401"), (str(NOW + 301), None, "401"), (None, "v0=forged", "401")],
)
def test_bad_timestamp_or_signature_is_401_before_parsing(
    setup: Any, ts: str | None, sig: str | None, status: str
) -> None:
    app, down, _ = setup
    assert call(app, b"{bad", ts=ts, sig=sig).startswith(status)
    assert down.bodies == []


def test_oversized_or_unlengthed_body_refused_without_reading(setup: Any) -> None:
    app, down, _ = setup
    assert call(app, b"{}", length=str(MAX_BODY_BYTES + 1)).startswith("413")
    assert call(app, b"{}", length="").startswith("411")
    assert down.bodies == []


def test_valid_event_passes_with_body_intact(setup: Any) -> None:
    app, down, _ = setup
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "hi"}}).encode()
    assert call(app, body).startswith("200")
    assert down.bodies == [body]


def test_replayed_command_and_interaction_are_acted_on_once(setup: Any) -> None:
    app, down, _ = setup
    command = form(command="/coach", text="help", trigger_id="123.456.abc")
    interaction = form(
        payload=json.dumps(
            {"type": "block_actions", "user": USER, "trigger_id": "9.9.x", "actions": [{"action_id": "a"}]}
        )
    )
    for _ in range(3):
        assert call(app, command, ctype="application/x-www-form-urlencoded").startswith("200")
        assert call(app, interaction, ctype="application/x-www-form-urlencoded").startswith("200")
    assert down.bodies == [command, interaction]


def test_log_holds_reasons_never_bodies(
    setup: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, _ = setup
    guard_log = logging.getLogger("bot.request_guard")  # whatever logging set-up earlier tests left behind
    monkeypatch.setattr(guard_log, "disabled", False)
    monkeypatch.setattr(guard_log, "propagate", True)
    caplog.set_level(logging.DEBUG)
    message = json.dumps({"type": "event_callback", "event": {"type": "message", "text": MARKER}}).encode()
    call(app, message, ts=str(NOW - 3600))  # stale: refused
    call(app, message, sig="v0=forged")
    call(app, b"{" + MARKER.encode(), ts="abc")
    assert MARKER not in caplog.text
    assert "timestamp_outside_window" in caplog.text and "signature_mismatch" in caplog.text
