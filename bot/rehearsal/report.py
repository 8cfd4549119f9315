"""Turn what a rehearsal observed (`runner.Trace`) into report.json (the contract in tasks/report_schema.md).

Deterministic for a seed: only simulated times, sorted keys, file names without directories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.playbook.schema import Playbook
from bot.rehearsal.checks import all_warnings
from bot.rehearsal.runner import Config, Trace
from bot.rehearsal.workspace import SimPerson
from bot.services.metrics import IGNITION_LINE
from nudges.kinds import NudgeKind

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def outside_working_hours(playbook: Playbook, person: SimPerson, at: datetime) -> bool:
    """Weekend, holiday, outside the cadence's hours, or inside the person's DND window, in their zone."""
    cadence = playbook.cadence
    local = at.astimezone(ZoneInfo(person.tz))
    if DAYS[local.weekday()] not in cadence.weekdays or local.date() in cadence.holidays:
        return True
    if not cadence.working_hours.start <= local.time() < cadence.working_hours.end:
        return True
    away = person.away
    return away is not None and away[0] <= at.replace(tzinfo=None) < away[1]


def build_report(config: Config, trace: Trace) -> dict[str, Any]:
    """report.json. Per-person-week counts are the budgeted kinds (what `cadence.weekly_budget` governs);
    celebrations and help follow-ups answer a person's own action and show in `messages_by_kind` only."""
    pb = config.playbook
    people = trace.workspace.by_id()
    weeks = config.weeks
    by_kind = Counter(s.kind for s in trace.sent)
    by_phase: dict[str, Counter[str]] = defaultdict(Counter)
    per_week: Counter[tuple[str, int]] = Counter()
    hours = dict.fromkeys(range(24), 0)
    outside = urgent_outside = 0
    for s in trace.sent:
        by_phase[s.phase][s.kind] += 1
        if NudgeKind(s.kind).policy.budgeted:  # replies to the person's own action are outside the budget
            per_week[(s.user, (s.at - trace.start) // timedelta(weeks=1))] += 1
        p = people[s.user]
        hours[s.at.astimezone(ZoneInfo(p.tz)).hour] += 1
        late = outside_working_hours(pb, p, s.at)
        if NudgeKind(s.kind).policy.waits_for_working_hours:
            outside += late
        else:  # urgent help (a routed question, the asker's news, a reply to a click) goes out at once
            urgent_outside += late
    histogram: Counter[int] = Counter()
    for p in trace.workspace.people:
        for w in range(weeks):
            histogram[per_week.get((p.user_id, w), 0)] += 1
    reached = {s.user for s in trace.sent}
    never = [
        {"user": p.user_id, "reason": _never_reason(p, trace)}
        for p in trace.workspace.people
        if p.user_id not in reached
    ]
    ignition = {
        d: next((w for w, share in enumerate(shares) if share >= IGNITION_LINE), None)
        for d, shares in sorted(trace.ignited.items())
    }
    report = {
        "version": 1,
        "seed": config.seed,
        "people": config.people,
        "departments": list(trace.workspace.departments),
        "weeks": weeks,
        "start_date": trace.start.date().isoformat(),
        "playbook": config.playbook_path.name,
        "plan": trace.plan,
        "weekly_budget": pb.cadence.weekly_budget,
        "messages_by_kind": dict(sorted(by_kind.items())),
        "messages_by_phase": {ph: dict(sorted(c.items())) for ph, c in sorted(by_phase.items())},
        "messages_per_person_week": {str(k): histogram[k] for k in range(max(histogram, default=0) + 1)},
        "max_messages_per_person_week": max(per_week.values(), default=0),
        "messages_by_local_hour": {str(h): n for h, n in hours.items()},
        "messages_outside_working_hours": outside,
        "urgent_messages_outside_working_hours": urgent_outside,
        "people_never_reached": never,
        "stage_counts_by_week": dict(sorted(trace.stages.items())),
        "ignition_week_by_department": ignition,
        "ignition_threshold": IGNITION_LINE,
        "help": trace.help,
        "sentiment_by_week": trace.sentiment,
        "scores_by_week": dict(sorted(trace.scores.items())),
        "warnings": [],
    }
    report["warnings"] = all_warnings(config, trace, report)
    return report


def _never_reason(p: SimPerson, trace: Trace) -> str:
    if p.user_id not in trace.enrolled:
        return "not in any wave that started within the rehearsal"
    return trace.unsent.get(p.user_id, "nothing was due for them")
