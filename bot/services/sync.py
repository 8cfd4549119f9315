"""Syncing the workspace's people from users.list, and departments from user groups."""

from __future__ import annotations

from collections.abc import Callable

from bot.db import session_scope
from bot.deps import Deps
from bot.playbook import Playbook
from bot.services.people import DepartmentRule, SyncResult, apply_departments, upsert_page


def sync_people(
    deps: Deps, rule: DepartmentRule, *, on_page: Callable[[int], None] | None = None, page_size: int = 200
) -> SyncResult:
    """Walk users.list page by page (one short transaction each); user-group departments applied at the end."""
    total = SyncResult()
    for page in deps.slack.iter_user_pages(page_size=page_size):
        with session_scope(deps.session_factory) as session:
            total.add(upsert_page(session, page, rule))
        if on_page:
            on_page(len(page))
    if rule.source == "usergroup" and rule.usergroups:
        sync_usergroup_departments(deps, rule)
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


def department_rule(playbook: Playbook) -> DepartmentRule:
    """The playbook's `departments` section as the sync's rule."""
    dep = playbook.departments
    return DepartmentRule(source=dep.source, profile_field=dep.field, usergroups=dict(dep.usergroups or {}))
