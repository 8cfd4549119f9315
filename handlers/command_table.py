"""Every `/coach` sub-command, written out in one table: name, summary, role, what runs, usage.

A sub-command exists because this table lists it — not because some module happened to be imported.
The listener (handlers/commands.py) builds its registry from `COMMANDS`; the usage guide lists them.
"""

from __future__ import annotations

from bot.commands import Registry, Subcommand
from handlers import ambassador_commands as ambassador
from handlers import employee_commands as employee
from handlers import help as help_handlers

COMMANDS: tuple[Subcommand, ...] = (
    # -- everyone
    Subcommand(
        "me",
        "usage.summary.me",
        "employee",
        employee.run_me,
        aliases=("自分",),
    ),
    Subcommand(
        "snooze",
        "usage.summary.snooze",
        "employee",
        employee.run_snooze,
        "[days | off]",
        aliases=("スヌーズ",),
    ),
    Subcommand(
        "stop",
        "usage.summary.stop",
        "employee",
        employee.run_stop,
        aliases=("停止",),
    ),
    Subcommand(
        "start",
        "usage.summary.start",
        "employee",
        employee.run_start,
        aliases=("再開",),
    ),
    Subcommand(
        "language",
        "usage.summary.language",
        "employee",
        employee.set_language,
        "en|ja|auto",
        aliases=("言語",),
    ),
    Subcommand(
        "ask",
        "usage.summary.ask",
        "employee",
        help_handlers.ask_command,
        "<question>",
        aliases=("質問",),
    ),
    # -- ambassadors
    Subcommand(
        "status",
        "usage.summary.status",
        "ambassador",
        ambassador.run_status,
        "[department]",
        aliases=("ステータス", "状況"),
    ),
    Subcommand(
        "stuck",
        "usage.summary.stuck",
        "ambassador",
        ambassador.run_stuck,
        "[days] [department]",
        aliases=("停滞",),
    ),
    Subcommand(
        "nudge",
        "usage.summary.nudge",
        "ambassador",
        ambassador.run_nudge,
        "@person… [your words] | stuck",
        aliases=("声かけ",),
    ),
    Subcommand(
        "celebrate",
        "usage.summary.celebrate",
        "ambassador",
        ambassador.run_celebrate,
        "@person [public] [message]",
        aliases=("お祝い",),
    ),
    Subcommand(
        "questions",
        "usage.summary.questions",
        "ambassador",
        ambassador.run_questions,
        "[department]",
        aliases=("質問一覧",),
    ),
    Subcommand(
        "confirm",
        "usage.summary.confirm",
        "ambassador",
        ambassador.run_confirm,
        "@person <use case>",
        aliases=("確認",),
    ),
    Subcommand(
        "champions",
        "usage.summary.champions",
        "ambassador",
        ambassador.run_champions,
        "[department]",
        aliases=("チャンピオン",),
    ),
)


HELP_ALIASES = ("ヘルプ",)  # `/coach ヘルプ` is `/coach help`


def build_registry() -> Registry:
    """A fresh registry of `COMMANDS` (a name or word listed twice is an error here, at start-up)."""
    return Registry.from_table(COMMANDS, HELP_ALIASES)
