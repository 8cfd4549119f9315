"""The one translation lookup: `t(key, locale, **values)` over every surface's string table.

Coaching content lives in the playbook; interface wording lives in `bot/strings/<surface>.py`, one table
per surface, merged here from an explicit list so a key defined twice is an error at start-up, not a
silent override.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.strings import (
    admin,
    ambassador,
    answers,
    champions,
    charts,
    commands,
    core,
    insights,
    nudges,
    privacy,
    reports,
    tracks,
    waves,
)
from bot.strings import help as help_strings
from bot.strings import setup as setup_strings

SUPPORTED = ("en", "ja")

# Every surface's table, written out: adding a surface means adding it here.
TABLES: tuple[Mapping[str, Mapping[str, str]], ...] = (
    core.STRINGS,
    nudges.STRINGS,
    privacy.STRINGS,
    help_strings.STRINGS,
    commands.STRINGS,
    ambassador.STRINGS,
    answers.STRINGS,
    tracks.STRINGS,
    insights.STRINGS,
    setup_strings.STRINGS,
    charts.STRINGS,
    reports.STRINGS,
    waves.STRINGS,
    admin.STRINGS,
    champions.STRINGS,
)


def _merge(tables: tuple[Mapping[str, Mapping[str, str]], ...]) -> Mapping[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for table in tables:
        for key, texts in table.items():
            if key in merged:
                raise ValueError(f"string key {key!r} is defined twice")
            merged[key] = texts
    return MappingProxyType(merged)


STRINGS = _merge(TABLES)


def normalise_locale(locale: str | None) -> str:
    """Slack locales look like `ja-JP`; we speak `ja` or fall back to English."""
    lang = (locale or "en").split("-")[0].split("_")[0].lower()
    return lang if lang in SUPPORTED else "en"


def t(key: str, locale: str, **values: object) -> str:
    """Translate an interface string; English when a translation is missing."""
    texts = STRINGS[key]
    text = texts.get(normalise_locale(locale)) or texts["en"]
    return text.format(**values) if values else text


class Text(str):
    """A string made where nobody's locale is known (a form check in the domain, a service's refusal): it reads
    as English, and carries its key and values so a view can say it in the reader's language (`say`)."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> Text:
        text = super().__new__(cls, t(key, "en", **values))
        text.key, text.values = key, values
        return text


def say(text: str, locale: str) -> str:
    """A Text in `locale`; any other string as it is (a Slack id, a name)."""
    if not isinstance(text, Text):
        return text
    return t(text.key, locale, **{k: say(v, locale) if isinstance(v, Text) else v for k, v in text.values.items()})
