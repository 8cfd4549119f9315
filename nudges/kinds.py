# The kinds of message the coach sends, and the policy each follows.
#
# Coaching nudges (next use case, training, tips, surveys, ...) are *paced*: they count against the weekly
# budget, respect snooze, the minimum gap and back-off, and a person can opt out of each kind.
# Transactional messages answer something the person just did (a celebration of a completed use case, the
# follow-up on their own help request): they are not budgeted, not paced and cannot be opted out of, but they
# still respect deactivation, working hours and Slack do-not-disturb (see nudges/rules.py).
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class NudgeKind(StrEnum):
    """Every message kind the coach can send on its own initiative."""

    WELCOME = "welcome"
    NEXT_USE_CASE = "next_use_case"
    TRAINING = "training"
    REINFORCEMENT = "reinforcement"
    REENGAGE = "reengage"
    PULSE = "pulse"
    HELP_FOLLOW_UP = "help_follow_up"
    FEEDBACK = "feedback"
    AMBASSADOR = "ambassador"
    CELEBRATE = "celebrate"
    AMBASSADOR_DIGEST = "ambassador_digest"

    @property
    def policy(self) -> KindPolicy:
        """The cadence policy of this kind, so callers never keep their own table."""
        return POLICIES[self]


@dataclass(frozen=True, slots=True)
class KindPolicy:
    """How cadence rules apply to one kind of nudge."""

    budgeted: bool  # counts against the weekly budget
    can_opt_out: bool  # the person may turn this kind off
    paced: bool  # held back by snooze, the minimum gap and back-off
    priority: int  # higher goes first when several kinds are due for one person
    planned: bool = False  # queued by the planner; dropped at send time when the person moved on (stale)
    about_a_step: bool = False  # names a use case (`subject`); dropped once that use case is done
    rated_as: str | None = None  # its rating buttons store a PulseResponse of this kind; None: not rated

    @property
    def transactional(self) -> bool:
        """A reply to the person's own action: never budgeted, paced or opted out of."""
        return not (self.budgeted or self.can_opt_out or self.paced)


def _coaching(
    priority: int, *, planned: bool = False, about_a_step: bool = False, rated_as: str | None = None
) -> KindPolicy:
    """A coaching nudge: budgeted, paced, and the person may opt out of it."""
    return KindPolicy(True, True, True, priority, planned=planned, about_a_step=about_a_step, rated_as=rated_as)


def _transactional(priority: int) -> KindPolicy:
    """A reply to the person's own action: never budgeted, paced or opted out of."""
    return KindPolicy(budgeted=False, can_opt_out=False, paced=False, priority=priority)


POLICIES: Mapping[NudgeKind, KindPolicy] = MappingProxyType(
    {
        NudgeKind.HELP_FOLLOW_UP: _transactional(90),
        NudgeKind.CELEBRATE: _transactional(80),
        # The welcome opens the journey (purpose, first use case, where to get help): nobody has had the
        # chance to opt out before it, so it cannot be opted out of, but it still uses the budget.
        NudgeKind.WELCOME: KindPolicy(budgeted=True, can_opt_out=False, paced=True, priority=70),
        NudgeKind.AMBASSADOR: _coaching(60),
        NudgeKind.NEXT_USE_CASE: _coaching(50, planned=True, about_a_step=True),
        NudgeKind.TRAINING: _coaching(40, planned=True, about_a_step=True, rated_as="training"),
        NudgeKind.REENGAGE: _coaching(35, planned=True, about_a_step=True),
        NudgeKind.REINFORCEMENT: _coaching(30, planned=True),
        NudgeKind.FEEDBACK: _coaching(20, rated_as="feedback"),
        NudgeKind.PULSE: _coaching(10, planned=True, rated_as="pulse"),
        # The weekly digest is a report the ambassador's role brings, not coaching: never budgeted, paced or
        # opted out of (giving up the role stops it), but it keeps working hours and do-not-disturb.
        NudgeKind.AMBASSADOR_DIGEST: _transactional(5),
    }
)

OPTABLE_KINDS: frozenset[NudgeKind] = frozenset(kind for kind in NudgeKind if kind.policy.can_opt_out)


def kind_values(where: Callable[[KindPolicy], bool]) -> frozenset[str]:
    """The stored `kind` strings whose policy matches, for SQL `IN (...)` filters."""
    return frozenset(kind.value for kind, policy in POLICIES.items() if where(policy))


def by_priority(kinds: Iterable[NudgeKind]) -> list[NudgeKind]:
    """Kinds most important first (ties by name, so plans are deterministic)."""
    return sorted(set(kinds), key=lambda kind: (-kind.policy.priority, kind.value))
