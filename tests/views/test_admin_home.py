"""The admin Home view stays inside Slack's limits at any size (Slack's own validators via slack_sdk)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.models.views import View

from bot.domain.answers import Comment, FeedbackSummary
from bot.domain.help.metrics import HelpMetrics, RequestRecord
from bot.domain.insights import Forecast, ForecastState, RedReason, Scores
from bot.domain.waves import Phase, PhaseSchedule, WaveState
from bot.services.audit import AuditRow
from bot.services.metrics import PeopleCounts
from bot.services.rollout import WaveInfo
from bot.views.admin_home import WAVES_PER_PAGE, AdminHomeState, TrainingRating, WaveRow, admin_home, stage_bars
from bot.views.ids import AdminAction

NOW = datetime(2025, 3, 3, tzinfo=UTC)


def wave(i: int, state: WaveState, phase: Phase) -> WaveInfo:
    return WaveInfo(
        id=i,
        name=f"Wave {i} " + "x" * 90,
        goal="g" * 500,
        sponsor_user_id="U0CEO",
        purpose_message="p" * 2000,
        state=state,
        phase=phase,
        start_date=date(2025, 3, 3),
        schedule=PhaseSchedule(),
        phase_started_at=NOW,
        phase_ends_at=NOW,
        selectors={},
        feedback_round=9,
        members=20_000,
    )


def scores(key: str, enrolled: int, *, red: bool = True) -> Scores:
    """A group with every score filled in and (when `red`) every reason, the longest lines the view can get."""
    return Scores(
        key,
        enrolled=enrolled,
        active=enrolled // 2,
        adopted=enrolled // 3,
        ignited=enrolled // 10,
        power_users=enrolled // 20,
        answers=enrolled,
        stages={s: enrolled // 10 for s in range(10)},
        adoption=33,
        daily_active=21,
        maturity=48,
        sentiment=40,
        usage=21,
        messaging=60,
        platform=12,
        power=5,
        ignition=10,
        forecast=Forecast(ForecastState.NOT_AT_PACE),
        stuck=enrolled // 2,
        unanswered=12_345,
        reasons=tuple(RedReason) if red else (),
    )


HELP = HelpMetrics(
    {"how-to": 3},
    {"Sales": 3},
    timedelta(minutes=95),
    0.875,
    RequestRecord("how-to", "Sales", "open", NOW - timedelta(hours=30), NOW),
    4.25,
)


def state(waves: int, departments: int, wave_page: int = 0, dept_page: int = 0, locale: str = "en") -> AdminHomeState:
    kpi = scores("d", 100_000)
    rows = [
        WaveRow(
            wave(i, WaveState.ACTIVE, Phase.FEEDBACK),
            kpi,
            tuple(
                FeedbackSummary(r, 500, 400, 3.5, {1: 10, 5: 390}, 5, [Comment("c" * 500, None)] * 5)
                for r in (9, 8, 7, 6, 5, 4, 3, 2, 1)
            ),
        )
        for i in range(min(waves, WAVES_PER_PAGE))
    ]
    depts = [scores(f"Department {i} " + "y" * 100, 1000, red=i % 2 == 0) for i in range(departments)]
    audit = [AuditRow(NOW, "U0ADMIN01", "wave.edit", "wave:1", {}, {}) for _ in range(8)]
    return AdminHomeState(
        now=NOW,
        playbook_version="2025.1",
        people=PeopleCounts(100_000, 60_000, 40_000),
        overall=kpi,
        waves=rows,
        wave_total=waves,
        departments=depts,
        help_contacts=["*Topic*: <@U1>, backup <@U2>"] * 13,
        audit=audit,
        wave_page=wave_page,
        dept_page=dept_page,
        locale=locale,
        as_of=NOW,
        help=HELP,
        training=[TrainingRating("Use case " + "z" * 200, 1000, 4.5) for _ in range(40)],
    )


@pytest.mark.parametrize(("waves", "departments"), [(0, 0), (1, 3), (500, 5000), (6, 26)])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_admin_view_is_valid_at_any_size(waves: int, departments: int, locale: str) -> None:
    view = admin_home(state(waves, departments, locale=locale))
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    assert len(json.dumps(view).encode()) < 250_000
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_long_lists_page_with_page_buttons() -> None:
    first = json.dumps(admin_home(state(500, 5000)))
    assert AdminAction.PAGE.value in first and AdminAction.PAGE_BACK.value not in first
    middle = admin_home(state(500, 5000, wave_page=3, dept_page=7))
    pagers = [b for b in middle["blocks"] if b.get("block_id", "").startswith("page.")]
    values = {e["action_id"]: e["value"] for b in pagers for e in b["elements"] if b["block_id"] == "page.waves"}
    assert values == {AdminAction.PAGE_BACK.value: "2:7", AdminAction.PAGE.value: "4:7"}
    assert "Departments 71–80 of 5000" in json.dumps(middle, ensure_ascii=False)


def test_stage_bars_are_a_readable_text_chart() -> None:
    chart = stage_bars({0: 50, 1: 25, 3: 25})
    lines = chart.strip("`\n").splitlines()
    assert lines[0].startswith("stage  0 ██████████░░░░░░░░░░  50%")
    assert lines[2].startswith("stage  2 ░░░░░░░░░░░░░░░░░░░░   0%")
    assert stage_bars({}) == "_Nobody enrolled yet._"


def _gate_row(phase: Phase, state_: WaveState, rounds: tuple[FeedbackSummary, ...]) -> WaveRow:
    return WaveRow(replace(wave(1, state_, phase), feedback_round=2, name="Pilot"), None, rounds)


ROUNDS = (
    FeedbackSummary(
        2,
        5,
        2,
        4.5,
        {1: 0, 2: 0, 3: 0, 4: 1, 5: 1},
        2,
        [Comment("Great <!channel>\nthanks", "U0HANA01"), Comment("slow", None)],
    ),
    FeedbackSummary(1, 5, 3, 3.0, {1: 1, 2: 0, 3: 1, 4: 0, 5: 1}, 1, [Comment("meh", None)]),
)


def _home_text(row: WaveRow) -> str:
    view = admin_home(AdminHomeState(NOW, "v", PeopleCounts(5, 5, 0), Scores("all", 5, 1), [row], 1, []))
    View(**view).validate_json()
    return json.dumps(view, ensure_ascii=False)


def test_the_gate_shows_its_round_comments_with_names_only_where_agreed_and_the_history() -> None:
    text = _home_text(_gate_row(Phase.FEEDBACK, WaveState.ACTIVE, ROUNDS))
    assert "*Feedback (gate round 2)*: 2/5 answered · average 4.5/5 · 1:0 2:0 3:0 4:1 5:1 · 2 comments" in text
    assert "> Great &lt;!channel&gt; thanks — <@U0HANA01>" in text and "> slow — _anonymous_" in text
    assert "Gate round 1: 3/5 answered · average 3.0/5 · 1:1 2:0 3:1 4:0 5:1 · 1 comment" in text
    assert "meh" not in text, "at the gate, comments are the current round's"
    for action in (AdminAction.WAVE_ADVANCE, AdminAction.WAVE_EXTEND, AdminAction.WAVE_ADJUST):
        assert action.value in text


def test_after_the_gate_every_round_is_history() -> None:
    text = _home_text(_gate_row(Phase.DONE, WaveState.COMPLETED, ROUNDS))
    assert "Feedback (gate round" not in text and "*Feedback history*" in text
    assert "Gate round 2: 2/5 answered" in text and "Gate round 1: 3/5 answered" in text
    assert "> slow — _anonymous_" in text


def test_a_long_history_names_how_many_earlier_rounds_it_leaves_out() -> None:
    text = json.dumps(admin_home(state(1, 0)))
    assert "Feedback (gate round 9)" in text and "Gate round 4:" in text and "Gate round 3:" not in text
    assert "and 3 earlier rounds." in text


def test_in_japanese_the_rollout_view_has_no_english_word_at_any_size() -> None:
    """Every string of the admin view in Japanese, with Japanese data (wave, department, use-case names,
    comments): no English word left (the checker of tests/e2e/test_admin_japanese.py)."""
    from dataclasses import replace

    from tests.english import english_words, texts

    full = state(6, 26, locale="ja")
    waves = [
        replace(
            row,
            wave=replace(row.wave, name=f"第{n}波", goal="", goal_ja="受注を速く"),
            feedback=tuple(replace(f, comments=[Comment("とても良い", None)] * 5) for f in row.feedback),
        )
        for n, row in enumerate(full.waves)
    ]
    japanese = replace(
        full,
        waves=waves,
        departments=[replace(d, key=f"部署{n}") for n, d in enumerate(full.departments)],
        help_contacts=["*使い方*: <@U1>"] * 3,
        training=[TrainingRating(f"ユースケース{n}", 10, 4.5) for n in range(20)],
        roles=["*営業部*: <@U1>"],
        topic_titles={"how-to": "使い方"},
    )
    view = admin_home(replace(japanese, wave_page=1, dept_page=1))
    found = [(text, words) for text in texts(view) if (words := english_words(text))]
    assert found == []
    assert english_words(" ".join(texts(admin_home(replace(japanese, locale="en")))))  # English has words
