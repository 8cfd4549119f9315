"""The `/coach` parser and the sub-command registry type.

The sub-commands themselves are written out in one table (handlers/command_table.py); the one slash-command
listener (handlers/commands.py) holds the registry built from it, parses the text, checks the role on the
server side and calls the match. No import side effects: a command exists because the table lists it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.playbook import Playbook

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,20})(?:\|[^>]{0,255})?>")
GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]{1,20})(?:\|[^>]{0,255})?>")
# Other escaped entities Slack may put in the text (channels, links, <!here>): kept out of the words.
OTHER_ENTITY = re.compile(r"<[#!][^>]{0,255}>")
# A quoted phrase (ASCII, typographic or Japanese corner quotes) is one word; an unclosed quote is a character.
TOKEN = re.compile(r'"([^"]*)"|\u201c([^\u201d]*)\u201d|\u300c([^\u300d]*)\u300d|(\S+)')
NAME_MAX = 40
TEXT_MAX = 4000  # Slack caps a message at 4,000 characters; nothing useful is longer than that
WORDS_MAX = 200


@dataclass(frozen=True)
class CommandCall:
    """A parsed `/coach` invocation, in plain values."""

    name: str
    rest: str
    user_ids: tuple[str, ...] = ()
    usergroup_ids: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def plain(self) -> str:
        """`rest` without mentions or other entities, unescaped: free text such as an ambassador's message."""
        return _unescape(" ".join(_strip_entities(self.rest).split()))


def _unescape(text: str) -> str:
    """Slack escapes &, < and > in command text (should_escape); undo it for display."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _strip_entities(text: str) -> str:
    return OTHER_ENTITY.sub(" ", GROUP_MENTION.sub(" ", USER_MENTION.sub(" ", text)))


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words (any Unicode space, e.g. the ideographic one), quoted phrases kept whole."""
    words = []
    for match in TOKEN.finditer(_strip_entities(text)):
        word = next(group for group in match.groups() if group is not None)
        word = _strip_entities(_unescape(word)).strip()  # `&lt;@U1&gt;` must not become a mention-looking word
        if word:
            words.append(word)
        if len(words) >= WORDS_MAX:
            break
    return tuple(words)


def parse_command(text: str) -> CommandCall:
    """Split `/coach <name> <rest>`; mentions arrive escaped (`<@U123|ann>`) because should_escape is on.

    Never raises: any text (control characters, odd Unicode, unbalanced quotes, megabytes) gives a call;
    the name is case- and width-folded (`ＳＴＡＴＵＳ` is `status`) and cut, the rest cut to TEXT_MAX.
    """
    text = (text or "")[: TEXT_MAX * 2].replace("\x00", "").strip()
    parts = text.split(maxsplit=1)
    head = parts[0] if parts else ""
    rest = parts[1].strip()[:TEXT_MAX].rstrip() if len(parts) > 1 else ""  # the cut may end on a space
    name = fold_name(head[: NAME_MAX * 2]).lstrip("/")[:NAME_MAX]  # NFKC can turn a character into spaces (¯ → " ̄")
    return CommandCall(
        name=name,
        rest=rest,
        user_ids=tuple(dict.fromkeys(USER_MENTION.findall(rest))),
        usergroup_ids=tuple(dict.fromkeys(GROUP_MENTION.findall(rest))),
        words=_words(rest),
    )


def first_number(words: tuple[str, ...], low: int, high: int) -> tuple[int | None, tuple[str, ...]]:
    """The first whole number among the words (clamped to [low, high]) and the other words."""
    for i, word in enumerate(words):
        if word.isascii() and word.isdigit() and len(word) <= 6:
            return min(max(int(word), low), high), words[:i] + words[i + 1 :]
    return None, words


def stage_titles(playbook: Playbook, locale: str) -> list[str]:
    """The ladder's stage titles in one language, as the `/coach` answers show them."""
    return [stage.title.get(locale) for stage in playbook.stages]


@dataclass(frozen=True)
class Subcommand:
    """One `/coach <name>`: run(deps, call, caller, respond) after the role check."""

    name: str
    summary: str  # its line in the usage guide: a key of bot/strings/commands.py
    role: str  # employee | ambassador | admin
    run: Callable[..., Any]
    usage: str = ""
    aliases: tuple[str, ...] = ()  # the Japanese command words (`ステータス` for `status`), folded like names


def fold_name(word: str) -> str:
    """A command word as the parser folds names: NFKC (full-width and half-width forms) and case-folded."""
    return "".join(unicodedata.normalize("NFKC", word).casefold().split())


@dataclass
class Registry:
    """The sub-commands by name, built once from the table and held by the listener (no process-wide copy)."""

    commands: dict[str, Subcommand] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # folded word -> command name

    @classmethod
    def from_table(cls, table: tuple[Subcommand, ...], help_aliases: tuple[str, ...] = ()) -> Registry:
        registry = cls()
        for sub in table:
            registry.add(sub)
        for word in help_aliases:
            registry._alias(word, "help")
        return registry

    def add(self, sub: Subcommand) -> None:
        if sub.name in self.commands or sub.name in self.aliases:
            raise ValueError(f"/coach {sub.name} is registered twice")
        self.commands[sub.name] = sub
        for word in sub.aliases:
            self._alias(word, sub.name)

    def _alias(self, word: str, name: str) -> None:
        folded = fold_name(word)
        if folded in self.commands or folded in self.aliases:
            raise ValueError(f"/coach {word} is registered twice")
        self.aliases[folded] = name

    def resolve(self, name: str) -> str:
        """The command name a typed word stands for (`ステータス` -> `status`); unknown words stay as typed."""
        return self.aliases.get(name, name)

    def get(self, name: str) -> Subcommand | None:
        return self.commands.get(self.resolve(name))

    def visible_to(self, roles: set[str]) -> list[Subcommand]:
        return [c for c in self.commands.values() if c.role == "employee" or c.role in roles]
