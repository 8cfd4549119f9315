"""The `/coach` sub-command registry.

Each feature module registers its sub-commands with `@subcommand(...)`; the one slash-command listener
(handlers/commands.py) parses the text, checks the role on the server side and calls the match. Keeping
the table here lets help, ambassadors and employees live in separate modules without a 500-line if/else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class CommandCall:
    """A parsed `/coach` invocation, in plain values."""

    name: str
    rest: str
    user_ids: tuple[str, ...] = ()
    usergroup_ids: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


def parse_command(text: str) -> CommandCall:
    """Split `/coach <name> <rest>`; mentions arrive escaped (`<@U123|ann>`) because should_escape is on."""
    text = (text or "").strip()
    name, _, rest = text.partition(" ")
    rest = rest.strip()
    plain = GROUP_MENTION.sub(" ", USER_MENTION.sub(" ", rest))
    return CommandCall(
        name=name.lower().lstrip("/"),
        rest=rest,
        user_ids=tuple(dict.fromkeys(USER_MENTION.findall(rest))),
        usergroup_ids=tuple(dict.fromkeys(GROUP_MENTION.findall(rest))),
        words=tuple(plain.split()),
    )


Reply = Callable[..., None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    summary: dict[str, str]
    role: str  # employee | ambassador | admin
    run: Callable[..., Any]
    usage: str = ""


@dataclass
class Registry:
    commands: dict[str, Subcommand] = field(default_factory=dict)

    def add(self, sub: Subcommand) -> None:
        if sub.name in self.commands:
            raise ValueError(f"/coach {sub.name} is registered twice")
        self.commands[sub.name] = sub

    def get(self, name: str) -> Subcommand | None:
        return self.commands.get(name)

    def visible_to(self, roles: set[str]) -> list[Subcommand]:
        return [c for c in self.commands.values() if c.role == "employee" or c.role in roles]


REGISTRY = Registry()


def subcommand(
    name: str, *, summary: dict[str, str], role: str = "employee", usage: str = ""
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a `/coach <name>` handler: run(deps, call, caller, reply)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.add(Subcommand(name=name, summary=summary, role=role, run=fn, usage=usage))
        return fn

    return decorate
