"""Privacy for everyone, through the wire: an admin switches their Home between "Admin view" and "My journey"
(the buttons found in the published view), sees and deletes their own data; after "Delete everything" Coach
keeps only a keyed hash of the id, and no event, sync or profile change brings the person back until they
press "Start again"."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import session_scope
from bot.domain.privacy import tracking_hash
from bot.flows.people import sync_people
from bot.i18n import t
from bot.services.people import department_rule
from bot.simslack import FakeSlack
from bot.simslack.payloads import (
    app_home_opened,
    block_actions,
    event_callback,
    member_joined,
    message_event,
    reaction_event,
    slash_command,
)
from bot.simslack.payloads import load as load_payload
from bot.views.ids import HomeAction
from models import DailyActivity, DoNotTrack, HelpRequest, HomeChoice, Person
from tests.e2e.harness import HttpApp, draft_wave, http_app, wait_until

# tests/e2e/conftest.py: Alice speaks Japanese; Bob is made an admin here; Carol is not in the fake workspace
ALICE, BOB, CAROL = "U0ALICE01", "U0BOB0001", "U0CAROL01"
KEY = "test-privacy-key-0123456789"


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_channel("C0PROJ001", "proj-apollo", [ALICE, BOB])
    with http_app(fake, sqlite_url, COACH_ADMINS=BOB, COACH_PRIVACY_KEY=KEY) as running:
        yield running


def post(app: HttpApp, event: dict[str, Any]) -> None:
    assert app.driver.post_event(event_callback(event)).status == 200


def count(app: HttpApp, model: Any, *where: Any) -> int:
    with session_scope(app.deps.session_factory) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def person_exists(app: HttpApp, user: str) -> bool:
    return count(app, Person, Person.slack_user_id == user) == 1


def learnt(app: HttpApp, user: str) -> None:
    """Wait until Coach asked Slack who a person first seen in an event is (their language comes from it)."""
    wait_until(lambda: count(app, Person, Person.slack_user_id == user, Person.display_name != "") == 1)


def publishes(fake: FakeSlack) -> int:
    return len(fake.calls_to("views.publish"))


def open_home(app: HttpApp, fake: FakeSlack, user: str, *, containing: str) -> dict[str, Any]:
    """Open the Home tab and wait for a published view with `containing` in it."""
    before = publishes(fake)
    post(app, app_home_opened(user))
    return wait_until(lambda: _home_with(fake, user, containing, before))


def _home_with(fake: FakeSlack, user: str, text: str, before: int) -> dict[str, Any] | None:
    home = fake.home_view(user) if publishes(fake) > before else None
    return home if home is not None and text in json.dumps(home, ensure_ascii=False) else None


def find_button(view: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} in {json.dumps(view)[:600]}")


def press(app: HttpApp, fake: FakeSlack, user: str, view: dict[str, Any], action_id: str) -> int:
    """Click the button `action_id` found in `view`; returns the publish count before the click."""
    button = find_button(view, action_id)
    before = publishes(fake)
    payload = block_actions(user, button["action_id"], button.get("value", ""), view=view)
    assert app.driver.post_interaction(payload).status == 200
    return before


def press_and_wait(app: HttpApp, fake: FakeSlack, user: str, view: dict[str, Any], action_id: str, text: str) -> Any:
    before = press(app, fake, user, view, action_id)
    return wait_until(lambda: _home_with(fake, user, text, before))


def delete_everything(app: HttpApp, fake: FakeSlack, user: str, home: dict[str, Any]) -> None:
    """ "What does Coach know about me?" from the Home tab, then "Delete everything" in the modal."""
    opened = len(fake.calls_to("views.open"))
    press(app, fake, user, home, HomeAction.WHAT_YOU_KNOW)
    call = fake.wait_for("views.open", opened + 1)[-1]
    modal = call.response.get("view") or call.args["view"]
    text = json.dumps(modal, ensure_ascii=False)
    assert user in text  # their own data
    assert t("privacy.kept_for", "en", days=90) in text or t("privacy.kept_for", "ja", days=90) in text
    press(app, fake, user, modal, HomeAction.DELETE_MY_DATA)
    wait_until(lambda: not person_exists(app, user))


def test_an_admin_switches_to_my_journey_and_back(app: HttpApp, fake: FakeSlack) -> None:
    draft_wave(app, BOB)  # past the setup checklist: the admin Home is the rollout view
    admin = open_home(app, fake, BOB, containing="Adoption Coach · rollout")
    journey_label = t("privacy.view_journey", "en")
    assert find_button(admin, HomeAction.VIEW_JOURNEY)["text"]["text"] == journey_label

    journey = press_and_wait(app, fake, BOB, admin, HomeAction.VIEW_JOURNEY, t("home.what_you_know", "en"))
    assert "Adoption Coach · rollout" not in json.dumps(journey)
    assert t("home.title", "en") in json.dumps(journey)  # their own ladder
    find_button(journey, HomeAction.VIEW_ADMIN)
    # The choice is remembered: the next open shows the journey again.
    again = open_home(app, fake, BOB, containing=t("privacy.view_admin", "en"))
    assert "Adoption Coach · rollout" not in json.dumps(again)

    back = press_and_wait(app, fake, BOB, again, HomeAction.VIEW_ADMIN, "Adoption Coach · rollout")
    find_button(back, HomeAction.VIEW_JOURNEY)
    assert open_home(app, fake, BOB, containing="Adoption Coach · rollout")


def test_the_setup_checklist_has_the_same_switch(app: HttpApp, fake: FakeSlack) -> None:
    checklist = open_home(app, fake, BOB, containing=t("setup.title", "en"))  # no wave yet: the checklist
    journey = press_and_wait(app, fake, BOB, checklist, HomeAction.VIEW_JOURNEY, t("home.what_you_know", "en"))
    assert t("setup.title", "en") not in json.dumps(journey)
    back = press_and_wait(app, fake, BOB, journey, HomeAction.VIEW_ADMIN, t("setup.title", "en"))
    find_button(back, HomeAction.VIEW_JOURNEY)


def test_a_non_admin_cannot_switch_to_the_admin_view(app: HttpApp, fake: FakeSlack) -> None:
    home = open_home(app, fake, ALICE, containing=t("home.what_you_know", "ja"))
    with pytest.raises(AssertionError):
        find_button(home, HomeAction.VIEW_ADMIN)
    # A forged click changes nothing: the choice is only stored for admins.
    payload = block_actions(ALICE, HomeAction.VIEW_ADMIN, "admin", view=home)
    assert app.driver.post_interaction(payload).status == 200
    after = open_home(app, fake, ALICE, containing=t("home.what_you_know", "ja"))
    assert "Adoption Coach · rollout" not in json.dumps(after)
    assert count(app, HomeChoice) == 0


def test_an_admin_deletes_their_own_data_from_my_journey(app: HttpApp, fake: FakeSlack) -> None:
    post(app, message_event(BOB, "C0PROJ001", "hello"))
    learnt(app, BOB)
    draft_wave(app, BOB)  # past the setup checklist: the admin Home is the rollout view
    admin = open_home(app, fake, BOB, containing="Adoption Coach · rollout")
    journey = press_and_wait(app, fake, BOB, admin, HomeAction.VIEW_JOURNEY, t("home.what_you_know", "en"))
    delete_everything(app, fake, BOB, journey)
    assert count(app, HomeChoice) == 0 and count(app, DailyActivity) == 0
    wait_until(lambda: fake.home_view(BOB) and t("privacy.not_tracked_title", "en") in json.dumps(fake.home_view(BOB)))


def test_delete_then_events_do_not_recreate_the_person(app: HttpApp, fake: FakeSlack) -> None:
    post(app, message_event(ALICE, "C0PROJ001", "m1"))
    learnt(app, ALICE)
    home = open_home(app, fake, ALICE, containing=t("home.what_you_know", "ja"))
    delete_everything(app, fake, ALICE, home)

    # Only a keyed hash is left: not the id, not the unkeyed hash.
    with session_scope(app.deps.session_factory) as s:
        marks = list(s.scalars(select(DoNotTrack.user_hash)))
    assert marks == [tracking_hash(KEY.encode(), ALICE)]
    assert ALICE not in marks[0] and marks[0] != tracking_hash(b"", ALICE)

    # Her Home says Coach is not tracking her, in her language, with "Start again".
    gone = wait_until(lambda: _home_with(fake, ALICE, t("privacy.not_tracked_title", "ja"), 0))
    find_button(gone, HomeAction.START_AGAIN)

    # Messages, reactions, channel joins, a DM, opening the Home tab, a profile change and a full sync.
    post(app, message_event(ALICE, "C0PROJ001", "m2"))
    post(app, reaction_event(ALICE, "tada", "C0PROJ001", "1700000000.000100"))
    post(app, member_joined(ALICE, "C0PROJ001"))
    post(app, message_event(ALICE, "D0ALICE01", "help me with workflows", channel_type="im"))
    open_home(app, fake, ALICE, containing=t("privacy.not_tracked_title", "ja"))
    url = fake.response_url()
    assert app.driver.post_command(slash_command("help my login fails", ALICE, response_url=url)).status == 200
    refusal = t("privacy.not_tracked_help", "ja")
    wait_until(lambda: any(refusal in json.dumps(c.args, ensure_ascii=False) for c in fake.calls_to("response_url")))
    for user_id in (ALICE, CAROL):  # Carol is the control: the same event creates her
        change = load_payload("events_api/user_change.ASSEMBLED.json")
        change["event"]["user"]["id"] = user_id
        change["event_id"] = f"Ev-change-{user_id}"
        assert app.driver.post_event(change).status == 200
    wait_until(lambda: person_exists(app, CAROL))
    result = sync_people(app.deps, department_rule(app.deps.playbook))
    time.sleep(0.3)  # listeners run after the ack
    assert not person_exists(app, ALICE)
    assert count(app, DailyActivity) == 0 and count(app, HelpRequest) == 0
    assert person_exists(app, BOB) and result.created + result.updated == 2  # Bob and Wendy


def test_start_again_tracks_the_person_again(app: HttpApp, fake: FakeSlack) -> None:
    home = open_home(app, fake, ALICE, containing=t("home.what_you_know", "ja"))
    delete_everything(app, fake, ALICE, home)
    gone = wait_until(lambda: _home_with(fake, ALICE, t("privacy.not_tracked_title", "ja"), 0))

    back = press_and_wait(app, fake, ALICE, gone, HomeAction.START_AGAIN, t("home.what_you_know", "ja"))
    find_button(back, HomeAction.WHAT_YOU_KNOW)
    assert count(app, DoNotTrack) == 0
    assert person_exists(app, ALICE)
    post(app, message_event(ALICE, "C0PROJ001", "counted again"))
    wait_until(lambda: count(app, DailyActivity) == 1)
