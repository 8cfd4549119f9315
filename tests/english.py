"""Finding English in what Coach shows a Japanese reader (tests/e2e/test_admin_japanese.py and the view tests).

Slack ids, mentions, links, emoji codes, code spans, slash commands, channel and zone names, acronyms and
setting names are not words to translate; neither are the proper nouns and the workspace's own names below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Proper nouns and product names a Japanese admin reads as they are.
PROPER_NOUNS = {"Slack", "Coach", "Adoption", "Maturity", "Sentiment", "xoxb"}  # the metrics' names (docs/metrics.md)
# Names that come from the workspace or the bundled playbook, not from Coach's wording.
DATA = {"Department", "Sales"}  # the playbook's profile field label and a help contact's department
_STRIP = [
    re.compile(r"```.*?```", re.S),  # code blocks (the stage bars: numbers and ステージ)
    re.compile(r"`[^`]*`"),  # code spans: CLI commands, settings names, audit action ids
    re.compile(r"<[^>]*>"),  # mentions <@U…>, channels <#C…>, links
    re.compile(r"https?://\S+"),
    re.compile(r"(?<![A-Za-z])[\w.-]+(?:/[\w.-]+)*\.(?:com|md)(?:/[\w./-]*)?"),  # api.slack.com/apps, docs/metrics.md
    re.compile(r"(?<![\w/])/[a-z]+(?: [a-z]+)?"),  # slash commands people type: /invite, /coach questions
    re.compile(r":[a-z0-9_+-]+:"),  # emoji codes
    re.compile(r"#[\w-]+"),  # channel names
    re.compile(r"\b[A-Z][a-z]+(?:/[A-Za-z_]+)+"),  # IANA zone names (America/Los_Angeles)
    re.compile(r"(?<![A-Za-z])[UWCSGBT][A-Z0-9]{6,}(?![A-Za-z])"),  # Slack ids
    re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9_-]+(?![a-z])"),  # acronyms and setting names (SLA, CSV, SLACK_BOT_TOKEN)
    re.compile(r"(?<![A-Za-z])[a-z]+(?:[:.][a-z_.]+)+(?![a-z])"),  # scope names (users:read, users.profile:read)
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def english_words(text: str) -> list[str]:
    """The Latin words left in `text` once ids, links, codes and the proper nouns are removed."""
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text) if w not in PROPER_NOUNS | DATA]


def texts(node: Any) -> Iterator[str]:
    """Every string a person reads in a view, message or block list: the values of `text` keys (and a
    message's top-level text, its notification fallback)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "alt_text", "fallback") and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)
