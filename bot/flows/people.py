"""Keeping Coach's people in step with Slack: the full users.list sync, user-group departments, and one
person at a time when they first appear (Slack is read outside any transaction)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.db import session_scope
from bot.deps import Deps
from bot.i18n import normalise_locale
from bot.ingest.batch import Outcome
from bot.services.people import (
    DepartmentRule,
    SyncResult,
    apply_departments,
    department_rule,
    get_person,
    upsert_page,
    upsert_person,
)
from bot.services.privacy import is_untracked, untracked
from bot.services.setup import record_sync
from bot.slack.gateway import SlackError


def ensure_person(deps: Deps, user_id: str, *, refresh: bool = False) -> None:
    """Make sure a person exists (users.info runs outside any transaction); `refresh` re-reads Slack.

    Someone who asked Coach to stop tracking them (a "do not track" marker) is not created again."""
    with session_scope(deps.session_factory) as session:
        known = get_person(session, user_id) is not None
        if not known and is_untracked(session, deps.settings.privacy_key, user_id):
            return
    if known and not refresh:
        return
    try:
        user = deps.slack.user_info(user_id)
    except SlackError:
        return  # keep the bare row; the next sync fills it in
    upsert_tracked(deps, user)


def untracked_person(deps: Deps, user_id: str) -> bool:
    """True for someone who asked Coach to stop tracking them: their DMs open no help request (that would
    store them again); their Home tab says how to start again."""
    with session_scope(deps.session_factory) as session:
        return get_person(session, user_id) is None and is_untracked(session, deps.settings.privacy_key, user_id)


def slack_locale(deps: Deps, user_id: str) -> str:
    """The language of someone Coach stores nothing about: asked of Slack each time, never kept."""
    try:
        return normalise_locale(str(deps.slack.user_info(user_id).get("locale") or "en"))
    except SlackError:
        return "en"


def upsert_tracked(deps: Deps, user: Mapping[str, Any]) -> None:
    """Create or refresh a person from a Slack user object (team_join, user_change, users.info), unless they
    asked Coach to stop tracking them."""
    with session_scope(deps.session_factory) as session:
        if is_untracked(session, deps.settings.privacy_key, str(user.get("id", ""))):
            return
        upsert_person(session, user, department_rule(deps.playbook))


def learn_new_people(deps: Deps, outcome: Outcome) -> None:
    """After a batch commits: ask Slack who the people seen for the first time are."""
    for user_id in outcome.new_people:
        ensure_person(deps, user_id, refresh=True)


def sync_people(
    deps: Deps, rule: DepartmentRule, *, on_page: Callable[[int], None] | None = None, page_size: int = 200
) -> SyncResult:
    """Walk users.list page by page (one short transaction each); user-group departments applied at the end."""
    total = SyncResult()
    for page in deps.slack.iter_user_pages(page_size=page_size):
        with session_scope(deps.session_factory) as session:
            # People who asked Coach to stop tracking them are skipped, so a sync does not bring them back.
            skip = untracked(session, deps.settings.privacy_key, [str(u.get("id", "")) for u in page])
            total.add(upsert_page(session, [u for u in page if u.get("id") not in skip], rule))
        if on_page:
            on_page(len(page))
    if rule.source == "usergroup" and rule.usergroups:
        sync_usergroup_departments(deps, rule)
    with session_scope(deps.session_factory) as session:  # the setup checklist shows when this last ran
        record_sync(session, deps.clock.now())
    return total


def usergroup_departments(deps: Deps, rule: DepartmentRule) -> dict[str, str]:
    """user id → department for the user groups the rule maps (first matching group wins)."""
    by_handle = {g.get("handle"): g["id"] for g in deps.slack.usergroups()}
    department_by_user: dict[str, str] = {}
    for handle, department in rule.usergroups.items():
        group_id = by_handle.get(handle.lstrip("@"))
        if group_id is None:
            continue
        for user_id in deps.slack.usergroup_members(group_id):
            department_by_user.setdefault(user_id, department)
    return department_by_user


def sync_usergroup_departments(deps: Deps, rule: DepartmentRule) -> int:
    mapping = usergroup_departments(deps, rule)
    with session_scope(deps.session_factory) as session:
        return apply_departments(session, mapping)
