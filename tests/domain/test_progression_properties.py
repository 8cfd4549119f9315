# Properties of the ladder that must hold whatever Slack delivers, in whatever order, however often.
# The caller model (`run` in test_progression.py) dedupes by event_id, as the handler layer does.

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.activity import Activity
from bot.domain.progression import (
    PersonProgress,
    apply,
    complete_self_report,
    evaluate,
    reached_stage,
)
from tests.domain.test_progression import T0, make_playbook, run

PLAYBOOK = make_playbook()

# Each shape is something a person can do; some complete use cases, some are noise.
SHAPES = [
    {"event": "member_joined_channel", "channel_name": "company-news", "channel_type": "channel"},
    {"event": "member_joined_channel", "channel_name": "random", "channel_type": "channel"},
    {"event": "reaction_added", "channel_name": "company-news", "channel_type": "channel"},
    {"event": "help_requested"},
    {"event": "message", "channel_name": "proj-apollo", "channel_type": "channel", "thread_reply": True},
    {"event": "message", "channel_name": "proj-zeus", "channel_type": "channel"},
    {"event": "message", "channel_name": "general", "channel_type": "channel", "mentions_user": True},
    {"event": "message", "channel_id": "D1", "channel_type": "im"},
    {"event": "app_used"},
    {"event": "file_shared", "channel_name": "general", "channel_type": "channel"},
    {"event": "app_home_opened"},
]
# Every use case of stages 1-3 (three of each counted one), so all three stages can be reached.
JOURNEY = [
    *SHAPES[:1],
    SHAPES[2],
    SHAPES[3],
    *[SHAPES[4]] * 3,
    *[SHAPES[5]] * 3,
    SHAPES[6],
    SHAPES[8],
    SHAPES[9],
]


@st.composite
def distinct_activities(draw) -> list[Activity]:
    """Activities with unique event ids, spread over 20 days (so 7-day count windows sometimes hold)."""
    # project-channel messages are drawn more often so count windows are exercised both ways
    weighted = st.sampled_from(SHAPES) | st.sampled_from(SHAPES[4:6])
    shapes = draw(st.lists(weighted, min_size=1, max_size=30))
    hours = draw(st.lists(st.integers(0, 24 * 20), min_size=len(shapes), max_size=len(shapes)))
    if draw(st.booleans()):  # half the time include a whole journey within 5 days: stages get reached
        shapes = JOURNEY + shapes
        hours = draw(st.lists(st.integers(0, 24 * 5), min_size=len(JOURNEY), max_size=len(JOURNEY))) + hours
    return [
        Activity(user_id="U1", event_id=f"Ev{i}", occurred_at=T0 + timedelta(hours=h), **shape)
        for i, (shape, h) in enumerate(zip(shapes, hours, strict=True))
    ]


@st.composite
def deliveries(draw) -> tuple[list[Activity], list[Activity]]:
    """(distinct activities, a delivery sequence where Slack retried some of them, in any order)."""
    unique = draw(distinct_activities())
    retries = draw(st.lists(st.sampled_from(unique), max_size=len(unique) * 3))
    delivered = draw(st.permutations(unique + retries))
    return unique, delivered


def _final(progress: PersonProgress) -> tuple[frozenset[str], int]:
    return progress.completed, progress.stage


@settings(max_examples=200, deadline=None)
@given(deliveries(), st.lists(st.sampled_from(["report", "core-approval"]), max_size=2))
def test_completion_and_stage_are_monotonic(sequence, reports) -> None:
    _, delivered = sequence
    progress, seen = PersonProgress(), set()
    steps = [("event", a) for a in delivered] + [("report", key) for key in reports]
    for kind, item in steps:
        before = progress
        if kind == "event":
            if item.event_id in seen:
                continue
            seen.add(item.event_id)
            progress = apply(progress, evaluate(PLAYBOOK, progress, item), item.occurred_at)
        else:
            progress = apply(progress, complete_self_report(PLAYBOOK, progress, item), T0)
        assert before.completed <= progress.completed
        assert before.stage <= progress.stage
        assert progress.stage == reached_stage(PLAYBOOK, progress.completed)


@settings(max_examples=200, deadline=None)
@given(deliveries())
def test_retried_deliveries_count_once(sequence) -> None:
    unique, delivered = sequence
    in_order = sorted(unique, key=lambda a: int(a.event_id[2:]))
    assert _final(run(PLAYBOOK, in_order + in_order)) == _final(run(PLAYBOOK, in_order))
    assert _final(run(PLAYBOOK, delivered)) == _final(run(PLAYBOOK, sorted(set(delivered), key=unique.index)))


@settings(max_examples=200, deadline=None)
@given(deliveries(), st.randoms(use_true_random=False))
def test_delivery_order_does_not_change_the_outcome(sequence, rnd) -> None:
    _, delivered = sequence
    shuffled = list(delivered)
    rnd.shuffle(shuffled)
    assert _final(run(PLAYBOOK, shuffled)) == _final(run(PLAYBOOK, delivered))


@settings(max_examples=100, deadline=None)
@given(distinct_activities())
def test_completions_come_from_hits_on_incomplete_use_cases(unique) -> None:
    progress = PersonProgress()
    for activity in unique:
        decision = evaluate(PLAYBOOK, progress, activity)
        assert set(decision.completed) <= set(decision.hits)
        assert not set(decision.hits) & progress.completed
        progress = apply(progress, decision, activity.occurred_at)
