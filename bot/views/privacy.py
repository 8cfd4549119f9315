"""The "What does Coach know about me?" modal."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.services.privacy import StoredData
from bot.views.blocks import Block, actions, button, clip, context, divider, header, section
from bot.views.ids import HomeAction, PrivacyView


def what_you_know_modal(data: StoredData, locale: str, retention_days: int = 90) -> dict[str, Any]:
    """Every stored field, grouped, and how long free text is kept; a confirm-guarded button deletes it all."""
    profile = "\n".join(f"• {k}: {v}" for k, v in data.profile.items())
    done = "\n".join(f"• {key} — {status}, {source}, {day}" for key, status, source, day in data.completions[:40])
    totals = ", ".join(f"{k} {v}" for k, v in data.activity_totals.items())
    blocks: list[Block] = [
        section(t("privacy.intro", locale)),
        section(f"{t('privacy.profile', locale)}\n{profile}"),
        section(t("privacy.roles", locale, roles=", ".join(data.roles) or "—")),
        section(f"{t('privacy.done', locale, n=len(data.completions))}\n{done or '—'}"),
        section(t("privacy.activity", locale, days=data.activity_days, totals=totals)),
        section(
            t(
                "privacy.other",
                locale,
                matches=data.matches,
                nudges=data.nudges,
                help=data.help_requests,
                pulse=data.pulse_answers,
                waves=data.waves,
            )
        ),
        section(
            t(
                "privacy.more",
                locale,
                lessons=data.extra.get("lessons", "0"),
                imported=data.extra.get("imported_days", "0"),
                view=data.extra.get("home_view", "—"),
                champion=data.extra.get("champion", "—"),
                stories=data.extra.get("success_stories", "0"),
            )
        ),
        context(t("privacy.kept_for", locale, days=retention_days)),
        divider(),
        actions(_delete_button(locale)),
    ]
    return _modal(locale, blocks)


def deleted_modal(locale: str) -> dict[str, Any]:
    return _modal(locale, [section(t("privacy.deleted", locale)), context(":wastebasket:")])


def _delete_button(locale: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": t("privacy.delete", locale)},
        "action_id": HomeAction.DELETE_MY_DATA,
        "style": "danger",
        "confirm": {
            "title": {"type": "plain_text", "text": clip(t("privacy.confirm_title", locale), 100)},
            "text": {"type": "plain_text", "text": clip(t("privacy.confirm_text", locale), 300)},
            "confirm": {"type": "plain_text", "text": t("privacy.confirm_yes", locale)},
            "deny": {"type": "plain_text", "text": t("privacy.confirm_no", locale)},
            "style": "danger",
        },
    }


def _modal(locale: str, blocks: list[Block]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PrivacyView.WHAT_YOU_KNOW,
        "title": {"type": "plain_text", "text": clip(t("privacy.title", locale), 24)},
        "close": {"type": "plain_text", "text": t("privacy.close", locale)},
        "blocks": blocks,
    }


MAX_HOME_BLOCKS = 100


def with_view_switch(view: dict[str, Any], *, journey: bool, locale: str) -> dict[str, Any]:
    """An admin's Home with the one button that switches views, right under its header.

    The admin view itself is not changed (bot/views/admin_home.py); the switch is added here, once.
    """
    action, key = (HomeAction.VIEW_ADMIN, "admin") if journey else (HomeAction.VIEW_JOURNEY, "journey")
    switch: list[Block] = [
        context(t("privacy.viewing_journey" if journey else "privacy.viewing_admin", locale)),
        actions(button(t(f"privacy.view_{key}", locale), action, key), block_id="home.view_switch"),
    ]
    blocks: list[Block] = list(view.get("blocks", []))  # type: ignore[arg-type]
    head = 1 if blocks and blocks[0].get("type") == "header" else 0
    blocks = [*blocks[:head], *switch, *blocks[head:]][:MAX_HOME_BLOCKS]
    return {**view, "blocks": blocks}


def not_tracked_home(locale: str) -> dict[str, Any]:
    """The Home of someone Coach stopped tracking: what that means, and "Start again"."""
    return {
        "type": "home",
        "blocks": [
            header(t("privacy.not_tracked_title", locale)),
            section(t("privacy.not_tracked", locale)),
            section(t("privacy.start_again_hint", locale)),
            actions(button(t("privacy.start_again", locale), HomeAction.START_AGAIN, "start", style="primary")),
        ],
    }
