"""`coach outbox`: pending and failed rows with reasons; retrying failed ones."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.db import session_scope
from models import NudgeDelivery
from nudges.outbox import enqueue
from tests.nudges.factories import person, utc


@pytest.fixture
def seeded(factory: sessionmaker[Session], migrated_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite)
    ids = {}
    with session_scope(factory) as s:
        p = person(s, "U0CLI0001")
        for key, state, reason in [
            ("a", "pending", "do not disturb until Mon 2026-02-02 13:00 GMT"),
            ("b", "failed", "messages_tab_disabled"),
            ("c", "failed", "internal_error (gave up after 6 attempts)"),
            ("d", "sent", None),
        ]:
            enqueue(
                s,
                person_id=p.id,
                kind="training",
                idempotency_key=key,
                due_at=utc(2026, 2, 2, 12),
                state=state,
                reason=reason,
            )
        ids = dict(s.execute(select(NudgeDelivery.idempotency_key, NudgeDelivery.id)).all())
    return ids


def test_lists_pending_and_failed_with_reasons(seeded: dict[str, int]) -> None:
    result = CliRunner().invoke(main, ["outbox"])
    assert result.exit_code == 0, result.output
    assert "pending: 1  held: 0  sending: 0  failed: 2  skipped: 0  sent: 1" in result.output
    assert f"#{seeded['b']}" in result.output and "messages_tab_disabled" in result.output
    assert "do not disturb" in result.output and "U0CLI0001" in result.output
    assert f"#{seeded['d']} " not in result.output  # sent rows only with --state sent/all
    only_failed = CliRunner().invoke(main, ["outbox", "--state", "failed"])
    assert "do not disturb" not in only_failed.output and "gave up" in only_failed.output


def test_retry_one_and_all_failed(seeded: dict[str, int], factory: sessionmaker[Session]) -> None:
    one = CliRunner().invoke(main, ["outbox", "--retry", str(seeded["b"])])
    assert one.exit_code == 0 and "requeued 1 failed delivery" in one.output
    missing = CliRunner().invoke(main, ["outbox", "--retry", str(seeded["a"])])  # pending, not failed
    assert missing.exit_code != 0 and "no failed delivery" in missing.output
    rest = CliRunner().invoke(main, ["outbox", "--retry-failed"])
    assert "requeued 1 failed delivery" in rest.output
    with session_scope(factory) as s:
        rows = {r.idempotency_key: r for r in s.scalars(select(NudgeDelivery))}
    assert rows["b"].state == rows["c"].state == "pending"
    assert rows["b"].attempts == 0 and rows["b"].last_error == "retry requested"
