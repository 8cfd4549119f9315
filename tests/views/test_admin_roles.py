"""The role and help-contact modals and Home pieces are valid Block Kit (Slack's validators via slack_sdk)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from slack_sdk.models.views import View

from bot.domain.admin_forms import ContactForm, RoleForm
from bot.views.admin_home import admin_home
from bot.views.admin_roles import (
    COMMON_ZONES,
    CONTACT_ERROR_BLOCKS,
    contact_modal,
    errors_for,
    parse_contact_submission,
    parse_role_submission,
    role_modal,
    roles_blocks,
    zone_choices,
)
from bot.views.ids import ContactField, RoleAdminAction, RoleField
from tests.views.test_admin_home import state

TOPICS = [("Setup, devices and accounts (IT)", "setup"), ("Something else", "other")]


def valid(view: dict) -> dict:
    View(**view).validate_json()
    return view


def element(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


@pytest.mark.parametrize("remove", [False, True])
def test_role_modal_is_valid_and_offers_both_roles(remove: bool) -> None:
    view = valid(role_modal(remove=remove, departments=["IT", "Sales"]))
    assert [o["value"] for o in element(view, RoleField.ROLE)["options"]] == ["ambassador", "sponsor"]
    assert element(view, RoleField.USER)["type"] == "users_select"
    assert element(view, RoleField.DEPARTMENT)["type"] == "static_select"
    assert view["submit"]["text"] == ("Remove" if remove else "Appoint")


def test_more_than_100_departments_become_an_external_select() -> None:
    departments = [f"Department {i:03}" for i in range(101)]
    for view in (
        role_modal(remove=False, departments=departments),
        contact_modal(topics=TOPICS, departments=departments, zones=["UTC"]),
    ):
        valid(view)
        field = RoleField.DEPARTMENT if view["blocks"][0]["block_id"].startswith("roles") else ContactField.DEPARTMENT
        assert element(view, field) == {"type": "external_select", "min_query_length": 0, "action_id": field.value}


def test_contact_modal_is_valid_with_sensible_defaults() -> None:
    view = valid(contact_modal(topics=TOPICS, departments=["Sales"], zones=zone_choices(), default_tz="Asia/Tokyo"))
    assert element(view, ContactField.TOPIC)["initial_option"]["value"] == "setup"
    assert element(view, ContactField.TZ)["initial_option"]["value"] == "Asia/Tokyo"
    days = element(view, ContactField.DAYS)
    assert [o["value"] for o in days["initial_options"]] == ["mon", "tue", "wed", "thu", "fri"]
    assert len(days["options"]) == 7
    assert (element(view, ContactField.START)["initial_time"], element(view, ContactField.END)["initial_time"]) == (
        "09:00",
        "18:00",
    )


def test_zone_choices_keep_zones_in_use_and_stay_within_100() -> None:
    zones = zone_choices(["Asia/Kathmandu", "UTC", *[f"Etc/GMT+{i}" for i in range(1, 12)] * 10])
    assert "Asia/Kathmandu" in zones and zones.count("UTC") == 1 and len(zones) <= 100
    assert zones[: len(COMMON_ZONES)] == list(COMMON_ZONES)


def test_submissions_parse_into_forms() -> None:
    def one(field: str, value: dict) -> dict:
        return {field: {field: value}}

    def opt(value: str) -> dict:
        return {"value": value}

    role = parse_role_submission(
        {
            **one(RoleField.USER, {"selected_user": "U1"}),
            **one(RoleField.ROLE, {"selected_option": opt("sponsor")}),
            **one(RoleField.DEPARTMENT, {"selected_option": None}),
        }
    )
    assert role == RoleForm("U1", "sponsor", None) and role.errors() == {}
    contact = parse_contact_submission(
        {
            **one(ContactField.TOPIC, {"selected_option": opt("setup")}),
            **one(ContactField.PRIMARY, {"selected_user": "U1"}),
            **one(ContactField.TZ, {"selected_option": opt("Europe/Berlin")}),
            **one(ContactField.DAYS, {"selected_options": [opt("sat"), opt("mon")]}),
            **one(ContactField.START, {"selected_time": "08:30"}),
            **one(ContactField.END, {"selected_time": "12:00"}),
        }
    )
    assert contact == ContactForm("setup", None, "U1", None, "Europe/Berlin", ("sat", "mon"), "08:30", "12:00")
    assert contact.errors() == {}
    assert contact.hours() == {"tz": "Europe/Berlin", "days": ["mon", "sat"], "start": "08:30", "end": "12:00"}


def test_form_errors_land_on_their_fields() -> None:
    bad = ContactForm("", None, None, None, "Not/AZone", (), "", "")
    errors = errors_for(bad.errors(), CONTACT_ERROR_BLOCKS)
    assert set(errors) == {
        ContactField.TOPIC,
        ContactField.PRIMARY,
        ContactField.TZ,
        ContactField.DAYS,
        ContactField.START,
        ContactField.END,
    }
    assert ContactForm("t", None, "U1", "U1", "UTC", ("mon",), "10:00", "10:00").errors().keys() == {"backup", "end"}
    assert RoleForm(None, "boss", None).errors().keys() == {"user", "role"}
    assert RoleForm("U1", "ambassador", None).errors() == {"department": "An ambassador needs a department."}


def test_home_with_roles_stays_within_limits_at_any_size() -> None:
    lines = [
        f"*Department {i} {'y' * 30}*: " + ", ".join(f"<@U{j:08}>" for j in range(6)) + " +40 more" for i in range(13)
    ]
    for waves, departments in [(0, 0), (500, 5000), (6, 26)]:
        view = valid(admin_home(dataclasses.replace(state(waves, departments), roles=lines)))
        assert len(view["blocks"]) <= 100
        text = json.dumps(view)
        for action in RoleAdminAction:
            assert action.value in text
    empty = json.dumps(valid({"type": "home", "blocks": roles_blocks([])}))
    assert "No ambassadors or sponsors yet" in empty
