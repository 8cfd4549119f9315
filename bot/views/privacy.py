"""The "What does Coach know about me?" modal."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.services.privacy import StoredData
from bot.views.blocks import Block, actions, clip, context, divider, section
from bot.views.ids import HomeAction, PrivacyView


def what_you_know_modal(data: StoredData, locale: str) -> dict[str, Any]:
    """Every stored field, grouped; a confirm-guarded button deletes it all."""
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
