"""The scores' arithmetic (bot.domain.insights), by hand: forecast weeks, empty groups, Sentiment thresholds."""

from __future__ import annotations

from datetime import date

from bot.domain.insights import (
    ForecastState,
    PersonFacts,
    RedReason,
    Thresholds,
    forecast,
    group_scores,
    scores_from_data,
    scores_to_data,
    sentiment_of,
)

TODAY = date(2026, 2, 4)  # a Wednesday
FAR = date(2026, 12, 31)


def test_forecast_names_the_monday_of_the_crossing_week_at_the_last_weeks_pace() -> None:
    # 4 weeks ago 2%, now 10% (10 of 100): +2 points a week, 10 more points → 5 weeks → Wed 2026-03-11 → Mon 03-09.
    result = forecast(enrolled=100, ignited=10, past=(date(2026, 1, 7), 0.02), today=TODAY, horizon=FAR)
    assert result.state is ForecastState.WEEK and result.week == date(2026, 3, 9)


def test_forecast_beyond_the_wave_flat_or_falling_is_not_at_this_pace() -> None:
    past = (date(2026, 1, 7), 0.02)
    assert forecast(enrolled=100, ignited=10, past=past, today=TODAY, horizon=date(2026, 3, 1)).missed
    assert forecast(enrolled=100, ignited=2, past=past, today=TODAY, horizon=FAR).missed
    assert forecast(enrolled=100, ignited=1, past=past, today=TODAY, horizon=FAR).missed


def test_forecast_without_a_week_of_history_reached_or_nobody_enrolled() -> None:
    assert forecast(enrolled=10, ignited=1, past=None, today=TODAY, horizon=FAR).state is ForecastState.NO_HISTORY
    recent = (date(2026, 2, 1), 0.0)
    assert forecast(enrolled=10, ignited=1, past=recent, today=TODAY, horizon=FAR).state is ForecastState.NO_HISTORY
    assert forecast(enrolled=10, ignited=2, past=None, today=TODAY, horizon=FAR).state is ForecastState.REACHED
    assert forecast(enrolled=0, ignited=0, past=None, today=TODAY, horizon=FAR).state is ForecastState.NOT_STARTED


def test_a_group_nobody_is_enrolled_in_has_no_scores_and_is_not_red() -> None:
    empty = group_scores("Legal", [], stages=4, rules=Thresholds(), today=TODAY, horizon=FAR)
    assert not empty.started and not empty.red
    assert (empty.adoption, empty.maturity, empty.sentiment, empty.ignition, empty.usage) == (None,) * 5


def test_sentiment_needs_three_answers_and_three_people() -> None:
    assert sentiment_of([5, 5], min_answers=3) is None
    assert sentiment_of([1, 2, 5], min_answers=3) == 41  # (0 + 25 + 100) / 3 = 41.67
    two = [PersonFacts(i, "Tiny", None, 1, ratings=(5, 5)) for i in range(2)]
    three = [*two, PersonFacts(3, "Tiny", None, 1)]
    rules = Thresholds()
    assert group_scores("Tiny", two, stages=4, rules=rules, today=TODAY, horizon=FAR).sentiment is None
    assert group_scores("Tiny", three, stages=4, rules=rules, today=TODAY, horizon=FAR).sentiment == 100


def test_red_reasons_each_on_its_own() -> None:
    rules = Thresholds(unanswered_at_least=2)
    busy = [PersonFacts(i, "D", None, 2, active_days_7=5, ratings=(1,)) for i in range(4)]
    scores = group_scores("D", busy, stages=4, rules=rules, unanswered=2, today=TODAY, horizon=FAR)
    assert scores.reasons == (RedReason.SENTIMENT, RedReason.UNANSWERED)
    assert scores_from_data(scores_to_data(scores)) == scores
