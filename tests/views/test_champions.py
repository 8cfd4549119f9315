"""The champions views stay within Slack's limits at any size and quote stories cut, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.champions import Candidate, Story
from bot.views.champions import LIST_LIMIT, STORY_QUOTE_MAX, candidates_message, story_lines

NOW = datetime(2026, 12, 7, 11, tzinfo=UTC)


def test_a_long_list_is_cut_with_a_count_of_the_rest() -> None:
    people = [Candidate(f"U{n:08d}", f"p{n}", "Sales", 20, 100) for n in range(500)]
    for locale in ("en", "ja"):
        message = candidates_message(
            people,
            departments=["Sales"],
            channel="#coach-champions",
            window_days=28,
            min_days=12,
            min_actions=40,
            locale=locale,
        )
        assert len(message["blocks"]) == LIST_LIMIT + 3  # header, rule, rows, "…and N more"
        assert str(500 - LIST_LIMIT) in message["blocks"][-1]["elements"][0]["text"]


def test_stories_are_quoted_cut_and_a_cleared_text_says_so() -> None:
    long = Story("U0PIA0001", "U0PIA0001", "tip", "x" * 5000, NOW)
    cleared = Story("U0BOB0001", "U0ALICE01", "celebration", "", NOW)
    lines = story_lines([long, cleared], 7, "en")
    assert lines[0] == "*Success stories:*"
    assert len(lines[1]) < STORY_QUOTE_MAX + 40 and lines[1].endswith("…”")
    assert lines[2] == "• <@U0ALICE01> celebrated <@U0BOB0001>"
    assert lines[3] == "…and 5 more"
    assert story_lines([], 0, "ja") == []
