"""Optional steps through the wire: the Home tab lists the optional use cases with "I did it"; pressing the button
found in the published view completes a self-report (verified by an observed app use, or confirmed by the
ambassador) and the Home tab is published again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.i18n import t
from bot.playbook.schema import MAX_OPTIONAL_ON_HOME
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, member_joined, message_event
from bot.views.home import EmployeeHomeState, OptionalStep, employee_home
from bot.views.ids import HomeAction, ProgressAction
from models import Completion, Person, Role
from tests.e2e.harness import HttpApp, http_app, wait_until

ALICE, BOB, WENDY = "U0ALICE01", "U0BOB0001", "W111"  # tests/e2e/conftest.py: Alice speaks Japanese
LOADED = 20.0  # seconds: this walk goes through the outbox worker several times; a busy CI machine is slow


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_channel("C0PROJ001", "proj-apollo", [ALICE, BOB])
    with http_app(fake, sqlite_url) as running:
        yield running


def post(app: HttpApp, event: dict[str, Any]) -> None:
    assert app.driver.post_event(event_callback(event)).status == 200


def completion(app: HttpApp, user: str, key: str) -> Completion | None:
    with session_scope(app.deps.session_factory) as session:
        return session.scalar(
            select(Completion)
            .join(Person, Person.id == Completion.person_id)
            .where(Person.slack_user_id == user, Completion.use_case_key == key)
        )


def optional_section(home: dict[str, Any], title: str) -> list[dict[str, Any]]:
    """The section blocks right after the "Optional steps" header."""
    blocks = home["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["type"] == "header" and b["text"]["text"] == title)
    rest = blocks[start + 1 :]
    end = next((i for i, b in enumerate(rest) if b["type"] != "section"), len(rest))
    return rest[:end]


def did_it_button(home: dict[str, Any], title: str, key: str) -> dict[str, Any]:
    for block in optional_section(home, title):
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == HomeAction.DID_IT and accessory.get("value") == key:
            return accessory
    raise AssertionError(f"no 'I did it' for {key} in {json.dumps(home)[:400]}")


def press(app: HttpApp, fake: FakeSlack, user: str, button: dict[str, Any]) -> int:
    """Click a button of the user's published Home view; returns the publish count before the click."""
    before = len(fake.calls_to("views.publish"))
    view = fake.home_view(user)
    payload = block_actions(user, button["action_id"], button["value"], view=view)
    assert app.driver.post_interaction(payload).status == 200
    return before


def open_home(app: HttpApp, fake: FakeSlack, user: str, title: str | None = None) -> dict[str, Any]:
    """Open the Home tab and wait for the view published in answer (not one published earlier), with the
    optional-steps header `title` when given (a publish started before the event may land after it)."""
    before = len(fake.calls_to("views.publish"))
    post(app, app_home_opened(user))

    def answered() -> dict[str, Any] | None:
        home = fake.home_view(user) if len(fake.calls_to("views.publish")) > before else None
        if home is None or (title is not None and title not in json.dumps(home, ensure_ascii=False)):
            return None
        return home

    return wait_until(answered)


def test_optional_steps_are_listed_with_i_did_it(app: HttpApp, fake: FakeSlack) -> None:
    home = open_home(app, fake, BOB)
    title = t("home.optional", "en")
    optional = [uc.key for uc in app.deps.playbook.optional_use_cases()]
    section = optional_section(home, title)
    assert [b["accessory"]["value"] for b in section] == optional[:MAX_OPTIONAL_ON_HOME]
    assert all(b["accessory"]["text"]["text"] == "I did it" for b in section)
    assert "connect-a-tool" in optional

    ja_home = open_home(app, fake, ALICE)
    ja_button = did_it_button(ja_home, "任意のステップ", "connect-a-tool")
    assert ja_button["text"]["text"] == "やりました"


def test_an_observed_app_use_verifies_the_self_report(app: HttpApp, fake: FakeSlack) -> None:
    post(app, message_event(BOB, "C0PROJ001", "standup posted by the calendar app", app_id="A0CALENDAR"))
    wait_until(lambda: completion(app, BOB, "use-an-app"))  # the app use was observed
    home = open_home(app, fake, BOB)
    before = press(app, fake, BOB, did_it_button(home, "Optional steps", "connect-a-tool"))
    done = wait_until(lambda: completion(app, BOB, "connect-a-tool"))
    assert (done.status, done.source) == ("done", "verified")
    # The Home tab is published again: the step left the optional list and is ticked in the checklist.
    fresh = wait_until(lambda: len(fake.calls_to("views.publish")) > before and fake.home_view(BOB))
    section = optional_section(fresh, "Optional steps")
    assert "connect-a-tool" not in [b.get("accessory", {}).get("value") for b in section]
    assert ":white_check_mark:" in json.dumps(fresh)


def test_without_an_observed_app_use_the_ambassador_confirms(fake: FakeSlack, sqlite_url: str) -> None:
    """The ask to the ambassador goes through the outbox in their working hours: a Monday-morning clock."""
    from datetime import UTC, datetime

    from bot.clock import ManualClock
    from nudges.ticks import deliver_nudges

    fake.add_channel("C0PROJ001", "proj-apollo", [ALICE, BOB])
    with http_app(fake, sqlite_url, clock=ManualClock(datetime(2026, 2, 2, 11, tzinfo=UTC))) as app:

        def wendy_asks() -> list[dict]:
            deliver_nudges(app.deps)
            return [m for m in fake.messages_in(WENDY) if m.get("blocks")]

        _ambassador_confirms(app, fake, wendy_asks)


def _ambassador_confirms(app: HttpApp, fake: FakeSlack, wendy_asks: Any) -> None:
    post(app, member_joined(ALICE, "C0PROJ001"))
    wait_until(lambda: completion(app, ALICE, "help-a-colleague") is None and _person(app, ALICE), timeout=LOADED)
    with session_scope(app.deps.session_factory) as session:
        alice = session.scalar(select(Person).where(Person.slack_user_id == ALICE))
        assert alice is not None
        alice.department = "Sales"
        wendy = Person(slack_user_id=WENDY, display_name="Wendy", department="Sales", opted_out_kinds=[])
        session.add(wendy)
        session.flush()
        session.add(Role(person_id=wendy.id, role="ambassador", department="Sales"))
    home = open_home(app, fake, ALICE, "任意のステップ")
    press(app, fake, ALICE, did_it_button(home, "任意のステップ", "connect-a-tool"))
    pending = wait_until(lambda: completion(app, ALICE, "connect-a-tool"), timeout=LOADED)
    assert pending.status == "pending"
    # Alice's Home now says it waits for confirmation; Wendy is asked once, however often Alice presses.
    waiting = wait_until(
        lambda: (h := fake.home_view(ALICE)) and "確認待ち" in json.dumps(h, ensure_ascii=False) and h, timeout=LOADED
    )
    asks = wait_until(wendy_asks, timeout=LOADED)
    press(app, fake, ALICE, did_it_button(waiting, "任意のステップ", "connect-a-tool"))
    wait_until(lambda: sum("お願いしました" in m.get("text", "") for m in fake.messages_in(ALICE)) >= 2, timeout=LOADED)
    assert len(wendy_asks()) == len(asks) == 1
    ask = wait_until(wendy_asks)[-1]
    confirm = next(
        el
        for b in ask["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"] == ProgressAction.CONFIRM
    )
    before = len(fake.calls_to("views.publish"))
    payload = block_actions(WENDY, confirm["action_id"], confirm["value"], channel=fake.dm_channel(WENDY))
    assert app.driver.post_interaction(payload).status == 200
    done = wait_until(
        lambda: (c := completion(app, ALICE, "connect-a-tool")) and c.status == "done" and c, timeout=LOADED
    )
    assert (done.source, done.confirmed_by) == ("ambassador", WENDY)
    wait_until(lambda: len(fake.calls_to("views.publish")) > before, timeout=LOADED)


def test_a_pending_step_is_verified_once_the_app_use_is_seen(app: HttpApp, fake: FakeSlack) -> None:
    home = open_home(app, fake, BOB)
    press(app, fake, BOB, did_it_button(home, "Optional steps", "connect-a-tool"))
    wait_until(lambda: (c := completion(app, BOB, "connect-a-tool")) and c.status == "pending")
    post(app, message_event(BOB, "C0PROJ001", "ticket created by the tracker app", app_id="A0TRACKER"))
    wait_until(lambda: completion(app, BOB, "use-an-app"))
    waiting = wait_until(lambda: (h := fake.home_view(BOB)) and "waiting for confirmation" in json.dumps(h) and h)
    press(app, fake, BOB, did_it_button(waiting, "Optional steps", "connect-a-tool"))
    done = wait_until(lambda: (c := completion(app, BOB, "connect-a-tool")) and c.status == "done" and c)
    assert done.source == "verified"


def test_an_observed_optional_step_is_not_ticked_off_by_a_click(app: HttpApp, fake: FakeSlack) -> None:
    home = open_home(app, fake, BOB)
    press(app, fake, BOB, did_it_button(home, "Optional steps", "help-a-colleague"))
    wait_until(lambda: any("No need to report" in m.get("text", "") for m in fake.messages_in(BOB)))
    assert completion(app, BOB, "help-a-colleague") is None


def test_the_list_is_capped() -> None:
    steps = [OptionalStep(f"step-{n}", f"Step {n}") for n in range(12)]
    state = EmployeeHomeState("en", "Ada", 1, 4, "First", optional=steps)
    home = employee_home(state)
    buttons = [b["accessory"]["value"] for b in optional_section(home, "Optional steps")]
    assert buttons == [f"step-{n}" for n in range(MAX_OPTIONAL_ON_HOME)]


def _person(app: HttpApp, user: str) -> bool:
    with session_scope(app.deps.session_factory) as session:
        return session.scalar(select(Person.id).where(Person.slack_user_id == user)) is not None
