"""First-run setup through the wire: from a fresh install to a started pilot, as an admin clicks it.

The admin opens the Home tab, gets the setup checklist (until a first wave exists), and presses the buttons
found in the published view: sync people, check the channels again, pick help contacts and the sponsor
(a bot, a deactivated account or a guest is a field error), appoint an ambassador, create the pilot from
the template and start it. The stored choices are what help routing and the welcome then use.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.flows import help as help_flow
from bot.i18n import t
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, view_submission
from bot.views.ids import AdminAction, HomeAction, RoleAdminAction, RoleAdminView, SetupAction, SetupField, SetupView
from models import HelpContact, HelpRequest, Person, Role, SetupState, Wave, WaveMembership
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, grant_manifest_scopes, http_app, wait_until
from tests.e2e.test_admin_roles import _role_values

MONDAY_11_UTC = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)
ADMIN = "U0ADMIN01"
SALES = ["U0SALES01", "U0SALES02", "U0SALES03"]
AMBASSADOR = "U0AMBAS01"  # in Support: the pilot is the ambassadors plus Sales
NO_DEPARTMENT = "U0NODEPT1"
SPONSOR = "U0EXEC001"
HELPERS = ("U0HELP001", "U0HELP002")
BOT, GONE, GUEST = "U0BOTBOT1", "U0GONE001", "U0GUEST01"
CHANNELS = (
    "company-news",
    "ask-exec",
    "proj-apollo",
    "dept-sales",
    "coach-admins",
    "coach-champions",
)  # not yet #ask-it
LOGIN = "My login password does not work since this morning"  # the "setup" help topic


def _dept(name: str) -> dict[str, str]:
    return {"Xf01DEPT": name}  # the bundled playbook's "Department" field, answered by users.profile.get


def _person(fake: FakeSlack, user_id: str, department: str | None, **extra: Any) -> None:
    fields = _dept(department) if department else None
    fake.add_user(user_id, name=user_id.lower(), tz="UTC", locale="en-US", profile_fields=fields, **extra)


@pytest.fixture
def workspace() -> Iterator[FakeSlack]:
    """A company that just installed Coach: people in Slack, Coach in all playbook channels but #ask-it."""
    with FakeSlack(ack_timeout=1.0) as fake:
        grant_manifest_scopes(fake)
        fake.define_profile_field("Xf01DEPT", "Department")
        _person(fake, ADMIN, "IT", is_admin=True)
        for user_id in SALES:
            _person(fake, user_id, "Sales")
        _person(fake, AMBASSADOR, "Support")
        _person(fake, NO_DEPARTMENT, None)
        _person(fake, SPONSOR, "Exec")
        for user_id in HELPERS:
            _person(fake, user_id, "IT")
        _person(fake, BOT, None, is_bot=True)
        _person(fake, GONE, "IT", deleted=True)
        _person(fake, GUEST, "IT", is_restricted=True)
        for n, name in enumerate(CHANNELS):
            fake.add_channel(f"C0CH{n:05d}", name)
        yield fake


@pytest.fixture
def app(workspace: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    with http_app(workspace, sqlite_url, clock=ManualClock(MONDAY_11_UTC)) as running:
        yield running


def _publishes(fake: FakeSlack) -> int:
    return len(fake.calls_to("views.publish"))


def _home_after(fake: FakeSlack, before: int, text: str) -> dict[str, Any]:
    """The admin's Home published after `before` publishes, once it contains `text` (validated)."""

    def published() -> dict[str, Any] | None:
        if _publishes(fake) <= before:
            return None
        view = fake.home_view(ADMIN)
        return view if view is not None and text in json.dumps(view, ensure_ascii=False) else None

    view = wait_until(published)
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    return view


def _buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every button of a view by action_id (section accessories and actions blocks)."""
    found: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        for el in [block.get("accessory") or {}, *block.get("elements", [])]:
            if el.get("type") == "button":
                found.setdefault(el["action_id"], el)
    return found


def _click(app: HttpApp, fake: FakeSlack, action_id: str) -> int:
    """Press the button with this action_id in the admin's published Home; returns the publish count before."""
    view = fake.home_view(ADMIN)
    assert view is not None
    button = _buttons(view)[action_id]
    before = _publishes(fake)
    assert app.driver.post_interaction(block_actions(ADMIN, action_id, button["value"], view=view)).status == 200
    return before


def _open_modal(app: HttpApp, fake: FakeSlack, action_id: str) -> dict[str, Any]:
    opened = len(fake.calls_to("views.open"))
    _click(app, fake, action_id)
    modal = fake.wait_for("views.open", count=opened + 1)[-1].args["view"]
    View(**modal).validate_json()
    return modal


def _submit(app: HttpApp, modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    payload = view_submission(
        ADMIN, modal["callback_id"], values, modal.get("private_metadata", ""), blocks=modal["blocks"]
    )
    resp = app.driver.post_interaction(payload)
    assert resp.status == 200
    return json.loads(resp.body) if resp.body else {}


def _users(**picked: str | None) -> dict[str, Any]:
    return {b: {b: {"type": "users_select", "selected_user": u}} for b, u in picked.items()}


def _inputs(modal: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in modal["blocks"] if b["type"] == "input"]


def _status(view: dict[str, Any], title: str) -> str:
    """The text of the checklist item with this title."""
    return next(
        b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and f"*{title}*" in b["text"]["text"]
    )


def test_from_a_fresh_install_to_a_started_pilot_without_the_cli(app: HttpApp, workspace: FakeSlack) -> None:
    fake = workspace
    fake.api.granted_scopes = [s for s in fake.api.granted_scopes if s != "files:write"]  # an optional scope withheld
    # 1. The admin opens the Home tab: no wave yet, so it is the setup checklist, every item with a next step.
    before = _publishes(fake)
    assert app.driver.post_event(event_callback(app_home_opened(ADMIN))).status == 200
    home = _home_after(fake, before, "Set up Coach")
    assert "0 of 8 done" not in json.dumps(home)  # tokens and scopes are fine from the start
    assert _status(home, "Tokens and scopes").startswith(":white_check_mark:")
    assert "`files:write`" in _status(home, "Tokens and scopes")  # optional: chart images are off
    assert "Coach is not in #ask-it." in _status(home, "Coach in the playbook's channels")
    assert "Coach knows 1 active people" in _status(home, "People synced")  # only the admin, met just now
    assert "`U0SPONSOR1` is a placeholder from the bundled playbook" in _status(home, "Executive sponsor")
    assert "`U0ADMIN001` is a placeholder" in _status(home, "Help contacts")
    # The same "Admin / My journey" switch as the rollout view, right under the header.
    assert home["blocks"][2]["block_id"] == "home.view_switch" and HomeAction.VIEW_JOURNEY.value in _buttons(home)
    assert all("_Next: " in b["text"]["text"] for b in home["blocks"][5:-2])
    assert AdminAction.WAVE_NEW.value not in _buttons(home)

    # 2. "Sync people" runs the users.list sync; departments come from the profile field, one person has none.
    before = _click(app, fake, SetupAction.SYNC)
    home = _home_after(fake, before, "Coach knows 10 active people (last sync: 2026-02-02 11:00 UTC)")
    departments = _status(home, "Departments found")
    assert "profile field “Department”" in departments and "1 of 10 people have none" in departments

    # 3. The admin invites Coach to #ask-it and presses "Check again".
    fake.add_channel("C0ASKIT01", "ask-it")
    before = _click(app, fake, SetupAction.RECHECK)
    home = _home_after(fake, before, "Coach is in all 7 channels")

    # 4. Help contacts: a bot, a deactivated account and a guest are field errors; real people are stored.
    modal = _open_modal(app, fake, SetupAction.CONTACTS)
    blocks = _inputs(modal)
    slots = json.loads(modal["private_metadata"])
    assert len(blocks) == 2 * len(slots) and "setup" in slots
    bad = {blocks[0]: BOT, blocks[1]: GUEST, blocks[2]: GONE}
    errors = _submit(app, modal, _users(**{**{b: HELPERS[0] for b in blocks[::2]}, **bad}))["errors"]
    assert "a bot" in errors[blocks[0]] and "a guest" in errors[blocks[1]] and "deactivated" in errors[blocks[2]]
    with session_scope(app.deps.session_factory) as s:
        assert s.scalars(select(HelpContact)).all() == []
    picks = {b: HELPERS[0] if b.endswith("primary") else HELPERS[1] for b in blocks}
    assert _submit(app, modal, _users(**picks)) == {}
    home = _home_after(fake, _publishes(fake) - 1, f"All {len(slots)} help contacts are real")

    # 5. The sponsor: a guest is refused, the executive is stored (and appointed company-wide sponsor).
    modal = _open_modal(app, fake, SetupAction.SPONSOR)
    errors = _submit(app, modal, _users(**{SetupField.SPONSOR.value: GUEST}))["errors"]
    assert "a guest" in errors[SetupField.SPONSOR]
    assert _submit(app, modal, _users(**{SetupField.SPONSOR.value: SPONSOR})) == {}
    home = _home_after(fake, _publishes(fake) - 1, f"<@{SPONSOR}> signs the welcome")

    # 6. Ambassadors: the checklist's "Appoint…" opens the existing role modal.
    modal = _open_modal(app, fake, RoleAdminAction.APPOINT)
    assert modal["callback_id"] == RoleAdminView.APPOINT
    assert _submit(app, modal, _role_values(AMBASSADOR, department="Support")) == {}
    home = _home_after(fake, _publishes(fake) - 1, "1 ambassadors appointed")
    assert "6 of 8 done" in json.dumps(home)  # all but departments (one person has none) and the pilot

    # 7. "Create the pilot wave": the template needs only the department; the Home becomes the rollout view.
    modal = _open_modal(app, fake, SetupAction.PILOT)
    department = next(b for b in modal["blocks"] if b.get("block_id") == SetupField.DEPARTMENT)
    assert {o["value"] for o in department["element"]["options"]} == {"Exec", "IT", "Sales", "Support"}
    picked = {"text": {"type": "plain_text", "text": "Sales"}, "value": "Sales"}
    values = {
        SetupField.DEPARTMENT.value: {SetupField.DEPARTMENT.value: {"type": "static_select", "selected_option": picked}}
    }
    assert _submit(app, modal, values) == {}
    home = _home_after(fake, _publishes(fake) - 1, "*Pilot* — draft")
    with session_scope(app.deps.session_factory) as s:
        wave = s.scalars(select(Wave)).one()
        assert (wave.sponsor_user_id, wave.selectors["departments"], wave.selectors["users"]) == (
            SPONSOR,
            ["Sales"],
            [AMBASSADOR],
        )
        assert wave.goal.startswith("Cut the time from customer request to delivery")

    # 8. The admin presses Start on the wave: the pilot runs with the ambassadors plus Sales.
    before = _click(app, fake, AdminAction.WAVE_START)
    _home_after(fake, before, "*Pilot* — active")
    with session_scope(app.deps.session_factory) as s:
        members = set(s.scalars(select(Person.slack_user_id).join(WaveMembership)))
    assert members == {AMBASSADOR, *SALES}

    # 9. What was stored is what Coach uses: the welcome names the picked sponsor, help goes to the contact.
    deliver_nudges(app.deps)
    for user_id in members:
        texts = [m.get("text", "") for m in fake.messages_in(fake.dm_channel(user_id))]
        assert any(f"A word from <@{SPONSOR}>" in text for text in texts), user_id
        assert not any("U0SPONSOR1" in text for text in texts)
    result = help_flow.ask(app.deps, user_id=SALES[0], text=LOGIN)
    with session_scope(app.deps.session_factory) as s:
        request = s.get(HelpRequest, result.request_id)
        assert request is not None and (request.topic, request.owner) == ("setup", HELPERS[0])

    # 10. The checklist stays one click away from the rollout view, with a way back.
    before = _click(app, fake, SetupAction.OPEN)
    home = _home_after(fake, before, "Set up Coach")
    assert SetupAction.BACK.value in _buttons(home) and "A first wave exists." in json.dumps(home)
    before = _click(app, fake, SetupAction.BACK)
    _home_after(fake, before, "*Pilot* — active")


def test_the_checklist_speaks_the_admins_language(workspace: FakeSlack, sqlite_url: str) -> None:
    workspace.add_user("U0KANRI01", name="kanri", tz="Asia/Tokyo", locale="ja-JP", is_admin=True)
    with http_app(workspace, sqlite_url, clock=ManualClock(MONDAY_11_UTC)) as app:
        assert app.driver.post_event(event_callback(app_home_opened("U0KANRI01"))).status == 200
        wait_until(lambda: workspace.home_view("U0KANRI01"))
        text = json.dumps(workspace.home_view("U0KANRI01"), ensure_ascii=False)
    for key in ("setup.title", "setup.people.button", "setup.contacts.button", "setup.sponsor.button"):
        assert t(key, "ja") in text
    assert "Sync people" not in text and "Next:" not in text


def test_a_non_admins_forged_setup_click_or_submission_changes_nothing(
    app: HttpApp, workspace: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="handlers.admin")
    for action in (SetupAction.SYNC, SetupAction.SPONSOR, SetupAction.PILOT):
        app.driver.post_interaction(block_actions(SALES[0], action.value, "x", view={"id": "V1", "type": "home"}))
    values = _users(**{SetupField.SPONSOR.value: SPONSOR})
    resp = app.driver.post_interaction(view_submission(SALES[0], SetupView.SPONSOR.value, values))
    assert "Only Coach admins" in resp.body
    wait_until(lambda: sum("refused" in r.getMessage() for r in caplog.records) >= 4)
    assert workspace.calls_to("users.list") == [] and workspace.calls_to("views.open") == []
    with session_scope(app.deps.session_factory) as s:
        assert s.scalars(select(SetupState)).all() == [] and s.scalars(select(Role)).all() == []


def _start_wave_without_sponsor(app: HttpApp) -> None:
    from bot.domain.waves import WaveForm
    from bot.services import rollout

    with session_scope(app.deps.session_factory) as s:
        wave = rollout.save_wave(s, actor=ADMIN, form=WaveForm(name="Sales", departments=("Sales",)), now=MONDAY_11_UTC)
        rollout.start_wave(s, actor=ADMIN, wave_id=wave.id, now=MONDAY_11_UTC, usergroup_members=lambda _g: [])


def _welcomes(fake: FakeSlack) -> list[str]:
    return [m.get("text", "") for u in SALES for m in fake.messages_in(fake.dm_channel(u))]


@pytest.mark.parametrize("stored", [True, False])
def test_a_wave_without_its_own_sponsor_is_signed_by_the_stored_one_never_by_a_placeholder(
    app: HttpApp, workspace: FakeSlack, stored: bool
) -> None:
    """A wave made in the wave editor with no sponsor: its welcome names the sponsor picked in the checklist;
    with none picked, nobody (the bundled playbook's U0SPONSOR1 is not a person)."""
    from bot.flows.people import sync_people
    from bot.services import setup
    from bot.services.people import department_rule

    sync_people(app.deps, department_rule(app.deps.playbook))
    if stored:
        with session_scope(app.deps.session_factory) as s:
            setup.set_sponsor(s, actor=ADMIN, user_id=SPONSOR, now=MONDAY_11_UTC)
    _start_wave_without_sponsor(app)
    deliver_nudges(app.deps)
    welcomes = _welcomes(workspace)
    assert len(welcomes) == len(SALES)
    assert all(("A word from <@U0EXEC001>" in text) is stored for text in welcomes)
    assert not any("U0SPONSOR1" in text or ("A word from" in text and not stored) for text in welcomes)
