"""Ephemeral answers to `/coach`: usage guide and refusals."""

from __future__ import annotations

from typing import Any

from bot.commands import Subcommand
from bot.i18n import normalise_locale
from bot.views.blocks import context, section

USAGE_TITLE = {"en": "*What `/coach` can do for you*", "ja": "*`/coach` でできること*"}
UNKNOWN = {"en": "I don't know `/coach {name}`.", "ja": "`/coach {name}` というコマンドはありません。"}
REFUSAL = {
    "en": "`/coach {name}` is for {role}s. Ask an admin if you should have that role.",
    "ja": "`/coach {name}` は{role}向けのコマンドです。権限が必要な場合は管理者に相談してください。",
}
ROLE_NAMES = {"ambassador": {"en": "ambassador", "ja": "アンバサダー"}, "admin": {"en": "admin", "ja": "管理者"}}


def usage(commands: list[Subcommand], locale: str, *, unknown: str = "") -> dict[str, Any]:
    """The usage guide, listing only what the caller may use."""
    loc = normalise_locale(locale)
    lines = [USAGE_TITLE[loc]]
    for sub in sorted(commands, key=lambda c: (c.role != "employee", c.name)):
        usage_hint = f" {sub.usage}" if sub.usage else ""
        word = f"（`{sub.aliases[0]}`）" if loc == "ja" and sub.aliases else ""
        lines.append(f"• `/coach {sub.name}{usage_hint}`{word} — {sub.summary.get(loc) or sub.summary['en']}")
    lines.append(f"• `/coach help <question>` — {'人に質問する' if loc == 'ja' else 'ask a person for help'}")
    blocks = []
    if unknown and unknown != "help":
        blocks.append(section(UNKNOWN[loc].format(name=unknown[:50])))
    blocks.append(section("\n".join(lines)))
    text = "\n".join(lines)
    return {"text": text[:3000], "blocks": blocks, "response_type": "ephemeral"}


def refusal(name: str, role: str, locale: str) -> dict[str, Any]:
    loc = normalise_locale(locale)
    text = REFUSAL[loc].format(name=name, role=ROLE_NAMES.get(role, {}).get(loc, role))
    return {"text": text, "blocks": [section(text), context(":lock:")], "response_type": "ephemeral"}
