"""People as the app knows them: synced from Slack user objects, departments from the configured source.

Bots, Slackbot and app users are never stored. Deactivated people are kept (their history matters for
metrics) but flagged, and every query that reaches out to people excludes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import dialect_insert, insert_ignore
from bot.domain.slack_ids import is_slack_user_id
from bot.i18n import normalise_locale
from bot.playbook import Playbook
from models import Person
from models.base import table_of
from models.people import PERSON_DEFAULTS


@dataclass(frozen=True)
class DepartmentRule:
    """Where a person's department comes from: a profile field, user groups, or a CSV import."""

    source: str = "profile_field"  # profile_field | usergroup | csv
    profile_field: str | None = "title"
    usergroups: Mapping[str, str] = field(default_factory=dict)  # user group handle → department


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    skipped_bots: int = 0

    def add(self, other: SyncResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deactivated += other.deactivated
        self.skipped_bots += other.skipped_bots


def get_person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def active_departments(session: Session) -> list[str]:
    """Distinct departments of active people (the choices the admin editors offer)."""
    stmt = (
        select(Person.department)
        .where(Person.department.is_not(None), Person.deactivated.is_(False))
        .distinct()
        .order_by(Person.department)
    )
    return [d for d in session.scalars(stmt) if d]


def ensure_bare_person(session: Session, slack_user_id: str) -> Person:
    """The person's row, created empty if missing; safe when several threads do this at once."""
    person = get_person(session, slack_user_id)
    if person is None:
        insert_ignore(
            session,
            Person,
            {"slack_user_id": slack_user_id, "opted_out_kinds": [], **PERSON_DEFAULTS},
            conflict=["slack_user_id"],
        )
        person = get_person(session, slack_user_id)
        assert person is not None
    return person


def is_human(user: Mapping[str, Any]) -> bool:
    """Bots and Slackbot are never coached."""
    return not (user.get("is_bot") or user.get("is_app_user") or user.get("id") == "USLACKBOT")


UNFIT_REASONS = {"bot": "is a bot, not a person", "deactivated": "is deactivated", "guest": "is a guest"}


def unfit_kind(user: Mapping[str, Any]) -> str | None:
    """Why a Slack user cannot be a person Coach routes work to (sponsor, contact, admin): bot, deactivated,
    guest; None when they can."""
    if not is_human(user):
        return "bot"
    if user.get("deleted"):
        return "deactivated"
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return "guest"
    return None


def unfit_reason(user: Mapping[str, Any]) -> str | None:
    """`unfit_kind` in words, or None."""
    kind = unfit_kind(user)
    return UNFIT_REASONS[kind] if kind else None


def department_from_profile(user: Mapping[str, Any], field_name: str | None) -> str | None:
    """A standard profile key (e.g. `title`) or a custom field by id (`Xf…`) or label."""
    if not field_name:
        return None
    profile = user.get("profile") or {}
    value = profile.get(field_name)
    if isinstance(value, str) and value.strip():
        return value.strip()[:128]
    custom = profile.get("fields") or {}
    if isinstance(custom, dict):
        for key, entry in custom.items():
            if isinstance(entry, dict) and field_name in (key, entry.get("label")) and entry.get("value"):
                return str(entry["value"]).strip()[:128]
    return None


def apply_user_object(person: Person, user: Mapping[str, Any], rule: DepartmentRule | None = None) -> None:
    """Copy what we need from a Slack user object (users.info / users.list / team_join / user_change)."""
    profile = user.get("profile") or {}
    person.display_name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name") or ""
    )[:255]
    if user.get("locale"):
        person.locale = normalise_locale(user["locale"])
    if user.get("tz"):
        person.tz = str(user["tz"])[:64]
    person.is_workspace_admin = bool(user.get("is_admin") or user.get("is_owner"))
    person.deactivated = bool(user.get("deleted"))
    if rule is not None and rule.source == "profile_field":
        department = department_from_profile(user, rule.profile_field)
        if department:
            person.department = department


def upsert_person(session: Session, user: Mapping[str, Any], rule: DepartmentRule | None = None) -> Person | None:
    """Create or refresh one person from a Slack user object; bots are ignored (None)."""
    if not is_human(user):
        return None
    person = get_person(session, user["id"])
    if person is None:
        # Another listener may create the same person at the same moment: insert-or-ignore, then read.
        insert_ignore(
            session,
            Person,
            {"slack_user_id": user["id"], "opted_out_kinds": [], **PERSON_DEFAULTS},
            conflict=["slack_user_id"],
        )
        person = get_person(session, user["id"])
        assert person is not None
    apply_user_object(person, user, rule)
    session.flush()
    return person


def upsert_page(session: Session, users: Iterable[Mapping[str, Any]], rule: DepartmentRule | None) -> SyncResult:
    """Apply one users.list page with one query for the people we already know."""
    result = SyncResult()
    humans = []
    for user in users:
        if is_human(user):
            humans.append(user)
        else:
            result.skipped_bots += 1
    ids = [u["id"] for u in humans]
    missing = set(ids) - set(session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(ids))))
    if missing:
        # Insert-or-ignore, as the event writer does: the app may meet the same person while a sync runs.
        stmt = (
            dialect_insert(session, table_of(Person))
            .on_conflict_do_nothing(index_elements=["slack_user_id"])
            .returning(table_of(Person).c.slack_user_id)
        )
        rows = [{"slack_user_id": u, "opted_out_kinds": [], **PERSON_DEFAULTS} for u in sorted(missing)]
        result.created = len(set(session.scalars(stmt, rows)))
    known = {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.slack_user_id.in_(ids)))}
    result.updated = len(humans) - result.created
    for user in humans:
        person = known[user["id"]]
        apply_user_object(person, user, rule)
        result.deactivated += int(person.deactivated)
    session.flush()
    return result


def apply_departments(session: Session, department_by_user: Mapping[str, str]) -> int:
    """Set departments from a user → department map (user groups, CSV); returns how many changed."""
    changed = 0
    ids = list(department_by_user)
    for start in range(0, len(ids), 500):
        for person in session.scalars(select(Person).where(Person.slack_user_id.in_(ids[start : start + 500]))):
            department = department_by_user[person.slack_user_id]
            if person.department != department:
                person.department = department
                changed += 1
    session.flush()
    return changed


@dataclass
class CsvImport:
    department_by_user: dict[str, str] = field(default_factory=dict)
    line_of: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


NOT_UTF8_HINT = (
    "save it as UTF-8 and try again (Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "LibreOffice: Save As > Text CSV, tick 'Edit filter settings', character set 'Unicode (UTF-8)'; "
    "Google Sheets downloads are UTF-8 already)"
)


def read_people_csv(path: Path) -> CsvImport:
    """Read `slack_user_id,department` rows; each bad or repeated row is reported with its line number.

    A repeated id is an error rather than "last row wins", so a CSV never silently contradicts itself.
    """
    result = CsvImport()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        result.errors.append(f"{path}:{line}: the file is not UTF-8 (byte {exc.start + 1}); {NOT_UTF8_HINT}")
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not {"slack_user_id", "department"} <= columns:
        result.errors.append(f"{path}:1: the header must have the columns slack_user_id and department")
        return result
    for row in reader:
        line = reader.line_num
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        user_id, department = clean.get("slack_user_id", ""), clean.get("department", "")
        if not is_slack_user_id(user_id):
            result.errors.append(f"{path}:{line}: {user_id or 'an empty value'!s} is not a Slack user id")
        elif not department:
            result.errors.append(f"{path}:{line}: the department of {user_id} is empty")
        elif user_id in result.line_of:
            first = result.line_of[user_id]
            result.errors.append(f"{path}:{line}: {user_id} appears again (first on line {first}); keep one row")
        else:
            result.department_by_user[user_id] = department[:128]
            result.line_of[user_id] = line
    return result


def unknown_user_ids(session: Session, user_ids: Iterable[str]) -> set[str]:
    """The ids among `user_ids` that are not people Coach knows (never synced from Slack)."""
    wanted = list(dict.fromkeys(user_ids))
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        known.update(session.scalars(select(Person.slack_user_id).where(Person.slack_user_id.in_(chunk))))
    return set(wanted) - known


def department_rule(playbook: Playbook) -> DepartmentRule:
    """The playbook's `departments` section as the sync's rule."""
    dep = playbook.departments
    return DepartmentRule(source=dep.source, profile_field=dep.field, usergroups=dict(dep.usergroups or {}))
