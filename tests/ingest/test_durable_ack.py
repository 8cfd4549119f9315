"""Through the wire: an activity event is answered 2xx only once committed; a failed commit answers 503."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.ingest import writer
from bot.simslack import FakeSlack
from bot.simslack.payloads import event_callback, message_event
from models import ProcessedEvent
from tests.e2e.harness import grant_manifest_scopes, http_app


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        grant_manifest_scopes(f)
        f.add_user("U0DUR0001", name="dur", tz="Asia/Tokyo", locale="ja-JP")
        f.add_channel("C0DURNEWS", "company-news", ["U0DUR0001"])
        yield f


def _stored(deps: Any) -> int:
    with deps.session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)


def test_the_2xx_comes_after_the_commit(fake: FakeSlack, sqlite_url: str) -> None:
    with http_app(fake, sqlite_url) as app:
        for n in range(5):
            assert (
                app.driver.post_event(event_callback(message_event("U0DUR0001", "C0DURNEWS", f"hi {n}"))).status == 200
            )
            assert _stored(app.deps) == n + 1  # no waiting: acked means committed


def test_a_failed_commit_answers_503_and_the_retry_counts_once(
    fake: FakeSlack, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = event_callback(message_event("U0DUR0001", "C0DURNEWS", "hello"))
    real = writer.ingest_batch
    with http_app(fake, sqlite_url) as app:
        monkeypatch.setattr(writer, "ingest_batch", lambda *a, **kw: (_ for _ in ()).throw(RuntimeError("db down")))
        assert app.driver.post_event(body).status == 503
        monkeypatch.setattr(writer, "ingest_batch", real)
        for retry in (1, 2):
            assert app.driver.post_event(body, retry_num=retry).status == 200
        assert _stored(app.deps) == 1


def test_the_fast_ack_path_counts_people_and_leaves_coach_and_dms_to_bolt(
    fake: FakeSlack, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Channel activity by a person is acked without Bolt's dispatch; Coach's own messages and a person's DM
    to Coach still go through Bolt (ignored as self events; answered by the help flow)."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from models import DailyActivity

    to_bolt: list[str] = []
    real = SlackRequestHandler.__call__

    def spy(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        to_bolt.append(environ.get("CONTENT_TYPE", ""))
        return real(self, environ, start_response)

    monkeypatch.setattr(SlackRequestHandler, "__call__", spy)
    coach = fake.identity.bot_user_id
    with http_app(fake, sqlite_url) as app:
        person = app.driver.post_event(event_callback(message_event("U0DUR0001", "C0DURNEWS", "status")))
        assert person.status == 200 and to_bolt == []
        own = app.driver.post_event(event_callback(message_event(coach, "C0DURNEWS", "Coach's own post")))
        assert own.status == 200 and len(to_bolt) == 1
        dm = message_event("U0DUR0001", "D0DURDM01", "how do I share a file?", channel_type="im")
        assert app.driver.post_event(event_callback(dm)).status == 200 and len(to_bolt) == 2
        with app.deps.session_factory() as s:
            messages = int(s.scalar(select(func.sum(DailyActivity.messages))) or 0)
        assert messages == 1  # the person's channel message; never Coach's own


def test_while_auth_test_fails_events_go_to_bolt_and_it_is_asked_again_only_after_a_while() -> None:
    from types import SimpleNamespace

    from bot.slack.gateway import SlackError
    from handlers.events import FastIngest

    asked: list[int] = []

    def auth_test() -> dict[str, str]:
        asked.append(1)
        if len(asked) < 2:
            raise SlackError("auth.test", "connection_error")
        return {"user_id": "U0COACH01"}

    now = [100.0]
    recorded: list[Any] = []
    ingest = SimpleNamespace(record_durably=lambda item: recorded.append(item) or True)
    from bot.deps import ChannelNames

    names = ChannelNames()
    names.put("C0DURNEWS", "company-news")
    deps = SimpleNamespace(slack=SimpleNamespace(auth_test=auth_test), channel_names=names)
    fast = FastIngest(deps, ingest, monotonic=lambda: now[0])  # type: ignore[arg-type]
    body = event_callback(message_event("U0DUR0001", "C0DURNEWS", "hi"))
    assert fast.ack(body) is None and fast.ack(body) is None  # to Bolt; auth.test not asked twice
    assert len(asked) == 1 and recorded == []
    now[0] += FastIngest.RETRY_IDENTITY_S
    assert fast.ack(body) == 200 and len(asked) == 2 and len(recorded) == 1
