"""A whole wave through the wire on a simulated clock:
create (modal) → start → welcome outreach → progress → feedback gate → answers → advance → next wave starts.

Welcome DMs are asserted as outbox rows with their idempotency keys: the delivery worker that turns
outbox rows into DMs belongs to the nudges issue and is exercised there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.views import View
from sqlalchemy import insert, select, update

from bot.clock import ManualClock
from bot.db import session_scope
from bot.flows.people import sync_people
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, view_submission
from bot.views.ids import AdminAction, AdminView, WaveField
from bot.views.wave_modals import wave_editor_modal
from models import AuditEntry, DailyActivity, NudgeDelivery, Person, PulseResponse, Wave, WaveMembership
from nudges.wave_jobs import advance_wave_phases
from nudges.worker import DeliveryWorker
from tests.e2e.harness import HttpApp, http_app, wait_until

ADMIN = "U0ADMIN01"
START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 10:00 in Tokyo, where Sales works
HOME = {"id": "V0HOME001", "type": "home", "blocks": [], "private_metadata": "", "callback_id": ""}
SALES = [f"U0SALES0{i}" for i in range(4)]
OPS = [f"U0OPS000{i}" for i in range(3)]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def running(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    for uid in SALES:
        fake.add_user(uid, name=uid.lower(), real_name=uid, tz="Asia/Tokyo", locale="ja-JP", title="Sales")
    for uid in OPS:
        fake.add_user(uid, name=uid.lower(), real_name=uid, tz="Europe/London", locale="en-GB", title="Ops")
    fake.add_usergroup("S0LEGAL01", "legal-pilot", ["U0BOB0001"])
    with http_app(fake, sqlite_url, clock=clock) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        yield app


def _field(block: WaveField, value: dict) -> dict:
    return {block.value: {block.value: value}}


def _options(*values: str) -> dict:
    return {
        "type": "multi_static_select",
        "selected_options": [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values],
    }


def _submit_wave(app: HttpApp, fake: FakeSlack, name: str, departments: list[str], **more: dict) -> None:
    """Click "New wave" on the Home tab, then submit the modal Slack opened, as Slack would send it."""
    fake.reset_calls()
    app.driver.post_interaction(block_actions(ADMIN, AdminAction.WAVE_NEW.value, "new", view=HOME))
    modal = fake.wait_for("views.open", timeout=15)[0].args["view"]
    View(**modal).validate_json()
    values = {
        **_field(WaveField.NAME, {"type": "plain_text_input", "value": name}),
        **_field(WaveField.GOAL, {"type": "plain_text_input", "value": "cut order lead time by 20%"}),
        **_field(WaveField.SPONSOR, {"type": "users_select", "selected_user": ADMIN}),
        **_field(WaveField.PURPOSE, {"type": "plain_text_input", "value": "Orders move to Slack."}),
        **_field(WaveField.DEPARTMENTS, _options(*departments)),
        **_field(WaveField.UNFREEZE_DAYS, {"type": "number_input", "value": "2"}),
        **_field(WaveField.CHANGE_DAYS, {"type": "number_input", "value": "7"}),
        **_field(WaveField.REFREEZE_DAYS, {"type": "number_input", "value": "5"}),
    }
    for key, value in more.items():
        values.update(_field(WaveField(key), value))
    resp = app.driver.post_interaction(
        view_submission(ADMIN, AdminView.WAVE_EDITOR.value, values, modal["private_metadata"], blocks=modal["blocks"])
    )
    assert resp.status == 200 and resp.body in ("", "{}"), resp.body  # a plain ack closes the modal


def _wave(app: HttpApp, name: str) -> Wave:
    with session_scope(app.deps.session_factory) as s:
        wave = s.scalar(select(Wave).where(Wave.name == name))
        assert wave is not None
        return wave


def _keys(app: HttpApp, kind: str) -> set[str]:
    with session_scope(app.deps.session_factory) as s:
        return set(s.scalars(select(NudgeDelivery.idempotency_key).where(NudgeDelivery.kind == kind)))


def _person_ids(app: HttpApp, slack_ids: list[str]) -> dict[str, int]:
    with session_scope(app.deps.session_factory) as s:
        rows = s.execute(select(Person.slack_user_id, Person.id).where(Person.slack_user_id.in_(slack_ids)))
        return {uid: pid for uid, pid in rows}


def _click(app: HttpApp, action: AdminAction, value: str) -> None:
    app.driver.post_interaction(block_actions(ADMIN, action.value, value, view=HOME))


def _published_home_with(fake: FakeSlack, text: str) -> dict | None:
    views = [c.args["view"] for c in fake.calls_to("views.publish")]
    return next((v for v in reversed(views) if text in json.dumps(v)), None)


def _rating_buttons(message: dict) -> list[dict]:
    return [
        el
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for el in block["elements"]
        if el.get("action_id", "").startswith("nudge.rate")
    ]


def _tick(app: HttpApp, clock: ManualClock, days: float) -> None:
    clock.advance(timedelta(days=days))
    advance_wave_phases(app.deps)


def test_a_whole_wave_from_modal_to_the_next_wave(running: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    app = running
    # 1. Create the pilot (Sales + a user group) and the next wave (Ops, planned for later) in the modal.
    _submit_wave(app, fake, "Pilot", ["Sales"], **{WaveField.USERGROUPS.value: _options("S0LEGAL01")})
    # The editor only shows a user-group selector when the workspace has groups; it does here.
    later = (START + timedelta(days=60)).date().isoformat()
    _submit_wave(
        app, fake, "Ops", ["Ops"], **{WaveField.START_DATE.value: {"type": "datepicker", "selected_date": later}}
    )
    pilot, ops = _wave(app, "Pilot"), _wave(app, "Ops")
    assert (pilot.state, ops.state) == ("draft", "scheduled")
    assert pilot.goal == "cut order lead time by 20%" and pilot.sponsor_user_id == ADMIN

    # 2. Start the pilot from the Home tab: members enrolled, one welcome each in the outbox.
    fake.reset_calls()
    _click(app, AdminAction.WAVE_START, str(pilot.id))
    wait_until(lambda: _wave(app, "Pilot").state == "active", timeout=15)
    members = _person_ids(app, [*SALES, "U0BOB0001"])
    assert _keys(app, "welcome") == {f"welcome:{pid}:{pilot.id}" for pid in members.values()}
    # Earlier actions' Home refreshes may still arrive: wait for the one that shows the started pilot.
    home = wait_until(lambda: _published_home_with(fake, "5 members"), timeout=15)
    View(**home).validate_json()
    assert "Pilot" in json.dumps(home)
    # The scheduler's delivery tick sends each welcome once, with the sponsor's purpose, in working hours.
    worker = DeliveryWorker(app.deps)
    worker.tick(budget_seconds=10)
    worker.tick(budget_seconds=10)
    for uid in SALES:
        welcomes = [m for m in fake.messages_in(fake.dm_channel(uid)) if "Orders move to Slack." in m.get("text", "")]
        assert len(welcomes) == 1, uid

    # 4. The clock moves; the tick walks the phases and opens the feedback gate.
    _tick(app, clock, 1)
    assert _wave(app, "Pilot").phase == "unfreeze"
    _tick(app, clock, 1)
    assert _wave(app, "Pilot").phase == "change"
    _tick(app, clock, 7)
    assert _wave(app, "Pilot").phase == "refreeze"
    # 3. Progress: two members reach stage 2 and are active this week (events do this in production);
    #    a third was active only in the first week, which no longer counts.
    with session_scope(app.deps.session_factory) as s:
        ids = [members[u] for u in SALES[:2]]
        s.execute(update(Person).where(Person.id.in_(ids)).values(current_stage=2))
        today = clock.now().date()
        s.execute(insert(DailyActivity), [{"person_id": p, "day": today, "messages": 3} for p in ids])
        s.execute(insert(DailyActivity), [{"person_id": members[SALES[2]], "day": START.date(), "messages": 9}])
    _tick(app, clock, 5)
    pilot = _wave(app, "Pilot")
    assert (pilot.state, pilot.phase, pilot.feedback_round) == ("active", "feedback", 1)
    assert _keys(app, "feedback") == {f"feedback:{pid}:{pilot.id}:1" for pid in members.values()}

    # 5. Members get the feedback question in their DM and answer with its one-click buttons.
    worker.tick(budget_seconds=10)
    for uid, score in ((SALES[0], 4), (SALES[1], 5), (SALES[2], 2)):
        question = next(m for m in fake.messages_in(fake.dm_channel(uid)) if _rating_buttons(m))
        button = _rating_buttons(question)[score - 1]
        payload = block_actions(uid, button["action_id"], button["value"], response_url=fake.response_url("actions"))
        assert app.driver.post_interaction(payload).status == 200
    wait_until(lambda: len(fake.calls_to("response_url")) >= 3, timeout=15)
    with session_scope(app.deps.session_factory) as s:
        scores = sorted(s.scalars(select(PulseResponse.score).where(PulseResponse.kind == "feedback")))
    assert scores == [2, 4, 5]

    # 6. The admin sees the answers and the wave's numbers at the gate.
    fake.reset_calls()
    app.driver.post_event(event_callback(app_home_opened(ADMIN)))
    gate_view = json.dumps(
        wait_until(lambda: _published_home_with(fake, "Feedback gate"), timeout=15), ensure_ascii=False
    )
    assert (
        "Feedback gate" in gate_view
        and "Feedback (gate round 1)*: 3/5 answered" in gate_view
        and "average 3.7/5" in gate_view
    )
    assert "Ignition 40%" in gate_view  # 2 of 5 active at stage ≥ 2
    assert AdminAction.WAVE_ADVANCE.value in gate_view

    # 7. Advance: the pilot completes and the next wave starts now, with its own welcomes.
    _click(app, AdminAction.WAVE_ADVANCE, str(pilot.id))
    wait_until(lambda: _wave(app, "Ops").state == "active", timeout=15)
    View(**fake.wait_for("views.publish", count=2, timeout=15)[-1].args["view"]).validate_json()  # refreshed Home
    assert _wave(app, "Pilot").state == "completed"
    ops_members = _person_ids(app, OPS)
    assert {k for k in _keys(app, "welcome") if k.endswith(f":{ops.id}")} == {
        f"welcome:{pid}:{ops.id}" for pid in ops_members.values()
    }
    with session_scope(app.deps.session_factory) as s:
        running_pilot = s.scalars(
            select(WaveMembership).where(WaveMembership.wave_id == pilot.id, WaveMembership.running)
        ).all()
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert running_pilot == []
    assert actions[:3] == ["wave.create", "wave.create", "wave.start"]
    assert actions[-2:] == ["wave.advance", "wave.start"]
    assert actions.count("wave.phase") == 3  # change, refreeze, feedback


def test_the_editor_offers_workspace_departments_and_user_groups(running: HttpApp, fake: FakeSlack) -> None:
    running.driver.post_interaction(block_actions(ADMIN, AdminAction.WAVE_NEW.value, "new", view=HOME))
    modal = fake.wait_for("views.open")[0].args["view"]
    by_block = {b["block_id"]: b for b in modal["blocks"]}
    departments = [o["value"] for o in by_block[WaveField.DEPARTMENTS.value]["element"]["options"]]
    assert departments == ["IT", "Ops", "Sales"]
    groups = by_block[WaveField.USERGROUPS.value]["element"]["options"]
    assert [(g["text"]["text"], g["value"]) for g in groups] == [("@legal-pilot", "S0LEGAL01")]
    assert modal == json.loads(json.dumps(modal))
    assert wave_editor_modal(None, wave_id=None, departments=[], usergroups=[])["blocks"]
