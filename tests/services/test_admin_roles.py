"""The Home tab's ambassadors & sponsors summary stays a few lines at any size; contact saves are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.admin_forms import ContactForm, FormInvalid, RoleForm
from bot.playbook import default_playbook_path, load_playbook
from bot.services import admin_roles, appointments
from models import AuditEntry, HelpContact
from tests.services.conftest import NOW, make_person

PLAYBOOK = load_playbook(default_playbook_path())


def test_summary_is_capped_and_names_uncovered_departments(session: Session) -> None:
    for d in range(30):
        for p in range(8):
            make_person(session, f"U{d:03}{p:03}", department=f"Dept {d:02}")
    for d in range(25):
        for p in range(8):
            appointments.appoint(
                session, actor="t", user_id=f"U{d:03}{p:03}", role="ambassador", department=f"Dept {d:02}", now=NOW
            )
    appointments.appoint(session, actor="t", user_id="U000000", role="sponsor", department=None, now=NOW)
    lines = admin_roles.role_lines(session)
    assert lines[0] == "*Sponsors*: <@U000000> (whole company)"
    assert lines[1] == "*Dept 00*: " + ", ".join(f"<@U000{p:03}>" for p in range(6)) + " +2 more"
    assert lines[-2] == "_…and 15 more departments with ambassadors._"
    assert lines[-1] == "No ambassador yet: Dept 25, Dept 26, Dept 27, Dept 28, Dept 29"
    assert len(lines) == 1 + admin_roles.DEPARTMENT_LINES + 2


def test_departments_offered_include_those_only_a_role_still_names(session: Session) -> None:
    make_person(session, "U1", department="Sales")
    make_person(session, "U2", department=None)
    appointments.appoint(session, actor="t", user_id="U2", role="ambassador", department="Old team", now=NOW)
    assert admin_roles.department_options(session) == ["Old team", "Sales"]
    admin_roles.change_role(
        session, actor="U0ADMIN", form=RoleForm("U2", "ambassador", "Old team"), remove=True, now=NOW
    )
    assert appointments.list_roles(session) == []


def test_contact_for_a_department_is_saved_audited_and_validated(session: Session) -> None:
    make_person(session, "U1", department="Sales")
    form = ContactForm("how-to", "Sales", "U1", None, "Europe/Berlin", ("mon", "tue"), "08:00", "16:00")
    assert admin_roles.save_contact(session, actor="U0ADMIN", form=form, playbook=PLAYBOOK, now=NOW)
    row = session.scalars(select(HelpContact)).one()
    assert (row.topic, row.department, row.primary_user, row.hours["tz"]) == ("how-to", "Sales", "U1", "Europe/Berlin")
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.target, entry.before["primary"]) == ("help_contact.set", "how-to/Sales", "U0SALES001")
    with pytest.raises(FormInvalid) as bad:
        admin_roles.save_contact(
            session,
            actor="U0ADMIN",
            form=ContactForm("nope", "Nowhere", "U1", None, "UTC"),
            playbook=PLAYBOOK,
            now=NOW,
        )
    assert set(bad.value.errors) == {"topic", "department"}
