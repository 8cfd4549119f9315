"""Ephemeral answers to `/coach`: usage guide and refusals."""

from __future__ import annotations

from typing import Any

from bot.commands import Subcommand
from bot.i18n import STRINGS, normalise_locale, t
from bot.views.blocks import context, section


def usage(commands: list[Subcommand], locale: str, *, unknown: str = "") -> dict[str, Any]:
    """The usage guide, listing only what the caller may use."""
    loc = normalise_locale(locale)
    lines = [t("usage.title", loc)]
    for sub in sorted(commands, key=lambda c: (c.role != "employee", c.name)):
        usage_hint = f" {sub.usage}" if sub.usage else ""
        word = f"（`{sub.aliases[0]}`）" if loc == "ja" and sub.aliases else ""
        lines.append(f"• `/coach {sub.name}{usage_hint}`{word} — {t(sub.summary, loc)}")
    lines.append(f"• `/coach help <question>` — {t('usage.ask', loc)}")
    blocks = []
    if unknown and unknown != "help":
        blocks.append(section(t("usage.unknown", loc, name=unknown[:50])))
    blocks.append(section("\n".join(lines)))
    text = "\n".join(lines)
    return {"text": text[:3000], "blocks": blocks, "response_type": "ephemeral"}


def refusal(name: str, role: str, locale: str) -> dict[str, Any]:
    loc = normalise_locale(locale)
    role_name = t(f"usage.role.{role}", loc) if f"usage.role.{role}" in STRINGS else role
    text = t("usage.refusal", loc, name=name, role=role_name)
    return {"text": text, "blocks": [section(text), context(":lock:")], "response_type": "ephemeral"}
