# The kinds of message the coach sends, and the policy each follows: every message Coach sends to a person or
# a channel is one of these kinds and one row in the outbox (`nudge_deliveries`), so `POLICIES` below is the
# one place that says, per kind, what holds it back.
#
# Coaching nudges (next use case, training, tips, surveys, ...) are *paced*: they count against the weekly
# budget, respect snooze, the minimum gap and back-off, and a person can opt out of each kind.
# Transactional messages answer something the person just did (a celebration of a completed use case, the
# follow-up on their own help request): they are not budgeted, not paced and cannot be opted out of, but they
# still respect deactivation, working hours and Slack do-not-disturb (see nudges/rules.py).
# Urgent messages (a question routed to its contact, the asker told who has it, a card in the admin channel)
# cannot wait for tomorrow morning: they skip the budget, the working-hours wait and do-not-disturb (Slack
# itself silences the notification during DND), and are still ledgered, idempotent and retried.
# Prerendered kinds are rendered by the flow that sends them (nudges/direct.py): the outbox keeps their text
# only until Slack took it.
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
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
    ADMIN_DIGEST = "admin_digest"  # the weekly digest of every department, in the admin channel (no person)
    TRACK_LESSON = "track_lesson"
    SMALL_TALK = "small_talk"
    HELP_ROUTED = "help_routed"  # a help question (or its news) to a contact
    HELP_ASKER = "help_asker"  # the asker told who has their question, and what happened to it
    ADMIN_POST = "admin_post"  # a card or notice in the admin channel (no person)
    CONFIRM_ASK = "confirm_ask"  # asks to confirm: "still the right help contact?", "did they do it?" (ambassador)
    CHEER = "cheer"  # an ambassador's `/coach celebrate`
    REPLY = "reply"  # the answer to the person's own click ("snoozed until …", "sent to your ambassador")
    RED_DEPARTMENT = "red_department"  # a department turned red, is still red, or recovered (to its ambassadors)
    CHAMPION_INVITE = "champion_invite"  # an ambassador invites a power user to the champions network

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
    expires_after: timedelta | None = None  # dropped at send time when older than this (a late reply is odd)
    waits_for_working_hours: bool = True  # held until the person's working hours on a working day
    respects_dnd: bool = True  # held while Slack do-not-disturb is on (when the playbook says `quiet: true`)
    prerendered: bool = False  # the sending flow renders it (nudges/direct.py); the text is cleared once sent
    celebration: bool = False  # at most one celebration an hour per person, bursts merged (nudges/celebrations.py)
    ledgered: bool = True  # a row in the outbox before it is sent (every kind: there is no other way out)

    @property
    def transactional(self) -> bool:
        """A reply to the person's own action: never budgeted, paced or opted out of."""
        return not (self.budgeted or self.can_opt_out or self.paced)

    @property
    def urgent(self) -> bool:
        """Cannot wait: no budget, pacing, working-hours wait or do-not-disturb hold (still ledgered, retried)."""
        return self.transactional and not (self.waits_for_working_hours or self.respects_dnd)


def _coaching(
    priority: int, *, planned: bool = False, about_a_step: bool = False, rated_as: str | None = None
) -> KindPolicy:
    """A coaching nudge: budgeted, paced, and the person may opt out of it."""
    return KindPolicy(True, True, True, priority, planned=planned, about_a_step=about_a_step, rated_as=rated_as)


def _transactional(
    priority: int, *, prerendered: bool = False, celebration: bool = False, expires_after: timedelta | None = None
) -> KindPolicy:
    """A reply to the person's own action: never budgeted, paced or opted out of."""
    return KindPolicy(
        budgeted=False,
        can_opt_out=False,
        paced=False,
        priority=priority,
        prerendered=prerendered,
        celebration=celebration,
        expires_after=expires_after,
    )


def _urgent(priority: int) -> KindPolicy:
    """Help that cannot wait: sent at once by its flow (nudges/direct.py), retried by the worker if Slack failed."""
    return KindPolicy(
        budgeted=False,
        can_opt_out=False,
        paced=False,
        priority=priority,
        waits_for_working_hours=False,
        respects_dnd=False,
        prerendered=True,
    )


POLICIES: Mapping[NudgeKind, KindPolicy] = MappingProxyType(
    {
        # The answer to "thanks" / "ok" / "ありがとう" in the DM (bot/domain/small_talk.py): worth sending only
        # while the person still remembers writing it.
        NudgeKind.SMALL_TALK: _transactional(95, expires_after=timedelta(hours=2)),
        NudgeKind.HELP_ROUTED: _urgent(99),
        NudgeKind.HELP_ASKER: _urgent(98),
        NudgeKind.ADMIN_POST: _urgent(97),
        NudgeKind.REPLY: _urgent(96),  # answers a click the person made a moment ago
        NudgeKind.HELP_FOLLOW_UP: _transactional(90),
        NudgeKind.CELEBRATE: _transactional(80, celebration=True),
        # An ambassador's word of praise: a celebration like Coach's own (at most one an hour), never budgeted.
        NudgeKind.CHEER: _transactional(75, prerendered=True, celebration=True),
        # The welcome opens the journey (purpose, first use case, where to get help): nobody has had the
        # chance to opt out before it, so it cannot be opted out of, but it still uses the budget.
        NudgeKind.WELCOME: KindPolicy(budgeted=True, can_opt_out=False, paced=True, priority=70),
        NudgeKind.AMBASSADOR: _coaching(60),
        # A lesson of the person's role track (sponsor, ambassador, admin): coaching like the rest, planned
        # by nudges/tracks.py for people with a role whether or not they are in a wave.
        NudgeKind.TRACK_LESSON: _coaching(55),
        NudgeKind.NEXT_USE_CASE: _coaching(50, planned=True, about_a_step=True),
        NudgeKind.TRAINING: _coaching(40, planned=True, about_a_step=True, rated_as="training"),
        NudgeKind.REENGAGE: _coaching(35, planned=True, about_a_step=True),
        NudgeKind.REINFORCEMENT: _coaching(30, planned=True),
        NudgeKind.FEEDBACK: _coaching(20, rated_as="feedback"),
        NudgeKind.PULSE: _coaching(10, planned=True, rated_as="pulse"),
        # The weekly digest is a report the ambassador's role brings, not coaching: never budgeted, paced or
        # opted out of (giving up the role stops it), but it keeps working hours and do-not-disturb.
        NudgeKind.AMBASSADOR_DIGEST: _transactional(5),
        # The same report for the admin channel: rendered at send time like the ambassador digest (not
        # prerendered), held to working hours in UTC (a channel has no time zone of its own).
        NudgeKind.ADMIN_DIGEST: _transactional(5),
        # Every 90 days a help contact is asked whether they are still the right person, and an ambassador is
        # asked to confirm a self-reported step: the role brings them; they wait for working hours and DND.
        NudgeKind.CONFIRM_ASK: _transactional(4, prerendered=True),
        # A red department's reason and suggested actions (docs/metrics.md), to its ambassadors and sponsor: a
        # report their role brings, rendered by the metrics tick; it waits for working hours and DND. The admin
        # channel gets the same notice as an ADMIN_POST.
        NudgeKind.RED_DEPARTMENT: _transactional(6, prerendered=True),
        # An ambassador's invitation to the champions network (`/coach champions`, Invite): their one-off act, like
        # a cheer, so never budgeted or opted out of; rendered by the flow, it waits for working hours and DND.
        NudgeKind.CHAMPION_INVITE: _transactional(74, prerendered=True),
    }
)

OPTABLE_KINDS: frozenset[NudgeKind] = frozenset(kind for kind in NudgeKind if kind.policy.can_opt_out)


def kind_values(where: Callable[[KindPolicy], bool]) -> frozenset[str]:
    """The stored `kind` strings whose policy matches, for SQL `IN (...)` filters."""
    return frozenset(kind.value for kind, policy in POLICIES.items() if where(policy))


def by_priority(kinds: Iterable[NudgeKind]) -> list[NudgeKind]:
    """Kinds most important first (ties by name, so plans are deterministic)."""
    return sorted(set(kinds), key=lambda kind: (-kind.policy.priority, kind.value))
