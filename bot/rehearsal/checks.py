"""Warnings that say what to change in the playbook, from what a rehearsal observed (codes: report schema)."""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from datetime import timedelta
from typing import Any

from bot.manifest import load_manifest
from bot.playbook.checks import placeholders
from bot.playbook.schema import LocalizedText, Playbook, UseCase
from bot.rehearsal.runner import Config, Trace, channel_name
from bot.views.nudges import NudgeContext, render_nudge
from nudges.kinds import NudgeKind

STALL_SHARE = 0.5  # most of a department still stands on one stage in the last week
APP_EVENTS_FROM_APP = frozenset({"help_requested"})  # recorded by the app itself, not subscribed from Slack


def subscribed_events() -> set[str]:
    """Event types the app receives (the manifest's bot_events, message.* folded to `message`)."""
    events = load_manifest()["settings"]["event_subscriptions"]["bot_events"]
    return {e.split(".")[0] for e in events} | APP_EVENTS_FROM_APP


def _why_never(use_case: UseCase, channels: set[str], events: set[str]) -> str:
    c = use_case.criteria
    if c.self_report:
        return "it is self-report only, so only a person's own click completes it"
    if c.event and c.event not in events:
        return f'its criterion needs the event "{c.event}", which the app does not receive'
    if c.channel and not any(fnmatch.fnmatch(name, c.channel.lstrip("#")) for name in channels):
        return f'its channel "{c.channel}" matches no channel in the workspace'
    return "nobody reached it within the rehearsal"


def all_warnings(config: Config, trace: Trace, report: dict[str, Any]) -> list[dict[str, str]]:
    pb, file = config.playbook, config.playbook_path.name
    out: list[dict[str, str]] = []
    channels = {channel_name(p, d) for p in pb.channels for d in trace.workspace.departments}
    events = subscribed_events()
    for uc in pb.all_use_cases():
        if trace.completed.get(uc.key, 0) == 0:
            why = _why_never(uc, channels, events)
            out.append(_w("use_case_never_completed", f'{file}: use case "{uc.key}" was never completed: {why}.'))
    out += _stalls(pb, file, trace)
    if report["max_messages_per_person_week"] > report["weekly_budget"]:
        out.append(
            _w(
                "over_budget",
                f"{file}: some person-weeks got {report['max_messages_per_person_week']} DMs, "
                f"over cadence.weekly_budget {report['weekly_budget']}; lower the cadence or raise the budget.",
            )
        )
    out += _unreachable_topics(pb, file, trace)
    out += empty_placeholders(pb, file, trace)
    sent_phases = set(report["messages_by_phase"])
    seen = sorted({ph for phases in trace.phases.values() for ph in phases if ph in type(pb.phases).model_fields})
    for phase in seen:
        if phase not in sent_phases:
            out.append(
                _w(
                    "phase_sends_nothing",
                    f'{file}: phase "{phase}" sent no DM; give phases.{phase} an '
                    "intro or tips, or shorten it in the plan.",
                )
            )
    return sorted(out, key=lambda w: (w["code"], w["message"]))


def _w(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _stalls(pb: Playbook, file: str, trace: Trace) -> list[dict[str, str]]:
    if len(next(iter(trace.stages.values()), [])) < 2:
        return []
    stuck: dict[str, list[str]] = {}
    for dept, weeks in trace.stages.items():
        last = weeks[-1]
        total = sum(last.values())
        for stage, n in last.items():
            if stage != "done" and total and n / total > STALL_SHARE and stage != pb.stages[0].key:
                stuck.setdefault(stage, []).append(dept)
    return [
        _w(
            "stage_stall",
            f'{file}: most of {", ".join(sorted(depts))} stall at stage "{stage}"; make its required '
            "use cases smaller or fewer.",
        )
        for stage, depts in sorted(stuck.items())
    ]


def _unreachable_topics(pb: Playbook, file: str, trace: Trace) -> list[dict[str, str]]:
    people = trace.workspace.by_id()
    out = []
    for topic in pb.help.topics:
        ids = [i for c in topic.contacts for i in (c.primary, c.backup) if i]
        present = [people[i] for i in ids if i in people]
        if not present:
            why = f'{file}: help topic "{topic.key}" has no contact in the workspace; name a primary who exists.'
            out.append(_w("help_topic_unreachable", why))
            continue
        for week in range(config_weeks(trace)):
            lo = trace.start.replace(tzinfo=None) + timedelta(weeks=week)
            if all(p.away and p.away[0] <= lo < p.away[1] for p in present):
                out.append(
                    _w(
                        "help_topic_unreachable",
                        f'{file}: help topic "{topic.key}": every contact is away in '
                        f"week {week}; add a backup contact.",
                    )
                )
                break
    return out


def config_weeks(trace: Trace) -> int:
    return len(trace.sentiment)


_PROBE = re.compile(r"\u27e6(\w+)=(.*?)\u27e7", re.S)


def template_kind(ctx: NudgeContext) -> str | None:
    """Which `templates.<key>` a nudge of this context is rendered from (None: no template, e.g. ambassador)."""
    if ctx.kind == NudgeKind.CELEBRATE:
        return "celebrate_stage" if int(ctx.payload.get("stage") or 0) else "celebrate_use_case"
    return {"pulse": "pulse_question", "feedback": "feedback_question"}.get(ctx.kind) or (
        ctx.kind if ctx.kind != NudgeKind.AMBASSADOR else None
    )


def _empty_names(pb: Playbook, key: str, locale: str, ctx: NudgeContext) -> list[str]:
    """Re-render the template with each placeholder between markers, through the app's own renderer."""
    names = placeholders(pb.templates.of(key).root[locale])
    if not names:
        return []
    probe = "".join(f"\u27e6{n}={{{n}}}\u27e7" for n in names)
    templates = pb.templates.model_copy(update={key: LocalizedText({locale: probe, "en": probe})})
    rendered = render_nudge(pb.model_copy(update={"templates": templates}), ctx).text
    return sorted({n for n, value in _PROBE.findall(rendered) if not value.strip()})


def empty_placeholders(pb: Playbook, file: str, trace: Trace) -> list[dict[str, str]]:
    """A `{placeholder}` a template rendered empty (no value, or one missing) for the contexts people got."""
    empty: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for ctx, count in trace.contexts.values():
        key = template_kind(ctx)
        if key is None:
            continue
        text = pb.templates.of(key)
        locale = ctx.locale if ctx.locale in text.root else "en"
        for name in _empty_names(pb, key, locale, ctx):
            empty[(key, locale, name)].append((count, ctx.subject or ctx.kind))
    out = []
    for (key, locale, name), hits in sorted(empty.items()):
        dms = sum(n for n, _ in hits)
        example = min(subject for _, subject in hits)
        out.append(
            _w(
                "empty_placeholder",
                f'{file}: template "templates.{key}.{locale}" rendered {{{name}}} empty in {dms} DM(s) '
                f'(e.g. for "{example}"); drop it or word the template so it reads well without it.',
            )
        )
    return out
