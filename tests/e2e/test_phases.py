"""The method, phase by phase, through the wire on a simulated clock (docs/method.md, nudges/phases.py).

The admin creates and starts a wave from the Home tab; the scheduler's ticks (wave phases, planning,
delivery) run as the clock moves; what each member receives is read from the fake Slack's DMs, and the
admin's decision at the gate is a click on the button Coach published.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.clock import ManualClock
from bot.db import session_scope
from bot.flows.people import sync_people
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, view_submission
from bot.views.ids import AdminAction, AdminView, WaveField
from models import NudgeDelivery, Person, PulseResponse, Wave
from nudges.outbox import enqueue, outbox_key
from nudges.reconcile import nudge_id_of
from nudges.ticks import deliver_nudges, plan_nudges
from nudges.wave_jobs import advance_wave_phases
from tests.e2e.harness import HttpApp, http_app, wait_until

ADMIN = "U0ADMIN01"
START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 10:00 in Tokyo
HOME = {"id": "V0HOME001", "type": "home", "blocks": [], "private_metadata": "", "callback_id": ""}
AKI, BEN = "U0SALES01", "U0SALES02"
NEW_STAGE = {"next_use_case", "training", "reengage"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    fake.add_user(AKI, name="aki", real_name="Aki", tz="Asia/Tokyo", locale="ja-JP", title="Sales")
    fake.add_user(BEN, name="ben", real_name="Ben", tz="Asia/Tokyo", locale="en-US", title="Sales")
    with http_app(fake, sqlite_url, clock=clock) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        yield app


def _field(block: WaveField, value: dict) -> dict:
    return {block.value: {block.value: value}}


def _wave_values(name: str, change_days: int = 7) -> dict:
    sales = {"text": {"type": "plain_text", "text": "Sales"}, "value": "Sales"}
    return {
        **_field(WaveField.NAME, {"type": "plain_text_input", "value": name}),
        **_field(WaveField.GOAL, {"type": "plain_text_input", "value": "answer customers in one day"}),
        **_field(WaveField.SPONSOR, {"type": "users_select", "selected_user": ADMIN}),
        **_field(WaveField.PURPOSE, {"type": "plain_text_input", "value": "Orders move to Slack."}),
        **_field(WaveField.DEPARTMENTS, {"type": "multi_static_select", "selected_options": [sales]}),
        **_field(WaveField.UNFREEZE_DAYS, {"type": "number_input", "value": "2"}),
        **_field(WaveField.CHANGE_DAYS, {"type": "number_input", "value": str(change_days)}),
        **_field(WaveField.REFREEZE_DAYS, {"type": "number_input", "value": "5"}),
    }


def _submit_editor(
    app: HttpApp, fake: FakeSlack, action: AdminAction, value: str, name: str, change_days: int = 7
) -> None:
    """Click a Home button that opens the wave editor, then submit the modal Slack opened."""
    fake.reset_calls()
    app.driver.post_interaction(block_actions(ADMIN, action.value, value, view=HOME))
    modal = fake.wait_for("views.open", timeout=15)[0].args["view"]
    resp = app.driver.post_interaction(
        view_submission(
            ADMIN,
            AdminView.WAVE_EDITOR.value,
            _wave_values(name, change_days),
            modal["private_metadata"],
            blocks=modal["blocks"],
        )
    )
    assert resp.status == 200 and resp.body in ("", "{}"), resp.body


def _wave(app: HttpApp) -> Wave:
    with session_scope(app.deps.session_factory) as s:
        wave = s.scalar(select(Wave))
        assert wave is not None
        return wave


def _click(app: HttpApp, action: AdminAction, value: str) -> None:
    assert app.driver.post_interaction(block_actions(ADMIN, action.value, value, view=HOME)).status == 200


def _start_pilot(app: HttpApp, fake: FakeSlack, *, change_days: int = 7) -> Wave:
    _submit_editor(app, fake, AdminAction.WAVE_NEW, "new", "Pilot", change_days)
    _click(app, AdminAction.WAVE_START, str(_wave(app).id))
    wait_until(lambda: _wave(app).state == "active", timeout=15)
    return _wave(app)


def _kind_of(app: HttpApp, message: dict) -> str:
    with session_scope(app.deps.session_factory) as s:
        return str(s.scalar(select(NudgeDelivery.kind).where(NudgeDelivery.id == nudge_id_of(message))))


class Watch:
    """Moves the clock and runs the scheduler's ticks; records each new DM as (user, kind, wave phase)."""

    def __init__(self, app: HttpApp, fake: FakeSlack, clock: ManualClock, *, engaged: bool = True) -> None:
        self.app, self.fake, self.clock, self.engaged = app, fake, clock, engaged
        self.seen: dict[str, int] = defaultdict(int)
        self.log: list[tuple[str, str, str, dict]] = []

    def run(self, days: float, *, step_hours: float = 6) -> list[tuple[str, str, str, dict]]:
        start = len(self.log)
        end = self.clock.now() + timedelta(days=days)
        while self.clock.now() < end:
            self.clock.advance(min(timedelta(hours=step_hours), end - self.clock.now()))
            advance_wave_phases(self.app.deps)
            plan_nudges(self.app.deps)
            deliver_nudges(self.app.deps)
            if self.engaged:  # members read and click what they get (the buttons: tests/e2e/test_nudges.py)
                with session_scope(self.app.deps.session_factory) as s:
                    s.execute(
                        update(NudgeDelivery)
                        .where(NudgeDelivery.state == "sent", NudgeDelivery.interacted_at.is_(None))
                        .values(interacted_at=self.clock.now())
                    )
            phase = _wave(self.app).phase
            for user in (AKI, BEN):
                messages = [m for m in self.fake.messages_in(user) if nudge_id_of(m) is not None]
                for message in messages[self.seen[user] :]:
                    self.log.append((user, _kind_of(self.app, message), phase, message))
                self.seen[user] = len(messages)
        return self.log[start:]

    def kinds(self, entries: list[tuple[str, str, str, dict]]) -> dict[str, set[str]]:
        by_phase: dict[str, set[str]] = defaultdict(set)
        for _, kind, phase, _ in entries:
            by_phase[phase].add(kind)
        return dict(by_phase)


def _reach_stage_one(app: HttpApp, at: datetime) -> None:
    """Both members finish stage 1 (their events do this in production; tests/e2e/test_journeys.py)."""
    with session_scope(app.deps.session_factory) as s:
        s.execute(
            update(Person).where(Person.slack_user_id.in_([AKI, BEN])).values(current_stage=1, stage_reached_at=at)
        )


def _queue_next_step(app: HttpApp, user: str, step: str) -> int:
    """A next-step nudge queued earlier and still waiting (deferred by the budget, say)."""
    with session_scope(app.deps.session_factory) as s:
        pid = s.scalar(select(Person.id).where(Person.slack_user_id == user))
        assert pid is not None
        key = outbox_key("next_use_case", pid, step, "queued-earlier")
        enqueue(s, person_id=pid, kind="next_use_case", idempotency_key=key, due_at=START, subject=step)
        s.execute(update(NudgeDelivery).where(NudgeDelivery.idempotency_key == key).values(created_at=START))
        return int(s.scalar(select(NudgeDelivery.id).where(NudgeDelivery.idempotency_key == key)) or 0)


def _row(app: HttpApp, row_id: int) -> NudgeDelivery:
    with session_scope(app.deps.session_factory) as s:
        row = s.get(NudgeDelivery, row_id)
        assert row is not None
        return row


def test_what_a_member_receives_in_each_phase(coach: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    _start_pilot(coach, fake)
    watch = Watch(coach, fake, clock)
    first_step = coach.deps.playbook.stages[0].required_keys[0]

    unfreeze = watch.run(2 - 0.01)
    assert _wave(coach).phase == "unfreeze"
    kinds = watch.kinds(unfreeze)
    assert kinds == {"unfreeze": {"welcome", "next_use_case"}}
    with session_scope(coach.deps.session_factory) as s:  # unfreeze asks for the first tiny step only
        subjects = set(s.scalars(select(NudgeDelivery.subject).where(NudgeDelivery.kind == "next_use_case")))
    assert subjects == {first_step}
    welcome = json.dumps(next(m for u, k, _, m in unfreeze if u == BEN and k == "welcome")["blocks"])
    unfreeze_content = coach.deps.playbook.phases.unfreeze
    assert "answer customers in one day" in welcome and unfreeze_content.intro.get("en")[:40] in welcome
    assert all(json.dumps(tip.get("en"))[1:-1] in welcome for tip in unfreeze_content.tips)

    change = watch.run(7)
    assert _wave(coach).phase == "change"
    assert {"next_use_case", "training"} <= watch.kinds(change)["change"] <= NEW_STAGE | {"reinforcement", "pulse"}
    tips = [tip.get("en") for tip in coach.deps.playbook.phases.change.tips]
    for _, _, _, m in [e for e in change if e[0] == BEN and e[1] in ("next_use_case", "training")]:
        assert any(json.dumps(tip)[1:-1] in json.dumps(m["blocks"]) for tip in tips)  # carries a change tip

    _reach_stage_one(coach, clock.now())
    refreeze = watch.run(5 - 0.2)
    assert _wave(coach).phase == "refreeze"
    assert watch.kinds(refreeze)["refreeze"] <= {"reinforcement", "pulse"}  # no new stage is pushed
    assert "reinforcement" in watch.kinds(refreeze)["refreeze"]

    gate = watch.run(6)
    assert _wave(coach).phase == "feedback"
    assert "feedback" in watch.kinds(gate)["feedback"]
    assert watch.kinds(gate)["feedback"] <= {"feedback", "reinforcement"}


def test_the_gate_holds_new_stage_nudges_until_the_admin_adjusts(
    coach: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    wave = _start_pilot(coach, fake)
    watch = Watch(coach, fake, clock)
    watch.run(2 + 7 + 5 + 0.2, step_hours=6)
    assert _wave(coach).phase == "feedback"
    step = coach.deps.playbook.stages[1].required_keys[0]
    held_id = _queue_next_step(coach, AKI, step)

    # The admin never decides: over two weeks of ticks nothing new-stage leaves, the row stays held; and no
    # pulse, although four weeks (the default pulse cadence) have passed since the members joined.
    gate = watch.run(16, step_hours=6)
    assert not {kind for _, kind, _, _ in gate} & (NEW_STAGE | {"pulse"})
    row = _row(coach, held_id)
    assert row.state == "held" and row.last_error == "held: the wave is at its feedback gate"
    with session_scope(coach.deps.session_factory) as s:
        planned = s.scalars(
            select(NudgeDelivery.kind).where(NudgeDelivery.created_at > START + timedelta(days=14.2))
        ).all()
    assert not set(planned) & (NEW_STAGE | {"pulse"})  # nor is any planned

    # The admin chooses Adjust (the editor opens; they save it): the wave runs change again, the row goes out.
    _submit_editor(coach, fake, AdminAction.WAVE_ADJUST, str(wave.id), "Pilot")
    wait_until(lambda: _wave(coach).phase == "change", timeout=15)
    assert _row(coach, held_id).state == "pending"
    assert _row(coach, held_id).last_error == "released: the admin chose adjust"
    after = watch.run(1, step_hours=3)
    assert _row(coach, held_id).state == "sent"
    title = coach.deps.playbook.use_case(step).title.get("ja")
    assert any(kind == "next_use_case" and title in m["text"] for user, kind, _, m in after if user == AKI)


def test_advance_drops_held_rows_with_the_reason(coach: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    wave = _start_pilot(coach, fake)
    watch = Watch(coach, fake, clock)
    watch.run(2 + 7 + 5 + 0.2, step_hours=6)
    held_id = _queue_next_step(coach, BEN, coach.deps.playbook.stages[1].required_keys[0])
    watch.run(1, step_hours=6)
    assert _row(coach, held_id).state == "held"

    _click(coach, AdminAction.WAVE_EXTEND, f"{wave.id}:7")  # Extend: more refreeze, still no new stage
    wait_until(lambda: _wave(coach).phase == "refreeze", timeout=15)
    assert _row(coach, held_id).state == "held"
    assert "still held after extend" in (_row(coach, held_id).last_error or "")
    extended = watch.run(7 + 0.2, step_hours=6)
    assert not {kind for _, kind, _, _ in extended} & NEW_STAGE
    assert _wave(coach).phase == "feedback" and _row(coach, held_id).state == "held"

    _click(coach, AdminAction.WAVE_ADVANCE, str(wave.id))
    wait_until(lambda: _wave(coach).state == "completed", timeout=15)
    row = _row(coach, held_id)
    assert row.state == "skipped"
    assert row.last_error == "held at the feedback gate; dropped: the admin chose advance, the wave is over"
    assert not {kind for _, kind, _, _ in watch.run(3, step_hours=6)} & NEW_STAGE


def test_a_paused_wave_plans_nothing_and_holds_until_it_resumes(
    coach: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    wave = _start_pilot(coach, fake)
    watch = Watch(coach, fake, clock)
    watch.run(3, step_hours=6)
    assert _wave(coach).phase == "change"
    held_id = _queue_next_step(coach, AKI, coach.deps.playbook.stages[1].required_keys[0])
    _click(coach, AdminAction.WAVE_PAUSE, str(wave.id))
    wait_until(lambda: _wave(coach).state == "paused", timeout=15)
    assert _row(coach, held_id).state == "held"
    assert watch.run(5, step_hours=6) == []  # nothing at all while paused
    _click(coach, AdminAction.WAVE_RESUME, str(wave.id))
    wait_until(lambda: _wave(coach).state == "active", timeout=15)
    assert _row(coach, held_id).state == "pending"
    watch.run(2, step_hours=3)
    assert _row(coach, held_id).state == "sent"
    assert json.dumps(_row(coach, held_id).last_error) == "null"


def _rate(app: HttpApp, fake: FakeSlack, user: str, message: dict, score: int) -> None:
    button = next(
        el
        for block in message["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el["action_id"] == f"nudge.rate.{score}"
    )
    before = len(fake.calls_to("response_url"))
    payload = block_actions(user, button["action_id"], button["value"], response_url=fake.response_url("actions"))
    assert app.driver.post_interaction(payload).status == 200
    wait_until(lambda: len(fake.calls_to("response_url")) > before, timeout=15)


def test_a_pulse_every_four_weeks_stored_with_stage_department_and_wave(
    coach: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    wave = _start_pilot(coach, fake, change_days=90)
    watch = Watch(coach, fake, clock)
    first_month = watch.run(28 - 0.5, step_hours=12)
    assert "pulse" not in {kind for _, kind, _, _ in first_month}
    month = watch.run(7)
    pulses = [(user, m) for user, kind, _, m in month if kind == "pulse"]
    assert sorted(user for user, _ in pulses) == [AKI, BEN]
    texts = {user: m["text"] for user, m in pulses}
    assert "how well is Slack working for you?" in texts[BEN]
    assert "Slackはあなたの仕事にどのくらい役立っていますか" in texts[AKI]
    assert "{" not in texts[AKI] + texts[BEN]
    # the answer carries who they were at that moment
    with session_scope(coach.deps.session_factory) as s:
        s.execute(update(Person).where(Person.slack_user_id == BEN).values(current_stage=2))
    _rate(coach, fake, BEN, dict(pulses)[BEN], 4)
    with session_scope(coach.deps.session_factory) as s:
        [answer] = s.scalars(select(PulseResponse)).all()
        assert (answer.kind, answer.score, answer.stage, answer.department, answer.wave_id) == (
            "pulse", 4, 2, "Sales", wave.id,
        )  # fmt: skip
        assert answer.comment is None
    # the next one is four weeks on, not sooner
    assert "pulse" not in {kind for _, kind, _, _ in watch.run(21, step_hours=12)}


def test_a_pulse_after_a_new_stage_once(coach: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    _start_pilot(coach, fake, change_days=60)
    watch = Watch(coach, fake, clock)
    watch.run(3, step_hours=6)
    reached = clock.now()
    _reach_stage_one(coach, reached)
    after = watch.run(14)
    pulses = [(user, m) for user, kind, _, m in after if kind == "pulse"]
    assert sorted(user for user, _ in pulses) == [AKI, BEN]  # once each
    with session_scope(coach.deps.session_factory) as s:
        rows = s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "pulse")).all()
    assert all(reached + timedelta(days=3) <= r.sent_at <= reached + timedelta(days=14) for r in rows)
    assert {tuple(r.idempotency_key.split(":")[2:]) for r in rows} == {("stage", "1")}
