"""Network failures are told apart from answers; the database is retried with bounded waits, one line each."""

from __future__ import annotations

import urllib.error

import pytest
from sqlalchemy.exc import OperationalError

from bot.reachability import database_waits, unreachable_reason, with_database_retries
from bot.settings import SettingsError

URL = "postgresql+psycopg://postgres@db.example:5432/coach"


def test_network_failures_have_a_reason_and_answers_do_not() -> None:
    assert unreachable_reason(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))) == (
        "Connection refused"
    )
    assert unreachable_reason(TimeoutError()) == "timed out"
    assert unreachable_reason(urllib.error.HTTPError("u", 503, "down", {}, None)) is None  # type: ignore[arg-type]
    assert unreachable_reason(ValueError("bad")) is None


def test_retries_say_one_line_per_wait_then_give_up_in_one_line() -> None:
    said: list[str] = []
    slept: list[float] = []

    def refuse() -> None:
        raise OperationalError("connect", {}, Exception("connection refused\nIs the server running?"))

    with pytest.raises(SettingsError, match=r"db.example:5432/coach: connection refused \(gave up after 2"):
        with_database_retries(URL, refuse, say=said.append, waits=(1.0, 2.0), sleep=slept.append)
    assert slept == [1.0, 2.0] and len(said) == 2 and all("retrying in" in line for line in said)


def test_a_database_that_comes_back_is_used_and_other_errors_are_not_retried() -> None:
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("connect", {}, Exception("starting up"))
        return "connected"

    assert with_database_retries(URL, flaky, say=lambda _: None, waits=(0, 0, 0), sleep=lambda _: None) == "connected"
    assert len(attempts) == 3

    def broken() -> None:
        raise KeyError("not a connection problem")

    with pytest.raises(KeyError):
        with_database_retries(URL, broken, say=lambda _: None, waits=(0,), sleep=lambda _: None)


def test_waits_come_from_the_environment_when_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATABASE_WAITS", "0.5, 1")
    assert database_waits() == (0.5, 1.0)
    monkeypatch.setenv("COACH_DATABASE_WAITS", "soon")
    assert database_waits() == (1.0, 2.0, 4.0, 8.0, 8.0)
