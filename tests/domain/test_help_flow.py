"""The help request state machine: every transition path with a moving clock."""

import itertools
from datetime import timedelta

import pytest

from bot.domain.help.actions import answer, confirm, hand_over, open_request, rate, take
from bot.domain.help.escalation import tick
from bot.domain.help.metrics import record_of
from bot.domain.help.routing import ADMIN_CHANNEL, AMBASSADOR, BACKUP, PRIMARY
from bot.domain.help.state import (
    AskAskerToConfirm,
    AskAskerToRate,
    HelpState,
    Invalid,
    NotifyAsker,
    NotifyOwner,
    NotOwner,
    PostToAdminChannel,
    RemindOwner,
    Transition,
)
from tests.domain.test_help import DIRECTORY, all_but, everyone, jst, make_directory

T0 = jst(2025, 6, 2, 10, 0)  # Monday 10:00 in Tokyo; access SLA: 4 h first response, 24 h resolution
AMBASSADORS = ["U_AMB"]


def new_request(topic="access", department=None, is_active=everyone, now=T0, directory=DIRECTORY) -> Transition:
    return open_request(
        directory,
        request_id="R1",
        asker="U_ASK",
        topic=topic,
        department=department,
        ambassadors=AMBASSADORS,
        is_active=is_active,
        now=now,
    )


def ok(result) -> Transition:
    """Unwrap a successful transition, failing loudly on a refusal."""
    assert isinstance(result, Transition), result
    return result


def kinds(state: HelpState) -> list[str]:
    return [step.kind for step in state.history]


def advance(state: HelpState, now, is_active=everyone) -> Transition:
    return tick(state, DIRECTORY, now, is_active, AMBASSADORS)


def test_opening_tells_the_asker_and_the_owner_at_once():
    opened = new_request()
    state = opened.state
    assert (state.state, state.owner, state.level) == ("open", "U_IT1", PRIMARY)
    assert state.next_deadline == jst(2025, 6, 2, 14, 0)
    assert state.escalation_chain == ("U_IT1", "U_IT2", "U_AMB", "#coach-help-admins")
    told, assigned = opened.effects
    assert told == NotifyAsker("R1", "U_ASK", "routed", "U_IT1", False, PRIMARY, jst(2025, 6, 2, 14, 0))
    assert assigned == NotifyOwner("R1", "U_IT1", "assigned", jst(2025, 6, 2, 14, 0))
    assert kinds(state) == ["opened", "assigned"]


def test_take_answer_confirm_rate():
    state = new_request().state
    taken = ok(take(state, "U_IT1", T0 + timedelta(minutes=30)))
    assert taken.state.state == "taken"
    assert taken.state.first_response_at == T0 + timedelta(minutes=30)
    assert taken.state.next_deadline == taken.state.resolution_due
    assert taken.effects[0].kind == "taken" and taken.effects[0].expected_reply_by == taken.state.resolution_due
    assert ok(take(taken.state, "U_IT1", T0 + timedelta(minutes=31))).state == taken.state  # double click

    answered = ok(answer(taken.state, "U_IT1", T0 + timedelta(hours=2)))
    assert answered.state.state == "answered"
    assert answered.state.first_response_at == T0 + timedelta(minutes=30)
    assert answered.state.next_deadline == T0 + timedelta(hours=2, days=3)
    assert AskAskerToConfirm("R1", "U_ASK", "U_IT1") in answered.effects

    closed = ok(confirm(answered.state, True, T0 + timedelta(hours=3)))
    assert (closed.state.state, closed.state.resolution) == ("closed", "solved")
    assert closed.state.next_deadline is None
    assert AskAskerToRate("R1", "U_ASK", "U_IT1") in closed.effects

    rated = ok(rate(closed.state, 5, T0 + timedelta(hours=4)))
    assert rated.state.rating == 5
    assert kinds(rated.state)[-4:] == ["taken", "answered", "confirmed", "rated"]
    record = record_of(rated.state)
    assert (record.rating, record.first_response_at, record.state) == (
        5,
        T0 + timedelta(minutes=30),
        "closed",
    )


def test_answer_without_taking_counts_as_first_response():
    answered = ok(answer(new_request().state, "U_IT1", T0 + timedelta(hours=1), auto_close_days=1))
    assert answered.state.first_response_at == T0 + timedelta(hours=1)
    assert answered.state.confirm_due == T0 + timedelta(hours=1, days=1)
    with pytest.raises(ValueError):
        answer(new_request().state, "U_IT1", T0, auto_close_days=0)


@pytest.mark.parametrize("action", ["take", "answer", "hand_over"])
def test_someone_else_clicking_gets_a_polite_refusal(action):
    state = new_request().state
    calls = {
        "take": lambda: take(state, "U_IT2", T0),
        "answer": lambda: answer(state, "U_IT2", T0),
        "hand_over": lambda: hand_over(state, "U_IT2", "U_X", "", T0),
    }
    refused = calls[action]()
    assert isinstance(refused, NotOwner)
    assert refused.owner == "U_IT1" and "<@U_IT1>" in refused.message


def test_hand_over_gives_a_fresh_deadline_and_moves_the_buttons():
    state = new_request().state
    later = T0 + timedelta(hours=3)
    moved = ok(hand_over(state, "U_IT1", "U_X", "she knows VPN", later))
    new = moved.state
    assert (new.owner, new.state, new.level) == ("U_X", "open", PRIMARY)
    assert new.first_response_due == jst(2025, 6, 2, 17, 0)
    assert NotifyOwner("R1", "U_X", "handed_over", new.first_response_due, "she knows VPN") in moved.effects
    told = next(e for e in moved.effects if isinstance(e, NotifyAsker))
    assert (told.kind, told.owner) == ("handed_over", "U_X")
    assert isinstance(take(new, "U_IT1", later), NotOwner)
    assert ok(take(new, "U_X", later)).state.owner == "U_X"
    assert new.history[-1].note == "to U_X: she knows VPN"


@pytest.mark.parametrize("to_user", ["", "U_IT1", "U_ASK"])
def test_hand_over_to_nobody_self_or_the_asker_is_refused(to_user):
    assert isinstance(hand_over(new_request().state, "U_IT1", to_user, "", T0), Invalid)


def test_escalation_through_every_level_with_a_moving_clock():
    state = new_request().state

    early = advance(state, T0 + timedelta(hours=2))
    assert early.effects == () and early.state == state

    remind_at = T0 + timedelta(hours=3)  # 75% of 4 business hours
    reminded = advance(state, remind_at)
    assert reminded.effects == (RemindOwner("R1", "U_IT1", state.first_response_due),)
    assert advance(reminded.state, remind_at + timedelta(minutes=10)).effects == ()  # only once

    to_backup = advance(reminded.state, state.first_response_due)
    backup = to_backup.state
    assert (backup.owner, backup.level, backup.state) == ("U_IT2", BACKUP, "open")
    assert backup.first_response_due == jst(2025, 6, 2, 18, 0)
    asker_note = next(e for e in to_backup.effects if isinstance(e, NotifyAsker))
    assert (asker_note.kind, asker_note.owner, asker_note.expected_reply_by) == (
        "escalated",
        "U_IT2",
        jst(2025, 6, 2, 18),
    )
    assert NotifyOwner("R1", "U_IT2", "assigned", backup.first_response_due) in to_backup.effects
    assert any(isinstance(e, NotifyOwner) and e.kind == "moved_away" and e.owner == "U_IT1" for e in to_backup.effects)

    to_ambassador = advance(backup, backup.first_response_due)
    ambassador = to_ambassador.state
    assert (ambassador.owner, ambassador.level) == ("U_AMB", AMBASSADOR)
    assert ambassador.first_response_due == jst(2025, 6, 3, 13, 0)  # clock counts Tuesday's hours only

    to_channel = advance(ambassador, ambassador.first_response_due)
    channel = to_channel.state
    assert (channel.owner, channel.level, channel.owner_is_channel) == (
        "#coach-help-admins",
        ADMIN_CHANNEL,
        True,
    )
    assert any(isinstance(e, PostToAdminChannel) and e.kind == "assigned" for e in to_channel.effects)

    first_nag = advance(channel, channel.first_response_due)
    assert first_nag.state.owner == "#coach-help-admins"
    assert first_nag.state.first_response_due > channel.first_response_due
    assert [e.kind for e in first_nag.effects] == ["reminder"]
    second_nag = advance(first_nag.state, first_nag.state.first_response_due)
    assert [e.kind for e in second_nag.effects] == ["reminder"]
    assert kinds(second_nag.state).count("escalated") == 3
    assert kinds(second_nag.state)[-2:] == ["reminded", "reminded"]


def test_escalation_skips_a_deactivated_backup_with_a_recorded_reason():
    state = new_request().state
    moved = advance(state, state.first_response_due, is_active=all_but("U_IT2"))
    assert moved.state.owner == "U_AMB"
    skipped = [(s.actor, s.note) for s in moved.state.history if s.kind == "skipped"]
    assert skipped == [("U_IT2", "deactivated")]


def test_a_deactivated_owner_is_replaced_at_the_next_tick():
    state = new_request().state
    moved = advance(state, T0 + timedelta(minutes=5), is_active=all_but("U_IT1"))
    assert moved.state.owner == "U_IT2"
    assert not any(isinstance(e, NotifyOwner) and e.kind == "moved_away" for e in moved.effects)


def test_a_taken_request_past_its_resolution_deadline_escalates():
    taken = ok(take(new_request().state, "U_IT1", T0 + timedelta(minutes=10))).state
    remind = advance(taken, taken.remind_at)
    assert remind.effects == (RemindOwner("R1", "U_IT1", taken.resolution_due),)
    moved = advance(remind.state, taken.resolution_due)
    assert (moved.state.owner, moved.state.state) == ("U_IT2", "open")


def test_still_stuck_reopens_one_level_up_with_fresh_deadlines():
    answered = ok(answer(new_request().state, "U_IT1", T0 + timedelta(hours=1))).state
    later = T0 + timedelta(days=1)
    reopened = ok(confirm(answered, False, later)).state
    assert (reopened.state, reopened.owner, reopened.reopen_count) == ("open", "U_IT2", 1)
    assert reopened.resolution_due > answered.resolution_due
    assert reopened.answered_at is None and reopened.confirm_due is None
    assert kinds(reopened)[-2:] == ["reopened", "escalated"]


def test_still_stuck_at_the_admin_channel_stays_there_with_fresh_deadlines():
    nobody = new_request(is_active=lambda _: False).state
    assert nobody.owner_is_channel
    answered = ok(answer(nobody, "U_ADMIN", T0 + timedelta(hours=1))).state
    assert answered.owner == "U_ADMIN"  # whoever in the channel answers owns it
    reopened = ok(confirm(answered, False, T0 + timedelta(hours=2)))
    assert reopened.state.owner == "#coach-help-admins" and reopened.state.state == "open"
    assert reopened.state.first_response_due == T0 + timedelta(hours=6)
    assert any(isinstance(e, PostToAdminChannel) for e in reopened.effects)


def test_anyone_in_the_admin_channel_can_take_it():
    state = new_request(is_active=lambda _: False).state
    taken = ok(take(state, "U_ADMIN", T0 + timedelta(minutes=1)))
    assert (taken.state.owner, taken.state.owner_is_channel, taken.state.level) == (
        "U_ADMIN",
        False,
        ADMIN_CHANNEL,
    )
    assert PostToAdminChannel("R1", "#coach-help-admins", "taken", "U_ADMIN", taken.state.resolution_due) in (
        taken.effects
    )
    overdue = advance(taken.state, taken.state.resolution_due)
    assert overdue.state.owner == "U_ADMIN"  # end of the chain: keep reminding, alert the channel
    assert {type(e) for e in overdue.effects} == {NotifyOwner, PostToAdminChannel}


def test_auto_close_after_three_days_without_confirmation():
    answered = ok(answer(new_request().state, "U_IT1", T0)).state
    assert advance(answered, T0 + timedelta(days=2)).state == answered
    closed = advance(answered, T0 + timedelta(days=3))
    assert (closed.state.state, closed.state.resolution) == ("closed", "auto_closed")
    assert closed.effects[0].kind == "auto_closed"
    assert "closed as solved" in closed.state.history[-1].note
    assert advance(closed.state, T0 + timedelta(days=9)) == Transition(closed.state)


def test_actions_that_do_not_fit_the_state_are_refused():
    state = new_request().state
    assert isinstance(confirm(state, True, T0), Invalid)
    assert isinstance(rate(state, 4, T0), Invalid)
    closed = ok(confirm(ok(answer(state, "U_IT1", T0)).state, True, T0)).state
    for refused in (
        take(closed, "U_IT1", T0),
        answer(closed, "U_IT1", T0),
        hand_over(closed, "U_IT1", "U_X", "", T0),
    ):
        assert isinstance(refused, Invalid)
    answered = ok(answer(state, "U_IT1", T0)).state
    assert isinstance(take(answered, "U_IT1", T0), Invalid)


@pytest.mark.parametrize("score", [0, 6, "5", 4.5, True, None])
def test_rating_must_be_one_to_five(score):
    answered = ok(answer(new_request().state, "U_IT1", T0)).state
    assert isinstance(rate(answered, score, T0), Invalid)


def test_tick_picks_up_an_ambassador_added_later():
    state = new_request(department="sales").state
    at_backup = tick(state, DIRECTORY, state.first_response_due, everyone, []).state
    assert at_backup.owner == "U_SIT2"
    moved = tick(at_backup, DIRECTORY, at_backup.first_response_due, everyone, ["U_NEW_AMB"])
    assert moved.state.owner == "U_NEW_AMB"


def test_night_question_waits_for_the_named_person():
    saturday = jst(2025, 6, 7, 22, 0)
    state = new_request(now=saturday).state
    assert state.owner == "U_IT1"
    assert state.first_response_due == jst(2025, 6, 9, 13, 0)
    assert "outside business hours" in state.history[-1].note
    assert advance(state, jst(2025, 6, 8, 12, 0)).effects == ()  # nobody is nagged on Sunday
    assert advance(state, jst(2025, 6, 9, 12, 0)).effects == (RemindOwner("R1", "U_IT1", state.first_response_due),)


def test_a_staffed_admin_channel_is_reminded_in_its_own_hours():
    staffed = make_directory(admin_hours={"tz": "Asia/Tokyo", "days": ["mon"], "start": "09:00", "end": "10:00"})
    state = new_request(is_active=lambda _: False, directory=staffed, now=jst(2025, 6, 2, 9, 0)).state
    # One staffed hour a week: four business hours end on the fourth Monday at 10:00.
    assert state.owner_is_channel and state.first_response_due == jst(2025, 6, 23, 10, 0)
    assert advance(state, jst(2025, 6, 16, 9, 59)).effects == ()
    nag = advance(state, jst(2025, 6, 16, 10, 0))
    assert nag.effects == (
        PostToAdminChannel("R1", "#coach-help-admins", "reminder", "#coach-help-admins", state.first_response_due),
    )


def test_an_unanswered_request_at_the_end_of_the_chain_reminds_once_a_day_not_every_few_hours():
    """The admin channel has no hours: a re-armed 4-hour SLA used to post twice every 4 hours, night and day."""
    state = new_request(is_active=lambda _: False).state
    assert state.owner_is_channel
    posts, now = [], state.first_response_due
    for _ in range(7 * 24):  # a week of hourly ticks
        result = advance(state, now, is_active=lambda _: False)
        posts += [now for e in result.effects if isinstance(e, PostToAdminChannel)]
        state, now = result.state, now + timedelta(hours=1)
    assert 6 <= len(posts) <= 8
    assert all(later - earlier >= timedelta(days=1) for earlier, later in itertools.pairwise(posts))
