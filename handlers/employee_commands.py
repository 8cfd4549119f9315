"""`/coach` sub-commands for everyone: me, snooze, stop, start, language (ambassadors' are in
handlers/ambassador_commands.py). Listed in handlers/command_table.py; handlers/commands.py has already acked,
parsed and checked the role. Each one: plain values → one service call in a session → a view → `respond`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.commands import CommandCall, first_number, stage_titles
from bot.db import session_scope
from bot.deps import Deps
from bot.flows.home import publish_home
from bot.flows.people import ensure_person
from bot.i18n import SUPPORTED, t
from bot.services import ambassadors as amb
from bot.services import snooze as snoozing
from bot.services.callers import Caller
from bot.services.people import get_person
from bot.views import ambassador as views
from models import Person
from nudges.rules import resolve_zone

Respond = Callable[..., Any]
OFF_WORDS = frozenset({"off", "0", "wake", "解除", "オフ"})


def run_me(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = _known_person(session, caller, respond)
        if person is None:
            return
        locale, tz = person.effective_locale, person.tz
        summary = amb.my_summary(session, playbook=deps.playbook, person=person, now=deps.clock.now())
    titles = {case.key: case.title.get(locale) for case in deps.playbook.all_use_cases()}
    how_to = deps.playbook.use_case(summary.next_key).how_to.get(locale) if summary.next_key else ""
    until = _local(summary.snoozed_until, tz) if summary.snoozed_until else ""
    respond(
        **views.me_message(
            summary,
            titles=titles,
            stage_titles=stage_titles(deps.playbook, locale),
            how_to=how_to,
            until=until,
            locale=locale,
        )
    )


def _known_person(session: Session, caller: Caller, respond: Respond) -> Person | None:
    """The caller's person row; None after telling them Coach does not know them yet."""
    person = get_person(session, caller.user_id)
    if person is None:
        respond(**views.ephemeral(t("ambassador.me.unknown", caller.locale)))
    return person


def _local(moment: datetime, tz: str | None) -> str:
    return str(moment.astimezone(resolve_zone(tz)[1]).strftime("%Y-%m-%d %H:%M"))


def snooze_days(words: tuple[str, ...]) -> int | None:
    """Nothing → a week; `off` → 0 (lift); a number → that many days (1–90); anything else → None."""
    if not words:
        return snoozing.DEFAULT_DAYS
    first = words[0].casefold()
    if first in OFF_WORDS:
        return 0
    days, _ = first_number(words[:1], 1, snoozing.MAX_DAYS)
    return days


def run_snooze(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    """`/coach snooze [days|off]`: the one snooze (bot/services/snooze), the length the person asked for."""
    days = snooze_days(call.words)
    if days is None:
        respond(**views.ephemeral(t("ambassador.snooze.usage", caller.locale)))
        return
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = _known_person(session, caller, respond)
        if person is None:
            return
        result = snoozing.snooze(session, person, days=days, now=deps.clock.now())
    if result.until:
        text = t("ambassador.snooze.on", result.locale, until=result.local_until)
    else:
        text = t("ambassador.snooze.off", result.locale)
    respond(**views.ephemeral(text))


def _set_stopped(deps: Deps, caller: Caller, respond: Respond, *, toggle: bool) -> None:
    ensure_person(deps, caller.user_id)
    with session_scope(deps.session_factory) as session:
        person = _known_person(session, caller, respond)
        if person is None:
            return
        stopped = amb.set_stopped(person, stopped=not amb.is_stopped(person) if toggle else False)
        locale = person.effective_locale
    respond(**views.ephemeral(t("ambassador.stop.on" if stopped else "ambassador.stop.off", locale)))


def run_stop(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    _set_stopped(deps, caller, respond, toggle=True)


def run_start(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    _set_stopped(deps, caller, respond, toggle=False)


def set_language(deps: Deps, call: CommandCall, caller: Caller, respond: Respond) -> None:
    """`/coach language en|ja|auto`: a person's locale comes from Slack, and they can override it."""
    choice = (call.words[0].lower() if call.words else "").strip()
    if choice not in (*SUPPORTED, "auto"):
        respond(text=t("language.usage", caller.locale), response_type="ephemeral")
        return
    with session_scope(deps.session_factory) as session:
        person = get_person(session, caller.user_id)
        if person is None:
            respond(text=t("language.usage", caller.locale), response_type="ephemeral")
            return
        person.locale_override = None if choice == "auto" else choice
        loc = person.effective_locale
    respond(text=t("language.auto" if choice == "auto" else "language.set", loc), response_type="ephemeral")
    publish_home(deps, caller.user_id)
