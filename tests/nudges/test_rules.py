from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.places import public_holiday
from nudges.kinds import OPTABLE_KINDS, POLICIES, NudgeKind, by_priority, kind_values
from nudges.rules import (
    CadenceDecision,
    CadenceRules,
    ReasonCode,
    Recipient,
    Verdict,
    decide,
    effective_gap,
    is_working_moment,
    local_window_utc,
    next_allowed_time,
    next_working_moment,
    reengage_due,
    resolve_zone,
    start_of_local_day,
    working_zones,
)

K = NudgeKind
RULES = CadenceRules(holidays=frozenset({date(2026, 12, 31)}))
EVERY_DAY = CadenceRules(weekdays=frozenset(range(7)))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def hours(start: str, end: str, rules: CadenceRules = EVERY_DAY) -> CadenceRules:
    return replace(rules, work_start=time.fromisoformat(start), work_end=time.fromisoformat(end))


MON = utc(2026, 3, 2, 10)  # Monday 2 March 2026, 10:00 UTC
NY = "America/New_York"
ADL_0500 = utc(2026, 10, 3, 18, 30)  # 05:00 ACDT on Sunday 4 October 2026


# --- working windows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "tz", "day", "expected"),
    [
        (RULES, "UTC", date(2026, 3, 2), (utc(2026, 3, 2, 9, 30), utc(2026, 3, 2, 17, 30))),
        (RULES, "Asia/Kolkata", date(2026, 3, 2), (utc(2026, 3, 2, 4), utc(2026, 3, 2, 12))),
        (RULES, "Asia/Kathmandu", date(2026, 3, 2), (utc(2026, 3, 2, 3, 45), utc(2026, 3, 2, 11, 45))),
        # Adelaide: +10:30 in (southern) summer, +9:30 after DST ends on Sunday 5 April 2026.
        (RULES, "Australia/Adelaide", date(2026, 3, 2), (utc(2026, 3, 1, 23), utc(2026, 3, 2, 7))),
        (RULES, "Australia/Adelaide", date(2026, 4, 6), (utc(2026, 4, 6, 0), utc(2026, 4, 6, 8))),
        # New York before and after spring-forward (Sunday 8 March) and fall-back (Sunday 1 November).
        (RULES, NY, date(2026, 3, 6), (utc(2026, 3, 6, 14, 30), utc(2026, 3, 6, 22, 30))),
        (RULES, NY, date(2026, 3, 9), (utc(2026, 3, 9, 13, 30), utc(2026, 3, 9, 21, 30))),
        (EVERY_DAY, NY, date(2026, 3, 7), (utc(2026, 3, 7, 14, 30), utc(2026, 3, 7, 22, 30))),
        (EVERY_DAY, NY, date(2026, 3, 8), (utc(2026, 3, 8, 13, 30), utc(2026, 3, 8, 21, 30))),
        (EVERY_DAY, NY, date(2026, 10, 31), (utc(2026, 10, 31, 13, 30), utc(2026, 10, 31, 21, 30))),
        (EVERY_DAY, NY, date(2026, 11, 1), (utc(2026, 11, 1, 14, 30), utc(2026, 11, 1, 22, 30))),
        # Nonexistent local times (02:00-03:00 skipped on 8 March): the window starts/ends at the jump.
        (hours("02:30", "03:15"), NY, date(2026, 3, 8), (utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 15))),
        (hours("01:00", "02:30"), NY, date(2026, 3, 8), (utc(2026, 3, 8, 6), utc(2026, 3, 8, 7))),
        (
            hours("02:30", "05:00"),
            "Australia/Adelaide",
            date(2026, 10, 4),
            (utc(2026, 10, 3, 16, 30), ADL_0500),
        ),
        # Ambiguous local times (01:00-02:00 repeated on 1 November): start at the second, end at the first.
        (hours("01:30", "04:00"), NY, date(2026, 11, 1), (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 9))),
        (hours("00:00", "01:30"), NY, date(2026, 11, 1), (utc(2026, 11, 1, 4), utc(2026, 11, 1, 5, 30))),
        (hours("01:00", "01:45"), NY, date(2026, 11, 1), None),
        # Days off.
        (RULES, "UTC", date(2026, 3, 7), None),
        (RULES, "Asia/Kolkata", date(2026, 12, 31), None),
        # Unknown or missing zones behave as UTC.
        (RULES, "Mars/Olympus", date(2026, 3, 2), (utc(2026, 3, 2, 9, 30), utc(2026, 3, 2, 17, 30))),
        (RULES, None, date(2026, 3, 2), (utc(2026, 3, 2, 9, 30), utc(2026, 3, 2, 17, 30))),
        (RULES, "", date(2026, 3, 2), (utc(2026, 3, 2, 9, 30), utc(2026, 3, 2, 17, 30))),
        (RULES, "../etc/passwd", date(2026, 3, 2), (utc(2026, 3, 2, 9, 30), utc(2026, 3, 2, 17, 30))),
    ],
)
def test_local_window_utc(rules, tz, day, expected):
    assert local_window_utc(rules, tz, day) == expected


def test_local_window_is_cached_per_zone_and_date():
    local_window_utc(RULES, "Asia/Kolkata", date(2026, 5, 4))
    hits = local_window_utc.cache_info().hits
    local_window_utc(RULES, "Asia/Kolkata", date(2026, 5, 4))
    assert local_window_utc.cache_info().hits == hits + 1


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        ("UTC", utc(2026, 3, 2, 9, 30), True),
        ("UTC", utc(2026, 3, 2, 9, 29), False),
        ("UTC", utc(2026, 3, 2, 17, 29), True),
        ("UTC", utc(2026, 3, 2, 17, 30), False),
        ("Asia/Kolkata", utc(2026, 3, 2, 4), True),
        ("Asia/Kolkata", utc(2026, 3, 2, 3, 59), False),
        ("Australia/Adelaide", utc(2026, 3, 1, 23), True),  # Monday 09:30 in Adelaide, Sunday in UTC
        ("Australia/Adelaide", utc(2026, 3, 6, 7), False),  # Friday 17:30 in Adelaide
        ("UTC", utc(2026, 3, 7, 12), False),  # Saturday
        ("UTC", utc(2026, 12, 31, 12), False),  # holiday
    ],
)
def test_is_working_moment(tz, now, expected):
    assert is_working_moment(RULES, tz, now) is expected


def test_working_zones_checks_each_zone_once():
    zones = ["UTC", "Asia/Kolkata", "UTC", NY, "Australia/Adelaide", "Asia/Kolkata"]
    assert working_zones(RULES, zones, utc(2026, 3, 2, 10)) == {"UTC", "Asia/Kolkata"}


@pytest.mark.parametrize(
    ("rules", "tz", "at", "expected"),
    [
        (RULES, "UTC", utc(2026, 3, 2, 10), utc(2026, 3, 2, 10)),
        (RULES, "UTC", utc(2026, 3, 2, 6), utc(2026, 3, 2, 9, 30)),
        (RULES, "UTC", utc(2026, 3, 6, 18), utc(2026, 3, 9, 9, 30)),
        (RULES, NY, utc(2026, 3, 6, 22, 30), utc(2026, 3, 9, 13, 30)),  # EST Friday close → EDT Monday
        (RULES, NY, utc(2026, 10, 30, 22), utc(2026, 11, 2, 14, 30)),  # EDT Friday → EST Monday
        (RULES, "UTC", utc(2026, 12, 30, 18), utc(2027, 1, 1, 9, 30)),
        (
            replace(RULES, holidays=frozenset({date(2026, 12, 31), date(2027, 1, 1)})),
            "UTC",
            utc(2026, 12, 30, 18),
            utc(2027, 1, 4, 9, 30),
        ),
        # A Sunday-Thursday week: Thursday evening in Dubai goes to Sunday morning.
        (
            CadenceRules(weekdays=frozenset({6, 0, 1, 2, 3})),
            "Asia/Dubai",
            utc(2026, 3, 5, 14),
            utc(2026, 3, 8, 5, 30),
        ),
    ],
)
def test_next_working_moment(rules, tz, at, expected):
    assert next_working_moment(rules, tz, at) == expected


# --- decide --------------------------------------------------------------------------------------------

SENT_SUN = utc(2026, 3, 1, 10)
SEND = CadenceDecision.send_now()
NO_BUDGET = {"sent_in_last_7_days": 3, "last_sent_at": SENT_SUN}
THREE_SENDS = {
    "last_sent_at": utc(2026, 2, 27, 10),
    "budget_sent_at": (utc(2026, 2, 24, 10), utc(2026, 2, 26, 10), utc(2026, 2, 27, 10)),
}
ZERO_BUDGET = replace(RULES, weekly_budget=0)
NO_DND = replace(RULES, respect_dnd=False)
KOLKATA_HOURS = "outside working hours in Asia/Kolkata"
NY_HOURS = "outside working hours in America/New_York"
BUDGET_USED = "weekly budget used (3/3) — next slot"
THURSDAY = date(2026, 3, 5)
MARS_HOURS = "outside working hours in UTC (no usable time zone: 'Mars/Olympus')"


def who(tz: str | None = "UTC", **snapshot) -> Recipient:
    return Recipient("U", tz, **snapshot)


def defer(at: datetime, reason: str, code: ReasonCode) -> CadenceDecision:
    return CadenceDecision.defer_until(at, reason, code)


def skip(reason: str, code: ReasonCode) -> CadenceDecision:
    return CadenceDecision.skip(reason, code)


def case(name, recipient, kind, now, expected, rules=RULES):
    return pytest.param(rules, recipient, kind, now, expected, id=name)


R = ReasonCode
# fmt: off
CASES = [
    case("in hours", who(), K.PULSE, MON, SEND),
    case("kolkata evening", who("Asia/Kolkata"), K.TRAINING, utc(2026, 3, 2, 13),
         defer(utc(2026, 3, 3, 4), KOLKATA_HOURS, R.OFF_HOURS)),
    case("kolkata a minute early", who("Asia/Kolkata"), K.TRAINING, utc(2026, 3, 2, 3, 59),
         defer(utc(2026, 3, 2, 4), KOLKATA_HOURS, R.OFF_HOURS)),
    case("kolkata opening", who("Asia/Kolkata"), K.TRAINING, utc(2026, 3, 2, 4), SEND),
    case("adelaide monday is utc sunday", who("Australia/Adelaide"), K.TRAINING, utc(2026, 3, 1, 23), SEND),
    case("new york friday close to edt monday", who(NY), K.NEXT_USE_CASE, utc(2026, 3, 6, 22, 30),
         defer(utc(2026, 3, 9, 13, 30), NY_HOURS, R.OFF_HOURS)),
    case("spring-forward sunday", who(NY), K.TRAINING, utc(2026, 3, 8, 13),
         defer(utc(2026, 3, 8, 13, 30), NY_HOURS, R.OFF_HOURS), EVERY_DAY),
    case("fall-back sunday", who(NY), K.TRAINING, utc(2026, 11, 1, 14),
         defer(utc(2026, 11, 1, 14, 30), NY_HOURS, R.OFF_HOURS), EVERY_DAY),
    case("fall-back sunday in hours", who(NY), K.TRAINING, utc(2026, 11, 1, 14, 30), SEND, EVERY_DAY),
    case("weekend", who(), K.PULSE, utc(2026, 3, 7, 10), defer(utc(2026, 3, 9, 9, 30), "weekend", R.WEEKEND)),
    case("weekend in kolkata, friday in utc", who("Asia/Kolkata"), K.PULSE, utc(2026, 3, 6, 20),
         defer(utc(2026, 3, 9, 4), "weekend", R.WEEKEND)),
    case("holiday", who(), K.PULSE, utc(2026, 12, 31, 10),
         defer(utc(2027, 1, 1, 9, 30), "holiday 2026-12-31", R.HOLIDAY)),
    case("unknown zone falls back to utc", who("Mars/Olympus"), K.PULSE, utc(2026, 3, 2, 8),
         defer(utc(2026, 3, 2, 9, 30), MARS_HOURS, R.OFF_HOURS)),
    case("missing zone in hours", who(None), K.PULSE, MON, SEND),
    case("dnd", who(dnd_until=utc(2026, 3, 2, 11, 15)), K.PULSE, MON,
         defer(utc(2026, 3, 2, 11, 15), "do not disturb until Mon 2026-03-02 11:15 UTC", R.DND)),
    case("dnd past closing", who("Asia/Kolkata", dnd_until=utc(2026, 3, 2, 13)), K.PULSE, utc(2026, 3, 2, 6),
         defer(utc(2026, 3, 3, 4), "do not disturb until Mon 2026-03-02 18:30 IST", R.DND)),
    case("dnd holds transactional kinds", who(dnd_until=utc(2026, 3, 2, 11)), K.CELEBRATE, MON,
         defer(utc(2026, 3, 2, 11), "do not disturb until Mon 2026-03-02 11:00 UTC", R.DND)),
    case("dnd over", who(dnd_until=utc(2026, 3, 2, 9)), K.PULSE, MON, SEND),
    case("dnd not respected", who(dnd_until=utc(2026, 3, 2, 11)), K.PULSE, MON, SEND, NO_DND),
    case("budget used", who(**NO_BUDGET), K.PULSE, MON,
         defer(utc(2026, 3, 9, 9, 30), f"{BUDGET_USED} Mon 2026-03-09 09:30 UTC", R.BUDGET)),
    case("budget refilled after 7 days", who(**NO_BUDGET), K.PULSE, utc(2026, 3, 9, 10), SEND),
    case("budget refilled, but it is the weekend", who(**NO_BUDGET), K.PULSE, utc(2026, 3, 14, 10),
         defer(utc(2026, 3, 16, 9, 30), "weekend", R.WEEKEND)),
    case("budget has room", who(sent_in_last_7_days=2, last_sent_at=SENT_SUN), K.PULSE, MON, SEND),
    case("budget from timestamps: exact slot", who(**THREE_SENDS), K.PULSE, MON,
         defer(utc(2026, 3, 3, 10), f"{BUDGET_USED} Tue 2026-03-03 10:00 UTC", R.BUDGET)),
    case("budget from timestamps: oldest left", who(**THREE_SENDS), K.PULSE, utc(2026, 3, 3, 10), SEND),
    case("budget ignored by celebrate", who(**NO_BUDGET), K.CELEBRATE, MON, SEND),
    case("budget ignored by help follow-up", who(**NO_BUDGET), K.HELP_FOLLOW_UP, MON, SEND),
    case("zero budget pauses coaching", who(), K.TRAINING, MON,
         skip("weekly budget is 0", R.BUDGET_ZERO), ZERO_BUDGET),
    case("zero budget still celebrates", who(), K.CELEBRATE, MON, SEND, ZERO_BUDGET),
    case("min gap", who(last_sent_at=utc(2026, 3, 1, 20)), K.TRAINING, MON,
         defer(utc(2026, 3, 2, 16), "minimum gap 20h since last nudge", R.MIN_GAP)),
    case("min gap over", who(last_sent_at=utc(2026, 3, 1, 20)), K.TRAINING, utc(2026, 3, 2, 16), SEND),
    case("min gap ignored by transactional", who(last_sent_at=utc(2026, 3, 2, 9, 45)), K.HELP_FOLLOW_UP, MON,
         SEND),
    case("one ignored: plain gap", who(last_sent_at=SENT_SUN, ignored_streak=1), K.TRAINING, MON, SEND),
    case("two ignored: 40h", who(last_sent_at=SENT_SUN, ignored_streak=2), K.TRAINING, MON,
         defer(utc(2026, 3, 3, 9, 30), "backing off: 2 nudges ignored", R.BACKOFF)),
    case("four ignored: 160h", who(last_sent_at=SENT_SUN, ignored_streak=4), K.TRAINING, MON,
         defer(utc(2026, 3, 9, 9, 30), "backing off: 4 nudges ignored", R.BACKOFF)),
    case("back-off ignored by celebrate", who(last_sent_at=SENT_SUN, ignored_streak=9), K.CELEBRATE, MON,
         SEND),
    case("snoozed until a date", who(snoozed_until=start_of_local_day("UTC", THURSDAY)), K.TRAINING, MON,
         defer(utc(2026, 3, 5, 9, 30), "snoozed until Thu 2026-03-05 00:00 UTC", R.SNOOZED)),
    case("snoozed until a kolkata date",
         who("Asia/Kolkata", snoozed_until=start_of_local_day("Asia/Kolkata", THURSDAY)), K.TRAINING, MON,
         defer(utc(2026, 3, 5, 4), "snoozed until Thu 2026-03-05 00:00 IST", R.SNOOZED)),
    case("snooze over", who(snoozed_until=utc(2026, 3, 2, 9)), K.TRAINING, MON, SEND),
    case("snooze does not hold a celebration", who(snoozed_until=utc(2026, 3, 9)), K.CELEBRATE, MON, SEND),
    case("opted out", who(opted_out={K.PULSE}), K.PULSE, MON, skip("opted out of pulse", R.OPTED_OUT)),
    case("opt-out is per kind", who(opted_out={K.PULSE}), K.TRAINING, MON, SEND),
    case("opt-out wins over the calendar", who(opted_out={K.FEEDBACK}), K.FEEDBACK, utc(2026, 3, 7, 3),
         skip("opted out of feedback", R.OPTED_OUT)),
    case("cannot opt out of celebrate", who(opted_out={K.CELEBRATE}), K.CELEBRATE, MON, SEND),
    case("cannot opt out of help follow-up", who(opted_out={K.HELP_FOLLOW_UP}), K.HELP_FOLLOW_UP, MON, SEND),
    case("cannot opt out of welcome", who(opted_out={K.WELCOME}), K.WELCOME, MON, SEND),
    case("deactivated", who(deactivated=True), K.TRAINING, MON, skip("deactivated", R.DEACTIVATED)),
    case("deactivated: no celebration", who(deactivated=True), K.CELEBRATE, MON,
         skip("deactivated", R.DEACTIVATED)),
    case("first hold named, latest bound wins",
         who(snoozed_until=utc(2026, 3, 2, 11), dnd_until=utc(2026, 3, 3, 12), last_sent_at=SENT_SUN,
             ignored_streak=2),
         K.TRAINING, MON, defer(utc(2026, 3, 3, 12), "snoozed until Mon 2026-03-02 11:00 UTC", R.SNOOZED)),
]
# fmt: on


@pytest.mark.parametrize(("rules", "recipient", "kind", "now", "expected"), CASES)
def test_decide(rules, recipient, kind, now, expected):
    assert decide(rules, recipient, kind, now) == expected


@pytest.mark.parametrize(("rules", "recipient", "kind", "now", "expected"), CASES)
def test_next_allowed_time_agrees_with_decide(rules, recipient, kind, now, expected):
    if expected.verdict is not Verdict.SKIP:
        assert next_allowed_time(rules, recipient, now, kind=kind) == (expected.at or now)


def test_next_allowed_time_defaults_to_a_budgeted_coaching_nudge():
    person = Recipient("U", "UTC", sent_in_last_7_days=3, last_sent_at=SENT_SUN)
    assert next_allowed_time(RULES, person, MON) == utc(2026, 3, 9, 9, 30)
    assert next_allowed_time(RULES, person, MON, kind=K.CELEBRATE) == MON


def test_next_allowed_time_ignores_a_zero_budget_that_decide_reports_as_skip():
    person = who(**THREE_SENDS)
    assert next_allowed_time(ZERO_BUDGET, person, MON) == MON
    assert decide(ZERO_BUDGET, person, K.PULSE, MON).verdict is Verdict.SKIP


def test_decision_reads_well_in_the_outbox():
    assert str(CadenceDecision.send_now()) == "send now"
    assert str(CadenceDecision.skip("deactivated", ReasonCode.DEACTIVATED)) == "skip — deactivated"
    deferred = CadenceDecision.defer_until(utc(2026, 3, 9, 9, 30), "weekend", ReasonCode.WEEKEND)
    assert str(deferred) == "defer until 2026-03-09 09:30 UTC — weekend"


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="naive"):
        decide(RULES, Recipient("U"), K.PULSE, datetime(2026, 3, 2, 10))


def test_now_in_another_offset_is_normalised():
    kolkata_now = MON.astimezone(resolve_zone("Asia/Kolkata")[1])
    assert decide(RULES, Recipient("U", "UTC"), K.PULSE, kolkata_now) == CadenceDecision.send_now()


# --- back-off curve ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "streak", "gap"),
    [
        (RULES, 0, timedelta(hours=20)),
        (RULES, 1, timedelta(hours=20)),
        (RULES, 2, timedelta(hours=40)),
        (RULES, 3, timedelta(hours=80)),
        (RULES, 4, timedelta(hours=160)),
        (RULES, 5, timedelta(hours=320)),
        (RULES, 6, timedelta(days=14)),
        (RULES, 1000, timedelta(days=14)),
        (replace(RULES, backoff_after_ignored=1), 1, timedelta(hours=40)),
        # A cap below the gap never shortens it.
        (replace(RULES, max_backoff_days=0.5), 5, timedelta(hours=20)),
        (replace(RULES, min_gap_hours=0), 4, timedelta(0)),
    ],
)
def test_back_off_curve(rules, streak, gap):
    assert effective_gap(rules, streak) == gap


# --- rules, recipients, kinds -------------------------------------------------------------------------


def test_rules_from_playbook_mapping():
    cadence = {
        "working_hours": {"start": "08:00", "end": "16:45"},
        "weekdays": ["sun", "mon", "tue", "wed", "thu"],
        "holidays": ["2026-12-31", "2027-01-01"],
        "weekly_budget": 2,
        "min_gap_hours": 24,
        "backoff_after_ignored": 3,
        "reengage_after_days": 21,
        "respect_dnd": False,
    }
    assert CadenceRules.from_mapping(cadence) == CadenceRules(
        work_start=time(8),
        work_end=time(16, 45),
        weekdays=frozenset({6, 0, 1, 2, 3}),
        holidays=frozenset({date(2026, 12, 31), date(2027, 1, 1)}),
        weekly_budget=2,
        min_gap_hours=24,
        backoff_after_ignored=3,
        reengage_after_days=21,
        respect_dnd=False,
    )
    assert CadenceRules.from_mapping({}) == CadenceRules()


@pytest.mark.parametrize(
    "cadence",
    [
        {"working_hours": {"start": "17:30", "end": "09:30"}},
        {"working_hours": {"start": "9h30"}},
        {"weekdays": []},
        {"weekdays": ["funday"]},
        {"holidays": ["31/12/2026"]},
        {"weekly_budget": -1},
        {"backoff_after_ignored": 0},
    ],
)
def test_invalid_cadence_is_refused(cadence):
    with pytest.raises(ValueError):
        CadenceRules.from_mapping(cadence)


def test_recipient_normalises_and_validates():
    assert Recipient("U", opted_out=frozenset({"pulse"})).opted_out == {K.PULSE}
    with pytest.raises(ValueError, match="aware"):
        Recipient("U", snoozed_until=datetime(2026, 3, 5))
    with pytest.raises(ValueError, match="last_sent_at"):
        Recipient("U", sent_in_last_7_days=2)


@pytest.mark.parametrize(("quiet_for", "due"), [(timedelta(days=13, hours=23), False), (timedelta(days=14), True)])
def test_reengage_due_after_quiet_days(quiet_for, due):
    assert reengage_due(RULES, MON - quiet_for, MON) is due


def test_start_of_local_day_on_a_midnight_jump():
    # Chile moves clocks from 24:00 to 01:00 on Saturday/Sunday 6 September 2026: midnight does not exist.
    start = start_of_local_day("America/Santiago", date(2026, 9, 6))
    assert start == utc(2026, 9, 6, 4)
    assert start.astimezone(resolve_zone("America/Santiago")[1]).hour == 1


def test_every_kind_has_a_policy():
    assert set(POLICIES) == set(NudgeKind)
    unpaced = {
        K.CELEBRATE,
        K.HELP_FOLLOW_UP,
        K.AMBASSADOR_DIGEST,
        K.ADMIN_DIGEST,
        K.CHEER,
        K.CONFIRM_ASK,
        K.SMALL_TALK,
        K.RED_DEPARTMENT,
        K.CHAMPION_INVITE,
    }
    urgent = {K.HELP_ROUTED, K.HELP_ASKER, K.ADMIN_POST, K.REPLY}
    assert {kind for kind in NudgeKind if kind.policy.transactional} == unpaced | urgent
    assert {kind for kind in NudgeKind if kind.policy.urgent} == urgent
    assert set(NudgeKind) - unpaced - urgent - {K.WELCOME} == OPTABLE_KINDS
    assert all(kind.policy.ledgered for kind in NudgeKind)  # there is no way out but the outbox


def test_urgent_kinds_skip_budget_hours_and_dnd_but_not_deactivation():
    rules = CadenceRules()
    saturday_night = utc(2026, 2, 7, 23)
    spent = Recipient(
        "U1",
        tz="Europe/London",
        sent_in_last_7_days=3,
        last_sent_at=saturday_night - timedelta(hours=1),
        dnd_until=saturday_night + timedelta(hours=8),
    )
    assert decide(rules, spent, K.HELP_ROUTED, saturday_night).verdict is Verdict.SEND_NOW
    assert decide(rules, spent, K.HELP_ASKER, saturday_night).verdict is Verdict.SEND_NOW
    celebration = decide(rules, spent, K.CELEBRATE, saturday_night)
    assert celebration.verdict is Verdict.DEFER and celebration.code is ReasonCode.DND
    gone = Recipient("U1", deactivated=True)
    assert decide(rules, gone, K.HELP_ROUTED, saturday_night).verdict is Verdict.SKIP


def test_kinds_by_priority():
    assert by_priority([K.PULSE, K.NEXT_USE_CASE, K.CELEBRATE, K.WELCOME, K.PULSE]) == [
        K.CELEBRATE,
        K.WELCOME,
        K.NEXT_USE_CASE,
        K.PULSE,
    ]


# --- properties ----------------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Australia/Adelaide",
    NY,
    "Europe/London",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/Santiago",
    "Mars/Olympus",
    None,
]
TRANSITIONS = [
    utc(2026, 3, 8, 7),
    utc(2026, 11, 1, 6),
    utc(2026, 4, 4, 16, 30),
    utc(2026, 10, 3, 16, 30),
    utc(2026, 3, 29, 1),
    utc(2026, 10, 25, 1),
    utc(2026, 9, 6, 4),
]
offsets = st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=10))


@st.composite
def cadence_rules(draw):
    start, end = sorted(draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=2, unique=True)))
    return CadenceRules(
        work_start=time(start // 60, start % 60),
        work_end=time(end // 60, end % 60),
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        holidays=draw(st.frozensets(st.dates(date(2026, 1, 1), date(2027, 1, 31)), max_size=8)),
        weekly_budget=draw(st.integers(0, 5)),
        min_gap_hours=draw(st.sampled_from([0, 1, 20, 36.5])),
        backoff_after_ignored=draw(st.integers(1, 4)),
        max_backoff_days=draw(st.sampled_from([0, 3, 14])),
        respect_dnd=draw(st.booleans()),
    )


@st.composite
def moments(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(TRANSITIONS)) + draw(st.timedeltas(timedelta(days=-2), timedelta(days=2)))
    return draw(st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)))


@st.composite
def recipients(draw, now):
    def maybe_around_now():
        return draw(st.one_of(st.none(), offsets.map(lambda delta: now + delta)))

    sends = tuple(now - draw(offsets).__abs__() for _ in range(draw(st.integers(0, 6))))
    last_sent = draw(st.one_of(st.none(), offsets.map(lambda delta: now - abs(delta))))
    if sends:
        last_sent = max([*sends, last_sent or sends[0]])
    count_only = draw(st.booleans()) and last_sent is not None
    return Recipient(
        "U",
        draw(st.sampled_from(ZONES)),
        deactivated=draw(st.booleans()) and draw(st.booleans()),
        snoozed_until=maybe_around_now(),
        opted_out=draw(st.frozensets(st.sampled_from(list(NudgeKind)), max_size=3)),
        sent_in_last_7_days=draw(st.integers(0, 6)) if count_only else 0,
        last_sent_at=last_sent,
        ignored_streak=draw(st.integers(0, 8)),
        dnd_until=maybe_around_now(),
        budget_sent_at=() if count_only else sends,
    )


def in_working_hours(rules: CadenceRules, tz: str | None, moment: datetime) -> bool:
    """Independent wall-clock check, not using the window code under test."""
    local = moment.astimezone(resolve_zone(tz)[1])
    return (
        local.weekday() in rules.weekdays
        and local.date() not in rules.holidays
        and rules.work_start <= local.time() < rules.work_end
    )


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    rules=cadence_rules(),
    kind=st.sampled_from([k for k in NudgeKind if k.policy.waits_for_working_hours]),
    now=moments(),
)
def test_decide_sends_only_in_working_hours_and_deferrals_are_fixed_points(data, rules, kind, now):
    recipient = data.draw(recipients(now))
    decision = decide(rules, recipient, kind, now)
    if decision.verdict is Verdict.SEND_NOW:
        assert in_working_hours(rules, recipient.tz, now)
    elif decision.verdict is Verdict.DEFER:
        assert decision.at is not None and decision.at > now
        assert in_working_hours(rules, recipient.tz, decision.at)
        assert decide(rules, recipient, kind, decision.at) == CadenceDecision.send_now()
    else:
        assert decision.code in {ReasonCode.DEACTIVATED, ReasonCode.OPTED_OUT, ReasonCode.BUDGET_ZERO}


@settings(max_examples=200, deadline=None)
@given(rules=cadence_rules(), tz=st.sampled_from(ZONES), now=moments())
def test_next_working_moment_is_the_earliest(rules, tz, now):
    at = next_working_moment(rules, tz, now)
    assert at >= now and in_working_hours(rules, tz, at)
    assert at == now or not is_working_moment(rules, tz, at - timedelta(seconds=1))


def test_the_kind_policy_table_holds_planning_staleness_and_rating() -> None:
    assert {kind for kind in NudgeKind if kind.policy.planned} == {
        K.NEXT_USE_CASE,
        K.TRAINING,
        K.REENGAGE,
        K.REINFORCEMENT,
        K.PULSE,
    }
    assert {kind for kind in NudgeKind if kind.policy.about_a_step} == {K.NEXT_USE_CASE, K.TRAINING, K.REENGAGE}
    assert {kind: kind.policy.rated_as for kind in NudgeKind if kind.policy.rated_as} == {
        K.TRAINING: "training",
        K.PULSE: "pulse",
        K.FEEDBACK: "feedback",
    }
    assert kind_values(lambda policy: not policy.paced) == {
        "celebrate",
        "help_follow_up",
        "ambassador_digest",
        "admin_digest",
        "help_routed",
        "help_asker",
        "admin_post",
        "confirm_ask",
        "cheer",
        "reply",
        "small_talk",
        "red_department",
        "champion_invite",
    }
    assert {kind: kind.policy.expires_after for kind in NudgeKind if kind.policy.expires_after} == {
        K.SMALL_TALK: timedelta(hours=2)
    }
    assert kind_values(lambda policy: policy.celebration) == {"celebrate", "cheer"}
    assert kind_values(lambda policy: policy.prerendered) == {
        "help_routed",
        "help_asker",
        "admin_post",
        "confirm_ask",
        "cheer",
        "reply",
        "red_department",
        "champion_invite",
    }


def test_a_public_holiday_of_the_recipients_country_defers_to_their_next_working_day() -> None:
    rules = CadenceRules(work_start=time(10), work_end=time(17))
    foundation_day_11_in_tokyo = datetime(2026, 2, 11, 2, 0, tzinfo=UTC)  # Wednesday, a holiday in Japan only
    in_japan = Recipient(user_id="U1", tz="Asia/Tokyo", country="JP")
    held = decide(rules, in_japan, NudgeKind.NEXT_USE_CASE, foundation_day_11_in_tokyo)
    assert held.verdict is Verdict.DEFER and held.code is ReasonCode.HOLIDAY
    assert "public holiday in JP" in held.reason and held.at == datetime(2026, 2, 12, 1, 0, tzinfo=UTC)
    elsewhere = Recipient(user_id="U2", tz="Asia/Tokyo", country="KR")  # same zone, a country without that day
    assert decide(rules, elsewhere, NudgeKind.NEXT_USE_CASE, foundation_day_11_in_tokyo).verdict is Verdict.SEND_NOW
    assert decide(
        rules, replace(in_japan, country=None), NudgeKind.NEXT_USE_CASE, foundation_day_11_in_tokyo
    ).verdict is (Verdict.SEND_NOW)  # no country known: only the company's own days off


def test_a_country_code_without_a_calendar_has_no_public_holidays() -> None:
    # The holidays package raises NotImplementedError for a code it has no calendar for; Coach knows no holiday there.
    assert public_holiday("XX", date(2026, 1, 1)) is None
    assert public_holiday("JP", date(2026, 1, 1)) is not None  # a country it knows: New Year's Day
