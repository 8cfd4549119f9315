"""Department numbers, scope, stuck people, nudges through the cadence rules, confirmations, self-service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services import ambassadors as amb
from bot.services.callers import Caller
from models import Completion, NudgeDelivery, Person, Wave, WaveMembership
from nudges.kinds import OPTABLE_KINDS
from nudges.rules import CadenceRules
from tests.services.ambassadors.conftest import NOW, active_on, completion, help_request, person

TODAY = NOW.date()
STAGE_1 = ["find-help", "follow-company-news", "react-to-news", "join-ask-exec"]
STAGE_2 = ["post-in-project", "reply-in-threads", "mention-a-teammate"]
RULES = CadenceRules()
SALES = Caller(
    user_id="U0AMB0001",
    locale="en",
    department="Sales",
    roles=frozenset({"ambassador"}),
    ambassador_of=frozenset({"Sales"}),
)
ADMIN = Caller(user_id="U0ADMIN01", roles=frozenset({"admin"}))


def _sales_department(session: Session) -> dict[str, Person]:
    """10 people in Sales: stages 0×4, 1×3, 2×2, 3×1; five active this week; one moved to stage 2 this week."""
    people = {}
    for i, stage in enumerate([0, 0, 0, 0, 1, 1, 1, 2, 2, 3]):
        people[f"s{i}"] = person(
            session,
            f"U0SALES0{i}",
            current_stage=stage,
            stage_reached_at=datetime(2026, 2, 1, tzinfo=UTC) if stage else None,
        )
    for key in ("s4", "s5", "s7", "s8", "s9"):
        active_on(session, people[key], TODAY - timedelta(days=2))
    active_on(session, people["s0"], TODAY - timedelta(days=9))  # active last week only
    active_on(session, people["s1"], TODAY - timedelta(days=1), messages=0)  # a zero row is not activity
    moved = people["s8"]
    moved.stage_reached_at = NOW - timedelta(days=2)
    for key in STAGE_1:
        completion(session, moved, key, datetime(2026, 2, 1, tzinfo=UTC))
    for key in STAGE_2:
        completion(session, moved, key, NOW - timedelta(days=2))
    person(session, "U0GONE001", current_stage=3, deactivated=True)
    other = person(session, "U0MKT0001", department="Marketing", current_stage=3)
    active_on(session, other, TODAY)
    help_request(session, people["s0"])
    help_request(session, people["s1"], state="answered")
    help_request(session, people["s2"], state="closed", closed_at=NOW - timedelta(days=3))
    help_request(session, other)
    return people


def test_status_counts_the_department_only(session: Session, playbook: Playbook) -> None:
    _sales_department(session)
    status = amb.department_status(session, playbook=playbook, department="Sales", now=NOW)
    now = status.current
    assert (now.enrolled, now.active, now.stages) == (10, 5, (4, 3, 2, 1, 0))
    assert now.ignited == 3 and now.ignition == pytest.approx(0.3) and now.ignited_line_reached
    assert now.open_help == 2


def test_status_trend_rebuilds_last_week(session: Session, playbook: Playbook) -> None:
    _sales_department(session)
    before = amb.department_status(session, playbook=playbook, department="Sales", now=NOW).week_ago
    assert before.active == 1  # only s0 was active 8–14 days ago
    assert before.stages == (4, 4, 1, 1, 0)  # s8 was still at stage 1 a week ago
    assert before.open_help == 3  # the request closed 3 days ago was still open
    assert before.ignited == 0


def test_enrolled_means_running_wave_members_once_waves_exist(session: Session, playbook: Playbook) -> None:
    people = _sales_department(session)
    wave = Wave(name="pilot", state="active")
    draft = Wave(name="later", state="draft")
    session.add_all([wave, draft])
    session.flush()
    for key in ("s0", "s7"):
        session.add(WaveMembership(wave_id=wave.id, person_id=people[key].id, enrolled_at=NOW - timedelta(days=3)))
    session.add(WaveMembership(wave_id=draft.id, person_id=people["s9"].id, enrolled_at=NOW))
    session.flush()
    status = amb.department_status(session, playbook=playbook, department="Sales", now=NOW)
    assert status.current.enrolled == 2 and status.current.stages == (1, 0, 1, 0, 0)
    assert status.week_ago.enrolled == 0  # they joined the wave 3 days ago


def test_empty_department_has_zero_ignition(session: Session, playbook: Playbook) -> None:
    status = amb.department_status(session, playbook=playbook, department="Nobody", now=NOW)
    assert status.current.enrolled == 0 and status.current.ignition == 0 and not status.current.ignited_line_reached


# -- scope --------------------------------------------------------------------------------------------


def test_scope_defaults_to_own_departments_and_matches_loosely(session: Session) -> None:
    assert amb.scope_for(session, SALES, "").departments == ("Sales",)
    assert amb.scope_for(session, SALES, "  ｓａｌｅｓ ").departments == ("Sales",)


def test_scope_refuses_other_departments_without_saying_whether_they_exist(session: Session) -> None:
    person(session, "U0MKT0001", department="Marketing")
    existing = amb.scope_for(session, SALES, "Marketing")
    missing = amb.scope_for(session, SALES, "Skunkworks")
    assert existing.problem == missing.problem == "not_yours"
    assert existing.departments == missing.departments == ()
    assert existing.choices == missing.choices == ("Sales",)


def test_admin_may_look_at_any_department(session: Session) -> None:
    person(session, "U0MKT0001", department="Marketing")
    assert amb.scope_for(session, ADMIN, "marketing").departments == ("Marketing",)
    assert amb.scope_for(session, ADMIN, "Nope").problem == "unknown"
    assert amb.scope_for(session, ADMIN, "").problem == "choose"


def test_several_departments_are_all_covered_by_default(session: Session) -> None:
    caller = Caller(user_id="U1", roles=frozenset({"ambassador"}), ambassador_of=frozenset({"B", "A"}))
    assert amb.scope_for(session, caller, "").departments == ("A", "B")


# -- stuck --------------------------------------------------------------------------------------------


def test_stuck_people_are_idle_and_not_progressing(session: Session, playbook: Playbook) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    idle = person(session, "U0IDLE001", current_stage=1, stage_reached_at=old, last_active_at=old)
    never = person(session, "U0NEVER01")
    busy = person(session, "U0BUSY001", current_stage=1, stage_reached_at=old)
    active_on(session, busy, TODAY - timedelta(days=1))
    progressing = person(session, "U0PROG001", current_stage=1, stage_reached_at=old)
    completion(session, progressing, "post-in-project", NOW - timedelta(days=2))
    person(session, "U0NEW0001", created_at=NOW - timedelta(days=1))
    person(session, "U0DONE001", current_stage=4, stage_reached_at=old)
    person(session, "U0MKT0001", department="Marketing")
    stuck = amb.stuck_people(session, playbook=playbook, departments=["Sales"], now=NOW, days=14)
    assert [p.user_id for p in stuck] == [never.slack_user_id, idle.slack_user_id]  # never active first
    assert stuck[1].idle_days == (NOW - old).days and stuck[1].stage == 1


# -- nudges -------------------------------------------------------------------------------------------


def _outbox(session: Session) -> list[NudgeDelivery]:
    """Rows waiting to be sent (the nudge engine also records skipped requests, with their reason)."""
    return list(
        session.scalars(select(NudgeDelivery).where(NudgeDelivery.state != "skipped").order_by(NudgeDelivery.id))
    )


def test_nudge_goes_through_the_outbox_with_the_ambassadors_words(session: Session) -> None:
    target = person(session, "U0BOB0001")
    monday_noon_tokyo = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    outcome = amb.nudge_people(
        session, caller=SALES, user_ids=["U0BOB0001"], message="Try threads!", rules=RULES, now=monday_noon_tokyo
    )
    assert [(t.user_id, t.queued, t.at) for t in outcome.targets] == [("U0BOB0001", True, None)]
    [row] = _outbox(session)
    assert (row.person_id, row.kind, row.state) == (target.id, "ambassador", "pending")
    assert row.payload == {"message": "Try threads!", "from_user": "U0AMB0001"}


def test_nudge_skips_with_reasons_and_never_crosses_departments(session: Session) -> None:
    person(session, "U0OPT0001", opted_out_kinds=["ambassador"])
    person(session, "U0OFF0001", deactivated=True)
    person(session, "U0MKT0001", department="Marketing")
    person(session, "U0SNZ0001", snoozed_until=NOW + timedelta(days=3))
    outcome = amb.nudge_people(
        session,
        caller=SALES,
        user_ids=["U0OPT0001", "U0OFF0001", "U0MKT0001", "U0GHOST01", "U0SNZ0001"],
        message="",
        rules=RULES,
        now=NOW,
    )
    reasons = {t.user_id: (t.queued, t.reason) for t in outcome.targets}
    assert reasons == {
        "U0OPT0001": (False, "opted_out"),
        "U0OFF0001": (False, "deactivated"),
        "U0MKT0001": (False, "not_in_department"),
        "U0GHOST01": (False, "unknown"),
        "U0SNZ0001": (True, "snoozed"),
    }
    [row] = _outbox(session)
    assert row.due_at >= NOW + timedelta(days=3)


def test_one_ambassador_nudge_per_person_per_day(session: Session) -> None:
    person(session, "U0BOB0001")
    first = amb.nudge_people(session, caller=SALES, user_ids=["U0BOB0001"], message="", rules=RULES, now=NOW)
    again = amb.nudge_people(session, caller=ADMIN, user_ids=["U0BOB0001"], message="", rules=RULES, now=NOW)
    assert first.targets[0].queued and (again.targets[0].queued, again.targets[0].reason) == (False, "already_queued")
    assert len(_outbox(session)) == 1


def test_weekly_budget_of_zero_skips(session: Session) -> None:
    person(session, "U0BOB0001")
    outcome = amb.nudge_people(
        session, caller=SALES, user_ids=["U0BOB0001"], message="", rules=CadenceRules(weekly_budget=0), now=NOW
    )
    assert outcome.skipped[0].reason == "budget_zero" and _outbox(session) == []


def test_budget_used_up_defers(session: Session) -> None:
    bob = person(session, "U0BOB0001")
    for n in range(3):
        session.add(
            NudgeDelivery(
                person_id=bob.id,
                kind="training",
                idempotency_key=f"k{n}",
                state="sent",
                due_at=NOW - timedelta(days=n + 1),
                sent_at=NOW - timedelta(days=n + 1),
            )
        )
    session.flush()
    outcome = amb.nudge_people(session, caller=SALES, user_ids=["U0BOB0001"], message="", rules=RULES, now=NOW)
    assert outcome.targets[0].queued and outcome.targets[0].reason == "budget"
    assert outcome.targets[0].at is not None and outcome.targets[0].at >= NOW + timedelta(days=4)


# -- questions ----------------------------------------------------------------------------------------


def test_open_questions_are_oldest_first_and_department_only(session: Session) -> None:
    ann, bob = person(session, "U0ANN0001"), person(session, "U0BOB0001")
    mkt = person(session, "U0MKT0001", department="Marketing")
    newer = help_request(session, ann, created_at=datetime(2026, 3, 5, tzinfo=UTC))
    older = help_request(session, bob, state="escalated", created_at=datetime(2026, 3, 2, tzinfo=UTC))
    help_request(session, bob, state="closed")
    help_request(session, mkt)
    questions, total = amb.open_questions(session, departments=["Sales"], limit=1)
    assert total == 2 and [q.request_id for q in questions] == [older.id]
    questions, _ = amb.open_questions(session, departments=["Sales"])
    assert [q.request_id for q in questions] == [older.id, newer.id]


# -- confirm ------------------------------------------------------------------------------------------


def test_confirm_turns_pending_into_done_and_lifts_the_stage(session: Session, playbook: Playbook) -> None:
    bob = person(session, "U0BOB0001", current_stage=3)
    for key in [*STAGE_1, *STAGE_2, "use-an-app", "share-a-file", "dept-request"]:
        completion(session, bob, key, NOW - timedelta(days=5))
    completion(session, bob, "approve-in-slack", NOW - timedelta(days=1), status="pending")
    outcome = amb.confirm_use_case(
        session, playbook=playbook, caller=SALES, user_id="U0BOB0001", text="Finish an approval in Slack", now=NOW
    )
    assert (outcome.status, outcome.use_case_key, outcome.stage_reached) == ("confirmed", "approve-in-slack", 4)
    row = session.scalar(select(Completion).where(Completion.use_case_key == "approve-in-slack"))
    assert row is not None and (row.status, row.source, row.confirmed_by) == ("done", "ambassador", "U0AMB0001")
    assert (bob.current_stage, bob.stage_reached_at) == (4, NOW)
    again = amb.confirm_use_case(
        session, playbook=playbook, caller=SALES, user_id="U0BOB0001", text="approve-in-slack", now=NOW
    )
    assert again.status == "already_done"


def test_confirm_finds_the_use_case_by_japanese_title_or_the_only_pending_one(
    session: Session, playbook: Playbook
) -> None:
    bob = person(session, "U0BOB0001")
    completion(session, bob, "connect-a-tool", NOW, status="pending")
    assert amb.find_use_case(playbook, "承認をSlackで完了する") == "approve-in-slack"
    outcome = amb.confirm_use_case(session, playbook=playbook, caller=SALES, user_id="U0BOB0001", text="", now=NOW)
    assert outcome.status == "confirmed" and outcome.use_case_key == "connect-a-tool"


def test_confirm_refuses_and_explains(session: Session, playbook: Playbook) -> None:
    person(session, "U0MKT0001", department="Marketing")
    bob = person(session, "U0BOB0001")
    completion(session, bob, "connect-a-tool", NOW, status="pending")
    completion(session, bob, "approve-in-slack", NOW, status="pending")

    def confirm(user: str, text: str) -> amb.ConfirmOutcome:
        return amb.confirm_use_case(session, playbook=playbook, caller=SALES, user_id=user, text=text, now=NOW)

    assert confirm("U0MKT0001", "connect-a-tool").status == "not_in_department"
    assert confirm("U0NOBODY1", "connect-a-tool").status == "unknown_person"
    unclear = confirm("U0BOB0001", "something else")
    assert unclear.status == "unknown_use_case" and set(unclear.pending) == {"connect-a-tool", "approve-in-slack"}
    assert confirm("U0BOB0001", "share-a-file").status == "not_pending"
    assert session.scalar(select(Completion).where(Completion.use_case_key == "connect-a-tool")).status == "pending"


# -- self-service -------------------------------------------------------------------------------------


def test_my_summary_lists_done_pending_and_next(session: Session, playbook: Playbook) -> None:
    me = person(session, "U0ME00001", current_stage=1)
    for key in STAGE_1:
        completion(session, me, key, NOW)
    completion(session, me, "post-in-project", NOW, status="pending")
    summary = amb.my_summary(session, playbook=playbook, person=me, now=NOW)
    assert summary.done == tuple(STAGE_1) and summary.pending == ("post-in-project",)
    assert summary.next_key == "post-in-project" and summary.stage_total == 4


def test_stop_toggles_every_optional_kind_and_start_undoes_it(session: Session) -> None:
    me = person(session, "U0ME00001", opted_out_kinds=["pulse"])
    amb.set_stopped(me, stopped=True)
    assert set(me.opted_out_kinds) == {k.value for k in OPTABLE_KINDS} and amb.is_stopped(me)
    amb.set_stopped(me, stopped=False)
    assert me.opted_out_kinds == [] and not amb.is_stopped(me)


def test_digest_collects_movement_stuck_and_questions(session: Session, playbook: Playbook) -> None:
    people = _sales_department(session)
    digest = amb.department_digest(session, playbook=playbook, department="Sales", now=NOW, limit=2)
    assert [m.user_id for m in digest.moved_up] == [people["s8"].slack_user_id] and digest.moved_total == 1
    assert digest.questions_total == 2 and len(digest.questions) == 2
    assert digest.stuck_total >= len(digest.stuck) and len(digest.stuck) <= 2


def test_day_boundaries_use_utc_days(session: Session, playbook: Playbook) -> None:
    ann = person(session, "U0ANN0001", current_stage=2)
    active_on(session, ann, date(2026, 3, 3))  # 6 days before NOW's date: still inside the 7-day window
    assert amb.department_status(session, playbook=playbook, department="Sales", now=NOW).current.active == 1
    later = NOW + timedelta(days=1)
    assert amb.department_status(session, playbook=playbook, department="Sales", now=later).current.active == 0
