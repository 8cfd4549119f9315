import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.simslack import FakeSlack
from bot.simslack.payloads import event_callback, load, message_event, slash_command

Listener = Callable[[SocketModeClient, SocketModeRequest], None]


class Frames:
    """Raw frames the SDK client received, for assertions."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self._changed = threading.Condition()

    def add(self, raw: str) -> None:
        with self._changed:
            self.items.append(json.loads(raw))
            self._changed.notify_all()

    def wait_type(self, frame_type: str, timeout: float = 2.0) -> dict:
        with self._changed:
            assert self._changed.wait_for(lambda: any(f.get("type") == frame_type for f in self.items), timeout)
            return next(f for f in self.items if f.get("type") == frame_type)


@pytest.fixture
def frames() -> Frames:
    return Frames()


@pytest.fixture
def connect(fake: FakeSlack, frames: Frames) -> Iterator[Callable[[Listener], SocketModeClient]]:
    clients: list[SocketModeClient] = []

    def _connect(listener: Listener) -> SocketModeClient:
        sdk = SocketModeClient(
            app_token=fake.app_token,
            web_client=WebClient(base_url=fake.api_url),
            on_message_listeners=[frames.add],
        )
        sdk.socket_mode_request_listeners.append(listener)
        sdk.connect()
        clients.append(sdk)
        fake.wait_connected(timeout=2)
        return sdk

    yield _connect
    for sdk in clients:
        # Closing from the server side first wakes the SDK's blocking recv (3 s socket timeout),
        # so close() returns at once instead of waiting for that timeout.
        sdk.default_auto_reconnect_enabled = sdk.auto_reconnect_enabled = False
    fake.socket.close_connections()
    for sdk in clients:
        # Let the SDK notice the close itself: its own disconnect() races with close() otherwise.
        deadline = time.monotonic() + 2
        while sdk.is_connected() and time.monotonic() < deadline:
            time.sleep(0.01)
        sdk.close()


def _ack(client: SocketModeClient, request: SocketModeRequest) -> None:
    client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))


def test_apps_connections_open_needs_the_app_token(fake: FakeSlack) -> None:
    answer = WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token)

    assert answer["url"].startswith(fake.socket_url + "?ticket=")
    with pytest.raises(Exception, match="invalid_auth"):
        WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.bot_token)
    with pytest.raises(Exception, match="not_allowed_token_type"):
        WebClient(token=fake.app_token, base_url=fake.api_url).auth_test()


def test_sdk_client_gets_hello_and_an_envelope_and_acks_it(
    fake: FakeSlack, frames: Frames, connect: Callable[[Listener], SocketModeClient]
) -> None:
    received: list[SocketModeRequest] = []

    def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        _ack(client, request)

    connect(listener)
    body = event_callback(message_event("U1", "C111", "hello coach"))
    envelope_id = fake.push_event(body)

    ack = fake.wait_for_ack(envelope_id, timeout=2)
    hello = frames.wait_type("hello")
    assert set(hello) == set(load("socket_mode/hello.python-slack-sdk.json"))
    assert ack == {"envelope_id": envelope_id}
    assert received[0].type == "events_api" and received[0].payload == body
    assert fake.socket.deliveries_of(envelope_id)[0]["retry_attempt"] == 0


def test_ack_payload_is_returned_for_commands(fake: FakeSlack, connect: Callable[[Listener], SocketModeClient]) -> None:
    def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        response = SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "on it"})
        client.send_socket_mode_response(response)

    connect(listener)
    envelope_id = fake.push_command(slash_command("help", "U1"))

    assert fake.wait_for_ack(envelope_id, timeout=2)["payload"] == {"text": "on it"}


def test_unacked_event_is_redelivered_with_retry_attempt(
    fake: FakeSlack, connect: Callable[[Listener], SocketModeClient]
) -> None:
    attempts: list[tuple[int | None, str | None]] = []

    def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        attempts.append((request.retry_attempt, request.retry_reason))
        if request.retry_attempt:
            _ack(client, request)

    connect(listener)
    envelope_id = fake.push_event(event_callback(message_event("U1", "C111", "anyone?")))

    fake.wait_for_ack(envelope_id, timeout=2)
    assert attempts == [(0, ""), (1, "timeout")]
    assert [d["retry_attempt"] for d in fake.socket.deliveries_of(envelope_id)] == [0, 1]


def test_retries_stop_after_three(fake: FakeSlack, connect: Callable[[Listener], SocketModeClient]) -> None:
    fake.socket.ack_timeout = 0.1
    connect(lambda client, request: None)
    envelope_id = fake.push_event(event_callback(message_event("U1", "C111", "ignored")))

    with pytest.raises(AssertionError, match="not acked"):
        fake.wait_for_ack(envelope_id, timeout=0.7)
    assert [d["retry_attempt"] for d in fake.socket.deliveries_of(envelope_id)] == [0, 1, 2, 3]
    assert fake.socket.unacked[0]["envelope_id"] == envelope_id


def test_disconnect_frame_makes_the_sdk_reconnect(
    fake: FakeSlack, frames: Frames, connect: Callable[[Listener], SocketModeClient]
) -> None:
    connect(_ack)

    fake.send_disconnect("refresh_requested")

    disconnect = frames.wait_type("disconnect")
    assert disconnect["reason"] == "refresh_requested"
    assert set(disconnect) == set(load("disconnect.too_many_websockets.python-slack-sdk.json"))
    fake.wait_connected(timeout=2, total=2)
    fake.wait_for("apps.connections.open", count=2, timeout=2)


def test_push_without_a_client_fails_loudly(fake: FakeSlack) -> None:
    with pytest.raises(AssertionError, match="no Socket Mode client"):
        fake.push_event(event_callback(message_event("U1", "C111", "nobody home")))
