import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.simslack import FakeSlack, SlackDriver, sign
from bot.simslack.payloads import block_actions, event_callback, message_event, slash_command
from bot.simslack.reference import load_json

SECRET = "test-signing-secret"


def test_sign_reproduces_slacks_documented_test_vector() -> None:
    vector = load_json("signing/request_signing.test_vector.slack-docs.json")

    signature = sign(vector["signing_secret"], vector["x_slack_request_timestamp"], vector["body"].encode())

    assert signature == vector["x_slack_signature"]


class _Echo(BaseHTTPRequestHandler):
    """Verifies the signature like slack_sdk does and echoes what it received."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        verified = SignatureVerifier(SECRET).is_valid_request(body, dict(self.headers))
        echo = json.dumps(
            {
                "verified": verified,
                "path": self.path,
                "content_type": self.headers["Content-Type"],
                "retry_num": self.headers.get("X-Slack-Retry-Num"),
                "retry_reason": self.headers.get("X-Slack-Retry-Reason"),
                "body": body.decode(),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(echo)))
        self.end_headers()
        self.wfile.write(echo)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _echo(response: Any) -> dict[str, Any]:
    assert response.status == 200
    return json.loads(response.body)


def test_events_are_signed_json_with_retry_headers(echo_url: str) -> None:
    body = event_callback(message_event("U1", "C111", "hi"))

    with SlackDriver(echo_url, SECRET) as driver:
        first = _echo(driver.post_event(body))
        retried = _echo(driver.post_event(body, retry_num=1, retry_reason="http_timeout"))

    assert first["verified"] is True and first["path"] == "/slack/events"
    assert first["content_type"] == "application/json" and json.loads(first["body"]) == body
    assert first["retry_num"] is None
    assert (retried["retry_num"], retried["retry_reason"]) == ("1", "http_timeout")


def test_commands_and_interactions_are_signed_forms(echo_url: str) -> None:
    fields = slash_command("help", "U1")
    payload = block_actions("U1", "done", "step-1")

    with SlackDriver(echo_url + "/slack/events", SECRET) as driver:
        command = _echo(driver.post_command(fields))
        interaction = _echo(driver.post_interaction(payload))

    assert command["verified"] and command["content_type"] == "application/x-www-form-urlencoded"
    assert {k: v[0] for k, v in parse_qs(command["body"], keep_blank_values=True).items()} == fields
    form = parse_qs(interaction["body"])
    assert list(form) == ["payload"] and json.loads(form["payload"][0]) == payload


def test_forged_and_stale_requests_fail_verification(echo_url: str) -> None:
    body = event_callback(message_event("U1", "C111", "hi"))

    with SlackDriver(echo_url, SECRET) as driver:
        forged = _echo(driver.post_event(body, forge=True))
        stale = _echo(driver.post_event(body, timestamp=1_531_420_618))

    assert forged["verified"] is False
    assert stale["verified"] is False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def bolt_app_url(fake: FakeSlack) -> Iterator[str]:
    """A real Bolt app in HTTP mode whose WebClient talks to the fake."""
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=fake.bot_token, base_url=fake.api_url),
    )

    @app.message("hello")
    def greet(message: dict[str, Any], say: Any) -> None:
        say(f"hi <@{message['user']}>")

    @app.command("/coach")
    def coach(ack: Any) -> None:
        ack("on it")

    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events"
    server.shutdown()
    server.server_close()


def test_driver_and_fake_run_a_bolt_app_end_to_end(fake: FakeSlack, bolt_app_url: str) -> None:
    fake.add_channel("C111", "general", members=["U1"])

    with SlackDriver(bolt_app_url, SECRET) as driver:
        event = driver.post_event(event_callback(message_event("U1", "C111", "hello there")))
        command = driver.post_command(slash_command("help", "U1"))
        forged = driver.post_command(slash_command("help", "U1"), forge=True)

    assert event.status == 200 and event.elapsed < 3
    assert (command.status, command.body) == (200, "on it")
    assert forged.status == 401
    posted = fake.wait_for("chat.postMessage", timeout=3)[0]
    assert posted.args["text"] == "hi <@U1>" and posted.ok
    assert fake.calls_to("auth.test")
