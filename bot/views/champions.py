"""The champions network as people see it: `/coach champions`, the invitation DM, the tip modal, digest stories.

Pure: plain values (bot.domain.champions) in, Block Kit out. Lists are cut so a message stays within Slack's
limits at any department size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.champions import TIP_MAX, Candidate, InviteOutcome, InviteState, Story
from bot.i18n import t
from bot.views.blocks import Block, actions, button, clip, context, header, section
from bot.views.ids import ChampionAction, ChampionView

LIST_LIMIT = 20
STORY_QUOTE_MAX = 200


def _ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    return {"text": clip(text, 3000), "blocks": blocks or [section(text)], "response_type": "ephemeral"}


def state_label(candidate: Candidate, locale: str) -> str:
    if candidate.state is InviteState.DECLINED and candidate.invite_again_from is not None:
        return t("champions.state.wait", locale, date=candidate.invite_again_from.date().isoformat())
    return t(f"champions.state.{candidate.state.value}", locale)


def candidates_message(
    people: Sequence[Candidate],
    *,
    departments: Sequence[str],
    channel: str,
    window_days: int,
    min_days: int,
    min_actions: int,
    locale: str,
) -> dict[str, Any]:
    """`/coach champions`: the power users, most active first, an Invite button for those who may be invited."""
    where = ", ".join(departments)
    rule = {"days": min_days, "actions": min_actions, "window": window_days}
    if not people:
        return _ephemeral(t("champions.none", locale, departments=where, **rule))
    blocks: list[Block] = [
        header(t("champions.title", locale, departments=where)),
        context(t("champions.intro", locale, channel=channel, **rule)),
    ]
    for person in people[:LIST_LIMIT]:
        row = t(
            "champions.row",
            locale,
            user=person.user_id,
            department=person.department,
            days=person.active_days,
            actions=person.actions,
            state=state_label(person, locale),
        )
        may_invite = person.state is InviteState.NONE or (
            person.state is InviteState.DECLINED and person.invite_again_from is None
        )
        invite = button(t("champions.invite", locale), ChampionAction.INVITE, person.user_id, style="primary")
        blocks.append(section(row, accessory=invite if may_invite else None))
    if len(people) > LIST_LIMIT:
        blocks.append(context(t("champions.more", locale, count=len(people) - LIST_LIMIT)))
    return _ephemeral(f"{len(people)} power users in {where}", blocks)


def invite_result(
    outcome: InviteOutcome, user_id: str, locale: str, *, days: int, queued: bool = False
) -> dict[str, Any]:
    """The ambassador's answer to an Invite click."""
    key = "champions.outcome.queued" if outcome is InviteOutcome.SENT and queued else f"champions.outcome.{outcome}"
    return _ephemeral(t(key, locale, user=user_id, days=days))


def invite_failed(user_id: str, code: str, locale: str) -> dict[str, Any]:
    return _ephemeral(t("champions.outcome.failed", locale, user=user_id, code=code))


def invitation_dm(*, champion_id: int, ambassador: str, channel: str, department: str, locale: str) -> dict[str, Any]:
    """The invitee's DM: who invites them, to what, and Accept / Decline."""
    text = t("champions.dm", locale, ambassador=ambassador, channel=channel, department=department)
    value = str(champion_id)
    buttons = actions(
        button(t("champions.accept", locale), ChampionAction.ACCEPT, value, style="primary"),
        button(t("champions.decline", locale), ChampionAction.DECLINE, value),
        block_id=f"champions.{champion_id}",
    )
    return {"text": clip(text, 3000), "blocks": [section(text), buttons]}


def share_tip_button(locale: str) -> Block:
    return button(t("champions.share_tip", locale), ChampionAction.SHARE_TIP, "tip", style="primary")


def answered(status: str, locale: str, *, channel: str, error: str | None = None, state: str = "") -> dict[str, Any]:
    """What replaces the invitation after a click: welcome (with Share a tip), thanks for declining, or why not."""
    if status == "accepted":
        key = "champions.accepted_no_channel" if error else "champions.accepted"
        text = t(key, locale, channel=channel, code=error or "")
        blocks = [section(text), actions(share_tip_button(locale))]
    elif status == "declined":
        text = t("champions.declined", locale)
        blocks = [section(text)]
    elif status == "already":
        text = t("champions.already", locale, state=t(f"champions.state.{state or 'none'}", locale))
        blocks = [section(text)] + ([actions(share_tip_button(locale))] if state == "accepted" else [])
    else:
        text = t("champions.not_yours", locale)
        blocks = [section(text)]
    return {"text": clip(text, 3000), "blocks": blocks}


def _plain(text: str, limit: int = 24) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def tip_modal(locale: str, retention_days: int) -> dict[str, Any]:
    """The "Share a tip" modal: one multi-line input."""
    return {
        "type": "modal",
        "callback_id": ChampionView.TIP,
        "title": _plain(t("champions.tip.title", locale)),
        "submit": _plain(t("champions.tip.submit", locale)),
        "close": _plain(t("champions.tip.cancel", locale)),
        "blocks": [
            {
                "type": "input",
                "block_id": ChampionView.TIP_TEXT,
                "label": _plain(t("champions.tip.label", locale), 2000),
                "hint": _plain(t("champions.tip.hint", locale, days=retention_days), 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ChampionView.TIP_TEXT,
                    "multiline": True,
                    "max_length": TIP_MAX,
                },
            }
        ],
    }


def read_tip(view: dict[str, Any]) -> str:
    """The tip as typed ("" when missing or malformed)."""
    try:
        value = view["state"]["values"][ChampionView.TIP_TEXT][ChampionView.TIP_TEXT].get("value")
    except (KeyError, TypeError, AttributeError):
        return ""
    return str(value or "").strip()[:TIP_MAX]


def tip_errors(locale: str) -> dict[str, str]:
    return {ChampionView.TIP_TEXT.value: t("champions.tip.empty", locale)}


def tip_done_modal(locale: str, key: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ChampionView.TIP,
        "title": _plain(t("champions.tip.title", locale)),
        "close": _plain(t("champions.tip.cancel", locale)),
        "blocks": [section(t(key, locale))],
    }


def story_lines(stories: Sequence[Story], total: int, locale: str) -> list[str]:
    """The digest's success stories: each quoted (cut), with "…and N more"."""
    if not stories:
        return []
    lines = [t("champions.digest.stories", locale)]
    for story in stories:
        text = clip(" ".join(story.text.split()), STORY_QUOTE_MAX) or t("champions.digest.cleared", locale)
        if story.kind == "tip":
            lines.append(t("champions.digest.tip", locale, user=story.user_id, text=text))
        elif story.author_user_id is None:
            lines.append(t("champions.digest.story", locale, user=story.user_id, text=text))
        elif story.text.strip():
            key = "champions.digest.celebration"
            lines.append(t(key, locale, user=story.user_id, author=story.author_user_id, text=text))
        else:
            key = "champions.digest.celebration_plain"
            lines.append(t(key, locale, user=story.user_id, author=story.author_user_id))
    if total > len(stories):
        lines.append(t("champions.more", locale, count=total - len(stories)))
    return lines
