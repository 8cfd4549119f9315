"""Admin Home through the wire: the admin view, server-side authorisation, and modal validation.

A forged interaction is a correctly signed payload shaped like Slack's, sent by a user who is not an
admin: it must be refused, logged, and change nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot.db import session_scope
from bot.flows.people import sync_people
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, view_submission
from bot.views.ids import AdminAction, AdminView, WaveField
from bot.views.wave_modals import wave_editor_modal
from models import AuditEntry, NudgeDelivery, Wave, WaveMembership
from tests.e2e.harness import HttpApp, draft_wave, http_app, wait_until

ADMIN = "U0ADMIN01"  # a Slack workspace admin (users.info is_admin)
CONFIG_ADMIN = "U0CONFIG1"  # named in COACH_ADMINS only
EMPLOYEE = "U0BOB0001"
HOME = {"id": "V0HOME001", "type": "home", "blocks": [], "private_metadata": "", "callback_id": ""}


@pytest.fixture
def admin_app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    fake.add_user(CONFIG_ADMIN, name="cora", real_name="Cora Config", tz="UTC", locale="en-US", title="IT")
    for i in range(3):
        fake.add_user(f"U0SALES0{i}", name=f"s{i}", real_name=f"Sales {i}", tz="UTC", locale="en-US", title="Sales")
    with http_app(fake, sqlite_url, COACH_ADMINS=CONFIG_ADMIN) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        yield app


def _draft(app: HttpApp) -> int:
    return draft_wave(app, ADMIN)


def _counts(app: HttpApp) -> tuple[int, int, int, int, str]:
    with session_scope(app.deps.session_factory) as s:
        return (
            int(s.scalar(select(func.count()).select_from(Wave)) or 0),
            int(s.scalar(select(func.count()).select_from(WaveMembership)) or 0),
            int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0),
            int(s.scalar(select(func.count()).select_from(NudgeDelivery)) or 0),
            ",".join(s.scalars(select(Wave.state).order_by(Wave.id))),
        )


def valid_home(view: dict) -> dict:
    View(**view).validate_json()
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


@pytest.mark.parametrize("user", [ADMIN, CONFIG_ADMIN])
def test_admins_get_the_admin_view_and_employees_their_journey(admin_app: HttpApp, fake: FakeSlack, user: str) -> None:
    """Once a wave exists (before, the admin Home is the setup checklist: tests/e2e/test_setup.py)."""
    _draft(admin_app)
    admin_app.driver.post_event(event_callback(app_home_opened(user)))
    admin_app.driver.post_event(event_callback(app_home_opened(EMPLOYEE)))
    fake.wait_for("views.publish", count=2)
    admin_view = json.dumps(valid_home(fake.home_view(user)))  # type: ignore[arg-type]
    assert "rollout" in admin_view and AdminAction.WAVE_NEW.value in admin_view and "Playbook" in admin_view
    employee_view = json.dumps(valid_home(fake.home_view(EMPLOYEE)))  # type: ignore[arg-type]
    assert AdminAction.WAVE_NEW.value not in employee_view


@pytest.mark.parametrize(
    "action", [AdminAction.WAVE_START, AdminAction.WAVE_NEW, AdminAction.WAVE_EDIT, AdminAction.PAGE]
)
def test_forged_block_actions_from_a_non_admin_change_nothing(
    admin_app: HttpApp, fake: FakeSlack, caplog: pytest.LogCaptureFixture, action: AdminAction
) -> None:
    wave_id = _draft(admin_app)
    before = _counts(admin_app)
    caplog.set_level(logging.WARNING, logger="handlers.admin")
    resp = admin_app.driver.post_interaction(block_actions(EMPLOYEE, action.value, f"{wave_id}", view=HOME))
    assert resp.status == 200  # acknowledged like any click, then refused
    wait_until(lambda: any("refused" in r.getMessage() and EMPLOYEE in r.getMessage() for r in caplog.records))
    time.sleep(0.2)
    assert _counts(admin_app) == before
    assert fake.calls_to("views.open") == [] and fake.calls_to("views.publish") == []


def _submission(user: str, values: dict, meta: dict | None = None) -> dict:
    """Shaped like Slack's: the modal's own blocks, the typed values, the editor's private_metadata."""
    blocks = wave_editor_modal(None, wave_id=None, departments=["Sales", "Ops"], usergroups=[])["blocks"]
    return view_submission(
        user, AdminView.WAVE_EDITOR.value, values, json.dumps(meta or {"wave_id": None}), blocks=blocks
    )


def _values(name: str = "Pilot", departments: tuple[str, ...] = ("Sales",), **extra: dict) -> dict:
    values = {
        WaveField.NAME.value: {WaveField.NAME.value: {"type": "plain_text_input", "value": name}},
        WaveField.DEPARTMENTS.value: {
            WaveField.DEPARTMENTS.value: {
                "type": "multi_static_select",
                "selected_options": [{"text": {"type": "plain_text", "text": d}, "value": d} for d in departments],
            }
        },
    }
    for block, value in extra.items():
        values[block] = {block: value}
    return values


def test_forged_view_submission_from_a_non_admin_is_refused(
    admin_app: HttpApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="handlers.admin")
    before = _counts(admin_app)
    resp = admin_app.driver.post_interaction(_submission(EMPLOYEE, _values()))
    body = json.loads(resp.body)
    assert body["response_action"] == "errors" and "admins" in body["errors"][WaveField.NAME.value]
    assert _counts(admin_app) == before
    assert any(r.levelno == logging.WARNING and EMPLOYEE in r.getMessage() for r in caplog.records)


def test_forged_option_load_from_a_non_admin_gets_nothing(admin_app: HttpApp) -> None:
    def suggestion(user: str) -> dict:
        return {
            "type": "block_suggestion",
            "user": {"id": user, "username": user.lower(), "team_id": "T111"},
            "team": {"id": "T111", "domain": "test"},
            "api_app_id": "A111",
            "token": "verification_token",
            "action_id": WaveField.DEPARTMENTS.value,
            "block_id": WaveField.DEPARTMENTS.value,
            "value": "sa",
            "view": {"id": "V1", "type": "modal", "callback_id": AdminView.WAVE_EDITOR.value},
        }

    refused = json.loads(admin_app.driver.post_interaction(suggestion(EMPLOYEE)).body)
    assert refused == {"options": []}
    allowed = json.loads(admin_app.driver.post_interaction(suggestion(ADMIN)).body)
    assert [o["value"] for o in allowed["options"]] == ["Sales"]


def test_modal_input_is_validated_with_field_level_errors(admin_app: HttpApp) -> None:
    _draft(admin_app)
    values = _values(
        name="Pilot",
        departments=(),
        **{
            WaveField.CHANGE_DAYS.value: {"type": "number_input", "value": "0"},
            WaveField.START_DATE.value: {"type": "datepicker", "selected_date": "2000-01-01"},
            WaveField.PURPOSE.value: {"type": "plain_text_input", "value": "Why we change"},
        },
    )
    body = json.loads(admin_app.driver.post_interaction(_submission(ADMIN, values)).body)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {
        WaveField.NAME.value,  # "Pilot" is taken
        WaveField.DEPARTMENTS.value,  # no members chosen
        WaveField.CHANGE_DAYS.value,
        WaveField.START_DATE.value,
        WaveField.SPONSOR.value,  # a purpose message needs its sponsor
    }
    assert _counts(admin_app)[0] == 1


def test_admin_opens_a_valid_wave_editor(admin_app: HttpApp, fake: FakeSlack) -> None:
    wave_id = _draft(admin_app)
    admin_app.driver.post_interaction(block_actions(ADMIN, AdminAction.WAVE_EDIT.value, str(wave_id), view=HOME))
    modal = fake.wait_for("views.open")[0].args["view"]
    View(**modal).validate_json()
    assert modal["callback_id"] == AdminView.WAVE_EDITOR.value
    assert json.loads(modal["private_metadata"]) == {"wave_id": wave_id, "adjust": False}
    name = next(b for b in modal["blocks"] if b["block_id"] == WaveField.NAME.value)
    assert name["element"]["initial_value"] == "Pilot"


@pytest.mark.parametrize(
    ("values", "meta", "field", "says"),
    [
        (
            _values(**{WaveField.START_DATE.value: {"type": "datepicker", "selected_date": "2099-13-45"}}),
            None,
            WaveField.START_DATE,
            "Pick a date",
        ),
        (
            _values(**{WaveField.USERS.value: {"type": "multi_users_select", "selected_users": [7, None]}}),
            None,
            WaveField.USERS,
            "Choose people",
        ),
        (_values(**{WaveField.NAME.value: {"type": "plain_text_input", "value": ["x"]}}), None, WaveField.NAME, "read"),
        (_values(), "not json{", WaveField.NAME, "could not be read"),
        (_values(), json.dumps([1]), WaveField.NAME, "could not be read"),
        (_values(), json.dumps({"wave_id": "1; drop"}), WaveField.NAME, "could not be read"),
    ],
)
def test_a_wave_editor_submission_it_cannot_read_gets_a_field_error_and_saves_nothing(
    admin_app: HttpApp, values: dict, meta: str | None, field: WaveField, says: str
) -> None:
    before = _counts(admin_app)
    payload = _submission(ADMIN, values)
    if meta is not None:
        payload["view"]["private_metadata"] = meta
    resp = admin_app.driver.post_interaction(payload)
    assert resp.status == 200
    body = json.loads(resp.body)
    assert body["response_action"] == "errors" and says in body["errors"][field.value]
    assert _counts(admin_app) == before


def test_a_sponsor_or_person_slack_does_not_know_gets_a_field_error_and_saves_nothing(
    admin_app: HttpApp, fake: FakeSlack
) -> None:
    fake.add_user("U0GONE001", name="gone", tz="UTC", deleted=True)
    fake.add_user("U0JAADMIN", name="jun", tz="Asia/Tokyo", locale="ja-JP", is_admin=True, title="IT")
    sync_people(admin_app.deps, DepartmentRule(profile_field="title"))
    before = _counts(admin_app)
    values = _values(
        **{
            WaveField.SPONSOR.value: {"type": "users_select", "selected_user": "U0NOSUCH1"},
            WaveField.USERS.value: {"type": "multi_users_select", "selected_users": ["U0SALES00", "U0GONE001"]},
        }
    )
    resp = admin_app.driver.post_interaction(_submission(ADMIN, values))
    assert resp.status == 200
    body = json.loads(resp.body)
    assert body["response_action"] == "errors", body
    assert "U0NOSUCH1 is not a person in this Slack workspace" in body["errors"][WaveField.SPONSOR.value]
    assert "U0GONE001 is deactivated in Slack" in body["errors"][WaveField.USERS.value]
    assert "U0SALES00" not in json.dumps(body["errors"])  # a real, active person passes
    assert {c.args.get("user") for c in fake.calls_to("users.info")} >= {"U0NOSUCH1", "U0GONE001"}
    assert _counts(admin_app) == before
    # The same field errors in the admin's language.
    ja = json.loads(admin_app.driver.post_interaction(_submission("U0JAADMIN", values)).body)
    assert "ワークスペースのメンバーではありません" in ja["errors"][WaveField.SPONSOR.value]
    assert "無効化されています" in ja["errors"][WaveField.USERS.value]
    # With real people the same editor saves the wave.
    values[WaveField.SPONSOR.value] = {WaveField.SPONSOR.value: {"type": "users_select", "selected_user": ADMIN}}
    values[WaveField.USERS.value][WaveField.USERS.value]["selected_users"] = ["U0SALES00"]
    saved = admin_app.driver.post_interaction(_submission(ADMIN, values))
    assert saved.status == 200 and not saved.body.strip(), saved.body
    wait_until(lambda: _counts(admin_app)[0] == before[0] + 1)
