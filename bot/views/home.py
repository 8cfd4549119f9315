"""App Home views. A Home tab holds at most 100 blocks; long lists are cut with a note."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import t
from bot.playbook.schema import MAX_OPTIONAL_ON_HOME
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.ids import HelpAction, HomeAction

MAX_HOME_BLOCKS = 100
CHECKLIST_LIMIT = 60


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    stage: int
    done: bool
    pending: bool = False
    is_next: bool = False


@dataclass(frozen=True)
class OptionalStep:
    """An optional use case on the Home tab: its title and whether an "I did it" waits for confirmation."""

    key: str
    title: str
    pending: bool = False


@dataclass(frozen=True)
class PhaseCard:
    """The person's wave and its phase (nudges/phases.py), with the playbook's intro and a tip for it."""

    wave: str
    phase: str  # unfreeze / change / refreeze / feedback, or "paused"
    intro: str = ""
    tip: str = ""


@dataclass(frozen=True)
class EmployeeHomeState:
    locale: str
    name: str
    stage_number: int
    stage_total: int
    stage_title: str
    checklist: list[ChecklistItem] = field(default_factory=list)
    next_title: str | None = None
    next_key: str | None = None
    next_why: str | None = None
    next_how: str | None = None
    snoozed_until: str | None = None
    optional: list[OptionalStep] = field(default_factory=list)  # not done yet, at most MAX_OPTIONAL_ON_HOME
    phase: PhaseCard | None = None  # where the person's wave is in the method, with its intro and a tip


def employee_home(state: EmployeeHomeState) -> dict[str, object]:
    """The employee's journey: stage, checklist, why/how of the next step, and the ways to act."""
    loc = state.locale
    blocks: list[Block] = [header(t("home.title", loc)), section(t("home.greeting", loc, name=state.name))]
    if state.stage_number:
        blocks.append(
            section(
                t(
                    "home.stage",
                    loc,
                    number=state.stage_number,
                    total=state.stage_total,
                    title=state.stage_title,
                )
            )
        )
    else:
        blocks.append(section(t("home.not_started", loc)))
    if state.snoozed_until:
        blocks.append(context(t("home.snoozed", loc, until=state.snoozed_until)))
    if state.phase is not None:
        card = state.phase
        lines = [t("home.phase", loc, wave=card.wave, phase=t(f"home.phase.{card.phase}", loc))]
        if card.intro:
            lines.append(card.intro)
        blocks.append(section("\n".join(lines)))
        if card.tip:
            blocks.append(context(t("nudge.tip", loc, tip=card.tip)))
    if state.next_title and state.next_key:
        blocks.append(divider())
        blocks.append(section(t("home.next", loc, title=state.next_title)))
        if state.next_why:
            blocks.append(section(t("home.why", loc, text=state.next_why)))
        if state.next_how:
            blocks.append(section(t("home.how", loc, text=state.next_how)))
    elif state.checklist:
        blocks.append(section(t("home.all_done", loc)))
    blocks.append(
        actions(
            *(
                [button(t("home.did_it", loc), HomeAction.DID_IT, state.next_key, style="primary")]
                if state.next_key
                else []
            ),
            button(t("home.need_help", loc), HelpAction.OPEN),
            button(t("home.snooze", loc), HomeAction.SNOOZE),
            button(t("home.what_you_know", loc), HomeAction.WHAT_YOU_KNOW),
        )
    )
    if state.optional:
        blocks.append(divider())
        blocks.append(header(t("home.optional", loc)))
        blocks.extend(_optional_blocks(state.optional, loc))
    if state.checklist:
        blocks.append(divider())
        blocks.append(header(t("home.checklist", loc)))
        blocks.extend(_checklist_blocks(state.checklist, loc))
    blocks.append(context(t("home.footer", loc)))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def _checklist_blocks(items: list[ChecklistItem], loc: str) -> list[Block]:
    lines: list[str] = []
    for item in items[:CHECKLIST_LIMIT]:
        mark = ":white_check_mark:" if item.done else (":hourglass:" if item.pending else ":white_circle:")
        suffix = f" _({t('home.pending', loc)})_" if item.pending else ""
        lead = "*→* " if item.is_next else ""
        lines.append(f"{mark} {lead}{item.stage}. {item.title}{suffix}")
    # Several lines per section keep even a long ladder far below the 100-block limit.
    return [section("\n".join(lines[i : i + 12])) for i in range(0, len(lines), 12)]


def _optional_blocks(steps: list[OptionalStep], loc: str) -> list[Block]:
    """One line per optional step with its own "I did it"; a pending one says it waits for confirmation and keeps
    its button, so a step Coach can verify (an app use it has seen since) can be checked again."""
    blocks: list[Block] = []
    for step in steps[:MAX_OPTIONAL_ON_HOME]:
        text = f":hourglass: {step.title} _({t('home.pending', loc)})_" if step.pending else step.title
        blocks.append(section(text, accessory=button(t("home.did_it", loc), HomeAction.DID_IT, step.key)))
    return blocks
