"""Ephemeral answers to the ambassador and employee `/coach` commands, and the weekly digest DM.

Pure builders: view-models in, `respond(**message)` keyword arguments out. Every message stays within
Slack's limits at any department size: lists are cut (with "…and N more"), a message has at most
MAX_BLOCKS blocks and `section()` clips each text to 3,000 characters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.i18n import STRINGS, t
from bot.services.ambassadors import (
    IGNITION_LINE,
    DepartmentDigest,
    DepartmentNumbers,
    DepartmentStatus,
    MySummary,
    NudgeOutcome,
    OpenQuestion,
    Scope,
    StuckPerson,
)
from bot.views.blocks import Block, actions, button, clip, context, divider, header, image_file, section
from bot.views.champions import story_lines
from bot.views.ids import AmbassadorAction, HelpAction
from bot.views.insights import score_lines

MAX_BLOCKS = 50
LIST_LIMIT = 15
BAR_WIDTH = 20
NAMES_LIMIT = 30
DIGEST_DEPARTMENTS_MAX = 5  # 5 × 7 blocks + header, chart image and footer stay under MAX_BLOCKS


def ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """`respond` arguments for an answer only the caller sees; the fallback text is always set."""
    blocks = (blocks or [section(text)])[:MAX_BLOCKS]
    return {"text": clip(text, 3000), "blocks": blocks, "response_type": "ephemeral"}


def names_list(user_ids: Sequence[str], locale: str, limit: int = NAMES_LIMIT) -> str:
    shown = ", ".join(f"<@{u}>" for u in user_ids[:limit])
    if len(user_ids) > limit:
        shown += " " + t("ambassador.list.more", locale, count=len(user_ids) - limit)
    return shown


# -- status -------------------------------------------------------------------------------------------


def bar(share: float, *, marker: float | None = None, width: int = BAR_WIDTH) -> str:
    """`█████░░░░░` for a share in [0, 1], with `│` at `marker` (the ignition line) when given."""
    share = min(max(share, 0.0), 1.0)
    filled = round(share * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if marker is not None:
        cells.insert(round(marker * width), "│")
    return "".join(cells)


def _trend(now: float, before: float, *, percent: bool = False) -> str:
    delta = now - before
    if abs(delta) < (0.005 if percent else 0.5):
        return " (=)"
    arrow = "▲" if delta > 0 else "▼"
    amount = f"{abs(delta) * 100:.0f} pts" if percent else f"{abs(delta):.0f}"
    return f" ({arrow}{amount})"


def _stage_rows(snapshot: DepartmentNumbers, stage_titles: Sequence[str], locale: str) -> str:
    labels = [t("ambassador.status.not_started", locale), *(f"{n} {t}" for n, t in enumerate(stage_titles, 1))]
    total = snapshot.enrolled or 1
    lines = []
    for label, count in zip(labels, snapshot.stages, strict=False):
        share = count / total
        lines.append(f"{clip(label, 18):<18} {bar(share)} {share * 100:3.0f}% {count:>6}")
    return "```\n" + "\n".join(lines) + "\n```"


def status_blocks(status: DepartmentStatus, stage_titles: Sequence[str], locale: str) -> list[Block]:
    """One department: numbers with trend, stage bars, and ignition against the 20% line."""
    now, before = status.current, status.week_ago
    blocks = [header(t("ambassador.status.title", locale, department=status.department))]
    if not now.enrolled:
        return [*blocks, section(t("ambassador.status.empty", locale, department=status.department))]
    blocks.append(
        section(
            t(
                "ambassador.status.numbers",
                locale,
                enrolled=now.enrolled,
                enrolled_trend=_trend(now.enrolled, before.enrolled),
                active=f"{now.active}/{now.enrolled}",
                active_trend=_trend(now.active, before.active),
                open_help=now.open_help,
                help_trend=_trend(now.open_help, before.open_help),
            )
        )
    )
    blocks.append(section(t("ambassador.status.stages", locale) + "\n" + _stage_rows(now, stage_titles, locale)))
    ignition = (
        f"```\n{bar(now.ignition, marker=IGNITION_LINE)} {now.ignition * 100:3.0f}%"
        f"{_trend(now.ignition, before.ignition, percent=True)}\n```"
    )
    blocks.append(section(t("ambassador.status.ignition", locale) + "\n" + ignition))
    needed = max(math.ceil(IGNITION_LINE * now.enrolled) - now.ignited, 0)
    verdict = "ambassador.status.ignited" if now.ignited_line_reached else "ambassador.status.to_ignite"
    blocks.append(context(t(verdict, locale, needed=needed), t("ambassador.status.trend", locale)))
    if status.scores is not None:
        blocks.append(section(clip("\n".join(score_lines(status.scores, status.rules, locale)), 3000)))
    return blocks


def status_message(
    statuses: Sequence[DepartmentStatus], stage_titles: Sequence[str], locale: str, *, total: int | None = None
) -> dict[str, Any]:
    """`/coach status`: one block group per department (the scope already caps how many)."""
    blocks: list[Block] = []
    texts = []
    for status in statuses:
        if blocks:
            blocks.append(divider())
        blocks.extend(status_blocks(status, stage_titles, locale))
        now = status.current
        texts.append(f"{status.department}: {now.active}/{now.enrolled} active, ignition {now.ignition * 100:.0f}%")
    if total and total > len(statuses):
        blocks.append(context(t("ambassador.status.more", locale, shown=len(statuses), total=total)))
    return ephemeral("\n".join(texts) or "-", blocks)


def scope_problem(scope: Scope, command: str, locale: str) -> dict[str, Any]:
    """Why a department request covers nothing: refused (not yours), unknown, or ambiguous."""
    if scope.problem == "not_yours":
        own = ", ".join(scope.choices) or t("ambassador.scope.none", locale)
        text = t("ambassador.scope.not_yours", locale, own=own, wanted=clip(scope.wanted, 80))
    elif scope.problem == "unknown":
        text = t(
            "ambassador.scope.unknown", locale, wanted=clip(scope.wanted, 80), choices=", ".join(scope.choices) or "-"
        )
    else:
        text = t("ambassador.scope.choose", locale, command=command, choices=", ".join(scope.choices))
    return ephemeral(text)


# -- stuck --------------------------------------------------------------------------------------------


def _stage_label(stage: int, stage_titles: Sequence[str], locale: str) -> str:
    if stage <= 0 or stage > len(stage_titles):
        return t("ambassador.status.not_started", locale)
    return f"{stage} {stage_titles[stage - 1]}"


def _last_active(person: StuckPerson, now: datetime, locale: str) -> str:
    if person.last_active is None:
        return t("ambassador.stuck.never", locale)
    return t("ambassador.stuck.last", locale, days=max((now - person.last_active).days, 0))


def nudge_all_value(departments: Sequence[str], days: int) -> str:
    """The Nudge-all button's value: what to recompute on click (never a list of people to trust)."""
    return json.dumps({"d": list(departments), "n": days}, ensure_ascii=False)


def stuck_message(
    people: Sequence[StuckPerson],
    *,
    departments: Sequence[str],
    days: int,
    stage_titles: Sequence[str],
    now: datetime,
    locale: str,
) -> dict[str, Any]:
    """`/coach stuck`: the longest idle first, a Nudge button each, and Nudge all."""
    where = ", ".join(departments)
    if not people:
        return ephemeral(t("ambassador.stuck.none", locale, departments=where, days=days))
    blocks: list[Block] = [
        header(t("ambassador.stuck.title", locale)),
        context(t("ambassador.stuck.intro", locale, days=days, departments=where)),
    ]
    for person in people[:LIST_LIMIT]:
        row = t(
            "ambassador.stuck.row",
            locale,
            user=person.user_id,
            stage=_stage_label(person.stage, stage_titles, locale),
            last=_last_active(person, now, locale),
        )
        nudge = button(t("ambassador.stuck.nudge", locale), AmbassadorAction.NUDGE_ONE, person.user_id)
        blocks.append(section(row, accessory=nudge))
    if len(people) > LIST_LIMIT:
        blocks.append(context(t("ambassador.list.more", locale, count=len(people) - LIST_LIMIT)))
    everyone = button(
        t("ambassador.stuck.nudge_all", locale, count=len(people)),
        AmbassadorAction.NUDGE_ALL,
        nudge_all_value(departments, days),
        style="primary",
    )
    everyone["confirm"] = {
        "title": {"type": "plain_text", "text": clip(t("ambassador.stuck.confirm_title", locale), 100)},
        "text": {"type": "plain_text", "text": t("ambassador.stuck.confirm_text", locale, count=len(people))},
        "confirm": {"type": "plain_text", "text": t("ambassador.stuck.confirm_yes", locale)},
        "deny": {"type": "plain_text", "text": t("ambassador.stuck.confirm_no", locale)},
    }
    blocks.append(actions(everyone))
    fallback = t("ambassador.stuck.fallback", locale, count=len(people), days=days, where=where)
    return ephemeral(fallback, blocks)


# -- nudge / celebrate / confirm ----------------------------------------------------------------------


def _reason(code: str, locale: str) -> str:
    key = f"ambassador.reason.{code}"
    return t(key, locale) if key in STRINGS else code


def nudge_result(outcome: NudgeOutcome, locale: str) -> dict[str, Any]:
    """Who gets the nudge now, who later (and why), and who was skipped (and why)."""
    now = [t.user_id for t in outcome.queued if t.at is None]
    later = [t for t in outcome.queued if t.at is not None]
    lines = []
    if now:
        lines.append(t("ambassador.nudge.queued", locale, names=names_list(now, locale)))
    if later:
        shown = ", ".join(f"<@{t.user_id}> ({_reason(t.reason, locale)})" for t in later[:NAMES_LIMIT])
        lines.append(t("ambassador.nudge.later", locale, names=shown + _more(len(later), locale)))
    if outcome.skipped:
        skipped = outcome.skipped
        shown = ", ".join(f"<@{t.user_id}> ({_reason(t.reason, locale)})" for t in skipped[:NAMES_LIMIT])
        lines.append(t("ambassador.nudge.skipped", locale, names=shown + _more(len(skipped), locale)))
    if not lines:
        lines.append(t("ambassador.nudge.nobody", locale))
    return ephemeral("\n".join(lines))


def _more(count: int, locale: str) -> str:
    return " " + t("ambassador.list.more", locale, count=count - NAMES_LIMIT) if count > NAMES_LIMIT else ""


def celebration_dm(sender: str, stage: int, stage_titles: Sequence[str], message: str, locale: str) -> dict[str, Any]:
    """The DM a celebrated person gets, in *their* language, with the ambassador's own words quoted."""
    stage_part = (
        t("ambassador.celebrate.stage", locale, stage=stage, title=stage_titles[stage - 1])
        if 0 < stage <= len(stage_titles)
        else ""
    )
    text = t("ambassador.celebrate.dm", locale, sender=sender, stage=stage_part)
    if message:
        text += "\n>" + clip(message, 2500).replace("\n", "\n>")
    return {"text": clip(text, 3000), "blocks": [section(text)]}


def celebration_public(sender: str, user_ids: Sequence[str], message: str, locale: str) -> dict[str, Any]:
    """The in-channel shout-out (posted through the command's response_url)."""
    text = t("ambassador.celebrate.public", locale, sender=sender, names=names_list(user_ids, locale))
    if message:
        text += "\n>" + clip(message, 2500).replace("\n", "\n>")
    return {"text": clip(text, 3000), "blocks": [section(text)], "response_type": "in_channel"}


def celebration_result(
    sent: Sequence[str], skipped: Sequence[tuple[str, str]], locale: str, *, queued: Sequence[str] = ()
) -> dict[str, Any]:
    lines = []
    if sent:
        lines.append(t("ambassador.celebrate.sent", locale, names=names_list(sent, locale)))
    if queued:
        lines.append(t("ambassador.celebrate.queued", locale, names=names_list(queued, locale)))
    if skipped:
        shown = ", ".join(f"<@{u}> ({_reason(code, locale)})" for u, code in skipped[:NAMES_LIMIT])
        lines.append(t("ambassador.nudge.skipped", locale, names=shown + _more(len(skipped), locale)))
    return ephemeral("\n".join(lines) or t("ambassador.celebrate.nobody", locale))


def confirm_result(
    status: str, *, name: str, use_case: str, pending: Sequence[str], stage: int | None, locale: str
) -> dict[str, Any]:
    """The answer to `/coach confirm`, naming the use case and any stage it unlocked."""
    if status == "unknown_use_case":
        items = t("ambassador.confirm.pending", locale, items=", ".join(pending)) if pending else ""
        return ephemeral(t("ambassador.confirm.unknown_use_case", locale, pending=items))
    if status in ("unknown_person", "not_in_department"):
        key = (
            "ambassador.confirm.unknown_person" if status == "unknown_person" else "ambassador.reason.not_in_department"
        )
        return ephemeral(t(key, locale))
    text = t(f"ambassador.confirm.{status}", locale, name=name, use_case=use_case)
    if status == "confirmed" and stage:
        text += t("ambassador.confirm.stage", locale, stage=stage)
    return ephemeral(text)


# -- open questions -----------------------------------------------------------------------------------


def _age(asked_at: datetime | None, now: datetime, locale: str) -> str:
    if asked_at is None:
        return "-"
    seconds = max((now - asked_at).total_seconds(), 0)
    if seconds >= 86400:
        return t("ambassador.age.days", locale, days=int(seconds // 86400))
    return t("ambassador.age.hours", locale, hours=int(seconds // 3600))


def _owner(owner: str) -> str:
    return f"<@{owner}>" if owner[:1] in ("U", "W") and owner.isalnum() else f"`{clip(owner, 40)}`"


def questions_message(
    questions: Sequence[OpenQuestion], total: int, *, departments: Sequence[str], now: datetime, locale: str
) -> dict[str, Any]:
    """`/coach questions`: oldest first, each with Take it (handled by the help flow)."""
    if not questions:
        return ephemeral(t("ambassador.questions.none", locale, departments=", ".join(departments)))
    blocks: list[Block] = [header(t("ambassador.questions.title", locale, total=total))]
    for q in questions[:LIST_LIMIT]:
        row = t(
            "ambassador.questions.row",
            locale,
            id=q.request_id,
            asker=q.asker_id,
            topic=clip(q.topic, 60),
            age=_age(q.asked_at, now, locale),
            owner=_owner(q.owner),
            question=clip(" ".join(q.question.split()), 300),
        )
        take = button(t("ambassador.questions.take", locale), HelpAction.TAKE, str(q.request_id))
        blocks.append(section(row, accessory=take))
    if total > min(len(questions), LIST_LIMIT):
        blocks.append(context(t("ambassador.list.more", locale, count=total - min(len(questions), LIST_LIMIT))))
    return ephemeral(f"{total} open questions", blocks)


# -- the weekly digest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartImage:
    """A chart already uploaded to Slack: shown with an `image` block instead of the text bars."""

    file_id: str
    alt_text: str


def digest_message(
    digests: Sequence[DepartmentDigest],
    stage_titles: Sequence[str],
    locale: str,
    *,
    chart: ChartImage | None = None,
    title_key: str = "ambassador.digest.title",
) -> dict[str, Any]:
    """The Monday digest: per department, the numbers, who moved up, who needs a hand, open questions, and the
    week's success stories (champions' tips, public celebrations).

    With a `chart` the stage and ignition bars are the image; without one (no `files:write`, Slack refused the
    upload) they are drawn as text bars, so the digest says the same either way.
    """
    blocks: list[Block] = [header(t(title_key, locale))]
    if chart is not None:
        blocks.append(image_file(chart.file_id, chart.alt_text))
    for digest in digests[:DIGEST_DEPARTMENTS_MAX]:
        # Each department's status under a bold name instead of its own header.
        department_blocks = status_blocks(digest.status, stage_titles, locale)[1:]
        if chart is not None and digest.status.current.enrolled:
            department_blocks = [department_blocks[0], department_blocks[-1]]  # numbers and verdict; bars: image
        blocks.extend([divider(), section(f"*{digest.status.department}*"), *department_blocks])
        blocks.append(section(_digest_lines(digest, locale)))
    blocks.append(context(t("ambassador.digest.footer", locale)))
    text = t(title_key, locale) + ": " + ", ".join(d.status.department for d in digests)
    return {"text": clip(text, 3000), "blocks": blocks[:MAX_BLOCKS]}


def _digest_lines(digest: DepartmentDigest, locale: str) -> str:
    moved = [m.user_id for m in digest.moved_up]
    lines = [
        t(
            "ambassador.digest.moved",
            locale,
            names=names_list(moved, locale) + _extra(digest.moved_total, len(moved), locale),
        )
        if moved
        else t("ambassador.digest.no_moves", locale)
    ]
    if digest.stuck:
        stuck = [s.user_id for s in digest.stuck]
        lines.append(
            t(
                "ambassador.digest.stuck",
                locale,
                names=names_list(stuck, locale) + _extra(digest.stuck_total, len(stuck), locale),
            )
        )
    lines.append(t("ambassador.digest.questions", locale, count=digest.questions_total))
    lines.extend(story_lines(digest.stories, digest.stories_total, locale))
    return "\n".join(lines)


def _extra(total: int, shown: int, locale: str) -> str:
    return " " + t("ambassador.list.more", locale, count=total - shown) if total > shown else ""


def me_message(
    summary: MySummary, *, titles: Mapping[str, str], stage_titles: Sequence[str], how_to: str, until: str, locale: str
) -> dict[str, Any]:
    """`/coach me`: stage, done, waiting, next (with how-to), and whether Coach is snoozed or stopped."""
    lines = [f"*{t('ambassador.me.title', locale)}*"]
    if summary.stage > 0:
        title = stage_titles[min(summary.stage, len(stage_titles)) - 1]
        lines.append(t("ambassador.me.stage", locale, stage=summary.stage, total=summary.stage_total, title=title))
    else:
        lines.append(t("ambassador.me.not_started", locale))
    if summary.done:
        lines.append(t("ambassador.me.done", locale, items=", ".join(titles.get(k, k) for k in summary.done)))
    if summary.pending:
        lines.append(t("ambassador.me.pending", locale, items=", ".join(titles.get(k, k) for k in summary.pending)))
    if summary.next_key:
        lines.append(t("ambassador.me.next", locale, title=titles.get(summary.next_key, summary.next_key), how=how_to))
    else:
        lines.append(t("ambassador.me.all_done", locale))
    notes = []
    if summary.snoozed_until:
        notes.append(t("ambassador.me.snoozed", locale, until=until))
    if summary.stopped:
        notes.append(t("ambassador.me.stopped", locale))
    blocks = [section("\n".join(lines))]
    if notes:
        blocks.append(context(*notes))
    return ephemeral("\n".join(lines), blocks)
