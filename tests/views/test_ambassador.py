"""Ambassador views stay inside Slack's limits at any department size and speak the caller's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.services.ambassadors import (
    DepartmentDigest,
    DepartmentNumbers,
    DepartmentStatus,
    MovedUp,
    NudgeOutcome,
    NudgeTarget,
    OpenQuestion,
    Scope,
    StuckPerson,
)
from bot.views import ambassador as views
from bot.views.ids import AmbassadorAction, HelpAction

NOW = datetime(2026, 3, 9, 1, 30, tzinfo=UTC)
TITLES = ["First steps", "Team conversation", "Apps and workflows", "Core workflow"]
BIG = 100_000


def assert_valid(message: dict[str, Any]) -> None:
    assert message["text"] and len(message["text"]) <= 3000
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    for raw in blocks:
        Block.parse(raw).validate_json()  # type: ignore[union-attr]
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
    assert len(json.dumps(blocks)) < 50_000


def _status(enrolled: int = 400, ignited: int = 60) -> DepartmentStatus:
    now = DepartmentNumbers(enrolled=enrolled, active=150, stages=(100, 140, 90, 50, 20), ignited=ignited, open_help=3)
    before = DepartmentNumbers(
        enrolled=enrolled - 10, active=120, stages=(110, 140, 80, 45, 15), ignited=40, open_help=5
    )
    return DepartmentStatus("Sales", now, before)


def test_bar_draws_blocks_and_the_ignition_marker() -> None:
    assert views.bar(0.5, width=10) == "█████░░░░░"
    assert views.bar(0.0, width=10, marker=0.2) == "░░│░░░░░░░░"
    assert views.bar(1.7, width=4) == "████" and views.bar(-1, width=4) == "░░░░"


@pytest.mark.parametrize("locale", ["en", "ja", "ja-JP", "fr"])
def test_status_message_is_valid_in_every_locale(locale: str) -> None:
    message = views.status_message([_status()], TITLES, locale)
    assert_valid(message)
    body = json.dumps(message["blocks"], ensure_ascii=False)
    assert "█" in body and "│" in body and "15%" in body and "▲" in body
    assert ("点火率" in body) == locale.startswith("ja")


def test_status_says_how_many_more_people_reach_the_line() -> None:
    body = json.dumps(views.status_message([_status(enrolled=400, ignited=60)], TITLES, "en"))
    assert "20 more people" in body
    assert "Past the 20% line" in json.dumps(views.status_message([_status(ignited=80)], TITLES, "en"))


def test_status_of_an_empty_department() -> None:
    empty = DepartmentStatus("Sales", DepartmentNumbers(stages=(0,) * 5), DepartmentNumbers(stages=(0,) * 5))
    message = views.status_message([empty], TITLES, "en")
    assert_valid(message)
    assert "Nobody in Sales is enrolled yet" in json.dumps(message["blocks"])


def test_five_departments_fit_one_message() -> None:
    assert_valid(views.status_message([_status()] * 5, TITLES, "ja", total=9))


def test_stuck_list_is_capped_with_nudge_buttons() -> None:
    people = [
        StuckPerson(f"U{i:08d}", f"person {i}", "Sales", i % 4, NOW - timedelta(days=20) if i % 2 else None, 20)
        for i in range(BIG)
    ]
    message = views.stuck_message(people, departments=["Sales"], days=14, stage_titles=TITLES, now=NOW, locale="en")
    assert_valid(message)
    buttons = [b["accessory"] for b in message["blocks"] if b.get("accessory")]
    assert len(buttons) == views.LIST_LIMIT and {b["action_id"] for b in buttons} == {AmbassadorAction.NUDGE_ONE}
    everyone = message["blocks"][-1]["elements"][0]
    assert everyone["action_id"] == AmbassadorAction.NUDGE_ALL and "confirm" in everyone
    assert json.loads(everyone["value"]) == {"d": ["Sales"], "n": 14}
    assert f"{BIG - views.LIST_LIMIT} more" in json.dumps(message)


def test_nobody_stuck() -> None:
    message = views.stuck_message([], departments=["Sales"], days=14, stage_titles=TITLES, now=NOW, locale="ja")
    assert_valid(message)
    assert "いません" in message["text"]


def test_questions_have_take_it_and_clip_long_text() -> None:
    questions = [
        OpenQuestion(i, "U0ANN0001", "ann", "how-to", "x" * 5000, "U0HELP001", "open", NOW - timedelta(hours=30))
        for i in range(40)
    ]
    message = views.questions_message(questions, 900, departments=["Sales"], now=NOW, locale="en")
    assert_valid(message)
    takes = [b["accessory"] for b in message["blocks"] if b.get("accessory")]
    assert takes[0] == {**takes[0], "action_id": HelpAction.TAKE, "value": "0"}
    assert "1 d ago" in json.dumps(message) and "885 more" in json.dumps(message)


def test_nudge_result_says_who_was_skipped_and_why() -> None:
    targets = [NudgeTarget(f"U{i:08d}", "x", i % 3 == 0, "opted_out" if i % 3 else "") for i in range(BIG // 10)]
    targets.append(NudgeTarget("U0LATER01", "later", True, "snoozed", NOW + timedelta(days=2)))
    message = views.nudge_result(NudgeOutcome(tuple(targets)), "en")
    assert_valid(message)
    assert "turned these messages off" in message["text"] and "Queued for later" in message["text"]
    assert "snoozed" in message["text"]


def test_scope_problems_name_the_callers_own_departments_only() -> None:
    message = views.scope_problem(Scope(problem="not_yours", choices=("Sales",), wanted="Marketing"), "status", "en")
    assert_valid(message)
    assert "Sales" in message["text"] and ":lock:" in message["text"]
    ja = views.scope_problem(Scope(problem="choose", choices=("A", "B")), "status", "ja")
    assert "どの部署" in ja["text"]


def test_digest_fits_with_many_departments() -> None:
    stuck = tuple(StuckPerson(f"U{i:08d}", "p", "Sales", 1, None, 30) for i in range(5))
    digest = DepartmentDigest(_status(), tuple(MovedUp(f"U{i:08d}", "p", 2) for i in range(5)), 70, stuck, 300, (), 12)
    message = views.digest_message([digest] * 20, TITLES, "ja")
    assert_valid(message)
    assert "65" in json.dumps(message, ensure_ascii=False)  # 70 moved, 5 named


def test_celebrations_quote_the_ambassadors_words() -> None:
    dm = views.celebration_dm("U0AMB0001", 2, TITLES, "Great\nthreads", "ja")
    assert "<@U0AMB0001>" in dm["text"] and ">Great\n>threads" in dm["text"] and "ステージ 2" in dm["text"]
    public = views.celebration_public("U0AMB0001", ["U0ANN0001"], "", "en")
    assert public["response_type"] == "in_channel" and "<@U0ANN0001>" in public["text"]
