"""The champions network through the wire (issue 12 item 4, seed 001).

A small fixed workspace whose power users are computed by hand (the playbook's rule: at least 12 active days and
40 actions in the 28-day window): an ambassador lists them with `/coach チャンピオン`, clicks Invite on the
message Coach posted, the invitees find the DM and click Accept (the fake records `conversations.invite`) or
Decline (no re-invite for a while), a champion shares a tip via the button and its modal, an ambassador
celebrates someone in public, and the next weekly digests (ambassador and admin channel) show both stories.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions, slash_command, view_submission
from bot.views.ids import ChampionAction, ChampionView
from models import Champion, DailyActivity, NudgeDelivery, Person, Role, SuccessStory
from nudges.digest_jobs import queue_admin_digest, queue_ambassador_digests
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, wait_until

MONDAY = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # a Monday, 11:00 UTC: working hours and the digest's morning
ALICE, BOB = "U0ALICE01", "U0BOB0001"  # Alice: the Sales ambassador (ja); Bob: Sales, no role
PIA, QUINN, RON, SAM, WENDY = "U0PIA0001", "U0QUINN01", "U0RON0001", "U0SAM0001", "W111"
CHAMPS, ADMINS = "C0CHAMPS1", "C0ADMINS1"

# (user, department, active days in the window, actions per day) → by hand against 12 days and 40 actions:
ACTIVITY = [
    (PIA, "Sales", 14, 5),  # 14 days, 70 actions: a power user
    (QUINN, "Sales", 12, 4),  # 12 days, 48 actions: a power user (exactly the day threshold)
    (RON, "Sales", 11, 10),  # 11 days, 110 actions: too few days
    (SAM, "Sales", 20, 1),  # 20 days, 20 actions: too few actions
    (WENDY, "Marketing", 20, 10),  # a power user of another department: not Alice's to invite
]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, clock: ManualClock) -> Iterator[HttpApp]:
    for uid, name in [(PIA, "pia"), (QUINN, "quinn"), (RON, "ron"), (SAM, "sam")]:
        fake.add_user(uid, name=name, real_name=name.title(), tz="UTC", locale="en-US")
    fake.add_channel(CHAMPS, "coach-champions", [ALICE])
    fake.add_channel(ADMINS, "coach-admins", [])
    with http_app(fake, sqlite_url, clock=clock) as running:
        _seed(running)
        yield running
        time.sleep(0.3)  # let listeners still answering (after the ack) finish before the server stops


def _seed(app: HttpApp) -> None:
    with session_scope(app.deps.session_factory) as s:
        people = {}
        for uid, dept, loc in [(ALICE, "Sales", "ja"), (BOB, "Sales", "en")] + [
            (uid, dept, "en") for uid, dept, _, _ in ACTIVITY
        ]:
            people[uid] = Person(
                slack_user_id=uid, display_name=uid.lower(), department=dept, locale=loc, tz="UTC", opted_out_kinds=[]
            )
        s.add_all(people.values())
        s.flush()
        s.add(Role(person_id=people[ALICE].id, role="ambassador", department="Sales"))
        for uid, _, days, per_day in ACTIVITY:
            for n in range(days):
                day = (MONDAY - timedelta(days=n)).date()
                s.add(DailyActivity(person_id=people[uid].id, day=day, messages=per_day))


def run(app: HttpApp, fake: FakeSlack, text: str, user: str) -> dict[str, Any]:
    url = fake.response_url()
    resp = app.driver.post_command(slash_command(text, user, response_url=url))
    assert resp.status == 200 and resp.body == ""
    path = url[url.index("/hooks/") :]
    return wait_until(
        lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None), timeout=10
    )


def click(app: HttpApp, fake: FakeSlack, user: str, button: dict[str, Any], **extra: Any) -> dict[str, Any]:
    url = fake.response_url("actions")
    payload = block_actions(user, button["action_id"], button.get("value", ""), response_url=url, **extra)
    resp = app.driver.post_interaction(payload)
    assert resp.status == 200 and resp.elapsed < 1.0
    path = url[url.index("/hooks/") :]
    return wait_until(lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None))


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message.get("blocks", []):
        if block.get("type") == "section" and block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found.extend(e for e in block.get("elements", []) if e.get("type") == "button")
    return found


def button(message: dict[str, Any], action_id: str, value: str | None = None) -> dict[str, Any]:
    return next(b for b in buttons(message) if b["action_id"] == action_id and value in (None, b.get("value")))


def dm_to(fake: FakeSlack, user: str) -> dict[str, Any]:
    """The newest message Coach posted in the person's DM (addressed by its DM channel id or by the user id)."""
    where = {fake.workspace.im_for(user), user}
    return wait_until(
        lambda: next((c.args for c in reversed(fake.calls_to("chat.postMessage")) if c.args["channel"] in where), None)
    )


def test_ambassador_lists_invites_and_champions_answer_share_and_reach_the_digest(
    app: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    # Alice (Japanese) sees exactly the power users of Sales, computed by hand: Pia, then Quinn.
    listing = run(app, fake, "チャンピオン", ALICE)
    body = json.dumps(listing["blocks"], ensure_ascii=False)
    assert "パワーユーザー" in body and "#coach-champions" in body
    assert f"<@{PIA}> · Sales · 活動 14 日、操作 70 回 · 未招待" in body
    assert f"<@{QUINN}> · Sales · 活動 12 日、操作 48 回" in body
    assert RON not in body and SAM not in body and WENDY not in body
    assert body.index(PIA) < body.index(QUINN)  # most actions first
    assert [b["value"] for b in buttons(listing)] == [PIA, QUINN]

    # Invite on the message Coach posted: the invitee's DM arrives through the outbox, with Accept / Decline.
    sent = click(app, fake, ALICE, button(listing, ChampionAction.INVITE, PIA))
    assert f"<@{PIA}>" in sent["text"] and "招待を送りました" in sent["text"]
    invitation = dm_to(fake, PIA)
    assert f"<@{ALICE}>" in invitation["text"] and "#coach-champions" in invitation["text"]
    assert invitation["metadata"]["event_payload"]["kind"] == "champion_invite"
    again = click(app, fake, ALICE, button(listing, ChampionAction.INVITE, PIA))
    assert "すでに招待済み" in again["text"]
    click(app, fake, ALICE, button(listing, ChampionAction.INVITE, QUINN))
    quinn_dm = dm_to(fake, QUINN)
    with session_scope(app.deps.session_factory) as s:
        kinds = s.scalars(select(NudgeDelivery.kind).where(NudgeDelivery.kind == "champion_invite")).all()
    assert len(kinds) == 2  # one outbox row per invitation, none for the refused second click

    # Someone else cannot answer Pia's invitation; Pia accepts and is added to the champions channel.
    not_yours = click(app, fake, QUINN, button(invitation, ChampionAction.ACCEPT))
    assert "not for you" in not_yours["text"]
    assert fake.calls_to("conversations.invite") == []
    welcome = click(app, fake, PIA, button(invitation, ChampionAction.ACCEPT))
    invites = fake.calls_to("conversations.invite")
    assert [(c.args["channel"], c.args["users"]) for c in invites] == [(CHAMPS, PIA)]
    assert PIA in fake.workspace.members[CHAMPS]
    assert f"<#{CHAMPS}>" in welcome["text"] and welcome["replace_original"] is True
    twice = click(app, fake, PIA, button(invitation, ChampionAction.DECLINE))
    assert "already answered" in twice["text"]  # the first answer counts

    # Quinn declines: recorded, nobody is added, and Alice may not invite again for a while.
    declined = click(app, fake, QUINN, button(quinn_dm, ChampionAction.DECLINE))
    assert "will not ask again" in declined["text"]
    assert len(fake.calls_to("conversations.invite")) == 1
    refused = click(app, fake, ALICE, button(listing, ChampionAction.INVITE, QUINN))
    assert "最近辞退" in refused["text"] and "90" in refused["text"]
    relisted = json.dumps(run(app, fake, "champions", ALICE)["blocks"], ensure_ascii=False)
    assert "チャンピオン" in relisted and "2027-03-07 から再招待できます" in relisted  # 90 days after the decline
    with session_scope(app.deps.session_factory) as s:
        states = {
            uid: (state, channel)
            for uid, state, channel in s.execute(
                select(Person.slack_user_id, Champion.state, Champion.channel_id).join(
                    Person, Person.id == Champion.person_id
                )
            )
        }
    assert states == {PIA: ("accepted", CHAMPS), QUINN: ("declined", None)}

    # Quinn (not a champion) gets no modal; Pia shares a tip through the button and its modal.
    click(app, fake, QUINN, button(welcome, ChampionAction.SHARE_TIP))
    assert fake.calls_to("views.open") == []
    app.driver.post_interaction(
        block_actions(PIA, ChampionAction.SHARE_TIP, "tip", response_url="http://127.0.0.1:9/none")
    )
    modal = fake.wait_for("views.open", timeout=15)[0].args["view"]
    View(**modal).validate_json()
    assert modal["callback_id"] == ChampionView.TIP

    def submit(text: str | None) -> dict[str, Any]:
        values = {ChampionView.TIP_TEXT: {ChampionView.TIP_TEXT: {"type": "plain_text_input", "value": text}}}
        resp = app.driver.post_interaction(view_submission(PIA, modal["callback_id"], values, blocks=modal["blocks"]))
        assert resp.status == 200, resp.body
        return dict(json.loads(resp.body))

    assert submit("   ")["response_action"] == "errors"
    done = submit("Pin the weekly plan in #proj-alpha so nobody asks twice")
    assert done["response_action"] == "update" and "Thank you" in json.dumps(done["view"])

    # Alice celebrates Bob in public: a success story too.
    public = run(app, fake, f"celebrate <@{BOB}> public 初めてのワークフロー！", ALICE)
    assert public["response_type"] == "in_channel"
    with session_scope(app.deps.session_factory) as s:
        stories = sorted(s.execute(select(SuccessStory.kind, SuccessStory.department, SuccessStory.text)).all())
    assert stories == [
        ("celebration", "Sales", "初めてのワークフロー！"),
        ("tip", "Sales", "Pin the weekly plan in #proj-alpha so nobody asks twice"),
    ]

    # The next digests show both stories: Alice's (in Japanese) and the admin channel's.
    clock.advance(timedelta(minutes=5))
    assert queue_ambassador_digests(app.deps) == 1 and queue_admin_digest(app.deps) == 1
    assert deliver_nudges(app.deps).sent == 2
    digest = json.dumps(dm_to(fake, ALICE)["blocks"], ensure_ascii=False)
    assert "サクセスストーリー" in digest
    assert f"<@{PIA}> さんのコツ:「Pin the weekly plan in #proj-alpha so nobody asks twice」" in digest
    assert f"<@{ALICE}> さんが <@{BOB}> さんをたたえました:「初めてのワークフロー！」" in digest
    admin = wait_until(
        lambda: next((c.args for c in reversed(fake.calls_to("chat.postMessage")) if c.args["channel"] == ADMINS), None)
    )
    assert "Success stories" in json.dumps(admin["blocks"]) and "Pin the weekly plan" in json.dumps(admin["blocks"])


def test_non_ambassadors_get_a_clear_answer(app: HttpApp, fake: FakeSlack) -> None:
    answer = run(app, fake, "champions", BOB)
    assert "`/coach champions` is for ambassadors" in answer["text"]
    forged = click(app, fake, BOB, {"action_id": ChampionAction.INVITE, "value": PIA})
    assert "is for ambassadors" in forged["text"]
    with session_scope(app.deps.session_factory) as s:
        assert s.scalars(select(Champion)).all() == []
    assert fake.calls_to("chat.postMessage") == []


def test_an_ambassador_cannot_invite_another_departments_power_user(app: HttpApp, fake: FakeSlack) -> None:
    other = click(app, fake, ALICE, {"action_id": ChampionAction.INVITE, "value": WENDY})
    assert "担当部署の人だけ" in other["text"]
    idle = click(app, fake, ALICE, {"action_id": ChampionAction.INVITE, "value": RON})
    assert "パワーユーザーの条件を満たしていない" in idle["text"]
    with session_scope(app.deps.session_factory) as s:
        assert s.scalars(select(Champion)).all() == []


def test_an_invitation_outside_the_invitees_working_hours_is_queued_and_sent_in_them(
    app: HttpApp, fake: FakeSlack, clock: ManualClock
) -> None:
    # Monday 11:00 UTC is 20:00 in Tokyo: Pia's invitation waits in the outbox until her next working morning.
    with session_scope(app.deps.session_factory) as s:
        s.query(Person).filter_by(slack_user_id=PIA).one().tz = "Asia/Tokyo"
    listing = run(app, fake, "champions", ALICE)
    queued = click(app, fake, ALICE, button(listing, ChampionAction.INVITE, PIA))
    assert f"<@{PIA}>" in queued["text"] and "勤務時間内に届きます" in queued["text"]
    where = {fake.workspace.im_for(PIA), PIA}
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] in where]
    with session_scope(app.deps.session_factory) as s:
        [due] = s.scalars(select(NudgeDelivery.due_at).where(NudgeDelivery.kind == "champion_invite")).all()
    local = due.astimezone(ZoneInfo("Asia/Tokyo"))
    assert local.date() == date(2026, 12, 8) and local.weekday() == 1 and 8 <= local.hour < 12  # Tuesday morning

    clock.advance(timedelta(hours=3))  # 23:00 in Tokyo: still not
    deliver_nudges(app.deps)
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] in where]
    clock.set(due)
    assert deliver_nudges(app.deps).sent == 1
    invitation = dm_to(fake, PIA)
    assert invitation["metadata"]["event_payload"]["kind"] == "champion_invite"
    assert button(invitation, ChampionAction.ACCEPT)
