"""Slack user ids typed into a wave plan or the wave editor, checked where they are typed.

First the format (`bot.domain.slack_ids`), then, when a bot token is at hand, `users.info`: an id Slack does
not know, a deactivated account or a bot is refused by name. If Slack cannot be asked (offline, rate limited,
a scope missing) the format check stands and the caller is told the ids went unchecked; a hiccup at Slack
never blocks an admin's save.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.domain.slack_ids import is_slack_user_id
from bot.i18n import t
from bot.services.people import unfit_kind
from bot.slack.gateway import SlackError

Lookup = Callable[[str], dict[str, Any]]

NOT_FOUND = frozenset({"user_not_found", "users_not_found"})


@dataclass
class UserIdCheck:
    """The ids refused (id → string key, in the order they were given) and why any went unchecked."""

    bad: dict[str, str] = field(default_factory=dict)
    unchecked: str | None = None  # Slack's error code when existence could not be asked

    def reason(self, user_id: str, locale: str) -> str:
        return t(self.bad[user_id], locale, user_id=user_id)


def check_user_ids(
    ids: Iterable[str],
    lookup: Lookup | None,
    *,
    skip: Iterable[str] = (),
    budget_s: float | None = None,
) -> UserIdCheck:
    """Judge each distinct id; `skip` are ids already accepted earlier (only their format is re-checked).

    `budget_s` bounds the time spent on users.info (the wave editor must answer Slack within 3 s); ids left
    when it runs out are judged on format only and reported as unchecked.
    """
    result = UserIdCheck()
    known = set(skip)
    started = time.monotonic()
    for user_id in dict.fromkeys(ids):
        if not is_slack_user_id(user_id):
            result.bad[user_id] = "waves.user_id.format"
            continue
        if lookup is None or user_id in known or result.unchecked:
            continue
        if budget_s is not None and time.monotonic() - started > budget_s:
            result.unchecked = "timeout"
            continue
        try:
            user = lookup(user_id)
        except SlackError as exc:
            if exc.code in NOT_FOUND:
                result.bad[user_id] = "waves.user_id.not_found"
            else:
                result.unchecked = exc.code
            continue
        kind = unfit_kind(user)  # the one definition of who can be a person (guests may be in a wave)
        if kind in ("bot", "deactivated"):
            result.bad[user_id] = f"waves.user_id.{kind}"
    return result


def wave_field_errors(check: UserIdCheck, *, sponsor: str | None, users: Iterable[str], locale: str) -> dict[str, str]:
    """The refused ids as the wave form's field errors: `sponsor_user_id` and `users`."""
    errors: dict[str, str] = {}
    if sponsor and sponsor in check.bad:
        errors["sponsor_user_id"] = check.reason(sponsor, locale)
    bad_users = [u for u in dict.fromkeys(users) if u in check.bad]
    if bad_users:
        errors["users"] = " ".join(check.reason(u, locale) for u in bad_users[:5])
    return errors
