"""The help directory on Slack: the admin channel's id, and the 90-day evergreen check with its answers."""

from __future__ import annotations

import logging

from bot.db import session_scope
from bot.deps import Deps
from bot.i18n import t
from bot.services.help import locale_of, locales_of
from bot.services.help_directory import (
    EvergreenWork,
    answer_evergreen,
    channel_id_named,
    load_directory,
    plan_evergreen,
    remember_channel,
    topics_by_person,
)
from bot.slack.gateway import SlackError
from bot.views import help as views
from nudges.direct import DirectMessage, direct_key, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)


def resolve_channel(deps: Deps, name: str) -> str:
    """The admin channel's id from the channel cache, else from conversations.list, else its name."""
    bare = name.lstrip("#")
    with session_scope(deps.session_factory) as session:
        known = channel_id_named(session, bare)
    if known:
        return known
    try:
        for channel in deps.slack.iter_channels():
            if channel.get("name") == bare:
                with session_scope(deps.session_factory) as session:
                    remember_channel(session, channel, name=bare, now=deps.clock.now())
                return str(channel["id"])
    except SlackError as exc:
        log.warning("could not list channels to find %s: %s", name, exc)
    return name


def check_contacts(deps: Deps) -> EvergreenWork:
    """The evergreen pass: ask contacts due for their 90-day check, flag the silent and the deactivated."""
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        directory = load_directory(session, deps.playbook)
        work = plan_evergreen(session, directory, now)
        locales = locales_of(session, work.ask)
    topics = topics_by_person(directory)
    for user_id in work.ask:
        message = views.evergreen_ask(locales.get(user_id, "en"), topics.get(user_id, []))
        key = direct_key(NudgeKind.CONFIRM_ASK, user_id, now.date().isoformat())
        try:  # in the contact's working hours: the outbox holds it until then
            send_direct(deps, DirectMessage(NudgeKind.CONFIRM_ASK, key, user_id, message["text"], message["blocks"]))
        except SlackError as exc:
            log.warning("evergreen question to %s failed: %s", user_id, exc)
    if work.flag:
        channel = resolve_channel(deps, directory.admin_channel)
        for user_id, reason in work.flag:
            _flag(deps, channel, user_id, reason, now.date().isoformat())
    return work


def _flag(deps: Deps, channel: str, user_id: str, reason: str, when: str) -> None:
    """A contact flagged to the admin channel, through the outbox (no person: the row has only an address)."""
    flag = views.contact_flag(user_id, reason, deps.playbook.default_locale)
    key = direct_key(NudgeKind.ADMIN_POST, channel, "contact", user_id, reason, when)
    try:
        send_direct(deps, DirectMessage(NudgeKind.ADMIN_POST, key, channel, flag["text"], flag["blocks"]))
    except SlackError as exc:
        log.warning("could not flag contact %s to admins: %s", user_id, exc)


def contact_answered(deps: Deps, *, user_id: str, still_me: bool) -> str:
    """A contact's answer to the evergreen question; "not me" is flagged to the admins at once."""
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        answer_evergreen(session, user_id=user_id, still_me=still_me, now=now)
        locale = locale_of(session, user_id)
    if not still_me:
        channel = resolve_channel(deps, deps.playbook.help.admin_channel)
        _flag(deps, channel, user_id, "declined", now.isoformat())
        return t("help.evergreen.noted", locale)
    return t("help.evergreen.thanks", locale)
