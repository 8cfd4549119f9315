"""The method, phase by phase: which planned kinds each wave phase allows, and what they carry.

One table (`PHASES`, plus `PAUSED` and `OUTSIDE`) is read by the planner (what to queue), the delivery
worker (what to send, hold or drop when the wave has moved on since the row was queued) and the renderer
(which phase content a message carries). docs/method.md writes the same table down for people.

Seed 002 (Lewin): unfreeze before you change, then refreeze so people do not slide back; seed 000: stop for
feedback before the next group. "New-stage" kinds push a person toward their next step on the ladder; they
are planned only where the method changes behaviour (the first tiny step in unfreeze, the ladder in change).
Where a wave does not allow them (refreeze, the feedback gate, a paused wave) a row already queued for one
is *held*: not sent, kept until the admin decides (nudges.holds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.domain.waves import Phase, WaveState, allows_new_stage_nudges
from nudges.kinds import NudgeKind

# The kinds that push a person toward their next step (each names the step as its subject).
NEW_STAGE_KINDS: frozenset[NudgeKind] = frozenset({NudgeKind.NEXT_USE_CASE, NudgeKind.TRAINING, NudgeKind.REENGAGE})


class Carries(StrEnum):
    """Phase content a message carries besides its own template."""

    WAVE_INTRO = "wave_intro"  # the welcome: the wave's goal, the unfreeze intro and tips ("why it matters")
    PHASE_TIP = "phase_tip"  # one of the current phase's tips
    REFREEZE_TIP = "refreeze_tip"  # reinforcement: a refreeze tip about keeping a habit


@dataclass(frozen=True)
class PhasePolicy:
    """What the coach does for members of a wave in one phase (or state)."""

    name: str
    plans: frozenset[NudgeKind]  # planned kinds the planner may queue, and the worker may send
    carries: Mapping[NudgeKind, Carries]  # extra phase content per kind
    first_step_only: bool = False  # next-step nudges only about the ladder's first use case
    new_stage: bool = False  # new-stage kinds are allowed (else a queued one is held)

    def verdict(self, kind: NudgeKind) -> str:
        """For a planned row about to be sent: "send", "hold" (new-stage, wait for the admin) or "drop"."""
        if kind in self.plans:
            return "send"
        return "hold" if kind in NEW_STAGE_KINDS and self.name != OUTSIDE_NAME else "drop"


def _policy(
    phase: Phase, plans: set[NudgeKind], carries: dict[NudgeKind, Carries], *, first_step_only: bool = False
) -> PhasePolicy:
    return PhasePolicy(
        phase.value,
        frozenset(plans),
        MappingProxyType(carries),
        first_step_only=first_step_only,
        new_stage=allows_new_stage_nudges(WaveState.ACTIVE, phase),
    )


K = NudgeKind
# The welcome (queued when a member joins) always opens with the wave's purpose and the unfreeze content,
# whatever phase the wave is in when a late member joins: nobody skips unfreeze (seed 002).
WELCOME_CARRIES = Carries.WAVE_INTRO

PHASES: Mapping[Phase, PhasePolicy] = MappingProxyType(
    {
        # healthy urgency and expectation before any change (seed 002): the welcome, then only the first step
        Phase.UNFREEZE: _policy(Phase.UNFREEZE, {K.NEXT_USE_CASE, K.PULSE}, {}, first_step_only=True),
        # the ladder, one step at a time, with "try it now" training (seed 000, 001)
        Phase.CHANGE: _policy(
            Phase.CHANGE,
            {K.NEXT_USE_CASE, K.TRAINING, K.REENGAGE, K.REINFORCEMENT, K.PULSE},
            {K.NEXT_USE_CASE: Carries.PHASE_TIP, K.TRAINING: Carries.PHASE_TIP, K.REINFORCEMENT: Carries.REFREEZE_TIP},
        ),
        # reinforce what people already do; no new stage is pushed (seed 000)
        Phase.REFREEZE: _policy(Phase.REFREEZE, {K.REINFORCEMENT, K.PULSE}, {K.REINFORCEMENT: Carries.REFREEZE_TIP}),
        # stop for feedback (seed 000): the feedback question is queued when the gate opens; reinforcement goes
        # on; no pulse (the feedback question is the pulse then) and nothing new-stage until the admin decides
        Phase.FEEDBACK: _policy(Phase.FEEDBACK, {K.REINFORCEMENT}, {K.REINFORCEMENT: Carries.REFREEZE_TIP}),
        Phase.DONE: _policy(Phase.DONE, set(), {}),
    }
)
PAUSED_NAME = "paused"
OUTSIDE_NAME = "outside a wave"
# The admin stopped the clock: nothing is planned; new-stage rows are held until the wave resumes.
PAUSED = PhasePolicy(PAUSED_NAME, frozenset(), MappingProxyType({}))
# Not in a running wave (never enrolled: unfreeze has not happened; or the wave completed): nothing planned.
OUTSIDE = PhasePolicy(OUTSIDE_NAME, frozenset(), MappingProxyType({}))


def policy_for(state: str | None, phase: str | None) -> PhasePolicy:
    """The policy for a member of a wave in `state`/`phase` (None: in no running wave)."""
    if state == WaveState.PAUSED:
        return PAUSED
    if state != WaveState.ACTIVE or phase is None:
        return OUTSIDE
    return PHASES[Phase(phase)]


def phases_planning(kind: NudgeKind) -> list[str]:
    """The wave phases (stored values) in which the planner may queue `kind`."""
    return [phase.value for phase, policy in PHASES.items() if kind in policy.plans]


HELD_PREFIX = "held: "


def describe(policy: PhasePolicy) -> str:
    """The policy's phase as a reason reads it: "at its feedback gate", "paused", "in refreeze"."""
    if policy.name == Phase.FEEDBACK:
        return "at its feedback gate"
    if policy.name in (PAUSED_NAME, OUTSIDE_NAME):
        return policy.name
    return f"in {policy.name}"
