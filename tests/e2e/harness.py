"""Run the real app against the loopback fake Slack: HTTP mode (waitress) or Socket Mode, in-process.

Everything crosses real sockets: signed HTTP requests (or WebSocket frames) in, Web API calls out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.clock import Clock
from bot.db import upgrade_to_head
from bot.deps import Deps, build_deps
from bot.manifest import bot_scopes, load_manifest
from bot.server import create_http_server
from bot.settings import Settings
from bot.simslack import SIGNING_SECRET, FakeSlack, SlackDriver


def settings_for(fake: FakeSlack, database_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_APP_TOKEN": fake.app_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        # The fake answers at once: tests do not wait out the real users.profile.get pace (test_people_sync
        # measures the pace with a rate of its own).
        "COACH_SLACK_PROFILE_RATE": 60000,
    }
    values.update(extra)
    return Settings(**values)


def grant_manifest_scopes(fake: FakeSlack) -> None:
    fake.api.granted_scopes = sorted(bot_scopes(load_manifest()))


@dataclass
class HttpApp:
    deps: Deps
    url: str
    driver: SlackDriver


@contextmanager
def http_app(fake: FakeSlack, database_url: str, *, clock: Clock | None = None, **extra: Any) -> Iterator[HttpApp]:
    """`coach serve` in a thread on 127.0.0.1 with an OS-chosen port."""
    upgrade_to_head(database_url)
    deps = build_deps(settings_for(fake, database_url, **extra), clock=clock)
    app = build_app(deps)
    server = create_http_server(app, deps, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=_serve_until_closed, args=(server,), name="waitress", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    try:
        yield HttpApp(deps=deps, url=url, driver=SlackDriver(url + "/slack/events", SIGNING_SECRET))
    finally:
        server.close()
        app.drain()  # let work that was acked finish while the fake is still up
        deps.engine.dispose()


def _serve_until_closed(server: Any) -> None:
    # Closing waitress from another thread makes its select() loop see closed sockets; that is the stop signal.
    try:
        server.run()
    except (OSError, ValueError):
        return


@contextmanager
def socket_app(fake: FakeSlack, database_url: str, *, clock: Clock | None = None, **extra: Any) -> Iterator[Deps]:
    """`coach run` (Socket Mode) connected to the fake's WebSocket endpoint."""
    from bot.runtime import socket_mode_handler

    upgrade_to_head(database_url)
    deps = build_deps(settings_for(fake, database_url, **extra), clock=clock)
    handler: SocketModeHandler = socket_mode_handler(deps)
    handler.connect()
    fake.wait_connected(timeout=5)
    try:
        yield deps
    finally:
        sdk = handler.client
        sdk.default_auto_reconnect_enabled = sdk.auto_reconnect_enabled = False
        fake.socket.close_connections()
        deadline = time.monotonic() + 2
        while sdk.is_connected() and time.monotonic() < deadline:
            time.sleep(0.01)
        handler.close()
        handler.app.drain()
        deps.engine.dispose()


def wait_until(predicate: Any, timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll until predicate() is truthy (listeners run after the ack, on Bolt's worker threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def open_admin_rollout(app: HttpApp, fake: FakeSlack, admin: str) -> dict[str, Any]:
    """Open the admin's Home and, when it is the setup checklist (no wave yet), click the "Rollout view"
    button found in it, as an admin would; returns the rollout view published in answer."""
    from bot.simslack.payloads import app_home_opened, block_actions, event_callback
    from bot.views.ids import SetupAction

    def publish(send: Any) -> dict[str, Any]:
        before = len(fake.calls_to("views.publish"))
        send()
        wait_until(lambda: len(fake.calls_to("views.publish")) > before)
        view = fake.home_view(admin)
        assert view is not None
        return view

    home = publish(lambda: app.driver.post_event(event_callback(app_home_opened(admin))))
    back = [
        el
        for block in home["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el.get("action_id") == SetupAction.BACK
    ]
    if not back:
        return home
    button = back[0]
    return publish(
        lambda: app.driver.post_interaction(block_actions(admin, button["action_id"], button["value"], view=home))
    )


def draft_wave(app: HttpApp, actor: str, department: str = "Sales") -> int:
    """A draft wave saved as the editor would (past the setup checklist, which shows until a first wave exists)."""
    from bot.db import session_scope
    from bot.domain.waves import WaveForm
    from bot.services import rollout

    with session_scope(app.deps.session_factory) as s:
        form = WaveForm(name="Pilot", departments=(department,))
        return rollout.save_wave(s, actor=actor, form=form, now=app.deps.clock.now()).id
