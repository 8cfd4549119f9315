"""The setup checks doctor and the checklist share, and what the checklist stores, without Slack."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook import default_playbook_path, load_playbook
from bot.services import help_directory, setup
from models import AuditEntry, HelpContact, Role
from tests.services.conftest import NOW, make_person

PLAYBOOK = load_playbook(default_playbook_path())


def test_optional_scopes_do_not_count_as_missing_but_are_listed_with_their_feature() -> None:
    manifest = {"chat:write", "users:read", "usergroups:read", "dnd:read"}
    granted = {"chat:write", "dnd:read"}
    assert setup.missing_required_scopes(granted, manifest) == ["users:read"]
    missing = {o.scope: o.feature for o in setup.missing_optional_scopes(granted)}
    assert "dnd:read" not in missing and "files:write" in missing and "user groups" in missing["usergroups:read"]
    assert setup.parse_scopes(None) is None and setup.parse_scopes("a, b,") == {"a", "b"}


def test_channel_patterns_need_one_matching_channel() -> None:
    joined = ["company-news", "ask-exec", "ask-it", "proj-apollo", "coach-admins", "coach-champions"]
    assert setup.missing_channels(PLAYBOOK, joined) == ["#dept-*"]
    assert setup.missing_channels(PLAYBOOK, [*joined, "dept-sales"]) == []


def test_person_problems() -> None:
    person = {"id": "U0REAL0001", "profile": {}}
    assert setup.person_problem("U0SPONSOR1", person) == "placeholder"
    assert setup.person_problem("U0REAL0001", None) == "unknown"
    assert setup.person_problem("U0REAL0001", None, "ratelimited") == "unreachable"
    assert setup.person_problem("U0REAL0001", {**person, "is_bot": True}) == "bot"
    assert setup.person_problem("U0REAL0001", {**person, "deleted": True}) == "deactivated"
    assert setup.person_problem("U0REAL0001", {**person, "is_ultra_restricted": True}) == "guest"
    assert setup.person_problem("U0REAL0001", person) is None


def test_the_stored_sponsor_replaces_the_placeholder_and_is_appointed(session: Session) -> None:
    assert setup.effective_sponsor(session, PLAYBOOK) is None  # U0SPONSOR1 is a placeholder: nobody
    for user in ("U0EXEC0001", "U0EXEC0002"):
        make_person(session, user)
        setup.set_sponsor(session, actor="U0ADMIN01", user_id=user, now=NOW)
    assert setup.effective_sponsor(session, PLAYBOOK) == "U0EXEC0002"
    assert len(session.scalars(select(Role).where(Role.role == "sponsor", Role.department.is_(None))).all()) == 1
    named = setup.named_people(session, PLAYBOOK, None)
    assert named["U0EXEC0002"] == ["sponsor (set in the Home tab)"] and "U0SPONSOR1" not in named


def test_picked_contacts_become_directory_rows_that_routing_reads(session: Session) -> None:
    slots = setup.contact_slots(session, PLAYBOOK)
    assert [s.key for s in slots] == ["setup", "security", "how-to", "how-to|Sales", "other"]
    picks = {"setup": ("U0HELP0001", "U0HELP0002"), "how-to|Sales": ("U0HELP0003", None)}
    assert setup.save_contacts(session, actor="U0ADMIN01", playbook=PLAYBOOK, picks=picks, now=NOW) == 2
    assert setup.save_contacts(session, actor="U0ADMIN01", playbook=PLAYBOOK, picks=picks, now=NOW) == 0
    rows = {(r.topic, r.department): (r.primary_user, r.hours["start"]) for r in session.scalars(select(HelpContact))}
    assert rows == {("setup", None): ("U0HELP0001", "09:00"), ("how-to", "Sales"): ("U0HELP0003", "09:00")}
    directory = help_directory.load_directory(session, PLAYBOOK)
    setup_topic = next(t for t in directory.topics if t.key == "setup")
    assert [(c.primary, c.backup) for c in setup_topic.contacts] == [("U0HELP0001", "U0HELP0002")]
    assert [s.stored for s in setup.contact_slots(session, PLAYBOOK)] == [True, False, False, True, False]
    assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "setup.contact")).all()) == 2


def test_the_pilot_is_the_ambassadors_plus_one_department(session: Session) -> None:
    from bot.services import appointments

    for user, department in (("U0AMB00001", "Support"), ("U0AMB00002", "Ops"), ("U0SAL00001", "Sales")):
        make_person(session, user, department=department)
    for user, department in (("U0AMB00001", "Support"), ("U0AMB00002", "Ops")):
        appointments.appoint(
            session, actor="U0ADMIN01", user_id=user, role="ambassador", department=department, now=NOW
        )
    assert not setup.has_waves(session)
    wave = setup.create_pilot(session, actor="U0ADMIN01", playbook=PLAYBOOK, department="Sales", locale="ja", now=NOW)
    assert wave.name == "パイロット" and wave.goal_in("ja").startswith("部門をまたいで")  # the goal in both languages
    assert wave.goal_in("en").startswith("Cut the time")
    assert wave.selectors["departments"] == ["Sales"] and sorted(wave.selectors["users"]) == [
        "U0AMB00001",
        "U0AMB00002",
    ]
    assert setup.has_waves(session)
