"""Business hours: open/closed, next opening and SLA deadlines across zones, DST, weekends, holidays."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.business_hours import (
    BusinessHours,
    add_business_hours,
    business_time_between,
    is_open,
    next_open,
)

TOKYO = BusinessHours("Asia/Tokyo", ["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00")
KOLKATA = BusinessHours("Asia/Kolkata", ["mon", "tue", "wed", "thu", "fri"], "09:00", "17:30")
NEW_YORK = BusinessHours("America/New_York", ["mon", "tue", "wed", "thu", "fri"], "09:00", "17:00")


def local(tz: str, *args: int) -> datetime:
    """A wall-clock time in a zone, as the UTC instant the functions expect."""
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_tokyo_open_closed_and_edges():
    assert is_open(TOKYO, local("Asia/Tokyo", 2025, 6, 2, 10, 0))  # Monday
    assert is_open(TOKYO, local("Asia/Tokyo", 2025, 6, 2, 9, 0))
    assert not is_open(TOKYO, local("Asia/Tokyo", 2025, 6, 2, 8, 59))
    assert not is_open(TOKYO, local("Asia/Tokyo", 2025, 6, 2, 18, 0))  # end is exclusive
    assert not is_open(TOKYO, local("Asia/Tokyo", 2025, 6, 7, 11, 0))  # Saturday


def test_next_open_skips_the_weekend():
    friday_evening = local("Asia/Tokyo", 2025, 6, 6, 19, 0)
    assert next_open(TOKYO, friday_evening) == datetime(2025, 6, 9, 0, 0, tzinfo=UTC)  # Mon 09:00 JST
    inside = local("Asia/Tokyo", 2025, 6, 4, 12, 34)
    assert next_open(TOKYO, inside) == inside


def test_add_business_hours_carries_over_the_weekend():
    friday = local("Asia/Tokyo", 2025, 6, 6, 16, 0)
    assert add_business_hours(TOKYO, friday, 4) == local("Asia/Tokyo", 2025, 6, 9, 11, 0)


def test_half_hour_zone_kolkata():
    monday_open = local("Asia/Kolkata", 2025, 6, 2, 9, 0)
    assert monday_open == datetime(2025, 6, 2, 3, 30, tzinfo=UTC)
    assert next_open(KOLKATA, datetime(2025, 6, 2, 3, 0, tzinfo=UTC)) == monday_open
    friday = local("Asia/Kolkata", 2025, 6, 6, 17, 0)  # half an hour before closing
    assert add_business_hours(KOLKATA, friday, 4) == local("Asia/Kolkata", 2025, 6, 9, 12, 30)
    assert add_business_hours(KOLKATA, friday, 4) == datetime(2025, 6, 9, 7, 0, tzinfo=UTC)


def test_new_york_across_dst_start():
    friday = datetime(2025, 3, 7, 21, 0, tzinfo=UTC)  # 16:00 EST; clocks go forward on Sunday 9 March
    due = add_business_hours(NEW_YORK, friday, 3)
    assert due == datetime(2025, 3, 10, 15, 0, tzinfo=UTC)  # Monday 11:00 EDT
    assert due == local("America/New_York", 2025, 3, 10, 11, 0)
    assert business_time_between(NEW_YORK, friday, due) == timedelta(hours=3)


def test_new_york_across_dst_end():
    friday = datetime(2025, 10, 31, 20, 0, tzinfo=UTC)  # 16:00 EDT; clocks go back on Sunday 2 November
    due = add_business_hours(NEW_YORK, friday, 2)
    assert due == datetime(2025, 11, 3, 15, 0, tzinfo=UTC)  # Monday 10:00 EST
    assert next_open(NEW_YORK, friday + timedelta(hours=2)) == datetime(2025, 11, 3, 14, 0, tzinfo=UTC)


def test_window_on_the_dst_day_counts_real_time():
    night_shift = BusinessHours("America/New_York", ["sun"], "00:00", "06:00")
    sunday = local("America/New_York", 2025, 3, 9, 0, 0)
    assert business_time_between(night_shift, sunday, sunday + timedelta(days=1)) == timedelta(hours=5)
    assert add_business_hours(night_shift, sunday, 5) == datetime(2025, 3, 9, 10, 0, tzinfo=UTC)


def test_start_in_a_dst_gap_reads_with_the_offset_before_the_jump():
    gap = BusinessHours("America/New_York", ["sun"], "02:30", "10:00")
    # 02:30 does not exist on 9 March 2025; read as EST it is 07:30 UTC, i.e. 03:30 EDT.
    assert next_open(gap, datetime(2025, 3, 9, 5, 0, tzinfo=UTC)) == datetime(2025, 3, 9, 7, 30, tzinfo=UTC)


def test_holidays_are_skipped():
    tokyo = BusinessHours("Asia/Tokyo", ["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00", ["2025-07-21"])
    assert tokyo.holidays == frozenset({date(2025, 7, 21)})
    friday = local("Asia/Tokyo", 2025, 7, 18, 17, 0)
    assert add_business_hours(tokyo, friday, 2) == local("Asia/Tokyo", 2025, 7, 22, 10, 0)
    assert not is_open(tokyo, local("Asia/Tokyo", 2025, 7, 21, 12, 0))


def test_zero_hours_is_the_next_opening_and_output_is_utc():
    saturday = datetime(2025, 6, 7, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    due = add_business_hours(TOKYO, saturday, 0)
    assert due == datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
    assert due.tzinfo == UTC


def test_normalises_playbook_values():
    hours = BusinessHours("Asia/Tokyo", ["Monday", 2, "FRI"], time(8, 30), "17:15")
    assert hours.days == (0, 2, 4)
    assert (hours.start, hours.end) == (time(8, 30), time(17, 15))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"tz": "Asia/Tokyo", "days": []}, "at least one"),
        ({"tz": "Asia/Tokyo", "start": "18:00", "end": "09:00"}, "before"),
        ({"tz": "Asia/Tokyo", "days": ["funday"]}, "weekday"),
        ({"tz": "Asia/Tokyo", "days": [7]}, "0..6"),
    ],
)
def test_rejects_bad_configuration(kwargs, error):
    with pytest.raises(ValueError, match=error):
        BusinessHours(**kwargs)


def test_rejects_unknown_zone_naive_datetimes_and_negative_amounts():
    with pytest.raises(Exception, match="Nowhere"):
        BusinessHours("Mars/Nowhere")
    with pytest.raises(ValueError, match="aware"):
        is_open(TOKYO, datetime(2025, 6, 2, 10, 0))
    with pytest.raises(ValueError, match="negative"):
        add_business_hours(TOKYO, datetime(2025, 6, 2, tzinfo=UTC), -1)


def test_schedule_that_never_opens_is_reported():
    every_monday_a_holiday = BusinessHours(
        "Asia/Tokyo", ["mon"], holidays=[date(2025, 6, 2) + timedelta(weeks=w) for w in range(200)]
    )
    with pytest.raises(ValueError, match="never open"):
        next_open(every_monday_a_holiday, datetime(2025, 6, 1, tzinfo=UTC))


ZONES = [TOKYO, KOLKATA, NEW_YORK, BusinessHours("Europe/London", ["mon", "wed", "sat"], "07:45", "12:15")]


@settings(max_examples=150, deadline=None)
@given(
    hours=st.sampled_from(ZONES),
    start=st.datetimes(datetime(2024, 1, 1), datetime(2027, 1, 1), timezones=st.just(UTC)),
    minutes=st.integers(0, 60 * 60),
)
def test_adding_business_time_is_consistent(hours, start, minutes):
    due = add_business_hours(hours, start, minutes / 60)
    assert due >= start
    assert business_time_between(hours, start, due) == timedelta(minutes=minutes)
    if minutes:
        assert is_open(hours, due - timedelta(microseconds=1))
    assert next_open(hours, start) <= due
