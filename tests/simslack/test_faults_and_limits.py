import time
import types

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.simslack import FakeSlack
from bot.simslack.reference import load_json


def test_limits_are_off_by_default(client: WebClient, fake: FakeSlack) -> None:
    for _ in range(3):
        client.auth_test()
    fake.add_channel("C111", "general")
    for n in range(5):
        client.chat_postMessage(channel="C111", text=str(n))

    assert fake.rate_limited == []


def test_exceeding_a_set_limit_gives_429_with_retry_after(client: WebClient, fake: FakeSlack) -> None:
    fake.rate_limits.set("users.list", limit=2, window_seconds=30)

    client.users_list()
    client.users_list()
    with pytest.raises(SlackApiError) as error:
        client.users_list()

    assert error.value.response.status_code == 429
    assert int(error.value.response.headers["Retry-After"]) in range(29, 31)
    assert error.value.response.data == load_json("api-responses/ratelimited/http429.body.json")
    assert fake.rate_limited[0].method == "users.list"


def test_retry_handler_honours_retry_after_and_then_succeeds(
    client: WebClient, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slack_sdk sleeps int(Retry-After) + random(); pin the jitter so the test stays near 1 s.
    monkeypatch.setattr(builtin_handlers, "random", types.SimpleNamespace(random=lambda: 0.05))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.add_channel("C111", "general")
    fake.rate_limits.set("chat.postMessage", limit=1, window_seconds=1, per_channel=True)

    client.chat_postMessage(channel="C111", text="first")
    second = client.chat_postMessage(channel="C111", text="second")

    assert second["ok"] is True
    assert [r.retry_after for r in fake.rate_limited] == [1]
    assert fake.retry_after_violations == []


def test_a_client_ignoring_retry_after_is_caught(client: WebClient, fake: FakeSlack) -> None:
    fake.rate_limits.set("team.info", limit=1, window_seconds=60)
    client.team_info()

    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.team_info()

    assert len(fake.rate_limited) == 2
    assert len(fake.retry_after_violations) == 1
    assert fake.retry_after_violations[0].early_by > 50


def test_enable_applies_tiers_and_post_message_is_per_channel(client: WebClient, fake: FakeSlack) -> None:
    fake.rate_limits.enable()

    assert fake.rate_limits.limits_for("apps.connections.open")[0].limit == 1
    assert fake.rate_limits.limits_for("users.list")[0].limit == 20
    assert fake.rate_limits.limits_for("users.info")[0].limit == 100
    per_channel, workspace = fake.rate_limits.limits_for("chat.postMessage")
    assert per_channel.per_channel and not workspace.per_channel
    fake.rate_limits.disable()
    assert fake.rate_limits.limits_for("users.list") == []


def test_injected_http_500_then_recovery(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("auth.test", status=500)

    with pytest.raises(SlackApiError) as error:
        client.auth_test()

    assert error.value.response.status_code == 500
    assert client.auth_test()["ok"] is True
    assert [c.status for c in fake.calls_to("auth.test")] == [500, 200]


def test_injected_documented_error(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1")
    fake.fail_next("users.info", error="user_not_visible", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError, match="user_not_visible"):
            client.users_info(user="U1")

    assert client.users_info(user="U1")["ok"] is True


def test_undocumented_error_codes_are_refused(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="not a documented error"):
        fake.fail_next("users.info", error="channel_not_found")
    fake.fail_next("users.info", error="ratelimited")


def test_delay_triggers_client_timeout(fake: FakeSlack) -> None:
    fake.fail_next("auth.test", delay=0.6)
    impatient = WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=0.2)

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.auth_test()

    assert time.monotonic() - started < 0.5


def test_outage_until_cleared(client: WebClient, fake: FakeSlack) -> None:
    fake.outage()

    for method in (client.auth_test, client.team_info):
        with pytest.raises(SlackApiError) as error:
            method()
        assert error.value.response.status_code == 500
    fake.clear_outage()

    assert client.auth_test()["ok"] is True


def test_timed_outage_ends_by_itself(client: WebClient, fake: FakeSlack) -> None:
    fake.outage(0.2)
    with pytest.raises(SlackApiError):
        client.auth_test()
    time.sleep(0.25)

    assert client.auth_test()["ok"] is True


def test_wait_for_explains_what_it_saw(client: WebClient, fake: FakeSlack) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"chat.postMessage.*auth.test\(200\)"):
        fake.wait_for("chat.postMessage", timeout=0.1)
