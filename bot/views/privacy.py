"""The "What does Coach know about me?" modal."""

from __future__ import annotations

from typing import Any

from bot.i18n import normalise_locale
from bot.services.privacy import StoredData
from bot.views.blocks import Block, actions, clip, context, divider, section
from bot.views.ids import HomeAction, PrivacyView

TEXT = {
    "en": {
        "title": "What Coach knows",
        "close": "Close",
        "intro": "This is everything Coach stores about you. It never stores the text of your channel messages.",
        "profile": "*Profile (from Slack)*",
        "roles": "*Roles:* {roles}",
        "done": "*Use cases ({n})*",
        "activity": "*Activity counters:* {days} days — {totals}",
        "other": "*Other records:* {matches} matched events, {nudges} nudges, {help} help requests, "
        "{pulse} survey answers, {waves} wave memberships",
        "delete": "Delete everything",
        "confirm_title": "Delete your data?",
        "confirm_text": "Coach forgets your progress, counters, nudges and help requests. If you keep using Slack, "
        "counting starts again from zero (use /coach stop to stop nudges).",
        "confirm_yes": "Delete",
        "confirm_no": "Keep",
        "deleted": "Done: everything Coach stored about you has been deleted.",
    },
    "ja": {
        "title": "Coach が知っていること",
        "close": "閉じる",
        "intro": "Coach があなたについて保存しているのは以下がすべてです。チャンネルのメッセージ本文は保存しません。",
        "profile": "*プロフィール（Slack から）*",
        "roles": "*役割:* {roles}",
        "done": "*ユースケース（{n} 件）*",
        "activity": "*アクティビティ数:* {days} 日分 — {totals}",
        "other": "*その他の記録:* 一致したイベント {matches} 件、ナッジ {nudges} 件、ヘルプ依頼 {help} 件、"
        "アンケート回答 {pulse} 件、ウェーブ参加 {waves} 件",
        "delete": "すべて削除",
        "confirm_title": "データを削除しますか？",
        "confirm_text": "進捗、カウンター、ナッジ、ヘルプ依頼を削除します。Slack を使い続けると、ゼロから数え直します"
        "（ナッジを止めるには /coach stop）。",
        "confirm_yes": "削除",
        "confirm_no": "残す",
        "deleted": "完了：Coach が保存していたあなたのデータをすべて削除しました。",
    },
}


def what_you_know_modal(data: StoredData, locale: str) -> dict[str, Any]:
    """Every stored field, grouped; a confirm-guarded button deletes it all."""
    tx = TEXT[normalise_locale(locale)]
    profile = "\n".join(f"• {k}: {v}" for k, v in data.profile.items())
    done = "\n".join(f"• {key} — {status}, {source}, {day}" for key, status, source, day in data.completions[:40])
    totals = ", ".join(f"{k} {v}" for k, v in data.activity_totals.items())
    blocks: list[Block] = [
        section(tx["intro"]),
        section(f"{tx['profile']}\n{profile}"),
        section(tx["roles"].format(roles=", ".join(data.roles) or "—")),
        section(f"{tx['done'].format(n=len(data.completions))}\n{done or '—'}"),
        section(tx["activity"].format(days=data.activity_days, totals=totals)),
        section(
            tx["other"].format(
                matches=data.matches,
                nudges=data.nudges,
                help=data.help_requests,
                pulse=data.pulse_answers,
                waves=data.waves,
            )
        ),
        divider(),
        actions(_delete_button(tx)),
    ]
    return _modal(tx, blocks)


def deleted_modal(locale: str) -> dict[str, Any]:
    tx = TEXT[normalise_locale(locale)]
    return _modal(tx, [section(tx["deleted"]), context(":wastebasket:")])


def _delete_button(tx: dict[str, str]) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": tx["delete"]},
        "action_id": HomeAction.DELETE_MY_DATA,
        "style": "danger",
        "confirm": {
            "title": {"type": "plain_text", "text": clip(tx["confirm_title"], 100)},
            "text": {"type": "plain_text", "text": clip(tx["confirm_text"], 300)},
            "confirm": {"type": "plain_text", "text": tx["confirm_yes"]},
            "deny": {"type": "plain_text", "text": tx["confirm_no"]},
            "style": "danger",
        },
    }


def _modal(tx: dict[str, str], blocks: list[Block]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PrivacyView.WHAT_YOU_KNOW,
        "title": {"type": "plain_text", "text": clip(tx["title"], 24)},
        "close": {"type": "plain_text", "text": tx["close"]},
        "blocks": blocks,
    }
