"""The playbook's cadence section as the pure rules' `CadenceRules`, and the delivery worker's knobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.playbook import Playbook
from nudges.rules import CadenceRules


def cadence_rules(playbook: Playbook) -> CadenceRules:
    """The playbook's delivery rules; `quiet: true` in the playbook means "respect Slack do-not-disturb"."""
    data = playbook.cadence.model_dump(mode="json")
    data["respect_dnd"] = data.pop("quiet", True)
    return CadenceRules.from_mapping(data)


@dataclass(frozen=True)
class PlannerSettings:
    """How coaching content follows on: when a training prompt, a tip or a re-engagement becomes due."""

    training_after: timedelta = timedelta(days=1)  # after the next-use-case nudge about the same step
    reinforce_after: timedelta = timedelta(days=2)  # after a stage is reached
    reinforce_within: timedelta = timedelta(days=21)  # stages reached longer ago get no late tip
    pulse_after_stage: timedelta = timedelta(days=3)  # the pulse after a new stage: 3 days after it was reached…
    pulse_after_stage_within: timedelta = timedelta(days=14)  # …and no later than 14 days after
    pulse_min_gap: timedelta = timedelta(days=7)  # never two pulses within a week


@dataclass(frozen=True)
class DeliverySettings:
    """The delivery worker's pace and patience; defaults suit one workspace on Slack's documented limits."""

    batch_size: int = 25
    tick_budget_seconds: float = 8.0  # a tick returns after this long so shutdown never waits long
    lease: timedelta = timedelta(minutes=2)  # a 'sending' row older than this belongs to a dead worker
    # Transient failures (5xx, timeouts) never fail a row. The worker pauses all sends (base * 2**(n-1) after
    # n failures in a row, capped) and probes auth.test before sending again; the row keeps its place in line.
    # Only a row that failed `max_attempts` times while Slack answered the probe waits its own back-off.
    max_attempts: int = 6
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 3600.0  # a row's own back-off (one Slack keeps refusing)
    outage_cap_seconds: float = 120.0  # the longest pause between probes while Slack is down
    dnd_cache_seconds: float = 300.0
    stale_after: timedelta = timedelta(days=7)  # a paced nudge still undelivered after this is dropped
    max_rate_per_second: float | None = None  # optional own pacing; 429 Retry-After is honoured regardless
