"""Help routing through the wire: signed commands, clicks and modal submissions in; DMs, cards, posts out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, slash_command, view_submission
from bot.views.help import rate_action_id
from bot.views.ids import HelpAction, HelpView
from models import HelpRequest, HelpStep, Person, Role
from nudges.help_jobs import tick_help_requests
from tests.e2e.harness import HttpApp, http_app, wait_until
from tests.services.conftest import AMBASSADOR, ASKER, MONDAY_10_JST, seed_help_people

PRIMARY, BACKUP, HELPER = "U0ADMIN001", "U0ADMIN002", "U0HELPER01"
LOGIN = "My login password does not work since this morning"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10_JST)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    seed_help_people(fake)
    with http_app(fake, sqlite_url, clock=clock) as running:
        yield running


def command(app: HttpApp, fake: FakeSlack, text: str, user: str = ASKER) -> str:
    url = fake.response_url()
    assert app.driver.post_command(slash_command(text, user, response_url=url)).status == 200
    return url


def click(app: HttpApp, fake: FakeSlack, user: str, action_id: str, value: str) -> str:
    url = fake.response_url("actions")
    payload = block_actions(user, action_id, value, channel=fake.dm_channel(user), response_url=url)
    assert app.driver.post_interaction(payload).status == 200
    return url


def replied(fake: FakeSlack, text: str) -> bool:
    return any(text in json.dumps(c.args, ensure_ascii=False) for c in fake.calls_to("response_url"))


def request(app: HttpApp, request_id: int = 1) -> HelpRequest | None:
    with session_scope(app.deps.session_factory) as session:
        return session.get(HelpRequest, request_id)


def dm_texts(fake: FakeSlack, user: str) -> list[str]:
    return [m.get("text", "") for m in fake.messages_in(fake.dm_channel(user))]


def dm_has(fake: FakeSlack, user: str, text: str) -> bool:
    return any(text in t for t in dm_texts(fake, user))


def routed_to(app: HttpApp, owner: str, request_id: int = 1) -> HelpRequest:
    return wait_until(lambda: (r := request(app, request_id)) is not None and r.owner == owner and r.thread_ts and r)


def test_command_miss_routes_then_take_answer_solve_rate(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, f"help {LOGIN}")
    stored = routed_to(app, PRIMARY)
    wait_until(lambda: replied(fake, "sent your question to a person"))
    assert dm_has(fake, ASKER, f"<@{PRIMARY}>")
    card = fake.messages_in(fake.dm_channel(PRIMARY))[0]
    assert LOGIN in json.dumps(card["blocks"]) and card["ts"] == stored.thread_ts

    click(app, fake, PRIMARY, HelpAction.TAKE, "1")
    wait_until(lambda: dm_has(fake, ASKER, "is on your question now"))
    click(app, fake, PRIMARY, HelpAction.ANSWERED, "1")
    wait_until(lambda: dm_has(fake, ASKER, "Did it help?"))
    click(app, fake, ASKER, HelpAction.SOLVED, "1")
    wait_until(lambda: dm_has(fake, ASKER, "How helpful was the answer?"))
    click(app, fake, ASKER, rate_action_id(5), "1")
    wait_until(lambda: replied(fake, "Thanks for rating the help 5/5"))
    final = request(app)
    assert final is not None and (final.state, final.resolution, final.satisfaction) == ("closed", "solved", 5)
    assert dm_has(fake, PRIMARY, "confirmed it is solved")


def test_a_click_on_someone_elses_request_is_refused_politely(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, f"help {LOGIN}")
    routed_to(app, PRIMARY)
    click(app, fake, BACKUP, HelpAction.TAKE, "1")
    wait_until(lambda: replied(fake, "Thanks for offering! Help request #1 is with <@U0ADMIN001>"))
    click(app, fake, BACKUP, HelpAction.TAKE, "not-a-number")
    wait_until(lambda: replied(fake, "could not find that help request"))
    click(app, fake, BACKUP, rate_action_id(9), "1")
    wait_until(lambda: replied(fake, "Please pick a score") or replied(fake, "Only the person who asked"))
    stored = request(app)
    assert stored is not None and stored.state == "open" and stored.owner == PRIMARY


def test_faq_hit_shows_answers_first_then_a_person_when_still_needed(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, "help How do I get Slack on my phone?")
    wait_until(lambda: replied(fake, "App Store"))
    stored = request(app)
    assert stored is not None and stored.state == "faq" and stored.faq_shown >= 1
    click(app, fake, ASKER, HelpAction.FAQ_NEED_PERSON, "1")
    routed_to(app, PRIMARY)
    assert dm_has(fake, ASKER, "is with <@U0ADMIN001>")


def test_faq_hit_that_solved_it_closes_without_a_person(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, "help How do I get Slack on my phone?")
    wait_until(lambda: replied(fake, "App Store"))
    click(app, fake, ASKER, HelpAction.FAQ_SOLVED, "1")
    wait_until(lambda: replied(fake, "glad that solved it"))
    stored = request(app)
    assert stored is not None and (stored.state, stored.resolution) == ("closed", "faq")
    assert fake.messages_in(fake.dm_channel(PRIMARY)) == []


def test_help_button_opens_the_modal_which_validates_fields(app: HttpApp, fake: FakeSlack) -> None:
    click(app, fake, ASKER, HelpAction.OPEN, "")
    opened = fake.wait_for("views.open")[0].args["view"]
    View(**opened).validate_json()
    assert opened["callback_id"] == HelpView.ASK

    def submit(topic: str | None, question: str) -> dict[str, Any]:
        values = {
            HelpView.ASK_TOPIC: {
                HelpView.ASK_TOPIC: {"type": "static_select", "selected_option": {"value": topic} if topic else None}
            },
            HelpView.ASK_QUESTION: {HelpView.ASK_QUESTION: {"type": "plain_text_input", "value": question}},
        }
        resp = app.driver.post_interaction(view_submission(ASKER, HelpView.ASK, values))
        assert resp.status == 200
        return json.loads(resp.body) if resp.body else {}

    bad = submit(None, "   ")
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {HelpView.ASK_TOPIC, HelpView.ASK_QUESTION}
    assert submit("setup", LOGIN) == {}
    stored = routed_to(app, PRIMARY)
    assert stored.via == "modal" and stored.topic == "setup"


def test_hand_over_through_the_modal(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, f"help {LOGIN}")
    routed_to(app, PRIMARY)
    click(app, fake, BACKUP, HelpAction.HAND_OVER, "1")
    wait_until(lambda: replied(fake, "Thanks for offering"))
    assert fake.calls_to("views.open") == []
    click(app, fake, PRIMARY, HelpAction.HAND_OVER, "1")
    modal = fake.wait_for("views.open")[0].args["view"]
    View(**modal).validate_json()

    def submit(to_user: str | None) -> dict[str, Any]:
        values = {
            HelpView.HAND_OVER_TO: {HelpView.HAND_OVER_TO: {"type": "users_select", "selected_user": to_user}},
            HelpView.HAND_OVER_NOTE: {HelpView.HAND_OVER_NOTE: {"type": "plain_text_input", "value": "SSO expert"}},
        }
        payload = view_submission(PRIMARY, HelpView.HAND_OVER, values, modal["private_metadata"])
        resp = app.driver.post_interaction(payload)
        return json.loads(resp.body) if resp.body else {}

    assert submit(PRIMARY)["response_action"] == "errors"
    assert submit(ASKER)["errors"][HelpView.HAND_OVER_TO].startswith("This is their own question")
    assert submit(HELPER) == {}
    routed_to(app, HELPER)
    wait_until(lambda: dm_has(fake, ASKER, "handed over to <@U0HELPER01>"))
    assert "SSO expert" in json.dumps(fake.messages_in(fake.dm_channel(HELPER))[0]["blocks"])


def test_escalation_at_each_level_with_the_clock(app: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    with session_scope(app.deps.session_factory) as session:
        amb = Person(slack_user_id=AMBASSADOR, display_name="Amy", opted_out_kinds=[])
        asker = Person(slack_user_id=ASKER, display_name="Asa", department="Ops", opted_out_kinds=[])
        session.add_all([amb, asker])
        session.flush()
        session.add(Role(person_id=amb.id, role="ambassador", department="Ops"))
    command(app, fake, f"help {LOGIN}")
    routed_to(app, PRIMARY)
    for level, owner in ((1, BACKUP), (2, AMBASSADOR), (3, "#coach-admins")):
        clock.set(request(app).wake_at)  # type: ignore[union-attr,arg-type]  # the 75% reminder first
        tick_help_requests(app.deps)
        wait_until(lambda: dm_has(fake, request(app).owner, "Reminder"))  # type: ignore[union-attr]
        due = request(app).first_response_due  # type: ignore[union-attr]
        clock.set(due + timedelta(minutes=1))  # type: ignore[operator]
        tick_help_requests(app.deps)
        stored = request(app)
        assert stored is not None and stored.owner == owner and stored.level == level
    assert "needs a person" in fake.messages_in("C0ADMINS01")[0]["text"]
    assert sum("passed your question" in t for t in dm_texts(fake, ASKER)) == 3
    with session_scope(app.deps.session_factory) as session:
        kinds = session.scalars(select(HelpStep.kind).order_by(HelpStep.id)).all()
    assert kinds.count("escalated") == 3 and kinds.count("reminded") == 3


def test_out_of_hours_and_deactivated_contact(app: HttpApp, fake: FakeSlack, clock: ManualClock) -> None:
    fake.add_user(PRIMARY, name="gone", real_name="Gone", deleted=True)
    clock.advance(timedelta(days=5, hours=12))  # Saturday 22:00 in Tokyo
    command(app, fake, f"help {LOGIN}")
    stored = routed_to(app, BACKUP)
    assert stored.first_response_due == MONDAY_10_JST + timedelta(days=7, hours=3)  # next Monday 13:00 JST
    with session_scope(app.deps.session_factory) as session:
        notes = dict(session.execute(select(HelpStep.kind, HelpStep.note)).all())
    assert notes["skipped"] == "deactivated" and "outside business hours" in notes["assigned"]


def test_still_stuck_reopens_and_escalates(app: HttpApp, fake: FakeSlack) -> None:
    command(app, fake, f"help {LOGIN}")
    routed_to(app, PRIMARY)
    click(app, fake, PRIMARY, HelpAction.ANSWERED, "1")
    wait_until(lambda: dm_has(fake, ASKER, "Did it help?"))
    click(app, fake, ASKER, HelpAction.STILL_STUCK, "1")
    stored = routed_to(app, BACKUP)
    assert stored.reopen_count == 1 and stored.state == "open"
    wait_until(lambda: dm_has(fake, ASKER, "not solved yet"))


@pytest.mark.parametrize(
    ("method", "error"),
    [("conversations.open", "user_not_found"), ("chat.postMessage", "restricted_action")],
)
def test_unreachable_owner_moves_to_next_rung_and_asker_is_told_who_has_it(
    app: HttpApp, fake: FakeSlack, method: str, error: str
) -> None:
    fake.fail_next(method, error=error)
    command(app, fake, f"help {LOGIN}")
    routed_to(app, BACKUP)
    wait_until(lambda: replied(fake, "sent your question to a person"))
    texts = wait_until(lambda: (t := dm_texts(fake, ASKER)) and t)
    assert not any(f"<@{PRIMARY}>" in text for text in texts)  # never told the unreachable owner has it
    assert any(f"<@{BACKUP}>" in text and "could not reach" in text for text in texts)
    assert dm_texts(fake, PRIMARY) == []
