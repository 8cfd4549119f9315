"""The Socket Mode side of the fake: a WebSocket at /link that sends hello, envelopes and disconnects."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

# Slack retries only Events API deliveries (REPORT.md §2.2); a late ack for a command or an
# interaction is a user-visible timeout instead, recorded here in `unacked`.
RETRIED_TYPES = ("events_api",)
MAX_RETRIES = 3


@dataclass
class Delivery:
    """One envelope sent to a client (the first delivery or a retry)."""

    envelope: dict[str, Any]
    at: float = field(default_factory=time.time)


@dataclass
class _Pending:
    envelope: dict[str, Any]
    deadline: float


class SocketModeServer:
    """WebSocket server speaking Slack's Socket Mode frames; thread-safe API for tests."""

    def __init__(self, *, app_id: str, ack_timeout: float = 3.0) -> None:
        self.app_id = app_id
        self.ack_timeout = ack_timeout
        self.deliveries: list[Delivery] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.unacked: list[dict[str, Any]] = []
        self.frames_received: list[dict[str, Any]] = []
        self.total_connections = 0
        self._open: list[ServerConnection] = []
        self._pending: dict[str, _Pending] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._server: Server | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """ws:// URL of the /link endpoint (apps.connections.open adds ?ticket=…&app_id=…)."""
        assert self._server is not None, "socket mode server not started"
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/"

    def start(self) -> None:
        """Listen on 127.0.0.1 (OS-chosen port); run the accept loop and the redelivery loop."""
        # No server pings: clients ping (slack_sdk every 5-10 s) and websockets answers them itself.
        self._server = serve(self._session, "127.0.0.1", 0, ping_interval=None, compression=None)
        for target in (self._server.serve_forever, self._redeliver_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Close every connection and stop listening."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        if self._server is not None:
            self._server.shutdown()
        for thread in self._threads:
            thread.join(timeout=5)

    def _session(self, conn: ServerConnection) -> None:
        if not (conn.request and conn.request.path.startswith("/link")):
            conn.close(code=1008, reason="unknown path")
            return
        with self._changed:
            self._open.append(conn)
            self.total_connections += 1
            self._changed.notify_all()
        try:
            conn.send(json.dumps(self._hello()))
            for raw in conn:
                self._on_frame(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._open.remove(conn)
                self._changed.notify_all()

    def _hello(self) -> dict[str, Any]:
        # Shape of payloads/socket_mode/hello.python-slack-sdk.json.
        return {
            "type": "hello",
            "num_connections": len(self._open),
            "debug_info": {
                "host": "applink-fake-1",
                "build_number": 10,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _on_frame(self, raw: str | bytes) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            return
        with self._changed:
            self.frames_received.append(frame)
            envelope_id = frame.get("envelope_id") if isinstance(frame, dict) else None
            if envelope_id and envelope_id not in self.acks:
                self.acks[envelope_id] = frame
                self._pending.pop(envelope_id, None)
            self._changed.notify_all()

    def _newest_connection(self) -> ServerConnection:
        # Like Slack, one connection gets each frame; the newest one survives a refresh.
        if not self._open:
            raise AssertionError("no Socket Mode client is connected to the fake")
        return self._open[-1]

    def push_envelope(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        envelope_id: str | None = None,
    ) -> str:
        """Send an envelope (shape of payloads/socket_mode/envelope.*.json); return its envelope_id."""
        envelope = {
            "envelope_id": envelope_id or str(uuid.uuid4()),
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._deliver(envelope)
        return str(envelope["envelope_id"])

    def _deliver(self, envelope: dict[str, Any]) -> None:
        with self._changed:
            conn = self._newest_connection()
            # Registered before sending so that an immediate ack always finds (and clears) it.
            self._pending[envelope["envelope_id"]] = _Pending(envelope, time.monotonic() + self.ack_timeout)
            self.deliveries.append(Delivery(dict(envelope)))
            self._changed.notify_all()
        conn.send(json.dumps(envelope))

    def _redeliver_loop(self) -> None:
        while not self._stopping.is_set():
            due: list[dict[str, Any]] = []
            with self._changed:
                now = time.monotonic()
                for envelope_id, pending in list(self._pending.items()):
                    if pending.deadline <= now:
                        del self._pending[envelope_id]
                        due.append(pending.envelope)
                next_deadline = min((p.deadline for p in self._pending.values()), default=now + 0.2)
                if not due:
                    self._changed.wait(max(0.005, min(0.2, next_deadline - now)))
            for envelope in due:
                self._expire(envelope)

    def _expire(self, envelope: dict[str, Any]) -> None:
        if envelope["type"] not in RETRIED_TYPES or envelope["retry_attempt"] >= MAX_RETRIES:
            with self._changed:
                self.unacked.append(envelope)
            return
        retry = {**envelope, "retry_attempt": envelope["retry_attempt"] + 1, "retry_reason": "timeout"}
        try:
            self._deliver(retry)
        except (AssertionError, ConnectionClosed):
            with self._changed:
                self.unacked.append(retry)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the client acked the envelope; return the ack frame (with `payload` if any)."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(
                    f"envelope {envelope_id} was not acked within {timeout}s; "
                    f"acked so far: {list(self.acks)}; frames from client: {self.frames_received[-5:]}"
                )
            return self.acks[envelope_id]

    def wait_connected(self, timeout: float = 5.0, *, total: int = 1) -> None:
        """Block until a client is connected and at least `total` connections were ever opened."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._open) and self.total_connections >= total, timeout):
                raise AssertionError(
                    f"expected a connected Socket Mode client ({total} connection(s) in all) in {timeout}s; "
                    f"open now: {len(self._open)}, opened in all: {self.total_connections}"
                )

    def send_disconnect(self, reason: str = "warning", *, close: bool = False) -> None:
        """Send a `disconnect` frame (payloads/socket_mode/disconnect…json); optionally close the socket."""
        with self._changed:
            count = len(self._open)
            conn = self._newest_connection()
        frame = {
            "type": "disconnect",
            "reason": reason,
            "num_connections": count,
            "debug_info": {"host": "applink-fake-1"},
            "connection_info": {"app_id": self.app_id},
        }
        conn.send(json.dumps(frame))
        if close:
            conn.close()

    def close_connections(self) -> None:
        """Close every open connection from the server side (as Slack does after a refresh)."""
        with self._changed:
            open_now = list(self._open)
        for conn in open_now:
            conn.close()

    def deliveries_of(self, envelope_id: str) -> list[dict[str, Any]]:
        """Every delivery (first + retries) of one envelope, in order."""
        with self._changed:
            return [d.envelope for d in self.deliveries if d.envelope["envelope_id"] == envelope_id]
