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
        {"en": "your stage, what is done and what is next", "ja": "あなたのステージと次のステップ"},
        "employee",
        employee.run_me,
        aliases=("自分",),
    ),
    Subcommand(
        "snooze",
        {"en": "pause coaching messages for a while", "ja": "コーチングメッセージをしばらく止める"},
        "employee",
        employee.run_snooze,
        "[days | off]",
        aliases=("スヌーズ",),
    ),
    Subcommand(
        "stop",
        {"en": "turn coaching messages off (again: back on)", "ja": "コーチングメッセージを停止（もう一度で再開）"},
        "employee",
        employee.run_stop,
        aliases=("停止",),
    ),
    Subcommand(
        "start",
        {"en": "turn coaching messages back on", "ja": "コーチングメッセージを再開"},
        "employee",
        employee.run_start,
        aliases=("再開",),
    ),
    Subcommand(
        "language",
        {
            "en": "choose English or Japanese (`auto` follows Slack)",
            "ja": "英語か日本語を選ぶ（`auto` で Slack に合わせる）",
        },
        "employee",
        employee.set_language,
        "en|ja|auto",
        aliases=("言語",),
    ),
    Subcommand(
        "ask",
        {"en": "ask a person for help (same as /coach help <question>)", "ja": "人に質問する"},
        "employee",
        help_handlers.ask_command,
        "<question>",
        aliases=("質問",),
    ),
    # -- ambassadors
    Subcommand(
        "status",
        {
            "en": "your department at a glance: stages, ignition, trend",
            "ja": "担当部署の状況（ステージ・点火率・推移）",
        },
        "ambassador",
        ambassador.run_status,
        "[department]",
        aliases=("ステータス", "状況"),
    ),
    Subcommand(
        "stuck",
        {"en": "who has not moved for a while, with Nudge buttons", "ja": "しばらく進んでいない人（声かけボタン付き）"},
        "ambassador",
        ambassador.run_stuck,
        "[days] [department]",
        aliases=("停滞",),
    ),
    Subcommand(
        "nudge",
        {"en": "send someone a personal nudge (or everyone stuck)", "ja": "個別に声をかける（停滞中の全員にも）"},
        "ambassador",
        ambassador.run_nudge,
        "@person… [your words] | stuck",
        aliases=("声かけ",),
    ),
    Subcommand(
        "celebrate",
        {
            "en": "recognise someone's progress (DM, or `public` here)",
            "ja": "進歩をたたえる（DM、または `public` でこの場に）",
        },
        "ambassador",
        ambassador.run_celebrate,
        "@person [public] [message]",
        aliases=("お祝い",),
    ),
    Subcommand(
        "questions",
        {"en": "open help requests in your department, oldest first", "ja": "部署の未解決の質問（古い順）"},
        "ambassador",
        ambassador.run_questions,
        "[department]",
        aliases=("質問一覧",),
    ),
    Subcommand(
        "confirm",
        {"en": "confirm a use case someone reported", "ja": "自己申告されたユースケースを確認する"},
        "ambassador",
        ambassador.run_confirm,
        "@person <use case>",
        aliases=("確認",),
    ),
    Subcommand(
        "champions",
        {
            "en": "power users of your department, to invite to the champions network",
            "ja": "部署のパワーユーザー（チャンピオンネットワークに招待）",
        },
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
