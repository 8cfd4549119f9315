"""Slack down (5xx) for 10 simulated minutes while questions are routed: afterwards each owner gets their card
once, in the order the questions came, and only then is the asker told who has it; nothing is dropped."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.flows import help as svc
from bot.simslack import FakeSlack
from models import HelpRedelivery, HelpRequest
from nudges.help_jobs import tick_help_requests
from nudges.ticks import deliver_nudges
from tests.services.conftest import ASKER
from tests.services.test_help import LOGIN, PRIMARY, texts_to

OTHER_ASKER = "U0ASKER002"


def _fast_retries(deps: Deps) -> None:
    """slack-sdk's own retries stay on, with short waits (the test's clock is simulated; Slack's is not)."""
    quick = FixedValueRetryIntervalCalculator(0.01)
    deps.slack.client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=quick),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=quick),
    ]


def test_questions_routed_during_an_outage_reach_their_owner_once_in_order(
    deps: Deps, fake: FakeSlack, clock: ManualClock
) -> None:
    _fast_retries(deps)
    fake.add_user(OTHER_ASKER, name="asker2", real_name="Bo Asker", tz="Europe/London", locale="en-GB")
    fake.api.faults.outage(None, status=503)
    first = svc.ask(deps, user_id=ASKER, text=LOGIN)
    clock.advance(timedelta(minutes=1))
    second = svc.ask(deps, user_id=OTHER_ASKER, text="My password reset link does not work since this morning")
    assert first.kind == second.kind == "routed"
    for _minute in range(10):  # 10 simulated minutes of ticks against a Slack that answers 503
        clock.advance(timedelta(minutes=1))
        tick_help_requests(deps)
        deliver_nudges(deps)
    assert fake.messages_in(fake.dm_channel(PRIMARY)) == [] and texts_to(fake, ASKER) == []
    fake.api.faults.clear_outage()
    for _minute in range(20):  # the outbox rows retry with back-off; the help tick re-checks every minute
        clock.advance(timedelta(minutes=1))
        tick_help_requests(deps)
        deliver_nudges(deps)
    cards = fake.messages_in(fake.dm_channel(PRIMARY))
    assert len(cards) == 2  # one card per question, none twice
    with session_scope(deps.session_factory) as s:
        rows = {r.id: r for r in s.scalars(select(HelpRequest))}
        assert s.scalar(select(func.count()).select_from(HelpRedelivery)) == 0
    assert [c["ts"] for c in cards] == [rows[first.request_id].thread_ts, rows[second.request_id].thread_ts]  # type: ignore[index]
    assert all(r.owner == PRIMARY for r in rows.values())
    for asker in (ASKER, OTHER_ASKER):
        [told] = texts_to(fake, asker)
        assert f"<@{PRIMARY}>" in told
    posts = [c for c in fake.calls if c.method == "chat.postMessage" and c.status == 200]
    to_asker = next(i for i, c in enumerate(posts) if c.args.get("channel") in (ASKER, fake.dm_channel(ASKER)))
    to_owner = next(i for i, c in enumerate(posts) if c.args.get("channel") in (PRIMARY, fake.dm_channel(PRIMARY)))
    assert to_owner < to_asker  # the asker is told only after the owner's card went out
