"""Telling "cannot reach it" apart from "it said no": a network failure is not a refused token or a bad URL.

Used by `coach doctor`, `coach run` and the database start-up, so a person fixes the right thing: the network
(proxy, firewall, DNS, the server being down) rather than reinstalling the app or rotating a password.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.error
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.settings import SettingsError

T = TypeVar("T")

# PostgreSQL that is still starting (or restarting) after a deploy: wait this long at most (23 s), then say so.
# COACH_DATABASE_WAITS="1,2,4" overrides the waits (seconds, comma-separated).
DATABASE_WAIT_SECONDS = (1.0, 2.0, 4.0, 8.0, 8.0)


def database_waits() -> tuple[float, ...]:
    """The waits between connection attempts: COACH_DATABASE_WAITS if set and valid, else the default."""
    raw = os.environ.get("COACH_DATABASE_WAITS", "")
    try:
        waits = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        return DATABASE_WAIT_SECONDS
    return tuple(w for w in waits if w >= 0) or DATABASE_WAIT_SECONDS


def unreachable_reason(exc: BaseException) -> str | None:
    """Why the network failed, when `exc` is a network failure (not an answer); None when the server answered."""
    if isinstance(exc, urllib.error.HTTPError):
        return None  # the server answered, with an HTTP status
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return str(reason.strerror if isinstance(reason, OSError) and reason.strerror else reason)
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionError | socket.gaierror):
        return exc.strerror or type(exc).__name__
    return None


def with_database_retries(
    url: str,
    attempt: Callable[[], T],
    *,
    say: Callable[[str], None],
    waits: tuple[float, ...] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `attempt`; while the database cannot be reached, say so in one line and retry after each wait.

    After the last wait, one `SettingsError` line (no traceback). Only the driver's OperationalError (cannot
    connect, server shutting down) is retried; any other error is raised at once.
    """
    where = _where(url)
    waits = database_waits() if waits is None else waits
    for i, wait in enumerate((*waits, None)):
        try:
            return attempt()
        except OperationalError as exc:
            reason = _first_line(exc)
            if wait is None:
                raise SettingsError(
                    f"cannot reach the database at {where}: {reason} (gave up after {i} retries)"
                ) from None
            say(f"cannot reach the database at {where}: {reason}; retrying in {wait:g} s ({i + 1}/{len(waits)})")
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def wait_for_database(url: str, *, say: Callable[[str], None], waits: tuple[float, ...] | None = None) -> None:
    """Return once a connection to `url` opens (SQLite always does), retrying as `with_database_retries` says."""
    if url.startswith("sqlite"):
        return

    def connect() -> None:
        engine = create_engine(url, pool_pre_ping=False)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()

    with_database_retries(url, connect, say=say, waits=waits)


def _where(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def _first_line(exc: OperationalError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0]
