"""The gateway's kept-alive Web API connection to a plain-http Slack (the simulated one)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError

from bot.simslack import FakeSlack, web_api
from bot.slack.gateway import KeepAliveWebClient, make_web_client


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    connections = []
    setup = web_api._Handler.setup

    def counting(self: web_api._Handler) -> None:
        connections.append(self.client_address)
        setup(self)

    monkeypatch.setattr(web_api._Handler, "setup", counting)
    with FakeSlack() as f:
        f.add_user("U0KEEP0001", name="ada", real_name="Ada")
        f.connections = connections  # type: ignore[attr-defined]
        yield f


def test_calls_share_one_connection_and_are_real_requests(fake: FakeSlack) -> None:
    client = make_web_client(fake.bot_token, fake.api_url)
    assert isinstance(client, KeepAliveWebClient)
    for i in range(20):
        assert client.chat_postMessage(channel="U0KEEP0001", text=f"hi {i}")["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 20
    assert len(fake.connections) == 1  # type: ignore[attr-defined]


def test_errors_and_429_reach_slack_sdk_as_with_urlopen(fake: FakeSlack) -> None:
    client = make_web_client(fake.bot_token, fake.api_url, retries=1)
    fake.fail_next("chat.postMessage", status=429)
    assert client.chat_postMessage(channel="U0KEEP0001", text="retried after Retry-After")["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 2  # slack-sdk's 429 handler saw the HTTP 429
    fake.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="U0KEEP0001", text="x")
    assert failed.value.response["error"] == "channel_not_found"
    no_retry = make_web_client(fake.bot_token, fake.api_url, retries=0)
    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as server_error:
        no_retry.chat_postMessage(channel="U0KEEP0001", text="x")
    assert server_error.value.response.status_code == 500


def test_a_connection_closed_while_idle_is_reopened_once(fake: FakeSlack) -> None:
    client = make_web_client(fake.bot_token, fake.api_url, retries=0)
    assert client.chat_postMessage(channel="U0KEEP0001", text="first")["ok"]
    port = int(fake.base_url.rsplit(":", 1)[1])
    [conn] = [c for (_host, p, _t), c in KeepAliveWebClient._local.conns.items() if p == port]
    assert conn.sock is not None
    conn.sock.shutdown(socket.SHUT_RDWR)  # as if the server had dropped the idle connection
    assert client.chat_postMessage(channel="U0KEEP0001", text="second")["ok"]
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage")] == ["first", "second"]


def test_https_and_proxies_keep_slack_sdks_own_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def parent(self: object, url: str, req: object) -> dict[str, object]:
        seen.append(url)
        return {"status": 200, "headers": {}, "body": '{"ok": true}'}

    monkeypatch.setattr("slack_sdk.web.base_client.BaseClient._perform_urllib_http_request_internal", parent)
    assert make_web_client("xoxb-1", "https://slack.com/api/").api_test()["ok"]
    proxied = make_web_client("xoxb-1", "http://127.0.0.1:9/api/")
    proxied.proxy = "http://proxy.invalid:3128"
    assert proxied.api_test()["ok"]
    assert seen == ["https://slack.com/api/api.test", "http://127.0.0.1:9/api/api.test"]
