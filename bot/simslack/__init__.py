"""Simulated (loopback) Slack for tests and rehearsals: Web API, Socket Mode, signed HTTP driver, payloads."""

from .driver import DriverResponse, SlackDriver, sign
from .identity import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, Identity
from .recording import Call
from .server import FakeSlack

__all__ = [
    "APP_TOKEN",
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "Call",
    "DriverResponse",
    "FakeSlack",
    "Identity",
    "SlackDriver",
    "sign",
]
