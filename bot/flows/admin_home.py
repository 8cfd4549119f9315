"""The admin Home tab: publishing it (one short transaction, then views.publish), and the Slack reads its
editors need (user groups for the wave editor, users.info for a person picked in a role modal)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.db import session_scope
from bot.deps import Deps
from bot.flows import setup
from bot.services.admin_home import admin_home_state
from bot.services.admin_roles import UserLookup
from bot.slack.gateway import SlackError
from bot.views.admin_home import admin_home

log = logging.getLogger(__name__)


def publish_admin_home(
    deps: Deps, user_id: str, *, wave_page: int = 0, dept_page: int = 0, rollout: bool = False
) -> None:
    """Rebuild and publish the admin Home view for one admin: the setup checklist until a first wave exists,
    unless the admin asked for the rollout view (`rollout`: its button, or paging inside it) — a company may
    run Coach without waves, and its numbers are there."""
    if not rollout and setup.first_run(deps):
        setup.publish_checklist(deps, user_id)
        return
    with session_scope(deps.session_factory) as session:
        state = admin_home_state(
            session,
            playbook=deps.playbook,
            now=deps.clock.now(),
            wave_page=wave_page,
            dept_page=dept_page,
            user_id=user_id,
        )
    deps.slack.publish_home(user_id, admin_home(state))


def usergroup_choices(deps: Deps) -> list[tuple[str, str]]:
    """(label, id) of the workspace's user groups; none when Slack refuses (e.g. missing scope)."""
    try:
        groups = deps.slack.usergroups()
    except SlackError as exc:
        log.warning("usergroups.list failed (%s); the wave editor offers no user groups", exc.code)
        return []
    return sorted((f"@{g.get('handle') or g.get('name')}", str(g["id"])) for g in groups if g.get("id"))


def slack_lookup(deps: Deps) -> UserLookup:
    """users.info through the gateway; a person Slack does not know (or an outage) reads as not found."""

    def lookup(user_id: str) -> Mapping[str, Any] | None:
        try:
            return deps.slack.user_info(user_id)
        except SlackError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.code)
            return None

    return lookup
