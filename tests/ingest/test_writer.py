"""The writer thread: events are committed in batches, one bad event costs only itself, effects run after."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.deps import Deps, build_deps
from bot.ingest import writer
from bot.ingest.batch import EventItem, Outcome
from bot.ingest.home_refresh import HomeRefresher
from bot.ingest.writer import IngestQueue
from models import DailyActivity, ProcessedEvent
from tests.conftest import make_settings
from tests.ingest.conftest import T0, act, item

NEWS: dict[str, Any] = {"channel_name": "company-news", "channel_id": "C0NEWS0001"}


class InlineExecutor:
    """Runs after-commit effects on the caller's thread, so a test sees them as soon as the batch is done."""

    def __init__(self) -> None:
        self.calls: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls.append((fn, args))
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@pytest.fixture
def deps(db_url: str) -> Iterator[Deps]:
    built = build_deps(make_settings(db_url), clock=ManualClock(T0))
    yield built
    built.engine.dispose()


@pytest.fixture
def published() -> list[str]:
    return []


@pytest.fixture
def learnt() -> list[set[str]]:
    return []


@pytest.fixture
def ingest(deps: Deps, published: list[str], learnt: list[set[str]]) -> Iterator[IngestQueue]:
    homes = HomeRefresher(published.append, window=0.01)
    queue = IngestQueue(
        deps,
        learn=lambda _deps, outcome: learnt.append(set(outcome.new_people)),
        homes=homes,
        effects=InlineExecutor(),  # type: ignore[arg-type]
    )
    yield queue
    queue.stop()


def _scalar(deps: Deps, stmt: Any) -> int:
    with deps.session_factory() as s:
        return int(s.scalar(stmt) or 0)


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch the writer commits."""
    sizes: list[int] = []
    real = writer.ingest_batch

    def counting(session: Any, *, items: Sequence[EventItem], **kw: Any) -> Outcome:
        sizes.append(len(items))
        return real(session, items=items, **kw)

    monkeypatch.setattr(writer, "ingest_batch", counting)
    return sizes


def test_submitted_events_are_committed_in_batches(ingest: IngestQueue, deps: Deps, batches: list[int]) -> None:
    for n in range(60):
        ingest.submit(item(act("message", f"U0P{n % 6:07d}", channel_name="proj-x", channel_id="C0PROJ0001")))
    assert ingest.wait_idle()
    assert _scalar(deps, select(func.count()).select_from(ProcessedEvent)) == 60
    assert _scalar(deps, select(func.sum(DailyActivity.messages))) == 60
    assert sum(batches) == 60 and len(batches) < 60 and max(batches) <= writer.BATCH_MAX


def test_one_bad_event_costs_only_itself(
    ingest: IngestQueue, deps: Deps, monkeypatch: pytest.MonkeyPatch, batches: list[int]
) -> None:
    poison = act("message", event_id="EvPOISON", channel_name="proj-x", channel_id="C0PROJ0001")
    counting = writer.ingest_batch

    def failing(session: Any, *, items: Sequence[EventItem], **kw: Any) -> Outcome:
        if any(i.event_id == poison.event_id for i in items):
            raise RuntimeError("a row the database refuses")
        return counting(session, items=items, **kw)

    monkeypatch.setattr(writer, "ingest_batch", failing)
    good = [item(act("message", channel_name="proj-x", channel_id="C0PROJ0001")) for _ in range(4)]
    for event in (*good[:2], item(poison), *good[2:]):
        ingest.submit(event)
    assert ingest.wait_idle()
    with deps.session_factory() as s:
        assert set(s.scalars(select(ProcessedEvent.event_id))) == {g.event_id for g in good}


def test_after_a_commit_new_people_are_learnt_and_viewers_homes_refreshed(
    ingest: IngestQueue, published: list[str], learnt: list[set[str]]
) -> None:
    ingest.submit(item(act("app_home_opened", "U0BOB00001")))
    assert ingest.wait_idle()
    for user in ("U0BOB00001", "U0ANN0001"):
        ingest.submit(item(act("reaction_added", user, minutes=1, **NEWS)))
    assert ingest.wait_idle()
    ingest.stop()  # flushes the Home refreshes still inside their window
    assert set().union(*learnt) == {"U0BOB00001", "U0ANN0001"}
    assert published == ["U0BOB00001"]  # Ann progressed too, but has never opened her Home tab


def test_record_now_commits_before_returning_and_leaves_the_effects_to_the_caller(
    ingest: IngestQueue, deps: Deps, published: list[str], learnt: list[set[str]]
) -> None:
    outcome = ingest.record_now(item(act("app_home_opened", "U0BOB00001")))
    assert outcome.new_people == {"U0BOB00001"}
    assert _scalar(deps, select(func.count()).select_from(ProcessedEvent)) == 1
    assert learnt == [] and published == []


def test_stop_drains_what_was_acked(deps: Deps) -> None:
    queue = IngestQueue(deps, learn=lambda *_: None, homes=HomeRefresher(lambda _u: None), effects=InlineExecutor())  # type: ignore[arg-type]
    for _ in range(20):
        queue.submit(item(act("message", channel_name="proj-x", channel_id="C0PROJ0001")))
    queue.stop()
    assert _scalar(deps, select(func.count()).select_from(ProcessedEvent)) == 20


def test_record_durably_returns_only_after_the_commit_and_concurrent_events_share_one(
    ingest: IngestQueue, deps: Deps, batches: list[int]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    events = [item(act("message", channel_name="proj-x", channel_id="C0PROJ0001")) for _ in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ingest.record_durably, events))
    assert answers == [True] * 40
    # No wait_idle: a True answer means committed already.
    assert _scalar(deps, select(func.count()).select_from(ProcessedEvent)) == 40
    assert len(batches) < 40  # group commit: waiting events shared commits


def test_record_durably_says_false_when_the_event_cannot_be_committed(
    ingest: IngestQueue, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(session: Any, *, items: Sequence[EventItem], **kw: Any) -> Outcome:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(writer, "ingest_batch", failing)
    assert ingest.record_durably(item(act("message", channel_name="proj-x", channel_id="C0PROJ0001"))) is False
