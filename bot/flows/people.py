"""Keeping Coach's people in step with Slack: the full users.list sync, user-group departments, and one
person at a time when they first appear (Slack is read outside any transaction)."""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bot.db import session_scope
from bot.deps import Deps
from bot.i18n import normalise_locale
from bot.ingest.batch import Outcome
from bot.playbook import default_playbook_path
from bot.services import setup
from bot.services.people import (
    DepartmentRule,
    SyncResult,
    apply_departments,
    custom_values,
    department_rule,
    get_person,
    is_human,
    profiles_to_read,
    read_people_csv,
    resolve_field_ids,
    upsert_page,
    upsert_person,
)
from bot.services.privacy import is_untracked, untracked
from bot.slack.gateway import SlackError

log = logging.getLogger(__name__)


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


def read_custom(deps: Deps, rule: DepartmentRule, user_id: str, ids: Mapping[str, str]) -> dict[str, str] | None:
    """The person's custom field values (field name → value) from users.profile.get, paced under its tier;
    None when there is nothing to read or Slack refused (the person keeps what Coach knew)."""
    if not ids:
        return None
    try:
        return custom_values(deps.slack.user_profile(user_id), ids)
    except SlackError as exc:
        log.warning("users.profile.get %s: %s", user_id, exc.code)
        return None


def field_ids(deps: Deps, rule: DepartmentRule, *, fresh: bool = False) -> tuple[dict[str, str], list[str]]:
    """The rule's custom field names → ids (team.profile.get, cached), and problem codes: a field the workspace
    does not have is named (`missing_field:<name>`), a refused call is `profile_error:<code>`."""
    refs = rule.custom_refs()
    if not refs:
        return {}, []
    try:
        ids, missing = resolve_field_ids(refs, deps.slack.team_profile_fields(fresh=fresh))
    except SlackError as exc:
        return {}, [f"profile_error:{exc.code}"]
    return ids, [f"missing_field:{name}" for name in missing]


def upsert_tracked(deps: Deps, user: Mapping[str, Any]) -> None:
    """Create or refresh a person from a Slack user object (team_join, user_change, users.info), unless they
    asked Coach to stop tracking them. Custom fields are re-read with users.profile.get: Slack does not
    promise them in events (profile/README.md)."""
    user_id = str(user.get("id", ""))
    with session_scope(deps.session_factory) as session:
        if is_untracked(session, deps.settings.privacy_key, user_id):
            return
    rule = people_rule(deps)
    custom = None
    if is_human(user) and rule.custom_refs():
        custom = read_custom(deps, rule, user_id, field_ids(deps, rule)[0])
    with session_scope(deps.session_factory) as session:
        if is_untracked(session, deps.settings.privacy_key, user_id):
            return
        upsert_person(session, user, rule, custom)


def people_rule(deps: Deps) -> DepartmentRule:
    """The playbook's department and location rule (a relative csv path is beside the playbook file)."""
    return department_rule(deps.playbook, (deps.settings.coach_playbook or default_playbook_path()).parent)


def learn_new_people(deps: Deps, outcome: Outcome) -> None:
    """After a batch commits: ask Slack who the people seen for the first time are."""
    for user_id in outcome.new_people:
        ensure_person(deps, user_id, refresh=True)


class SyncBusy(Exception):
    """Another process is syncing people right now."""


def new_sync_holder() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def sync_people(
    deps: Deps,
    rule: DepartmentRule,
    *,
    on_page: Callable[[int], None] | None = None,
    page_size: int = 200,
    holder: str | None = None,
) -> SyncResult:
    """Walk users.list page by page (one short transaction each), re-reading custom profile fields only of
    people new or changed since the last sync (users.profile.get, paced); user-group and CSV departments are
    applied at the end.

    Progress is stored after every page (setup_state: cursor, counts), so a sync interrupted half-way resumes
    at the page after the last one stored and loses no one. Raises `SyncBusy` while another process syncs.
    """
    holder = holder or new_sync_holder()
    with session_scope(deps.session_factory) as session:
        status = setup.take_sync(session, holder=holder, now=deps.clock.now())
    if status is None:
        raise SyncBusy("another process is syncing people")
    total = SyncResult(resumed=status.cursor is not None)
    ids, problems = field_ids(deps, rule, fresh=True)
    total.problems += problems
    try:
        _walk(deps, rule, ids, holder=holder, cursor=status.cursor, total=total, on_page=on_page, page_size=page_size)
    except BaseException:
        with session_scope(deps.session_factory) as session:
            setup.release_sync(session, holder=holder)
        raise
    if rule.source == "usergroup" and rule.usergroups:
        sync_usergroup_departments(deps, rule)
    if rule.source == "csv" and rule.csv_path is not None:
        total.problems += sync_csv_departments(deps, rule.csv_path)
    with session_scope(deps.session_factory) as session:  # the setup checklist and doctor show this
        setup.finish_sync(session, holder=holder, now=deps.clock.now(), problems=total.problems)
    return total


def _walk(
    deps: Deps,
    rule: DepartmentRule,
    ids: Mapping[str, str],
    *,
    holder: str,
    cursor: str | None,
    total: SyncResult,
    on_page: Callable[[int], None] | None,
    page_size: int,
) -> None:
    try:
        pages = iter(deps.slack.user_pages(page_size=page_size, cursor=cursor))
        first = next(pages)
    except SlackError as exc:
        if cursor is None or exc.code != "invalid_cursor":
            raise
        total.resumed = False  # the stored cursor expired: walk again from the start (nothing is lost)
        pages = iter(deps.slack.user_pages(page_size=page_size))
        first = next(pages)
    for members, next_cursor in itertools.chain([first], pages):
        with session_scope(deps.session_factory) as session:
            # People who asked Coach to stop tracking them are skipped, so a sync does not bring them back.
            skip = untracked(session, deps.settings.privacy_key, [str(u.get("id", "")) for u in members])
            members = [u for u in members if u.get("id") not in skip]
            to_read = profiles_to_read(session, members) if ids else []
        custom = {uid: values for uid in to_read if (values := read_custom(deps, rule, uid, ids)) is not None}
        with session_scope(deps.session_factory) as session:
            page = upsert_page(session, members, rule, custom)
            if not setup.record_sync_page(
                session,
                holder=holder,
                next_cursor=next_cursor,
                added=page.created,
                updated=page.updated,
                deactivated=page.deactivated,
                now=deps.clock.now(),
            ):
                raise SyncBusy("another process took the people sync over")
        total.add(page)
        if on_page:
            on_page(len(members))


def sync_csv_departments(deps: Deps, path: Path) -> list[str]:
    """The playbook's csv `departments.path`, applied to the people Coach knows; problem codes for a file
    that cannot be read or has bad rows (nothing of a bad file is applied)."""
    if not path.is_file():
        return [f"csv_missing:{path}"]
    parsed = read_people_csv(path)
    if parsed.errors:
        return [f"csv_bad:{parsed.errors[0]}"]
    with session_scope(deps.session_factory) as session:
        apply_departments(session, parsed.department_by_user)
    return []


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
