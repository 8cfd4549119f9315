"""`/coach language`: a person's locale comes from Slack, and they can override it."""

from __future__ import annotations

from typing import Any

from bot.commands import CommandCall, subcommand
from bot.db import session_scope
from bot.deps import Deps
from bot.flows.home import publish_home
from bot.i18n import SUPPORTED, normalise_locale
from bot.services.callers import Caller
from bot.services.people import get_person

ANSWER = {
    "en": "Coach will talk to you in English.",
    "ja": "これから Coach は日本語でお話しします。",
}
AUTO = {"en": "Coach follows your Slack language again.", "ja": "Slack の言語設定に合わせます。"}
BAD = {
    "en": "Use `/coach language en`, `ja` or `auto`.",
    "ja": "`/coach language en`、`ja`、`auto` のどれかを指定してください。",
}


@subcommand(
    "language",
    summary={
        "en": "choose English or Japanese (`auto` follows Slack)",
        "ja": "英語か日本語を選ぶ（`auto` で Slack に合わせる）",
    },
    usage="en|ja|auto",
)
def set_language(deps: Deps, call: CommandCall, caller: Caller, respond: Any) -> None:
    choice = (call.words[0].lower() if call.words else "").strip()
    if choice not in (*SUPPORTED, "auto"):
        respond(text=BAD[normalise_locale(caller.locale)], response_type="ephemeral")
        return
    with session_scope(deps.session_factory) as session:
        person = get_person(session, caller.user_id)
        if person is None:
            respond(text=BAD[normalise_locale(caller.locale)], response_type="ephemeral")
            return
        person.locale_override = None if choice == "auto" else choice
        loc = person.effective_locale
    respond(text=(AUTO if choice == "auto" else ANSWER)[loc], response_type="ephemeral")
    publish_home(deps, caller.user_id)
