"""Appointing ambassadors and sponsors: audited, idempotent, visible to the role check; and the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.services import appointments
from bot.services.callers import load_caller
from models import AuditEntry
from tests.conftest import make_settings
from tests.services.ambassadors.conftest import NOW, person


def test_appoint_is_audited_and_steers_the_department(session: Session, database_url: str) -> None:
    person(session, "U0ANN0001")
    assert appointments.appoint(
        session, actor="U0ADMIN01", user_id="U0ANN0001", role="ambassador", department="Sales", now=NOW
    )
    assert appointments.appoint(
        session, actor="U0ADMIN01", user_id="U0ANN0001", role="ambassador", department="Support", now=NOW
    )
    assert not appointments.appoint(
        session, actor="U0ADMIN01", user_id="U0ANN0001", role="ambassador", department="Sales", now=NOW
    )
    caller = load_caller(session, make_settings(database_url), "U0ANN0001")
    assert caller.ambassador_of == {"Sales", "Support"} and caller.can_steer("Sales")
    assert not caller.can_steer("Marketing")
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.actor, e.action, e.target, e.after) for e in entries] == [
        ("U0ADMIN01", "ambassador.appoint", "U0ANN0001", {"role": "ambassador", "department": "Sales"}),
        ("U0ADMIN01", "ambassador.appoint", "U0ANN0001", {"role": "ambassador", "department": "Support"}),
    ]


def test_remove_is_audited(session: Session) -> None:
    person(session, "U0ANN0001")
    appointments.appoint(session, actor="cli", user_id="U0ANN0001", role="sponsor", department=None, now=NOW)
    assert appointments.remove(session, actor="cli", user_id="U0ANN0001", role="sponsor", department=None, now=NOW)
    assert not appointments.remove(session, actor="cli", user_id="U0ANN0001", role="sponsor", department=None, now=NOW)
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and (last.action, last.before, last.after) == (
        "sponsor.remove",
        {"role": "sponsor", "department": None},
        None,
    )
    assert appointments.list_roles(session) == []


@pytest.mark.parametrize(
    ("user", "role", "department", "message"),
    [
        ("U0ANN0001", "ambassador", None, "needs a department"),
        ("U0ANN0001", "admin", "Sales", "role must be"),
        ("U0NOBODY1", "ambassador", "Sales", "does not know"),
    ],
)
def test_bad_changes_are_refused(session: Session, user: str, role: str, department: str | None, message: str) -> None:
    person(session, "U0ANN0001")
    with pytest.raises(appointments.RoleChangeError, match=message):
        appointments.appoint(session, actor="cli", user_id=user, role=role, department=department, now=NOW)


def test_cli_add_list_remove(
    factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with factory() as s, s.begin():
        person(s, "U0ANN0001", display_name="Ann")
    runner = CliRunner()
    added = runner.invoke(main, ["ambassadors", "add", "<@U0ANN0001|ann>", "Customer", "Success"])
    assert added.exit_code == 0, added.output
    assert "now ambassador of Customer Success" in added.output and "check the spelling" in added.output
    sponsor = runner.invoke(main, ["ambassadors", "add", "U0ANN0001", "--sponsor"])
    assert sponsor.exit_code == 0 and "now sponsor" in sponsor.output
    listed = runner.invoke(main, ["ambassadors", "list"])
    assert "Customer Success" in listed.output and "(whole company)" in listed.output and "Ann" in listed.output
    removed = runner.invoke(main, ["ambassadors", "remove", "U0ANN0001", "Customer Success"])
    assert removed.exit_code == 0 and "no longer ambassador" in removed.output
    unknown = runner.invoke(main, ["ambassadors", "add", "U0NOBODY1", "Sales"])
    assert unknown.exit_code == 1 and "does not know U0NOBODY1" in unknown.output
    bad = runner.invoke(main, ["ambassadors", "add", "bob", "Sales"])
    assert bad.exit_code == 2 and "not a Slack user id" in bad.output
    with factory() as s:
        actors = set(s.scalars(select(AuditEntry.actor)))
    assert all(actor.startswith("cli") for actor in actors) and len(actors) == 1
