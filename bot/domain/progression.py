# The use-case ladder as pure rules: does this activity complete a use case, and which stage is reached?
#
# Policy (DESIGN.md §1, seed 000 "start tiny, then daily work, then core processes"):
# - Any observed use case completes, even in stages above the person's next one: people may run ahead.
# - Completion is permanent and stages never go down, whatever arrives later.
# - A stage is reached when its required use cases are complete AND every lower stage is reached, so one
#   activity can lift a person several stages at once.
# - Count windows are judged on the set of recorded match times ("some `within_days` window holds `count`
#   matches"), so the result does not depend on the order in which Slack delivers events.
# - Self-report criteria are never completed by events; the caller verifies, then calls
#   `complete_self_report`.
# The caller dedupes by `Activity.event_id` (Slack retries a delivery up to 3 times) and stores
# `Decision.hits` as match times.

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from types import MappingProxyType

from bot.domain.activity import Activity
from bot.playbook.schema import Criteria, Playbook, UseCase


@dataclass(frozen=True)
class PersonProgress:
    """What the caller knows about one person: completions, highest stage reached, earlier matches."""

    completed: frozenset[str] = frozenset()
    stage: int = 0
    matches: Mapping[str, tuple[datetime, ...]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Decision:
    """What one activity (or one confirmed self-report) changes; empty when nothing does."""

    hits: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    stage_reached: int | None = None


class UnknownUseCase(KeyError):
    """The playbook has no use case with this key."""


def _channel_matches(pattern: str, name: str | None) -> bool:
    return name is not None and fnmatchcase(name.lstrip("#"), pattern.lstrip("#"))


def matches(criteria: Criteria, activity: Activity) -> bool:
    """Whether one activity satisfies a criterion's filters (counting is separate)."""
    if criteria.self_report or criteria.event != activity.event:
        return False
    if activity.channel_type == "im" and activity.event == "message":
        return False  # a DM to Coach is talking to the coach, not using Slack with colleagues
    if criteria.channel is not None and not _channel_matches(criteria.channel, activity.channel_name):
        return False
    if criteria.channel_type is not None and criteria.channel_type != activity.channel_type:
        return False
    flags = (
        (criteria.thread_reply, activity.thread_reply),
        (criteria.mentions_user, activity.mentions_user),
        (criteria.from_app, activity.from_app),
    )
    return all(wanted is None or wanted == actual for wanted, actual in flags)


def count_met(criteria: Criteria, times: Iterable[datetime]) -> bool:
    """Whether the match times satisfy `count`, within some `within_days` window if one is set."""
    ordered = sorted(times)
    if len(ordered) < criteria.count:
        return False
    if criteria.within_days is None:
        return True
    window = timedelta(days=criteria.within_days)
    span = criteria.count - 1
    return any(ordered[i + span] - ordered[i] <= window for i in range(len(ordered) - span))


def reached_stage(playbook: Playbook, completed: frozenset[str], floor: int = 0) -> int:
    """Highest stage number whose required use cases, and all lower stages', are complete (never < floor)."""
    reached = 0
    for number, stage in enumerate(playbook.stages, 1):
        if not set(stage.required_keys) <= completed:
            break
        reached = number
    return max(reached, floor)


def _decide(playbook: Playbook, progress: PersonProgress, hits: tuple[str, ...], done: tuple[str, ...]) -> Decision:
    if not done:
        return Decision(hits=hits)
    new_stage = reached_stage(playbook, progress.completed | set(done), progress.stage)
    return Decision(hits=hits, completed=done, stage_reached=new_stage if new_stage > progress.stage else None)


def evaluate(playbook: Playbook, progress: PersonProgress, activity: Activity) -> Decision:
    """Which not-yet-completed use cases this activity matches, which it completes, and the stage reached."""
    hits: list[str] = []
    done: list[str] = []
    # Only use cases waiting for this kind of event can match it (criteria name exactly one event).
    for use_case in playbook.use_cases_by_event.get(activity.event, ()):
        if use_case.key in progress.completed or not matches(use_case.criteria, activity):
            continue
        hits.append(use_case.key)
        earlier = progress.matches.get(use_case.key, ())
        if count_met(use_case.criteria, (*earlier, activity.occurred_at)):
            done.append(use_case.key)
    return _decide(playbook, progress, tuple(hits), tuple(done))


def complete_use_case(playbook: Playbook, progress: PersonProgress, use_case_key: str) -> Decision:
    """Mark one use case complete by other means (ambassador, imported analytics); idempotent."""
    if use_case_key not in playbook.ladder_index:
        raise UnknownUseCase(use_case_key)
    if use_case_key in progress.completed:
        return Decision()
    return _decide(playbook, progress, (), (use_case_key,))


def complete_self_report(playbook: Playbook, progress: PersonProgress, use_case_key: str) -> Decision:
    """The "I did it" path for self-report use cases, after the caller has run the `verify` check."""
    if use_case_key not in playbook.ladder_index:
        raise UnknownUseCase(use_case_key)
    if not playbook.use_case(use_case_key).criteria.self_report:
        raise ValueError(f'use case "{use_case_key}" is completed by observed activity, not by self-report')
    return complete_use_case(playbook, progress, use_case_key)


def apply(progress: PersonProgress, decision: Decision, at: datetime) -> PersonProgress:
    """The snapshot after recording a decision: hits stored at `at`, completions and stage merged."""
    matches = dict(progress.matches)
    for key in decision.hits:
        matches[key] = (*matches.get(key, ()), at)
    return PersonProgress(
        completed=progress.completed | set(decision.completed),
        stage=max(progress.stage, decision.stage_reached or 0),
        matches=MappingProxyType(matches),
    )


def next_use_case(playbook: Playbook, progress: PersonProgress) -> UseCase | None:
    """The first incomplete required use case of the lowest unreached stage (None when all are done)."""
    for stage in playbook.stages[progress.stage :]:
        for key in stage.required_keys:
            if key not in progress.completed:
                return playbook.use_case(key)
    return None
