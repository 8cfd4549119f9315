"""Help routing flows over a real database and the loopback fake Slack, with a manual clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.flows import help as svc
from bot.flows.people import ensure_person
from bot.services.help_metrics import help_numbers
from bot.simslack import FakeSlack
from bot.slack.gateway import SlackError
from bot.views.ids import HelpAction
from models import HelpRequest, HelpStep, NudgeDelivery, Person, Role
from nudges.ticks import deliver_nudges
from tests.services.conftest import AMBASSADOR, ASKER

LOGIN = "My login password does not work since this morning"  # topic "setup", no FAQ entry matches
PRIMARY, BACKUP = "U0ADMIN001", "U0ADMIN002"


def row(deps: Deps, request_id: int) -> HelpRequest:
    with session_scope(deps.session_factory) as session:
        found = session.get(HelpRequest, request_id)
        assert found is not None
        return found


def steps(deps: Deps, request_id: int) -> list[tuple[str, str]]:
    with session_scope(deps.session_factory) as session:
        found = session.scalars(select(HelpStep).where(HelpStep.request_id == request_id).order_by(HelpStep.id))
        return [(s.kind, s.actor or "") for s in found]


def texts_to(fake: FakeSlack, user_id: str) -> list[str]:
    return [m.get("text", "") for m in fake.messages_in(fake.dm_channel(user_id))]


def routed(deps: Deps, text: str = LOGIN) -> int:
    result = svc.ask(deps, user_id=ASKER, text=text)
    assert result.kind == "routed", result
    assert result.request_id is not None
    return result.request_id


def make_ambassador(deps: Deps, user_id: str = AMBASSADOR, department: str = "Ops") -> None:
    ensure_person(deps, user_id)
    ensure_person(deps, ASKER)
    with session_scope(deps.session_factory) as session:
        amb = session.scalar(select(Person).where(Person.slack_user_id == user_id))
        asker = session.scalar(select(Person).where(Person.slack_user_id == ASKER))
        assert amb is not None and asker is not None
        session.add(Role(person_id=amb.id, role="ambassador", department=department))
        asker.department = department


def test_question_is_routed_to_the_primary_contact_with_a_card_and_the_asker_is_told(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    stored = row(deps, request_id)
    assert (stored.state, stored.owner, stored.topic, stored.question) == ("open", PRIMARY, "setup", LOGIN)
    assert stored.next_deadline is not None and stored.thread_ts and stored.asker_ts
    card = fake.messages_in(fake.dm_channel(PRIMARY))[0]
    assert card["ts"] == stored.thread_ts
    action_ids = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert action_ids == [HelpAction.TAKE, HelpAction.ANSWERED, HelpAction.HAND_OVER]
    assert f"<@{PRIMARY}>" in texts_to(fake, ASKER)[0] and "<!date^" in texts_to(fake, ASKER)[0]
    assert steps(deps, request_id) == [("opened", ASKER), ("assigned", PRIMARY)]


def test_take_answer_confirm_and_rate(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    assert svc.take(deps, request_id=request_id, actor=PRIMARY).ok
    assert row(deps, request_id).state == "taken"
    assert "is on your question now" in texts_to(fake, ASKER)[-1]
    assert svc.answer(deps, request_id=request_id, actor=PRIMARY).ok
    assert "Did it help?" in texts_to(fake, ASKER)[-1]
    assert svc.confirm(deps, request_id=request_id, actor=ASKER, solved=True).ok
    assert row(deps, request_id).state == "closed" and row(deps, request_id).resolution == "solved"
    assert svc.rate(deps, request_id=request_id, actor=ASKER, score=5).ok
    assert row(deps, request_id).satisfaction == 5
    card = fake.calls_to("chat.update")[-1].args
    assert card["ts"] == row(deps, request_id).thread_ts and "Closed" in str(card["blocks"])


def test_someone_else_clicking_gets_a_polite_no_and_nothing_changes(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    before = steps(deps, request_id)
    outcome = svc.take(deps, request_id=request_id, actor=BACKUP)
    assert not outcome.ok and f"<@{PRIMARY}>" in outcome.message and "Thanks for offering" in outcome.message
    assert svc.answer(deps, request_id=request_id, actor=ASKER).message
    assert not svc.rate(deps, request_id=request_id, actor=BACKUP, score=3).ok
    assert not svc.take(deps, request_id=999, actor=PRIMARY).ok
    assert row(deps, request_id).state == "open" and steps(deps, request_id) == before


def test_hand_over_moves_the_card_and_keeps_the_history(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    svc.take(deps, request_id=request_id, actor=PRIMARY)
    old_card = row(deps, request_id).thread_ts
    outcome = svc.hand_over(deps, request_id=request_id, actor=PRIMARY, to_user="U0HELPER01", note="knows SSO")
    assert outcome.ok
    svc.deliver(deps, outcome)
    stored = row(deps, request_id)
    assert (stored.owner, stored.state) == ("U0HELPER01", "open") and stored.thread_ts != old_card
    new_card = fake.messages_in(fake.dm_channel("U0HELPER01"))
    assert "knows SSO" in str(new_card[0]["blocks"]) and "History so far" in new_card[1]["text"]
    assert new_card[1]["thread_ts"] == stored.thread_ts
    moved = [c.args for c in fake.calls_to("chat.update") if c.args["ts"] == old_card][-1]
    assert "now with <@U0HELPER01>" in str(moved["blocks"])
    assert "handed over to <@U0HELPER01>" in texts_to(fake, ASKER)[-1]
    assert not svc.hand_over(deps, request_id=request_id, actor="U0HELPER01", to_user=ASKER).ok


def test_escalation_walks_primary_backup_ambassador_admin_channel(deps: Deps, fake: FakeSlack, clock: ManualClock):
    make_ambassador(deps)
    request_id = routed(deps)
    owners = [row(deps, request_id).owner]
    for _ in range(3):
        clock.set(row(deps, request_id).first_response_due + timedelta(minutes=1))  # type: ignore[operator]
        svc.tick(deps)
        owners.append(row(deps, request_id).owner)
    assert owners == [PRIMARY, BACKUP, AMBASSADOR, "#coach-admins"]
    assert row(deps, request_id).owner_is_channel
    admin_posts = fake.messages_in("C0ADMINS01")
    assert admin_posts and "needs a person" in admin_posts[0]["text"]
    assert [k for k, _ in steps(deps, request_id)].count("escalated") == 3
    assert sum("passed your question" in t for t in texts_to(fake, ASKER)) == 3
    assert any("moved to someone else" in t for t in texts_to(fake, PRIMARY))
    # the end of the chain keeps a named owner and keeps reminding; anyone in the channel may take it
    clock.set(row(deps, request_id).first_response_due + timedelta(minutes=1))  # type: ignore[operator]
    svc.tick(deps)
    assert row(deps, request_id).owner == "#coach-admins" and row(deps, request_id).next_deadline is not None
    assert svc.take(deps, request_id=request_id, actor="U0ADMIN001").ok
    assert row(deps, request_id).owner == "U0ADMIN001" and not row(deps, request_id).owner_is_channel


def test_owner_is_reminded_before_the_deadline(deps: Deps, fake: FakeSlack, clock: ManualClock):
    request_id = routed(deps)
    clock.advance(timedelta(hours=3, minutes=1))  # 75% of the 4 business hours
    svc.tick(deps)
    assert row(deps, request_id).reminded_at == clock.now() and row(deps, request_id).owner == PRIMARY
    assert "Reminder" in texts_to(fake, PRIMARY)[-1]
    svc.tick(deps)
    assert sum("Reminder" in t for t in texts_to(fake, PRIMARY)) == 1


def test_out_of_hours_question_waits_for_the_named_person(deps: Deps, fake: FakeSlack, clock: ManualClock):
    clock.advance(timedelta(days=5))  # Saturday 10:00 in Tokyo
    request_id = routed(deps)
    stored = row(deps, request_id)
    assert stored.owner == PRIMARY
    assert stored.first_response_due == clock.now() + timedelta(days=2, hours=3)  # Monday 13:00 JST
    with session_scope(deps.session_factory) as session:
        notes = session.scalars(select(HelpStep.note).where(HelpStep.kind == "assigned")).all()
    assert "outside business hours" in notes[0]


def test_deactivated_contact_is_skipped_with_a_reason(deps: Deps, fake: FakeSlack):
    fake.add_user(PRIMARY, name="gone", real_name="Gone", deleted=True)
    request_id = routed(deps)
    assert row(deps, request_id).owner == BACKUP
    with session_scope(deps.session_factory) as session:
        skipped = session.scalars(select(HelpStep).where(HelpStep.kind == "skipped")).one()
        assert (skipped.actor, skipped.note) == (PRIMARY, "deactivated")


def test_owner_deactivated_later_is_escalated_by_the_tick(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    with session_scope(deps.session_factory) as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == PRIMARY))
        assert person is not None
        person.deactivated = True
    svc.tick(deps)
    assert row(deps, request_id).owner == BACKUP


def test_unreachable_owner_dm_escalates_at_once(deps: Deps, fake: FakeSlack):
    deps.slack.open_dm(ASKER)  # cached, so the next conversations.open is the one for the primary's card
    fake.fail_next("conversations.open", error="user_disabled", times=1)
    request_id = routed(deps)
    kinds = [k for k, _ in steps(deps, request_id)]
    assert "delivery_failed" in kinds and "escalated" in kinds
    assert row(deps, request_id).owner == BACKUP and row(deps, request_id).thread_ts
    assert "could not reach the first contact in Slack, so <@U0ADMIN002>" in texts_to(fake, ASKER)[-1]
    assert not any("<@U0ADMIN001>" in text for text in texts_to(fake, ASKER))


def test_still_stuck_reopens_and_escalates(deps: Deps, fake: FakeSlack):
    request_id = routed(deps)
    svc.answer(deps, request_id=request_id, actor=PRIMARY)
    assert not svc.confirm(deps, request_id=request_id, actor=PRIMARY, solved=False).ok  # only the asker
    assert svc.confirm(deps, request_id=request_id, actor=ASKER, solved=False).ok
    stored = row(deps, request_id)
    assert (stored.state, stored.owner, stored.reopen_count) == ("open", BACKUP, 1)
    assert "not solved yet" in texts_to(fake, ASKER)[-1]


def test_unconfirmed_answer_closes_after_three_days(deps: Deps, fake: FakeSlack, clock: ManualClock):
    request_id = routed(deps)
    svc.answer(deps, request_id=request_id, actor=PRIMARY)
    clock.advance(timedelta(days=3, minutes=1))
    svc.tick(deps)
    assert (row(deps, request_id).state, row(deps, request_id).resolution) == ("closed", "auto_closed")
    assert "closed your question as solved" in texts_to(fake, ASKER)[-1]


def test_faq_hit_then_solved_or_still_needs_a_person(deps: Deps, fake: FakeSlack):
    first = svc.ask(deps, user_id=ASKER, text="How do I get Slack on my phone?")
    assert first.kind == "faq" and first.request_id is not None
    faq = fake.messages_in(fake.dm_channel(ASKER))[-1]
    assert "App Store" in str(faq["blocks"])
    assert not svc.faq_solved(deps, request_id=first.request_id, actor=PRIMARY).ok
    assert svc.faq_solved(deps, request_id=first.request_id, actor=ASKER).ok
    assert row(deps, first.request_id).resolution == "faq"
    second = svc.ask(deps, user_id=ASKER, text="How do I get Slack on my phone? I tried the store")
    assert second.request_id is not None
    assert svc.route(deps, request_id=second.request_id, actor=ASKER).ok
    assert row(deps, second.request_id).owner == PRIMARY
    again = svc.route(deps, request_id=second.request_id, actor=ASKER)
    assert not again.ok and "already with a person" in again.message


def test_faq_that_cannot_be_shown_routes_instead(deps: Deps, fake: FakeSlack):
    def broken(_message: object) -> None:
        raise SlackError("chat.postMessage", "internal_error")

    result = svc.ask(deps, user_id=ASKER, text="How do I get Slack on my phone?", show=broken)
    assert result.kind == "routed" and row(deps, result.request_id or 0).state == "open"


def test_bad_questions_are_refused_politely_or_kept_whole(deps: Deps, fake: FakeSlack):
    for empty in ("", "   \n\t", "\u200b\u200b"):
        result = svc.ask(deps, user_id=ASKER, text=empty)
        assert result.kind == "invalid" and "type your question" in result.message
    long = "パスワード " + "x" * 20_000
    request_id = routed(deps, long)
    assert row(deps, request_id).question == long.strip()
    card = fake.messages_in(fake.dm_channel(PRIMARY))[-1]
    assert all(len(b["text"]["text"]) <= 3000 for b in card["blocks"] if b["type"] == "section")
    emoji = routed(deps, "ログインできません 👩‍💻🇯🇵 e\u0301")
    assert "👩‍💻🇯🇵" in row(deps, emoji).question


def test_direct_message_asks_and_thread_replies_are_relayed(deps: Deps, fake: FakeSlack):
    dm = fake.dm_channel(ASKER)
    svc.handle_direct_message(deps, user_id=ASKER, text=LOGIN, channel=dm, ts="1.0")
    stored = row(deps, 1)
    assert stored.owner == PRIMARY and stored.via == "dm"
    svc.handle_direct_message(
        deps,
        user_id=PRIMARY,
        text="Which laptop?",
        channel=stored.thread_channel or "",
        ts="2.0",
        thread_ts=stored.thread_ts,
    )
    relayed = fake.messages_in(dm)[-1]
    assert relayed["thread_ts"] == stored.asker_ts and "Which laptop?" in relayed["text"]
    svc.handle_direct_message(deps, user_id=ASKER, text="The grey one", channel=dm, ts="3.0", thread_ts=stored.asker_ts)
    back = fake.messages_in(stored.thread_channel or "")[-1]
    assert back["thread_ts"] == stored.thread_ts and "The grey one" in back["text"]
    with session_scope(deps.session_factory) as session:
        assert session.scalar(select(HelpRequest.id).where(HelpRequest.question.contains("grey"))) is None
    svc.handle_direct_message(deps, user_id=ASKER, text="  ", channel=dm, ts="4.0")
    assert "type your question" in fake.messages_in(dm)[-1]["text"]


def test_numbers_for_later_views(deps: Deps, fake: FakeSlack, clock: ManualClock):
    first = routed(deps)
    routed(deps, "Our compliance team asks about legal retention rules")
    clock.advance(timedelta(hours=1))
    svc.answer(deps, request_id=first, actor=PRIMARY)
    svc.confirm(deps, request_id=first, actor=ASKER, solved=True)
    svc.rate(deps, request_id=first, actor=ASKER, score=4)
    faq = svc.ask(deps, user_id=ASKER, text="How do I get Slack on my phone?")
    svc.faq_solved(deps, request_id=faq.request_id or 0, actor=ASKER)
    with session_scope(deps.session_factory) as session:
        numbers = help_numbers(session, now=clock.now())
    assert numbers.metrics.open_by_topic == {"security": 1}
    assert numbers.metrics.median_first_response == timedelta(hours=1)
    assert numbers.metrics.share_within_sla == 1.0 and numbers.metrics.mean_satisfaction == 4
    assert numbers.faq_solved == 1 and numbers.total_routed == 2


def test_evergreen_contacts_are_asked_every_90_days_and_flagged(deps: Deps, fake: FakeSlack, clock: ManualClock):
    from bot.flows.help_directory import check_contacts, contact_answered
    from bot.services.help_directory import flagged_contacts

    assert check_contacts(deps).ask == []  # first sight starts the 90 days
    clock.advance(timedelta(days=91))
    work = check_contacts(deps)
    assert PRIMARY in work.ask
    with session_scope(deps.session_factory) as session:  # the ask is an outbox row: it waits for working hours
        [ask] = session.scalars(
            select(NudgeDelivery).where(NudgeDelivery.kind == "confirm_ask", NudgeDelivery.address == PRIMARY)
        ).all()
    if ask.state == "pending":
        clock.set(ask.due_at)
        deliver_nudges(deps)
    assert "still the right person" in texts_to(fake, PRIMARY)[-1]
    assert contact_answered(deps, user_id=PRIMARY, still_me=True) == "Thanks for confirming!"
    assert "told the admins" in contact_answered(deps, user_id="U0SECOPS01", still_me=False)
    clock.advance(timedelta(days=8))
    later = check_contacts(deps)
    assert PRIMARY not in [u for u, _ in later.flag] and ("U0ADMIN002", "unconfirmed") in later.flag
    with session_scope(deps.session_factory) as session:
        flagged = dict(flagged_contacts(session))
    assert flagged["U0SECOPS01"] == "declined" and flagged["U0ADMIN002"] == "unconfirmed"
    admin = [m["text"] for m in fake.messages_in("C0ADMINS01")]
    assert any("<@U0ADMIN002>" in t and "did not confirm" in t for t in admin)
    assert any("<@U0SECOPS01>" in t and "no longer" in t for t in admin)
    with session_scope(deps.session_factory) as session:  # admin posts are outbox rows too, with no person
        posts = {r.id: r for r in session.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "admin_post"))}
        assert posts and all(
            r.person_id is None and r.state == "sent" and "text" not in r.payload for r in posts.values()
        )
    for message in fake.messages_in("C0ADMINS01"):
        assert message["metadata"]["event_type"] == "coach_nudge"
        assert posts[message["metadata"]["event_payload"]["nudge_id"]].kind == "admin_post"


def test_admin_contact_row_overrides_the_playbook(deps: Deps, fake: FakeSlack, clock: ManualClock):
    from bot.services.help_directory import set_contact

    with session_scope(deps.session_factory) as session:
        now = clock.now()
        set_contact(session, topic="setup", department=None, primary="U0HELPER01", backup=None, hours=None, now=now)
    assert row(deps, routed(deps)).owner == "U0HELPER01"
