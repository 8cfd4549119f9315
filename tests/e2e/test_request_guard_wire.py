"""Hostile and replayed requests against `coach serve` over the wire: 4xx without tracebacks, replays act once."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest

from bot.simslack import FakeSlack
from bot.simslack.payloads import slash_command
from tests.e2e.harness import HttpApp

MARKER = "PRIVATE-WIRE-MARKER-91c2"


@pytest.mark.parametrize(
    ("raw", "ctype", "headers"),
    [
        (b"{bad", "application/json", {}),
        (b"[1]", "application/json", {}),
        (b'{"type": "event_callback", "event": null}', "application/json", {}),
        (urlencode({"payload": "[1]"}).encode(), "application/x-www-form-urlencoded", {}),
        (b"{bad", "application/json", {"X-Slack-Request-Timestamp": "abc"}),
    ],
)
def test_garbage_is_4xx_without_traceback(
    app: HttpApp, raw: bytes, ctype: str, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    resp = app.driver.post_raw(raw, ctype, headers=headers)
    assert 400 <= resp.status < 500
    assert "Traceback" not in caplog.text


def test_stale_message_text_never_reaches_the_log(app: HttpApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    raw = b'{"type": "event_callback", "event": {"type": "message", "text": "' + MARKER.encode() + b'"}}'
    assert app.driver.post_raw(raw, "application/json", timestamp=int(time.time()) - 3600).status == 401
    assert MARKER not in caplog.text


def test_replayed_slash_command_is_acted_on_once(app: HttpApp, fake: FakeSlack) -> None:
    raw = urlencode(slash_command("language en", "U0ALICE01", response_url=fake.response_url())).encode()
    ts = int(time.time())
    for _ in range(3):
        assert app.driver.post_raw(raw, "application/x-www-form-urlencoded", timestamp=ts).status == 200
    fake.wait_for("response_url")
    time.sleep(0.5)
    assert len(fake.calls_to("response_url")) == 1


def test_healthz_is_503_when_the_schema_is_behind_head(app: HttpApp) -> None:
    import urllib.error
    import urllib.request

    from alembic import command

    from bot.db import alembic_config, schema_behind

    url = app.deps.settings.database_url
    command.downgrade(alembic_config(url), "-1")
    with app.deps.engine.connect() as conn:
        assert schema_behind(conn, url) is not None
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(app.url + "/healthz", timeout=5)
    assert refused.value.code == 503
    command.upgrade(alembic_config(url), "head")
    with urllib.request.urlopen(app.url + "/healthz", timeout=5) as healthy:
        assert healthy.status == 200


def test_healthz_is_503_while_the_database_cannot_be_reached(
    app: HttpApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import json
    import urllib.error
    import urllib.request

    from sqlalchemy.exc import OperationalError

    def refused(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(app.deps.engine, "connect", refused)
    with pytest.raises(urllib.error.HTTPError) as down:
        urllib.request.urlopen(app.url + "/healthz", timeout=5)
    assert down.value.code == 503
    assert json.loads(down.value.read()) == {"ok": False, "database": "OperationalError"}
    assert "Traceback" not in caplog.text
    monkeypatch.undo()
    with urllib.request.urlopen(app.url + "/healthz", timeout=5) as healthy:
        assert healthy.status == 200
