"""Nudge DMs, built from the playbook's templates in the person's language.

Every nudge carries "I need help"; kinds a person may turn off carry "don't send me this kind", paced kinds
a snooze; a training prompt has "Try it now", which turns into the how-to and a one-click rating. Each
message sets a fallback `text` (notifications, screen readers). Pure: no Slack, no database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.domain.waves import Phase
from bot.i18n import STRINGS, t
from bot.playbook.schema import Playbook, UseCase
from bot.views.blocks import Block, actions, button, clip, context, section
from bot.views.ids import AnswerAction, HelpAction, NudgeAction
from nudges.kinds import NudgeKind
from nudges.phases import PHASES, Carries

TEXT_MAX = 3000


def kind_name(kind: str, locale: str) -> str:
    """A nudge kind as people read it ("next step"); the kind itself when it has no name."""
    key = f"nudge.kind.{kind}"
    return t(key, locale) if key in STRINGS else kind


@dataclass(frozen=True)
class NudgeContext:
    """Everything a nudge message may mention about its recipient; the worker (or waves) fills it."""

    nudge_id: int
    kind: str
    locale: str
    name: str
    subject: str | None = None  # a use-case key, or a stage number for reinforcement
    payload: Mapping[str, Any] = field(default_factory=dict)
    stage: int = 0  # the stage the person has reached
    completed_count: int = 0
    days_inactive: int = 0
    wave_name: str = ""
    purpose: str = ""  # the wave's own purpose message; the playbook's when empty
    sponsor_user_id: str | None = None
    goal: str = ""  # the wave's business goal (the welcome names it; the feedback gate asks about it)
    phase: str = ""  # the phase of the person's wave now ("" outside a wave)


@dataclass(frozen=True)
class OutgoingMessage:
    """A chat.postMessage body: fallback text plus blocks."""

    text: str
    blocks: list[Block]
    # What to post instead when Slack refuses these blocks (a digest's chart image: the file may not be ready).
    fallback: OutgoingMessage | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, **values: object) -> str:
    """Fill a playbook template; a placeholder without a value becomes empty rather than an error."""
    return template.format_map(_Blank({k: "" if v is None else str(v) for k, v in values.items()}))


def action_value(nudge_id: int, kind: str, extra: str = "") -> str:
    """Button values carry the nudge id and kind, compact JSON (≤ 2,000 chars)."""
    data: dict[str, Any] = {"n": nudge_id, "k": kind}
    if extra:
        data["x"] = extra
    return json.dumps(data, separators=(",", ":"))


def parse_action_value(value: str) -> tuple[int, str, str]:
    """(nudge id, kind, extra) from a button value written by `action_value`."""
    data = json.loads(value)
    return int(data["n"]), str(data["k"]), str(data.get("x", ""))


def _use_case(playbook: Playbook, key: str | None) -> UseCase | None:
    if key and key in playbook.ladder_index:
        return playbook.use_case(key)
    return None


def _stage_title(playbook: Playbook, number: int, locale: str) -> str:
    if 1 <= number <= len(playbook.stages):
        return playbook.stages[number - 1].title.get(locale)
    return ""


def controls(ctx: NudgeContext, *first: Block) -> Block:
    """The row every nudge ends with: its own buttons, "I need help", opt-out and snooze where allowed."""
    kind = NudgeKind(ctx.kind)
    value = action_value(ctx.nudge_id, ctx.kind)
    elements = [*first, button(t("nudge.need_help", ctx.locale), HelpAction.OPEN, value)]
    if kind.policy.can_opt_out:
        elements.append(button(t("nudge.stop_kind", ctx.locale), NudgeAction.STOP_KIND, value))
    if kind.policy.paced:
        elements.append(button(t("nudge.snooze", ctx.locale), NudgeAction.SNOOZE, value))
    return actions(*elements, block_id=f"nudge.{ctx.nudge_id}")


def comment_button(locale: str, nudge_id: int) -> Block:
    """ "Add a comment" on the feedback question: opens the comment modal (bot/views/answers.py)."""
    return button(t("answers.add_comment", locale), AnswerAction.COMMENT, action_value(nudge_id, NudgeKind.FEEDBACK))


def rating_row(ctx: NudgeContext) -> Block:
    """Five one-click rating buttons (1 … 5)."""
    return actions(
        *(
            button(str(score), NudgeAction.RATE + f".{score}", action_value(ctx.nudge_id, ctx.kind, str(score)))
            for score in range(1, 6)
        ),
        block_id=f"nudge.rate.{ctx.nudge_id}",
    )


def _body(playbook: Playbook, ctx: NudgeContext) -> str:
    """The templated text of one nudge."""
    loc, name, kind = ctx.locale, ctx.name, ctx.kind
    use_case = _use_case(playbook, ctx.subject)
    title = use_case.title.get(loc) if use_case else ""
    templates = playbook.templates
    if kind == NudgeKind.WELCOME:
        purpose = ctx.purpose or playbook.purpose.message.get(loc)
        # "" from the worker: nobody real signs it (the playbook's sponsor is a bundled placeholder)
        sponsor = ctx.sponsor_user_id if ctx.sponsor_user_id is not None else playbook.purpose.sponsor
        if sponsor:
            purpose = t("nudge.sponsor", loc, user=sponsor) + purpose
        return fill(
            templates.welcome.get(loc),
            name=name,
            purpose=purpose,
            sponsor=f"<@{sponsor}>" if sponsor else "",
            wave=ctx.wave_name,
            first_use_case=title,
            help_hint=t("nudge.help_hint", loc),
        )
    if kind == NudgeKind.NEXT_USE_CASE:
        number = playbook.stage_number_of(use_case.key) if use_case else 0
        return fill(
            templates.next_use_case.get(loc),
            name=name,
            use_case=title,
            why=use_case.why.get(loc) if use_case else "",
            how_to=use_case.how_to.get(loc) if use_case else "",
            stage=_stage_title(playbook, number, loc),
            stage_number=number or "",
        )
    if kind == NudgeKind.TRAINING:
        return fill(
            templates.training.get(loc),
            name=name,
            use_case=title,
            lesson=use_case.training.lesson.get(loc) if use_case else "",
            try_it=use_case.training.try_it.get(loc) if use_case else "",
        )
    if kind == NudgeKind.REINFORCEMENT:
        tips = playbook.phases.refreeze.tips
        tip = tips[(ctx.stage - 1) % len(tips)].get(loc) if tips else ""
        return fill(
            templates.reinforcement.get(loc),
            name=name,
            tip=tip,
            stage=_stage_title(playbook, ctx.stage, loc),
            completed_count=ctx.completed_count,
        )
    if kind == NudgeKind.REENGAGE:
        return fill(templates.reengage.get(loc), name=name, days_inactive=ctx.days_inactive, next_use_case=title)
    if kind == NudgeKind.PULSE:
        return fill(templates.pulse_question.get(loc), name=name, wave=ctx.wave_name)
    if kind == NudgeKind.FEEDBACK:
        return fill(
            templates.feedback_question.get(loc),
            name=name,
            wave=ctx.wave_name.strip() or t("answers.fallback.wave", loc),
            goal=ctx.goal.strip() or t("answers.fallback.goal", loc),
        )
    if kind == NudgeKind.HELP_FOLLOW_UP:
        contact = ctx.payload.get("contact")
        return fill(
            templates.help_follow_up.get(loc),
            name=name,
            topic=ctx.payload.get("topic", ""),
            contact=f"<@{contact}>" if contact else "",
        )
    if kind == NudgeKind.CELEBRATE:
        return _celebration(playbook, ctx, title)
    if kind == NudgeKind.SMALL_TALK:
        return small_talk_reply(str(ctx.payload.get("group", "")), loc)
    return str(ctx.payload.get("message", ""))  # ambassador: their own words


def small_talk_reply(group: str, locale: str) -> str:
    """The answer to "thanks" / "ok" / "hi" (a `SmallTalk` group); an unknown group gets the acknowledgement."""
    key = f"nudge.small_talk.{group}"
    return t(key if key in STRINGS else "nudge.small_talk.ack", locale)


def _celebration(playbook: Playbook, ctx: NudgeContext, title: str) -> str:
    """One use case or stage; a burst merged into one row (`use_cases`, nudges/celebrations.py) names all of it."""
    loc = ctx.locale
    stage = int(ctx.payload.get("stage") or 0)
    keys = [str(k) for k in ctx.payload.get("use_cases") or ()]
    titles = [uc.title.get(loc) for k in keys if (uc := _use_case(playbook, k)) is not None]
    also = t("nudge.celebrate_also", loc, use_cases=_listing(titles, loc)) if titles else ""
    if stage:
        text = fill(
            playbook.templates.celebrate_stage.get(loc),
            name=ctx.name,
            stage=_stage_title(playbook, stage, loc),
            stage_number=stage,
            next_stage=_stage_title(playbook, stage + 1, loc),
        )
        return f"{text}\n{also}" if also else text
    next_case = _use_case(playbook, ctx.payload.get("next_use_case"))
    text = fill(
        playbook.templates.celebrate_use_case.get(loc),
        name=ctx.name,
        use_case=titles[-1] if titles else title,
        next_use_case=next_case.title.get(loc) if next_case else "",
    )
    return f"{text}\n{also}" if len(titles) > 1 else text


def _listing(titles: list[str], locale: str) -> str:
    return t("nudge.list_separator", locale).join(t("nudge.list_item", locale, title=x) for x in titles)


def _phase_content(playbook: Playbook, ctx: NudgeContext) -> list[Block]:
    """What the phase adds to a message (nudges/phases.py): the welcome's why and tips, a change tip."""
    loc = ctx.locale
    if ctx.kind == NudgeKind.WELCOME:  # unfreeze: purpose (in the body), the wave's goal, why it matters, tips
        unfreeze = playbook.phases.unfreeze
        blocks = [section(t("nudge.wave_goal", loc, goal=ctx.goal))] if ctx.goal.strip() else []
        blocks.append(section(unfreeze.intro.get(loc)))
        blocks += [context(t("nudge.tip", loc, tip=tip.get(loc))) for tip in unfreeze.tips]
        return blocks
    if ctx.phase not in {phase.value for phase in Phase}:
        return []
    carries = PHASES[Phase(ctx.phase)].carries.get(NudgeKind(ctx.kind))
    if carries is not Carries.PHASE_TIP:
        return []
    tips = getattr(playbook.phases, ctx.phase).tips
    return [context(t("nudge.tip", loc, tip=tips[ctx.nudge_id % len(tips)].get(loc)))] if tips else []


def render_nudge(playbook: Playbook, ctx: NudgeContext) -> OutgoingMessage:
    """The DM for one nudge, in the person's language, with its phase content and buttons."""
    body = clip(_body(playbook, ctx).strip() or kind_name(ctx.kind, ctx.locale), TEXT_MAX)
    blocks: list[Block] = [section(body), *_phase_content(playbook, ctx)]
    value = action_value(ctx.nudge_id, ctx.kind)
    if ctx.kind == NudgeKind.AMBASSADOR and ctx.payload.get("from_user"):
        blocks.append(context(t("nudge.from_ambassador", ctx.locale, user=ctx.payload["from_user"])))
    if ctx.kind == NudgeKind.FEEDBACK:
        blocks.append(rating_row(ctx))
        blocks.append(controls(ctx, comment_button(ctx.locale, ctx.nudge_id)))
    elif ctx.kind == NudgeKind.PULSE:
        blocks.append(rating_row(ctx))
        blocks.append(controls(ctx))
    elif ctx.kind == NudgeKind.TRAINING:
        blocks.append(controls(ctx, button(t("nudge.try_it", ctx.locale), NudgeAction.TRY_IT, value, style="primary")))
    elif ctx.kind == NudgeKind.HELP_FOLLOW_UP:
        request = str(ctx.payload.get("request_id", ""))
        blocks.append(
            controls(
                ctx,
                button(t("nudge.solved", ctx.locale), HelpAction.SOLVED, request, style="primary"),
                button(t("nudge.still_stuck", ctx.locale), HelpAction.STILL_STUCK, request),
            )
        )
    else:
        blocks.append(controls(ctx))
    return OutgoingMessage(text=clip(body, TEXT_MAX), blocks=blocks)


def training_follow_up(playbook: Playbook, ctx: NudgeContext) -> OutgoingMessage:
    """What "Try it now" turns the lesson into: the how-to, then five rating buttons."""
    use_case = _use_case(playbook, ctx.subject)
    how = use_case.how_to.get(ctx.locale) if use_case else ""
    try_it = use_case.training.try_it.get(ctx.locale) if use_case else ""
    text = "\n".join(part for part in (try_it, t("nudge.how_to", ctx.locale, text=how) if how else "") if part)
    blocks = [
        section(text or t("nudge.try_it", ctx.locale)),
        section(t("nudge.rate_prompt", ctx.locale)),
        rating_row(ctx),
    ]
    return OutgoingMessage(text=clip(text or t("nudge.try_it", ctx.locale), TEXT_MAX), blocks=blocks)


def rating_thanks(locale: str, score: int) -> OutgoingMessage:
    text = t("nudge.rated", locale, score=score)
    return OutgoingMessage(text=text, blocks=[section(text)])


def stopped_kind(locale: str, kind: str, *, allowed: bool) -> OutgoingMessage:
    text = t("nudge.stopped", locale, kind=kind_name(kind, locale)) if allowed else t("nudge.not_optional", locale)
    return OutgoingMessage(text=text, blocks=[section(text)])


def snoozed(locale: str, until: str) -> OutgoingMessage:
    text = t("nudge.snoozed", locale, until=until)
    return OutgoingMessage(text=text, blocks=[section(text)])
