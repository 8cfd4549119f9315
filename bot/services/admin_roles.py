"""The admin Home's role and help-contact modals, server side: a submitted form is checked against the
database, then saved as an audited change (appointments / help_directory); plus the compact roles summary
the Home tab shows. (Who may act is callers.py; the role changes themselves are appointments.py.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.admin_forms import ContactForm, FormInvalid, RoleForm
from bot.i18n import Text, t
from bot.playbook import Playbook
from bot.services import appointments, audit, help_directory
from bot.services.people import active_departments, get_person, upsert_person
from models import HelpContact, Role

DEPARTMENT_LINES = 10  # departments named in the Home summary; the rest are counted
NAMES_PER_LINE = 6

UserLookup = Callable[[str], Mapping[str, Any] | None]


def department_options(session: Session) -> list[str]:
    """Departments an admin may pick: those with active people, plus any a role still names."""
    held = session.scalars(select(Role.department).where(Role.department.is_not(None)).distinct())
    return sorted(set(active_departments(session)) | {d for d in held if d})


def _names(user_ids: list[str], gone: set[str], locale: str) -> str:
    off = " " + t("roles.deactivated", locale)
    shown = [f"<@{u}>" + (off if u in gone else "") for u in user_ids[:NAMES_PER_LINE]]
    more = len(user_ids) - NAMES_PER_LINE
    return ", ".join(shown) + (" " + t("roles.more", locale, n=more) if more > 0 else "")


def role_lines(session: Session, *, departments: list[str] | None = None, locale: str = "en") -> list[str]:
    """A few lines: sponsors, ambassadors per department (capped), and departments nobody covers (`departments`:
    the departments people are in, when already known, e.g. from the metrics snapshot)."""
    rows = appointments.list_roles(session)
    gone = {r.user_id for r in rows if r.deactivated}
    sponsors = [r for r in rows if r.role == "sponsor"]
    by_department: dict[str, list[str]] = {}
    for row in rows:
        if row.role == "ambassador" and row.department:
            by_department.setdefault(row.department, []).append(row.user_id)
    lines: list[str] = []
    if sponsors:
        company = t("roles.whole_company", locale)
        labels = [f"<@{r.user_id}> ({r.department or company})" for r in sponsors[:NAMES_PER_LINE]]
        more = len(sponsors) - NAMES_PER_LINE
        names = ", ".join(labels) + (" " + t("roles.more", locale, n=more) if more > 0 else "")
        lines.append(t("roles.sponsors", locale, names=names))
    for department in sorted(by_department)[:DEPARTMENT_LINES]:
        lines.append(f"*{department[:40]}*: {_names(by_department[department], gone, locale)}")
    if len(by_department) > DEPARTMENT_LINES:
        lines.append(t("roles.more_departments", locale, n=len(by_department) - DEPARTMENT_LINES))
    known = active_departments(session) if departments is None else departments
    uncovered = [d for d in known if d not in by_department]
    if uncovered:
        named = ", ".join(d[:40] for d in uncovered[:NAMES_PER_LINE])
        more = len(uncovered) - NAMES_PER_LINE
        if more > 0:
            lines.append(t("roles.uncovered_more", locale, names=named, n=more))
        else:
            lines.append(t("roles.uncovered", locale, names=named))
    return lines


def _known_person(session: Session, user_id: str, lookup: UserLookup | None) -> bool:
    """Known to Coach, or fetched from Slack now (a person picked in the modal may not be synced yet)."""
    if get_person(session, user_id) is not None:
        return True
    user = lookup(user_id) if lookup else None
    return user is not None and upsert_person(session, user) is not None


def change_role(
    session: Session,
    *,
    actor: str,
    form: RoleForm,
    remove: bool,
    now: datetime,
    lookup: UserLookup | None = None,
) -> str:
    """Appoint or remove (audited, actor = the admin); FormInvalid carries one message per field."""
    errors = form.errors()
    if form.department and form.department not in department_options(session):
        errors["department"] = Text("form.error.unknown_department", value=form.department)
    if errors:
        raise FormInvalid(errors)
    assert form.user_id is not None
    where = f" of {form.department}" if form.department else ""
    role, of = Text(f"form.role.{form.role}"), "_of" if form.department else ""
    if remove and get_person(session, form.user_id) is None:
        raise FormInvalid(
            {"user": Text(f"form.error.not_role{of}", user=form.user_id, role=role, department=form.department or "")}
        )
    if not _known_person(session, form.user_id, lookup):
        raise FormInvalid({"user": Text("form.error.not_found")})
    change = appointments.remove if remove else appointments.appoint
    try:
        changed = change(
            session, actor=actor, user_id=form.user_id, role=form.role, department=form.department, now=now
        )
    except appointments.RoleChangeError as exc:
        raise FormInvalid({"user": exc.args[0]}) from exc
    if not changed:
        key = f"form.error.not_role{of}" if remove else f"form.error.already{of}"
        raise FormInvalid({"user": Text(key, user=form.user_id, role=role, department=form.department or "")})
    return f"<@{form.user_id}> {'is no longer' if remove else 'is now'} {form.role}{where}."


def _contact_state(session: Session, playbook: Playbook, topic: str, department: str | None) -> dict[str, Any] | None:
    """Who answers the topic (and department) before the edit: an earlier admin edit, else the playbook."""
    row = session.scalar(
        select(HelpContact).where(
            HelpContact.topic == topic,
            HelpContact.department.is_(None) if department is None else HelpContact.department == department,
        )
    )
    if row is not None:
        return {"primary": row.primary_user, "backup": row.backup_user, "hours": dict(row.hours or {})}
    for entry in playbook.help.topics:
        for contact in entry.contacts if entry.key == topic else ():
            if contact.department == department:
                data = contact.model_dump(mode="json")
                hours = {**data["hours"], "start": data["hours"]["start"][:5], "end": data["hours"]["end"][:5]}
                return {"primary": contact.primary, "backup": contact.backup, "hours": hours}
    return None


def contact_rows(session: Session) -> list[HelpContact]:
    """Every admin-edited help contact (a handful per topic at most)."""
    return list(session.scalars(select(HelpContact).order_by(HelpContact.id)))


def topic_choices(playbook: Playbook, locale: str = "en") -> list[tuple[str, str]]:
    """(label, key) of the playbook's help topics, in playbook order."""
    return [(topic.title.get(locale), topic.key) for topic in playbook.help.topics]


def save_contact(session: Session, *, actor: str, form: ContactForm, playbook: Playbook, now: datetime) -> bool:
    """Validate, save through help_directory.set_contact and audit; False when nothing changed."""
    errors = form.errors()
    if form.topic and form.topic not in {key for _, key in topic_choices(playbook)}:
        errors["topic"] = Text("form.error.unknown_topic", value=form.topic)
    if form.department and form.department not in department_options(session):
        errors["department"] = Text("form.error.unknown_department", value=form.department)
    if errors:
        raise FormInvalid(errors)
    assert form.primary is not None
    before = _contact_state(session, playbook, form.topic, form.department)
    after = {"primary": form.primary, "backup": form.backup, "hours": form.hours()}
    help_directory.set_contact(
        session,
        topic=form.topic,
        department=form.department,
        primary=form.primary,
        backup=form.backup,
        hours=form.hours(),
        now=now,
    )
    if not audit.changed_fields(before, after):
        return False
    target = form.topic + (f"/{form.department}" if form.department else "")
    audit.record(session, actor=actor, action="help_contact.set", target=target, before=before, after=after, now=now)
    return True
