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
from bot.domain.places import country_of_zone, person_country
from bot.domain.slack_ids import is_slack_user_id
from bot.i18n import normalise_locale
from bot.playbook import Playbook
from models import Person
from models.base import table_of
from models.people import PERSON_DEFAULTS

# Keys of the standard profile that users.list and users.info carry; any other field name is a custom field,
# read through users.profile.get (bot/simslack/data/profile/README.md).
STANDARD_PROFILE_KEYS = frozenset(
    {"title", "phone", "skype", "real_name", "display_name", "email", "first_name", "last_name", "pronouns"}
)


@dataclass(frozen=True)
class DepartmentRule:
    """Where a person's department comes from (a profile field, user groups, or a CSV file) and where they
    are (the playbook's `locations`: a country field, an office field mapped to countries, else the zone)."""

    source: str = "profile_field"  # profile_field | usergroup | csv
    profile_field: str | None = "title"
    usergroups: Mapping[str, str] = field(default_factory=dict)  # user group handle → department
    csv_path: Path | None = None  # source csv: the playbook's `departments.path`, applied after each sync
    country_field: str | None = None
    office_field: str | None = None
    offices: Mapping[str, str] = field(default_factory=dict)  # office → ISO country code

    def field_refs(self) -> dict[str, str]:
        """What is read from profile fields → the field's name (id, label or standard key)."""
        refs: dict[str, str] = {}
        if self.source == "profile_field" and self.profile_field:
            refs["department"] = self.profile_field
        if self.country_field:
            refs["country"] = self.country_field
        if self.office_field:
            refs["office"] = self.office_field
        return refs

    def custom_refs(self) -> list[str]:
        """The field names that are custom fields (users.profile.get), once each."""
        return list(dict.fromkeys(r for r in self.field_refs().values() if r not in STANDARD_PROFILE_KEYS))


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0  # known people whose name, language, zone, admin flag, department or country changed
    deactivated: int = 0  # people who were active (or new) and are deactivated now
    skipped_bots: int = 0
    problems: list[str] = field(default_factory=list)  # codes: "missing_field:<name>", "profile_error:<code>", …
    resumed: bool = False  # continued an interrupted sync from its stored users.list cursor

    def add(self, other: SyncResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deactivated += other.deactivated
        self.skipped_bots += other.skipped_bots


def resolve_field_ids(
    refs: Iterable[str], team_fields: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, str], list[str]]:
    """Custom field names → field ids, matched by id or by label (case-insensitive) against team.profile.get's
    fields; and the names the workspace has no field for."""
    by_id = {str(f.get("id")): str(f.get("id")) for f in team_fields}
    by_label = {str(f.get("label", "")).strip().casefold(): str(f.get("id")) for f in team_fields}
    ids: dict[str, str] = {}
    missing: list[str] = []
    for ref in refs:
        found = by_id.get(ref) or by_label.get(ref.strip().casefold())
        if found:
            ids[ref] = found
        else:
            missing.append(ref)
    return ids, missing


def custom_values(profile: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, str]:
    """Field name → value from users.profile.get's `profile` (`fields` keyed by id, each `{value, alt}`)."""
    fields = profile.get("fields") or {}
    values: dict[str, str] = {}
    if isinstance(fields, dict):
        for ref, field_id in ids.items():
            entry = fields.get(field_id)
            if isinstance(entry, dict) and str(entry.get("value") or "").strip():
                values[ref] = str(entry["value"]).strip()
    return values


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


def _profile_value(user: Mapping[str, Any], ref: str | None, custom: Mapping[str, str] | None) -> str | None:
    """A standard profile key from the user object, or a custom field's value (None when not read)."""
    if not ref:
        return None
    if ref in STANDARD_PROFILE_KEYS:
        value = (user.get("profile") or {}).get(ref)
        return value.strip() if isinstance(value, str) and value.strip() else None
    return custom.get(ref) if custom is not None else None


def _facts(person: Person) -> tuple[Any, ...]:
    return (
        person.display_name,
        person.locale,
        person.tz,
        person.is_workspace_admin,
        person.deactivated,
        person.department,
        person.country,
    )


def apply_user_object(
    person: Person, user: Mapping[str, Any], rule: DepartmentRule | None = None, custom: Mapping[str, str] | None = None
) -> None:
    """Copy what we need from a Slack user object (users.info / users.list / team_join / user_change) and, when
    read, the custom profile field values (`custom`: field name → value, from users.profile.get)."""
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
    if isinstance(user.get("updated"), int):
        person.slack_updated = user["updated"]
    rule = rule or DepartmentRule(source="csv", profile_field=None)
    if rule.source == "profile_field":
        department = _profile_value(user, rule.profile_field, custom)
        if department:
            person.department = department[:128]
    located = all(ref in STANDARD_PROFILE_KEYS for ref in (rule.country_field, rule.office_field) if ref)
    if located or custom is not None:
        person.country = person_country(
            country_value=_profile_value(user, rule.country_field, custom),
            office_value=_profile_value(user, rule.office_field, custom),
            offices=rule.offices,
            tz_name=person.tz,
        )
    elif person.country is None:  # profile not read this time: the zone's country until it is
        person.country = country_of_zone(person.tz)


def upsert_person(
    session: Session,
    user: Mapping[str, Any],
    rule: DepartmentRule | None = None,
    custom: Mapping[str, str] | None = None,
) -> Person | None:
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
    apply_user_object(person, user, rule, custom)
    session.flush()
    return person


def profiles_to_read(session: Session, users: Iterable[Mapping[str, Any]]) -> list[str]:
    """The people of a users.list page whose custom profile fields must be (re-)read: new ones, and those
    whose Slack `updated` moved since the last sync applied them (an incremental sync reads only these)."""
    humans = {u["id"]: u.get("updated") for u in users if is_human(u)}
    known = dict(
        session.execute(
            select(Person.slack_user_id, Person.slack_updated).where(Person.slack_user_id.in_(list(humans)))
        ).all()
    )
    return [uid for uid, updated in humans.items() if uid not in known or known[uid] != updated or updated is None]


def upsert_page(
    session: Session,
    users: Iterable[Mapping[str, Any]],
    rule: DepartmentRule | None,
    custom_by_user: Mapping[str, Mapping[str, str]] | None = None,
) -> SyncResult:
    """Apply one users.list page with one query for the people we already know; `custom_by_user` holds the
    custom field values read for some of them (the others keep what they had)."""
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
    custom_by_user = custom_by_user or {}
    for user in humans:
        person = known[user["id"]]
        new = user["id"] in missing
        before = None if new else _facts(person)
        was_active = new or not person.deactivated
        apply_user_object(person, user, rule, custom_by_user.get(user["id"]))
        if not new and _facts(person) != before:
            result.updated += 1
        result.deactivated += int(was_active and person.deactivated)
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


def department_rule(playbook: Playbook, playbook_dir: Path | None = None) -> DepartmentRule:
    """The playbook's `departments` and `locations` sections as the sync's rule; a relative csv `path` is
    taken from the playbook file's folder (`playbook_dir`)."""
    dep, where = playbook.departments, playbook.locations
    csv_path = None
    if dep.source == "csv" and dep.path:
        csv_path = Path(dep.path)
        if not csv_path.is_absolute() and playbook_dir is not None:
            csv_path = playbook_dir / csv_path
    return DepartmentRule(
        source=dep.source,
        profile_field=dep.field,
        usergroups=dict(dep.usergroups or {}),
        csv_path=csv_path,
        country_field=where.country_field,
        office_field=where.office_field,
        offices=dict(where.offices),
    )
