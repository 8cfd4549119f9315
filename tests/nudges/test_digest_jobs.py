"""The weekly ambassador digest: Monday morning in the ambassador's zone, once per ISO week, all departments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory, session_scope
from bot.deps import Deps
from bot.playbook import default_playbook_path, load_playbook
from bot.slack.gateway import PostedMessage, SlackError
from models import NudgeDelivery, Person, Role
from nudges.digest_jobs import send_ambassador_digests
from nudges.scheduler import JOBS
from tests.conftest import make_settings

MONDAY_1030_TOKYO = datetime(2026, 3, 9, 1, 30, tzinfo=UTC)


class RecordingGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.fail_for: set[str] = set()

    def send_dm(self, user_id: str, text: str, blocks: Any = None, metadata: Any = None) -> PostedMessage:
        if user_id in self.fail_for:
            raise SlackError("chat.postMessage", "messages_tab_disabled")
        self.sent.append((user_id, text, blocks))
        return PostedMessage("D0001", f"{len(self.sent)}.000100")


@pytest.fixture
def deps(migrated_sqlite: str, tmp_path: Path) -> Iterator[Deps]:
    engine = make_engine(migrated_sqlite)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        rows = [
            Person(slack_user_id="U0TOKYO01", department="Sales", tz="Asia/Tokyo", locale="ja", opted_out_kinds=[]),
            Person(slack_user_id="U0LONDON1", department="Sales", tz="Europe/London", locale="en", opted_out_kinds=[]),
            Person(slack_user_id="U0SPONS01", department=None, tz="Asia/Tokyo", locale="en", opted_out_kinds=[]),
            Person(
                slack_user_id="U0GONE001", department="Sales", tz="Asia/Tokyo", deactivated=True, opted_out_kinds=[]
            ),
            Person(slack_user_id="U0MEMBER1", department="Support", tz="UTC", current_stage=1, opted_out_kinds=[]),
        ]
        s.add_all(rows)
        s.flush()
        s.add_all(
            [
                Role(person_id=rows[0].id, role="ambassador", department="Sales"),
                Role(person_id=rows[0].id, role="ambassador", department="Support"),
                Role(person_id=rows[1].id, role="ambassador", department="Sales"),
                Role(person_id=rows[2].id, role="sponsor", department=None),
                Role(person_id=rows[3].id, role="ambassador", department="Sales"),
            ]
        )
    yield Deps(
        settings=make_settings(migrated_sqlite),
        engine=engine,
        session_factory=factory,
        slack=RecordingGateway(),  # type: ignore[arg-type]
        clock=ManualClock(MONDAY_1030_TOKYO),
        playbook=load_playbook(default_playbook_path()),
    )
    engine.dispose()


def _gateway(deps: Deps) -> RecordingGateway:
    return deps.slack  # type: ignore[return-value]


def test_the_job_is_registered() -> None:
    assert {spec.name: spec.seconds for spec in JOBS}["send_ambassador_digests"] == 3600


def test_monday_morning_in_tokyo_sends_once_per_week(deps: Deps) -> None:
    assert send_ambassador_digests(deps) == 2  # Tokyo ambassador and the Tokyo sponsor; London is asleep
    sent = {user: (text, blocks) for user, text, blocks in _gateway(deps).sent}
    assert set(sent) == {"U0TOKYO01", "U0SPONS01"}
    ambassador_text = str(sent["U0TOKYO01"][1])
    assert (
        "アンバサダー週次ダイジェスト" in ambassador_text
        and "Sales" in ambassador_text
        and "Support" in ambassador_text
    )
    assert "Support" in str(sent["U0SPONS01"][1])  # the sponsor sees every department
    clock: ManualClock = deps.clock  # type: ignore[assignment]
    clock.advance(timedelta(hours=1))
    assert send_ambassador_digests(deps) == 0  # still Monday morning in Tokyo: nothing twice
    with session_scope(deps.session_factory) as s:
        rows = list(s.scalars(select(NudgeDelivery)))
    assert {(r.kind, r.state) for r in rows} == {("ambassador_digest", "sent")} and len(rows) == 2
    assert all(r.idempotency_key == f"ambassador_digest:{r.person_id}:2026-W11" for r in rows)


def test_london_gets_it_in_its_own_morning_and_next_week_comes_again(deps: Deps) -> None:
    clock: ManualClock = deps.clock  # type: ignore[assignment]
    send_ambassador_digests(deps)
    clock.set(datetime(2026, 3, 9, 10, 15, tzinfo=UTC))  # Monday 10:15 in London, 19:15 in Tokyo
    assert send_ambassador_digests(deps) == 1 and _gateway(deps).sent[-1][0] == "U0LONDON1"
    clock.set(datetime(2026, 3, 10, 1, 30, tzinfo=UTC))  # Tuesday: nobody
    assert send_ambassador_digests(deps) == 0
    clock.set(MONDAY_1030_TOKYO + timedelta(days=7))
    assert send_ambassador_digests(deps) == 2


def test_a_failed_dm_is_recorded_not_retried_and_does_not_stop_others(deps: Deps) -> None:
    _gateway(deps).fail_for.add("U0TOKYO01")
    assert send_ambassador_digests(deps) == 1
    with session_scope(deps.session_factory) as s:
        states = dict(s.execute(select(NudgeDelivery.idempotency_key, NudgeDelivery.state)).all())
    assert sorted(states.values()) == ["failed", "sent"]
    assert send_ambassador_digests(deps) == 0
