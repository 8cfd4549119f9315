from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from bot.domain.activity import Activity, classify_counter
from bot.domain.progression import (
    Decision,
    PersonProgress,
    UnknownUseCase,
    apply,
    complete_self_report,
    complete_use_case,
    count_met,
    evaluate,
    matches,
    next_use_case,
)
from bot.playbook.loader import default_playbook_path, load_playbook
from bot.playbook.schema import Criteria, Playbook

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
_ids = count()


def act(event: str, *, hours: float = 0, **fields) -> Activity:
    """An activity by U1 at T0 + hours, with a fresh event id unless one is given."""
    fields.setdefault("event_id", f"Ev{next(_ids)}")
    if "channel_name" in fields:
        fields.setdefault("channel_type", "channel")
    return Activity(event=event, user_id="U1", occurred_at=T0 + timedelta(hours=hours), **fields)


def _use_case(key: str, criteria: dict) -> dict:
    text = {"en": key}
    return {
        "key": key,
        "title": text,
        "why": text,
        "how_to": text,
        "training": {"lesson": text, "try_it": text},
        "criteria": criteria,
    }


def _stage(key: str, use_cases: list[dict], required: list[str] | None = None) -> dict:
    stage = {"key": key, "title": {"en": key}, "summary": {"en": key}, "use_cases": use_cases}
    if required is not None:
        stage["required"] = required
    return stage


def make_playbook() -> Playbook:
    """Four stages exercising every criterion type; English only to keep it short."""
    text = {"en": "x"}
    stages = [
        _stage(
            "first",
            [
                _use_case("join-news", {"event": "member_joined_channel", "channel": "#company-news"}),
                _use_case("react-news", {"event": "reaction_added", "channel": "#company-news"}),
                _use_case("find-help", {"event": "help_requested"}),
            ],
        ),
        _stage(
            "team",
            [
                _use_case(
                    "proj-threads",
                    {"event": "message", "channel": "#proj-*", "thread_reply": True, "count": 3},
                ),
                _use_case("mention", {"event": "message", "channel_type": "channel", "mentions_user": True}),
                _use_case("proj-week", {"event": "message", "channel": "#proj-*", "count": 3, "within_days": 7}),
            ],
        ),
        _stage(
            "apps",
            [
                _use_case("use-app", {"event": "app_used"}),
                _use_case("share-file", {"event": "file_shared", "channel_type": "channel"}),
                _use_case("report", {"self_report": True, "verify": {"channel_member": "#ask-it"}}),
            ],
            required=["use-app", "share-file"],
        ),
        _stage("core", [_use_case("core-approval", {"self_report": True, "verify": {"ambassador": True}})]),
    ]
    contact = {"primary": "U0ADMIN001", "hours": {"tz": "UTC"}}
    templates = {kind: text for kind in ("welcome", "next_use_case", "training", "reinforcement", "reengage")}
    templates |= {k: text for k in ("celebrate_use_case", "celebrate_stage", "pulse_question")}
    templates |= {k: text for k in ("help_follow_up", "feedback_question")}
    return Playbook.model_validate(
        {
            "version": "t",
            "locales": ["en"],
            "purpose": {"message": text},
            "stages": stages,
            "channels": {"#company-news": "", "#proj-*": "", "#ask-it": "", "#admins": ""},
            "help": {
                "admin_channel": "#admins",
                "topics": [
                    {
                        "key": "other",
                        "title": text,
                        "keywords": {"en": []},
                        "sla": {"first_response_hours": 1, "resolution_hours": 2},
                        "contacts": [contact],
                    }
                ],
            },
            "templates": templates,
            "phases": {p: {"intro": text} for p in ("unfreeze", "change", "refreeze", "feedback")},
        }
    )


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return make_playbook()


def run(playbook: Playbook, activities, progress: PersonProgress | None = None) -> PersonProgress:
    """The caller's loop: dedupe by event id, evaluate, record the decision."""
    progress = progress or PersonProgress()
    seen: set[str] = set()
    for activity in activities:
        if activity.event_id in seen:
            continue
        seen.add(activity.event_id)
        progress = apply(progress, evaluate(playbook, progress, activity), activity.occurred_at)
    return progress


C = Criteria.model_validate
MATCH_CASES = [
    ("exact channel", C({"event": "member_joined_channel", "channel": "#company-news"}),
     act("member_joined_channel", channel_name="company-news"), True),
    ("exact channel, '#' in name", C({"event": "member_joined_channel", "channel": "#company-news"}),
     act("member_joined_channel", channel_name="#company-news"), True),
    ("other channel", C({"event": "member_joined_channel", "channel": "#company-news"}),
     act("member_joined_channel", channel_name="random"), False),
    ("unknown channel name", C({"event": "reaction_added", "channel": "#company-news"}),
     act("reaction_added", channel_id="C1"), False),
    ("other event", C({"event": "reaction_added", "channel": "#company-news"}),
     act("member_joined_channel", channel_name="company-news"), False),
    ("pattern matches", C({"event": "message", "channel": "#proj-*"}),
     act("message", channel_name="proj-apollo"), True),
    ("pattern is anchored", C({"event": "message", "channel": "#proj-*"}),
     act("message", channel_name="my-proj-apollo"), False),
    ("pattern needs the dash", C({"event": "message", "channel": "#proj-*"}),
     act("message", channel_name="project-x"), False),
    ("thread reply wanted, got reply", C({"event": "message", "thread_reply": True}),
     act("message", channel_name="a", thread_reply=True), True),
    ("thread reply wanted, got top-level", C({"event": "message", "thread_reply": True}),
     act("message", channel_name="a"), False),
    ("top-level wanted, got reply", C({"event": "message", "thread_reply": False}),
     act("message", channel_name="a", thread_reply=True), False),
    ("no thread filter accepts replies", C({"event": "message"}),
     act("message", channel_name="a", thread_reply=True), True),
    ("mention wanted", C({"event": "message", "channel_type": "channel", "mentions_user": True}),
     act("message", channel_name="a", mentions_user=True), True),
    ("mention missing", C({"event": "message", "channel_type": "channel", "mentions_user": True}),
     act("message", channel_name="a"), False),
    ("private channel is not 'channel'", C({"event": "message", "channel_type": "channel"}),
     act("message", channel_name="a", channel_type="group", mentions_user=True), False),
    ("private channel type", C({"event": "message", "channel_type": "group"}),
     act("message", channel_name="a", channel_type="group"), True),
    ("DM to Coach never counts", C({"event": "message"}),
     act("message", channel_id="D1", channel_type="im"), False),
    ("from_app wanted", C({"event": "message", "from_app": True}),
     act("message", channel_name="a", from_app=True), True),
    ("from_app missing", C({"event": "message", "from_app": True}),
     act("message", channel_name="a"), False),
    ("app used", C({"event": "app_used"}), act("app_used"), True),
    ("help requested", C({"event": "help_requested"}), act("help_requested"), True),
    ("file in channel", C({"event": "file_shared", "channel_type": "channel"}),
     act("file_shared", channel_name="a"), True),
    ("self-report never matches events", C({"self_report": True, "verify": {"channel_member": "#ask-it"}}),
     act("member_joined_channel", channel_name="ask-it"), False),
]  # fmt: skip


@pytest.mark.parametrize(("criteria", "activity", "expected"), [c[1:] for c in MATCH_CASES],
                         ids=[c[0] for c in MATCH_CASES])  # fmt: skip
def test_criteria_matching(criteria: Criteria, activity: Activity, expected: bool) -> None:
    assert matches(criteria, activity) is expected


@pytest.mark.parametrize(
    ("count_", "within", "offsets_days", "expected"),
    [
        (1, None, [0], True),
        (3, None, [0, 1], False),
        (3, None, [0, 30, 60], True),
        (3, 7, [0, 30, 60], False),
        (3, 7, [0, 3, 7], True),
        (3, 7, [0, 3, 7.5], False),
        (3, 7, [20, 0, 22, 40, 21], True),  # unordered; 20, 21, 22 fit one window
        (2, 1, [0, 2, 4, 6], False),
    ],
)
def test_count_windows(count_: int, within: int | None, offsets_days: list[float], expected: bool) -> None:
    raw = {"event": "message", "count": count_}
    if within is not None:
        raw["within_days"] = within
    times = [T0 + timedelta(days=d) for d in offsets_days]
    assert count_met(C(raw), times) is expected


def test_third_thread_reply_completes_and_hits_are_recorded(playbook: Playbook) -> None:
    replies = [act("message", channel_name="proj-a", thread_reply=True, hours=h) for h in (0, 1, 2)]
    progress = PersonProgress()
    decisions: list[Decision] = []
    for reply in replies:
        decisions.append(evaluate(playbook, progress, reply))
        progress = apply(progress, decisions[-1], reply.occurred_at)
    # a reply in #proj-* also counts toward the project-week use case
    assert [d.hits for d in decisions] == [("proj-threads", "proj-week")] * 3
    assert [d.completed for d in decisions] == [(), (), ("proj-threads", "proj-week")]
    assert "proj-threads" in progress.completed and progress.stage == 0


def test_count_window_counts_only_close_matches(playbook: Playbook) -> None:
    spread = [act("message", channel_name="proj-a", hours=24 * d) for d in (0, 5, 10, 15)]
    assert "proj-week" not in run(playbook, spread).completed
    close = [act("message", channel_name="proj-a", hours=24 * d) for d in (0, 5, 10, 11)]
    assert "proj-week" in run(playbook, close).completed


def test_completed_use_case_is_not_hit_again(playbook: Playbook) -> None:
    progress = PersonProgress(completed=frozenset({"use-app"}))
    assert evaluate(playbook, progress, act("app_used")) == Decision()


def test_people_can_run_ahead_and_then_jump_stages(playbook: Playbook) -> None:
    ahead = [
        act("member_joined_channel", channel_name="company-news"),
        act("app_used"),
        act("file_shared", channel_name="general"),
        act("message", channel_name="general", mentions_user=True),
        *[act("message", channel_name="proj-x", thread_reply=True, hours=h) for h in (1, 2, 3)],
        act("reaction_added", channel_name="company-news"),
    ]
    progress = run(playbook, ahead)
    assert progress.stage == 0  # find-help is still missing, so nothing is reached yet
    assert {"use-app", "share-file", "proj-threads", "mention", "proj-week"} <= progress.completed
    decision = evaluate(playbook, progress, act("help_requested"))
    assert decision.completed == ("find-help",)
    assert decision.stage_reached == 3  # stages 1, 2 and 3 at once; stage 4 needs a self-report


def test_stage_never_moves_backwards(playbook: Playbook) -> None:
    # e.g. an ambassador set stage 3 before the ladder changed: a later completion of stage 1 keeps it
    progress = PersonProgress(stage=3)
    decision = evaluate(playbook, progress, act("help_requested"))
    assert decision.completed == ("find-help",) and decision.stage_reached is None
    assert apply(progress, decision, T0).stage == 3


def test_self_report_path(playbook: Playbook) -> None:
    progress = PersonProgress(completed=frozenset({"join-news", "react-news", "find-help"}), stage=1)
    assert complete_self_report(playbook, progress, "report") == Decision(completed=("report",))
    with pytest.raises(ValueError, match="observed activity"):
        complete_self_report(playbook, progress, "use-app")
    with pytest.raises(UnknownUseCase):
        complete_self_report(playbook, progress, "nope")
    done = progress.completed | {"proj-threads", "mention", "proj-week", "use-app", "share-file"}
    almost = PersonProgress(completed=done, stage=3)
    assert complete_self_report(playbook, almost, "core-approval").stage_reached == 4
    assert complete_use_case(playbook, PersonProgress(completed=frozenset({"report"})), "report") == Decision()


def test_next_use_case_follows_the_lowest_unreached_stage(playbook: Playbook) -> None:
    assert next_use_case(playbook, PersonProgress()).key == "join-news"
    first = frozenset({"join-news", "react-news", "find-help"})
    assert next_use_case(playbook, PersonProgress(completed=first, stage=1)).key == "proj-threads"
    ahead = first | {"proj-threads", "use-app"}
    assert next_use_case(playbook, PersonProgress(completed=ahead, stage=1)).key == "mention"
    stage3 = ahead | {"mention", "proj-week", "share-file"}
    # "report" is optional in stage 3, so the next suggestion is stage 4's use case
    assert next_use_case(playbook, PersonProgress(completed=stage3, stage=3)).key == "core-approval"
    assert next_use_case(playbook, PersonProgress(completed=stage3 | {"core-approval"}, stage=4)) is None


@pytest.mark.parametrize(
    ("activity", "counter"),
    [
        (act("message", channel_name="a"), "messages"),
        (act("message", channel_name="a", thread_reply=True), "replies"),
        (act("message", channel_id="D1", channel_type="im"), "bot_dms"),
        (act("reaction_added", channel_name="a"), "reactions"),
        (act("file_shared", channel_name="a"), "files"),
        (act("app_used"), "apps"),
        (act("app_mention", channel_name="a"), None),
        (act("member_joined_channel", channel_name="a"), None),
        (act("app_home_opened"), None),
        (act("help_requested"), None),
    ],
)
def test_classify_counter(activity: Activity, counter: str | None) -> None:
    assert classify_counter(activity) == counter


def test_activity_rejects_unobservable_or_naive_input() -> None:
    with pytest.raises(ValueError, match="does not observe"):
        Activity(event="reaction_removed", user_id="U1", event_id="E1", occurred_at=T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        Activity(event="message", user_id="U1", event_id="E1", occurred_at=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="channel_type"):
        Activity(event="message", user_id="U1", event_id="E1", occurred_at=T0, channel_type="dm")  # type: ignore[arg-type]


def test_a_person_climbs_the_default_playbook() -> None:
    playbook = load_playbook(default_playbook_path())
    journey = [
        act("help_requested"),
        act("member_joined_channel", channel_name="company-news"),
        act("reaction_added", channel_name="company-news"),
        act("member_joined_channel", channel_name="ask-exec"),
        *[act("message", channel_name="proj-apollo", hours=h) for h in (1, 2)],
        *[act("message", channel_name="proj-apollo", thread_reply=True, hours=h) for h in (3, 4, 5)],
        act("message", channel_name="general", mentions_user=True),
        act("app_used", hours=6),
        act("file_shared", channel_name="proj-apollo", hours=7),
        act("message", channel_name="dept-sales", hours=8),
    ]
    progress = run(playbook, journey)
    assert progress.stage == 3
    assert next_use_case(playbook, progress).key == "approve-in-slack"
    final = apply(progress, complete_self_report(playbook, progress, "approve-in-slack"), T0)
    assert final.stage == 4 and next_use_case(playbook, final) is None
