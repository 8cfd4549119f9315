"""The hot path, `ingest_batch`: what one batch of events writes, and what it never writes twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import session_scope
from bot.ingest.batch import EventItem, Outcome, ingest_batch
from bot.playbook import default_playbook_path, load_playbook
from models import Completion, CriterionHit, DailyActivity, NudgeDelivery, Person, ProcessedEvent
from tests.ingest.conftest import T0, act, item

PLAYBOOK = load_playbook(default_playbook_path())
COUNTERS = ("messages", "replies", "reactions", "files", "apps", "bot_dms")
NEWS: dict[str, Any] = {"channel_name": "company-news", "channel_id": "C0NEWS0001"}
PROJ: dict[str, Any] = {"channel_name": "proj-apollo", "channel_id": "C0PROJ0001"}


def ingest(factory: sessionmaker[Session], *items: EventItem, minutes: float = 0) -> Outcome:
    with session_scope(factory) as session:
        return ingest_batch(session, playbook=PLAYBOOK, items=items, now=T0 + timedelta(minutes=minutes))


def counters(factory: sessionmaker[Session], user: str = "U0ANN0001") -> dict[date, dict[str, int]]:
    with factory() as s:
        rows = s.scalars(select(DailyActivity).join(Person).where(Person.slack_user_id == user))
        return {r.day: {k: v for k in COUNTERS if (v := getattr(r, k))} for r in rows}


def completions(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return sorted(s.scalars(select(Completion.use_case_key).where(Completion.status == "done")))


def celebrations(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return sorted(s.scalars(select(NudgeDelivery.idempotency_key).where(NudgeDelivery.kind == "celebrate")))


def person(factory: sessionmaker[Session], user: str = "U0ANN0001") -> Person:
    with factory() as s:
        found = s.scalar(select(Person).where(Person.slack_user_id == user))
        assert found is not None
        return found


def test_a_redelivered_event_id_is_claimed_once_in_a_batch_and_across_batches(
    factory: sessionmaker[Session],
) -> None:
    message = act("message", **PROJ)
    first = ingest(factory, item(message), item(message))
    again = ingest(factory, item(message), minutes=1)
    assert first.duplicates == set() and again.duplicates == {message.event_id}
    assert list(counters(factory).values()) == [{"messages": 1}]
    with factory() as s:
        assert list(s.scalars(select(ProcessedEvent.event_id))) == [message.event_id]
        assert len(list(s.scalars(select(CriterionHit)))) == 1


def test_events_without_an_id_are_never_deduplicated(factory: sessionmaker[Session]) -> None:
    message = act("message", **PROJ)
    ingest(factory, item(message, event_id=None), item(message, event_id=None))
    assert list(counters(factory).values()) == [{"messages": 2}]


def test_daily_counters_add_up_per_person_and_day_in_one_upsert(factory: sessionmaker[Session]) -> None:
    ingest(
        factory,
        item(act("message", **PROJ)),
        item(act("message", thread_reply=True, **PROJ)),
        item(act("message", channel_type="im", channel_id="D0BOT00001")),
        item(act("reaction_added", **NEWS)),
        item(act("file_shared", **PROJ)),
        item(act("app_used", **PROJ)),
        item(act("app_mention", **PROJ)),  # also arrives as a message: not counted twice
        item(act("member_joined_channel", **PROJ)),  # not usage volume
        item(act("message", "U0BOB00001", **PROJ)),
        item(act("message", minutes=24 * 60, **PROJ)),  # the next day
    )
    ingest(factory, item(act("message", minutes=5, **PROJ)), minutes=10)
    day = T0.date()
    assert counters(factory) == {
        day: {"messages": 2, "replies": 1, "reactions": 1, "files": 1, "apps": 1, "bot_dms": 1},
        day + timedelta(days=1): {"messages": 1},
    }
    assert counters(factory, "U0BOB00001") == {day: {"messages": 1}}


def test_first_time_people_get_a_bare_row_and_are_reported_once(factory: sessionmaker[Session]) -> None:
    first = ingest(factory, item(act("message", **PROJ)), item(act("message", **PROJ)))
    later = ingest(factory, item(act("message", **PROJ)), minutes=1)
    assert first.new_people == {"U0ANN0001"} and later.new_people == set()
    ann = person(factory)
    assert (ann.display_name, ann.current_stage, ann.deactivated) == ("", 0, False)


def test_a_deactivated_person_is_claimed_but_nothing_is_recorded(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        s.add(Person(slack_user_id="U0GONE0001", display_name="gone", deactivated=True))
    outcome = ingest(factory, item(act("reaction_added", "U0GONE0001", **NEWS)))
    assert counters(factory, "U0GONE0001") == {} and completions(factory) == [] and outcome.completed == []


def test_only_events_some_use_case_awaits_make_hits_and_completions(factory: sessionmaker[Session]) -> None:
    unawaited = ingest(
        factory,
        item(act("app_home_opened")),  # no use case waits for a Home visit
        item(act("app_mention", **NEWS)),  # nor for a mention of Coach
        item(act("message", channel_name="random", channel_id="C0RANDOM01")),  # a message, but nowhere awaited
        item(act("reaction_added", channel_name="random", channel_id="C0RANDOM01")),
    )
    assert unawaited.completed == [] and unawaited.progressed == set()
    with factory() as s:
        assert list(s.scalars(select(CriterionHit))) == [] and completions(factory) == []
    awaited = ingest(factory, item(act("reaction_added", minutes=1, **NEWS)), minutes=2)
    assert awaited.completed == [("U0ANN0001", "react-to-news")] and awaited.progressed == {"U0ANN0001"}
    assert completions(factory) == ["react-to-news"]


def test_a_use_case_completes_once_and_is_celebrated_once(factory: sessionmaker[Session]) -> None:
    ingest(factory, item(act("reaction_added", **NEWS)))
    repeat = ingest(factory, item(act("reaction_added", minutes=5, **NEWS)), minutes=6)
    pid = person(factory).id
    assert repeat.completed == [] and completions(factory) == ["react-to-news"]
    assert celebrations(factory) == [f"celebrate:{pid}:react-to-news"]
    with factory() as s:
        row = s.scalar(select(NudgeDelivery))
        assert row is not None and row.state == "pending" and row.payload["use_case"] == "react-to-news"


def test_a_counted_use_case_completes_on_the_nth_match_across_batches(factory: sessionmaker[Session]) -> None:
    for n in range(4):  # post-in-project needs 5 project messages within 14 days
        assert ingest(factory, item(act("message", minutes=n, **PROJ)), minutes=n).completed == []
    assert completions(factory) == []
    fifth = ingest(factory, item(act("message", minutes=10, **PROJ)), minutes=10)
    assert ("U0ANN0001", "post-in-project") in fifth.completed


def test_the_required_use_cases_reach_the_next_stage_once(factory: sessionmaker[Session]) -> None:
    ingest(
        factory,
        item(act("help_requested")),
        item(act("member_joined_channel", **NEWS)),
        item(act("reaction_added", **NEWS)),
        item(act("member_joined_channel", channel_name="ask-exec", channel_id="C0EXEC0001", minutes=3)),
    )
    ann = person(factory)
    assert ann.current_stage == 1 and ann.stage_reached_at is not None
    assert f"celebrate:{ann.id}:stage:1" in celebrations(factory)


def test_home_refreshes_are_asked_only_for_people_who_have_opened_it(factory: sessionmaker[Session]) -> None:
    ingest(factory, item(act("app_home_opened", "U0BOB00001")))
    assert person(factory, "U0BOB00001").home_opened_at is not None
    outcome = ingest(
        factory,
        item(act("reaction_added", "U0BOB00001", minutes=1, **NEWS)),
        item(act("reaction_added", "U0ANN0001", minutes=1, **NEWS)),
        minutes=2,
    )
    assert outcome.progressed == {"U0ANN0001", "U0BOB00001"} and outcome.progressed_viewers == {"U0BOB00001"}


def test_last_active_moves_at_most_hourly(factory: sessionmaker[Session]) -> None:
    ingest(factory, item(act("message", **PROJ)))
    first = person(factory).last_active_at
    ingest(factory, item(act("message", minutes=30, **PROJ)), minutes=30)
    assert person(factory).last_active_at == first
    ingest(factory, item(act("message", minutes=61, **PROJ)), minutes=61)
    later = person(factory).last_active_at
    assert first is not None and later is not None and later - first == timedelta(minutes=61)
