"""The feedback gate through the wire: the question names the wave and its goal (en/ja), a rating and an
optional comment (a modal from the DM) are counted once, long comments are trimmed with a clear message,
malformed submissions get field errors, and the admin Home shows the round at the gate and in the history."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.domain.answers import COMMENT_MAX
from bot.flows.people import sync_people
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, view_submission
from bot.views.ids import AdminAction, AnswerAction, AnswerView
from models import Person, PulseResponse
from nudges.worker import DeliveryWorker
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.e2e.test_admin_wave_flow import ADMIN, START, _click, _rating_buttons, _submit_wave, _tick, _wave

JA, EN, EN2 = "U0GATEJA1", "U0GATEEN1", "U0GATEEN2"
GOAL = "cut order lead time by 20%"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def gate(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    """A pilot of three in Tokyo (one reads Japanese), walked to its feedback gate; the questions delivered."""
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True, title="IT")
    fake.add_user(JA, name="hana", real_name="Hana", tz="Asia/Tokyo", locale="ja-JP", title="Sales")
    fake.add_user(EN, name="emma", real_name="Emma", tz="Asia/Tokyo", locale="en-US", title="Sales")
    fake.add_user(EN2, name="eli", real_name="Eli", tz="Asia/Tokyo", locale="en-US", title="Sales")
    with http_app(fake, sqlite_url, clock=clock) as app:
        sync_people(app.deps, DepartmentRule(profile_field="title"))
        _submit_wave(app, fake, "Pilot", ["Sales"])
        _click(app, AdminAction.WAVE_START, str(_wave(app, "Pilot").id))
        wait_until(lambda: _wave(app, "Pilot").state == "active", timeout=15)
        worker = DeliveryWorker(app.deps)
        worker.tick(budget_seconds=10)  # the welcomes
        for days in (2, 7, 5):
            _tick(app, clock, days)
        assert _wave(app, "Pilot").phase == "feedback"
        worker.tick(budget_seconds=10)  # the questions
        yield app


def _question(fake: FakeSlack, uid: str) -> dict:
    return next(m for m in fake.messages_in(fake.dm_channel(uid)) if _rating_buttons(m))


def _button(message: dict, action_id: str) -> dict:
    return next(
        el
        for block in message["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el["action_id"] == action_id
    )


def _press(app: HttpApp, fake: FakeSlack, uid: str, button: dict) -> dict:
    """Click a button on Coach's DM; the reply Coach sent to the click's response_url."""
    url = fake.response_url("actions")
    payload = block_actions(uid, button["action_id"], button["value"], response_url=url)
    assert app.driver.post_interaction(payload).status == 200
    path = url.split("://", 1)[1].split("/", 1)[1]
    return wait_until(lambda: next((c.args for c in fake.calls_to("response_url") if path in c.args["path"]), None))


def _open_modal(app: HttpApp, fake: FakeSlack, uid: str) -> dict:
    fake.reset_calls()
    _press_no_reply(app, uid, _button(_question(fake, uid), AnswerAction.COMMENT))
    modal = fake.wait_for("views.open", timeout=15)[0].args["view"]
    View(**modal).validate_json()
    return modal


def _press_no_reply(app: HttpApp, uid: str, button: dict) -> None:
    payload = block_actions(uid, button["action_id"], button["value"], response_url="http://127.0.0.1:9/none")
    assert app.driver.post_interaction(payload).status == 200


def _submit(app: HttpApp, uid: str, modal: dict, values: dict, metadata: str | None = None) -> dict:
    resp = app.driver.post_interaction(
        view_submission(
            uid,
            modal["callback_id"],
            values,
            modal["private_metadata"] if metadata is None else metadata,
            blocks=modal["blocks"],
        )
    )
    assert resp.status == 200, resp.body
    return json.loads(resp.body)


def _values(*, score: str | None = None, comment: str | None = None, show_name: bool = False) -> dict:
    values: dict = {AnswerView.TEXT: {AnswerView.TEXT: {"type": "plain_text_input", "value": comment}}}
    if score is not None:
        values[AnswerView.SCORE] = {
            AnswerView.SCORE: {"type": "radio_buttons", "selected_option": {"value": score, "text": {}}}
        }
    chosen = [{"value": "show"}] if show_name else []
    values[AnswerView.SHOW_NAME] = {AnswerView.SHOW_NAME: {"type": "checkboxes", "selected_options": chosen}}
    return values


def _answers(app: HttpApp) -> dict[str, PulseResponse]:
    with session_scope(app.deps.session_factory) as s:
        rows = s.execute(
            select(Person.slack_user_id, PulseResponse)
            .join(Person, Person.id == PulseResponse.person_id)
            .where(PulseResponse.kind == "feedback")
        ).all()
    return {uid: row for uid, row in rows}


def test_the_question_names_the_wave_and_its_goal_in_each_language(gate: HttpApp, fake: FakeSlack) -> None:
    ja, en = _question(fake, JA)["text"], _question(fake, EN)["text"]
    assert "「Pilot」" in ja and f"「{GOAL}」" in ja and "hanaさん" in ja
    assert "*Pilot*" in en and GOAL in en and "emma" in en
    for text in (ja, en):
        assert "{" not in text and "**" not in text and "「」" not in text
        assert "lesson" not in text and "レッスン" not in text
    assert _button(_question(fake, EN), AnswerAction.COMMENT)["text"]["text"] == "Add a comment"
    assert _button(_question(fake, JA), AnswerAction.COMMENT)["text"]["text"] == "コメントを書く"


def test_a_rating_then_a_comment_counted_once(gate: HttpApp, fake: FakeSlack) -> None:
    app = gate
    four = _rating_buttons(_question(fake, JA))[3]
    reply = _press(app, fake, JA, four)
    assert reply["replace_original"] is True and "4/5" in reply["text"]
    assert _button(reply, AnswerAction.COMMENT)  # the comment stays one click away
    again = _press(app, fake, JA, _rating_buttons(_question(fake, JA))[4])
    assert again["response_type"] == "ephemeral" and again["replace_original"] is False
    assert "すでに受け付けています" in again["text"]
    assert _answers(app)[JA].score == 4

    modal = _open_modal(app, fake, JA)
    assert AnswerView.SCORE not in {b.get("block_id") for b in modal["blocks"]}, "already rated"
    done = _submit(app, JA, modal, _values(comment="  とても良い 🎉  ", show_name=True))
    assert done["response_action"] == "update" and "回答を受け付けました" in json.dumps(done, ensure_ascii=False)
    answer = _answers(app)[JA]
    assert (answer.score, answer.comment, answer.show_name) == (4, "とても良い 🎉", True)
    assert (answer.department, answer.round, answer.stage) == ("Sales", 1, 0)

    # A second comment, or another click on "Add a comment", changes nothing and says so privately.
    again = _submit(app, JA, modal, _values(comment="もう一つ"))
    assert "すでに受け付けています" in json.dumps(again, ensure_ascii=False)
    url = fake.response_url("actions")
    button = _button(_question(fake, JA), AnswerAction.COMMENT)
    app.driver.post_interaction(block_actions(JA, button["action_id"], button["value"], response_url=url))
    wait_until(lambda: any("すでに" in c.args.get("text", "") for c in fake.calls_to("response_url")))
    assert _answers(app)[JA].comment == "とても良い 🎉"


def test_the_modal_asks_for_a_rating_trims_long_comments_and_refuses_malformed_values(
    gate: HttpApp, fake: FakeSlack
) -> None:
    app = gate
    modal = _open_modal(app, fake, EN)
    assert AnswerView.SCORE in {b.get("block_id") for b in modal["blocks"]}, "no rating yet: the modal asks"
    missing = _submit(app, EN, modal, _values(comment="no number"))
    assert missing["response_action"] == "errors" and AnswerView.SCORE in missing["errors"]
    bad = _submit(app, EN, modal, _values(score="7", comment="x"))
    assert bad["errors"] == {AnswerView.SCORE: "Choose a number from 1 to 5."}
    stale = _submit(app, EN, modal, _values(score="2"), metadata="{not json")
    assert stale["response_action"] == "errors" and AnswerView.TEXT in stale["errors"]
    forged = _submit(app, EN, modal, {AnswerView.TEXT: {AnswerView.TEXT: {"value": {"x": 1}}}})
    assert forged["response_action"] == "errors"
    assert EN not in _answers(app)

    done = _submit(app, EN, modal, _values(score="2", comment="a" * 10_000))
    text = json.dumps(done)
    assert done["response_action"] == "update" and "10,000 characters" in text and "first 2,000" in text
    answer = _answers(app)[EN]
    assert (answer.score, len(answer.comment or ""), answer.show_name) == (2, COMMENT_MAX, False)

    emoji = _open_modal(app, fake, EN2)
    assert _submit(app, EN2, emoji, _values(score="5", comment="👍"))["response_action"] == "update"
    assert _answers(app)[EN2].comment == "👍"


def _home_with(fake: FakeSlack, text: str) -> str:
    def latest() -> str | None:
        views = [json.dumps(c.args["view"], ensure_ascii=False) for c in fake.calls_to("views.publish")]
        return next((v for v in reversed(views) if text in v), None)

    return str(wait_until(latest, timeout=15))


def test_the_admin_reads_the_round_at_the_gate_and_in_the_history(
    gate: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    app = gate
    _press(app, fake, JA, _rating_buttons(_question(fake, JA))[3])
    _submit(app, JA, _open_modal(app, fake, JA), _values(comment="とても良い 🎉", show_name=True))
    _submit(app, EN, _open_modal(app, fake, EN), _values(score="2", comment="too many channels"))
    pilot = _wave(app, "Pilot")

    fake.reset_calls()
    app.driver.post_event(event_callback(app_home_opened(ADMIN)))
    home = _home_with(fake, "Feedback (gate round 1)")
    assert "*Feedback (gate round 1)*: 2/3 answered · average 3.0/5 · 1:0 2:1 3:0 4:1 5:0 · 2 comments" in home
    assert f"> とても良い 🎉 — <@{JA}>" in home
    assert "> too many channels — _anonymous_" in home and f"<@{EN}>" not in home

    # Extend: a week more, then the gate opens again (round 2); round 1 moves into the history.
    _click(app, AdminAction.WAVE_EXTEND, f"{pilot.id}:7")
    wait_until(lambda: _wave(app, "Pilot").phase == "refreeze", timeout=15)
    _tick(app, clock, 7)
    assert (_wave(app, "Pilot").phase, _wave(app, "Pilot").feedback_round) == ("feedback", 2)
    DeliveryWorker(app.deps).tick(budget_seconds=10)
    second = [m for m in fake.messages_in(fake.dm_channel(EN2)) if _rating_buttons(m)][-1]
    _press(app, fake, EN2, _rating_buttons(second)[4])
    fake.reset_calls()
    app.driver.post_event(event_callback(app_home_opened(ADMIN)))
    home = _home_with(fake, "Feedback (gate round 2)")
    assert "*Feedback (gate round 2)*: 1/3 answered · average 5.0/5" in home
    assert "Gate round 1: 2/3 answered · average 3.0/5" in home

    # Advance: the wave completes; both rounds stay in its history, with the last round's numbers.
    _click(app, AdminAction.WAVE_ADVANCE, str(pilot.id))
    wait_until(lambda: _wave(app, "Pilot").state == "completed", timeout=15)
    fake.reset_calls()
    app.driver.post_event(event_callback(app_home_opened(ADMIN)))
    home = _home_with(fake, "Feedback history")
    assert "Gate round 2: 1/3 answered" in home and "Gate round 1: 2/3 answered" in home
    assert "Feedback (gate round" not in home
