"""Admin Home through the wire: appointing and removing ambassadors and sponsors, editing help contacts.

Every change is audited with the admin as actor and refreshes the admin's Home tab; a non-admin's forged
click, submission or option load is refused, logged at WARNING, and changes nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.flows import help as help_flow
from bot.flows.people import sync_people
from bot.services import appointments
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, view_submission
from bot.views.admin_roles import contact_modal, role_modal
from bot.views.ids import ContactField, RoleAdminAction, RoleAdminView, RoleField
from models import AuditEntry, HelpContact, HelpRequest, Person, Role, Wave
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.services.conftest import ASKER, MONDAY_10_JST, seed_help_people

ADMIN = "U0ADMIN01"
EMPLOYEE = "U0BOB0001"
SALES = "U0SALES00"
NEW_PRIMARY = "U0HELPER01"
LOGIN = "My login password does not work since this morning"  # the "setup" topic
HOME = {"id": "V0HOME001", "type": "home", "blocks": [], "private_metadata": "", "callback_id": ""}


@pytest.fixture
def admin_app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    seed_help_people(fake)
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    for i in range(3):
        fake.add_user(f"U0SALES0{i}", name=f"s{i}", real_name=f"Sales {i}", tz="UTC", locale="en-US", title="Sales")
    with http_app(fake, sqlite_url, clock=ManualClock(MONDAY_10_JST)) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        with session_scope(app.deps.session_factory) as s:  # past first-run: the Home is the rollout view
            s.add(Wave(name="Pilot", selectors={"departments": ["IT"]}))  # a bare draft: no audit entry
        yield app


def _selected(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def _role_values(user: str | None, role: str = "ambassador", department: str | None = "Sales") -> dict:
    values: dict[str, Any] = {
        RoleField.USER.value: {RoleField.USER.value: {"type": "users_select", "selected_user": user}},
        RoleField.ROLE.value: {RoleField.ROLE.value: {"type": "radio_buttons", "selected_option": _selected(role)}},
        RoleField.DEPARTMENT.value: {
            RoleField.DEPARTMENT.value: {
                "type": "static_select",
                "selected_option": _selected(department) if department else None,
            }
        },
    }
    return values


def _role_submission(user: str, values: dict, *, remove: bool = False, departments: list[str] | None = None) -> dict:
    callback = RoleAdminView.REMOVE if remove else RoleAdminView.APPOINT
    blocks = role_modal(remove=remove, departments=departments or ["IT", "Sales"])["blocks"]
    return view_submission(user, callback.value, values, blocks=blocks)


def _contact_values(
    primary: str, backup: str | None = None, tz: str = "Asia/Tokyo", start: str = "09:00", end: str = "18:00"
) -> dict:
    def one(field: ContactField, value: dict[str, Any]) -> dict[str, Any]:
        return {field.value: {field.value: value}}

    days = [_selected(d) for d in ("mon", "tue", "wed", "thu", "fri")]
    return {
        **one(ContactField.TOPIC, {"type": "static_select", "selected_option": _selected("setup")}),
        **one(ContactField.DEPARTMENT, {"type": "static_select", "selected_option": None}),
        **one(ContactField.PRIMARY, {"type": "users_select", "selected_user": primary}),
        **one(ContactField.BACKUP, {"type": "users_select", "selected_user": backup}),
        **one(ContactField.TZ, {"type": "static_select", "selected_option": _selected(tz)}),
        **one(ContactField.DAYS, {"type": "checkboxes", "selected_options": days}),
        **one(ContactField.START, {"type": "timepicker", "selected_time": start}),
        **one(ContactField.END, {"type": "timepicker", "selected_time": end}),
    }


def _contact_submission(user: str, values: dict) -> dict:
    blocks = contact_modal(topics=[("Setup", "setup")], departments=["Sales"], zones=["Asia/Tokyo"])["blocks"]
    return view_submission(user, RoleAdminView.CONTACT.value, values, blocks=blocks)


def _post(app: HttpApp, payload: dict) -> dict:
    resp = app.driver.post_interaction(payload)
    assert resp.status == 200
    return json.loads(resp.body) if resp.body else {}


def _roles(app: HttpApp) -> set[tuple[str, str, str | None]]:
    with session_scope(app.deps.session_factory) as s:
        rows = s.execute(select(Person.slack_user_id, Role.role, Role.department).join(Person)).all()
        return {(u, r, d) for u, r, d in rows if r != "admin"}


def _audit(app: HttpApp) -> list[tuple[str, str, str]]:
    with session_scope(app.deps.session_factory) as s:
        return [(a.actor, a.action, a.target) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _counts(app: HttpApp) -> tuple[int, int, int]:
    with session_scope(app.deps.session_factory) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(model)) or 0) for model in (Role, AuditEntry, HelpContact)
        )


def _home_text(fake: FakeSlack, count: int = 1) -> str:
    fake.wait_for("views.publish", count=count)
    view = fake.home_view(ADMIN)
    assert view is not None
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    return json.dumps(view, ensure_ascii=False)


def test_admin_opens_valid_modals_from_home(admin_app: HttpApp, fake: FakeSlack) -> None:
    for n, action in enumerate(RoleAdminAction, start=1):
        admin_app.driver.post_interaction(block_actions(ADMIN, action.value, "x", view=HOME))
        modal = fake.wait_for("views.open", count=n)[-1].args["view"]
        View(**modal).validate_json()
    callbacks = [c.args["view"]["callback_id"] for c in fake.calls_to("views.open")]
    assert callbacks == [RoleAdminView.APPOINT, RoleAdminView.REMOVE, RoleAdminView.CONTACT]
    appoint = fake.calls_to("views.open")[0].args["view"]
    department = next(b for b in appoint["blocks"] if b["block_id"] == RoleField.DEPARTMENT)
    assert [o["value"] for o in department["element"]["options"]] == ["IT", "Sales"]
    editor = fake.calls_to("views.open")[2].args["view"]
    topic = next(b for b in editor["blocks"] if b["block_id"] == ContactField.TOPIC)
    assert [o["value"] for o in topic["element"]["options"]] == ["setup", "security", "how-to", "other"]


def test_appoint_via_modal_adds_the_role_audits_it_and_refreshes_home(admin_app: HttpApp, fake: FakeSlack) -> None:
    submissions = [_role_values(SALES), _role_values(SALES, department="IT"), _role_values(ADMIN, "sponsor", None)]
    for n, values in enumerate(submissions, start=1):
        assert _post(admin_app, _role_submission(ADMIN, values)) == {}
        fake.wait_for("views.publish", count=n)  # each refresh lands before the next change
    assert _roles(admin_app) == {(SALES, "ambassador", "Sales"), (SALES, "ambassador", "IT"), (ADMIN, "sponsor", None)}
    assert _audit(admin_app) == [
        (ADMIN, "ambassador.appoint", SALES),
        (ADMIN, "ambassador.appoint", SALES),
        (ADMIN, "sponsor.appoint", ADMIN),
    ]
    home = _home_text(fake, count=3)
    for part in ("Ambassadors & sponsors", f"*Sales*: <@{SALES}>", f"*IT*: <@{SALES}>", f"<@{ADMIN}> (whole company)"):
        assert part in home
    assert RoleAdminAction.APPOINT.value in home and RoleAdminAction.EDIT_CONTACT.value in home


def test_appoint_fetches_a_person_coach_has_not_synced_yet(admin_app: HttpApp, fake: FakeSlack) -> None:
    fake.add_user("U0NEWBIE1", name="nina", real_name="Nina New", tz="UTC", locale="en-US", title="Sales")
    assert _post(admin_app, _role_submission(ADMIN, _role_values("U0NEWBIE1"))) == {}
    assert ("U0NEWBIE1", "ambassador", "Sales") in _roles(admin_app)


def test_remove_via_modal(admin_app: HttpApp, fake: FakeSlack) -> None:
    with session_scope(admin_app.deps.session_factory) as s:
        appointments.appoint(s, actor="cli", user_id=SALES, role="ambassador", department="Sales", now=MONDAY_10_JST)
    assert _post(admin_app, _role_submission(ADMIN, _role_values(SALES), remove=True)) == {}
    assert _roles(admin_app) == set()
    assert _audit(admin_app)[-1] == (ADMIN, "ambassador.remove", SALES)
    wait_until(lambda: fake.home_view(ADMIN) is not None)
    assert f"<@{SALES}>" not in json.dumps(fake.home_view(ADMIN))


@pytest.mark.parametrize(
    ("values", "remove", "field", "words"),
    [
        (_role_values(SALES, department="Marketing"), False, RoleField.DEPARTMENT, "no department"),
        (_role_values(SALES, department=None), False, RoleField.DEPARTMENT, "needs a department"),
        (_role_values("U0NOBODY1"), False, RoleField.USER, "could not find"),
        (_role_values(None), False, RoleField.USER, "Choose a person"),
        (_role_values(SALES), True, RoleField.USER, "is not ambassador of Sales"),
    ],
)
def test_role_modal_field_errors(
    admin_app: HttpApp, fake: FakeSlack, values: dict, remove: bool, field: RoleField, words: str
) -> None:
    body = _post(admin_app, _role_submission(ADMIN, values, remove=remove))
    assert body["response_action"] == "errors" and words in body["errors"][field.value], body
    assert _counts(admin_app) == (0, 0, 0)
    assert fake.calls_to("views.publish") == []


def test_appointing_twice_is_a_field_error(admin_app: HttpApp) -> None:
    assert _post(admin_app, _role_submission(ADMIN, _role_values(SALES))) == {}
    body = _post(admin_app, _role_submission(ADMIN, _role_values(SALES)))
    assert "already ambassador of Sales" in body["errors"][RoleField.USER.value]
    assert _counts(admin_app)[:2] == (1, 1)


@pytest.mark.parametrize("action", list(RoleAdminAction))
def test_forged_clicks_from_a_non_admin_open_nothing(
    admin_app: HttpApp, fake: FakeSlack, caplog: pytest.LogCaptureFixture, action: RoleAdminAction
) -> None:
    caplog.set_level(logging.WARNING)
    _post(admin_app, block_actions(EMPLOYEE, action.value, "x", view=HOME))
    wait_until(lambda: any("refused" in r.getMessage() and EMPLOYEE in r.getMessage() for r in caplog.records))
    time.sleep(0.2)
    assert fake.calls_to("views.open") == [] and fake.calls_to("views.publish") == []


@pytest.mark.parametrize(
    "payload",
    [
        _role_submission(EMPLOYEE, _role_values(EMPLOYEE)),
        _role_submission(EMPLOYEE, _role_values(SALES), remove=True),
        _contact_submission(EMPLOYEE, _contact_values(EMPLOYEE)),
    ],
)
def test_forged_submissions_from_a_non_admin_change_nothing(
    admin_app: HttpApp, fake: FakeSlack, caplog: pytest.LogCaptureFixture, payload: dict
) -> None:
    with session_scope(admin_app.deps.session_factory) as s:
        appointments.appoint(s, actor="cli", user_id=SALES, role="ambassador", department="Sales", now=MONDAY_10_JST)
    before = (_counts(admin_app), _roles(admin_app))
    caplog.set_level(logging.WARNING)
    body = _post(admin_app, payload)
    assert body["response_action"] == "errors" and "Only Coach admins" in next(iter(body["errors"].values()))
    assert (_counts(admin_app), _roles(admin_app)) == before
    assert any(r.levelno == logging.WARNING and EMPLOYEE in r.getMessage() for r in caplog.records)
    assert fake.calls_to("views.publish") == []


def test_forged_option_load_from_a_non_admin_gets_nothing(admin_app: HttpApp) -> None:
    def suggestion(user: str, field: str) -> dict:
        return {
            "type": "block_suggestion",
            "user": {"id": user, "username": user.lower(), "team_id": "T111"},
            "team": {"id": "T111", "domain": "test"},
            "api_app_id": "A111",
            "token": "verification_token",
            "action_id": field,
            "block_id": field,
            "value": "sa",
            "view": {"id": "V1", "type": "modal", "callback_id": RoleAdminView.APPOINT.value},
        }

    for field in (RoleField.DEPARTMENT.value, ContactField.DEPARTMENT.value):
        assert _post(admin_app, suggestion(EMPLOYEE, field)) == {"options": []}
        assert [o["value"] for o in _post(admin_app, suggestion(ADMIN, field))["options"]] == ["Sales"]


def test_contact_edit_routes_the_next_help_request_to_the_new_primary(admin_app: HttpApp, fake: FakeSlack) -> None:
    assert _post(admin_app, _contact_submission(ADMIN, _contact_values(NEW_PRIMARY, backup="U0SECOPS01"))) == {}
    with session_scope(admin_app.deps.session_factory) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "help_contact.set")).one()
        assert (entry.actor, entry.target) == (ADMIN, "setup")
        assert entry.before is not None and entry.before["primary"] == "U0ADMIN001"
        assert entry.after == {
            "primary": NEW_PRIMARY,
            "backup": "U0SECOPS01",
            "hours": {
                "tz": "Asia/Tokyo",
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "09:00",
                "end": "18:00",
            },
        }
    assert f"<@{NEW_PRIMARY}>, backup <@U0SECOPS01>" in _home_text(fake)
    result = help_flow.ask(admin_app.deps, user_id=ASKER, text=LOGIN)
    assert result.kind == "routed" and result.request_id is not None
    with session_scope(admin_app.deps.session_factory) as s:
        request = s.get(HelpRequest, result.request_id)
        assert request is not None and (request.topic, request.owner) == ("setup", NEW_PRIMARY)
    assert fake.messages_in(fake.dm_channel(NEW_PRIMARY))


def test_saving_the_same_contact_again_is_not_audited_twice(admin_app: HttpApp) -> None:
    for _ in range(2):
        assert _post(admin_app, _contact_submission(ADMIN, _contact_values(NEW_PRIMARY))) == {}
    assert [a for a in _audit(admin_app) if a[1] == "help_contact.set"] == [(ADMIN, "help_contact.set", "setup")]


def test_contact_modal_field_errors(admin_app: HttpApp, fake: FakeSlack) -> None:
    values = _contact_values(NEW_PRIMARY, backup=NEW_PRIMARY, tz="Mars/Olympus_Mons", start="18:00", end="09:00")
    body = _post(admin_app, _contact_submission(ADMIN, values))
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {ContactField.BACKUP.value, ContactField.TZ.value, ContactField.END.value}
    assert _counts(admin_app) == (0, 0, 0) and fake.calls_to("views.publish") == []
