# The kinds of message the coach sends, and the policy each follows.
#
# Coaching nudges (next use case, training, tips, surveys, ...) are *paced*: they count against the weekly
# budget, respect snooze, the minimum gap and back-off, and a person can opt out of each kind.
# Transactional messages answer something the person just did (a celebration of a completed use case, the
# follow-up on their own help request): they are not budgeted, not paced and cannot be opted out of, but they
# still respect deactivation, working hours and Slack do-not-disturb (see nudges/rules.py).
from __future__ import annotations

from collections.abc import Iterable, Mapping
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

    @property
    def transactional(self) -> bool:
        """A reply to the person's own action: never budgeted, paced or opted out of."""
        return not (self.budgeted or self.can_opt_out or self.paced)


_COACHING = {"budgeted": True, "can_opt_out": True, "paced": True}
_TRANSACTIONAL = {"budgeted": False, "can_opt_out": False, "paced": False}

POLICIES: Mapping[NudgeKind, KindPolicy] = MappingProxyType(
    {
        NudgeKind.HELP_FOLLOW_UP: KindPolicy(**_TRANSACTIONAL, priority=90),
        NudgeKind.CELEBRATE: KindPolicy(**_TRANSACTIONAL, priority=80),
        # The welcome opens the journey (purpose, first use case, where to get help): nobody has had the
        # chance to opt out before it, so it cannot be opted out of, but it still uses the budget.
        NudgeKind.WELCOME: KindPolicy(budgeted=True, can_opt_out=False, paced=True, priority=70),
        NudgeKind.AMBASSADOR: KindPolicy(**_COACHING, priority=60),
        NudgeKind.NEXT_USE_CASE: KindPolicy(**_COACHING, priority=50),
        NudgeKind.TRAINING: KindPolicy(**_COACHING, priority=40),
        NudgeKind.REENGAGE: KindPolicy(**_COACHING, priority=35),
        NudgeKind.REINFORCEMENT: KindPolicy(**_COACHING, priority=30),
        NudgeKind.FEEDBACK: KindPolicy(**_COACHING, priority=20),
        NudgeKind.PULSE: KindPolicy(**_COACHING, priority=10),
    }
)

OPTABLE_KINDS: frozenset[NudgeKind] = frozenset(kind for kind in NudgeKind if kind.policy.can_opt_out)


def by_priority(kinds: Iterable[NudgeKind]) -> list[NudgeKind]:
    """Kinds most important first (ties by name, so plans are deterministic)."""
    return sorted(set(kinds), key=lambda kind: (-kind.policy.priority, kind.value))
