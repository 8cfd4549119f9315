"""The foundation through the wire: signature checks, url_verification, Home tab, retries, Socket Mode."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, event_callback, load
from models import Person, ProcessedEvent
from tests.e2e.harness import HttpApp, socket_app, wait_until

VIEW_MAX_BYTES = 250_000


def _assert_valid_home(view: dict) -> None:
    View(**view).validate_json()  # slack_sdk's own checks: ≤100 blocks, text lengths, no inputs…
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    assert len(json.dumps(view).encode()) <= VIEW_MAX_BYTES


def test_url_verification_is_answered(app: HttpApp) -> None:
    body = load("events_api/url_verification.slack-docs.json")
    resp = app.driver.post_event(body)
    assert resp.status == 200
    assert body["challenge"] in resp.body


def test_health_check(app: HttpApp) -> None:
    with urllib.request.urlopen(app.url + "/healthz", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"ok": True, "database": "ok"}


@pytest.mark.parametrize("how", ["forged", "stale"])
def test_bad_signature_gets_401_and_changes_nothing(app: HttpApp, fake: FakeSlack, how: str) -> None:
    body = event_callback(app_home_opened("U0ALICE01"))
    if how == "forged":
        resp = app.driver.post_event(body, forge=True)
    else:
        resp = app.driver.post_event(body, timestamp=int(time.time()) - 5 * 60 - 1)
    assert resp.status == 401
    time.sleep(0.3)
    assert fake.calls_to("views.publish") == []
    with session_scope(app.deps.session_factory) as s:
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_app_home_opened_publishes_a_valid_home(app: HttpApp, fake: FakeSlack) -> None:
    resp = app.driver.post_event(event_callback(app_home_opened("U0ALICE01")))
    assert resp.status == 200
    call = fake.wait_for("views.publish")[0]
    assert call.args["user_id"] == "U0ALICE01"
    _assert_valid_home(call.args["view"])
    assert "ジャーニー" in json.dumps(call.args["view"], ensure_ascii=False)  # Alice's Slack locale is ja-JP


def test_redelivered_event_is_processed_once(app: HttpApp, fake: FakeSlack) -> None:
    body = event_callback(app_home_opened("U0BOB0001"))
    assert app.driver.post_event(body).status == 200
    for retry in (1, 2, 3):
        assert app.driver.post_event(body, retry_num=retry, retry_reason="http_timeout").status == 200
    fake.wait_for("views.publish")
    time.sleep(0.5)
    assert len(fake.calls_to("views.publish")) == 1


def test_ack_is_fast(app: HttpApp) -> None:
    elapsed = [app.driver.post_event(event_callback(app_home_opened("W111"))).elapsed for _ in range(20)]
    assert max(elapsed) < 1.0  # far inside Slack's 3 s; the benchmark measures the real p99


def test_home_over_socket_mode(fake: FakeSlack, sqlite_url: str) -> None:
    with socket_app(fake, sqlite_url):
        envelope = fake.push_event(event_callback(app_home_opened("U0ALICE01")))
        assert fake.wait_for_ack(envelope, timeout=3) == {"envelope_id": envelope}
        call = fake.wait_for("views.publish")[0]
        _assert_valid_home(call.args["view"])
        assert fake.socket.deliveries_of(envelope)[-1]["retry_attempt"] == 0


def test_socket_mode_retry_is_processed_once(fake: FakeSlack, sqlite_url: str) -> None:
    with socket_app(fake, sqlite_url) as deps:
        body = event_callback(app_home_opened("U0BOB0001"))
        first = fake.push_event(body)
        fake.wait_for_ack(first, timeout=3)
        # Slack redelivers the same event (same event_id) in a new envelope after a timeout.
        second = fake.push_envelope("events_api", body)
        fake.wait_for_ack(second, timeout=3)
        fake.wait_for("views.publish")
        wait_until(lambda: _processed(deps) == 1)
        time.sleep(0.3)
        assert len(fake.calls_to("views.publish")) == 1


def _processed(deps) -> int:  # type: ignore[no-untyped-def]
    with session_scope(deps.session_factory) as s:
        return int(s.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)
