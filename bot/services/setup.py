"""First-run setup: the checks `coach doctor` and the Home tab's setup checklist share, and what the
checklist stores (the sponsor, help contacts, the last people sync) and creates (the pilot wave).

The checks are plain functions of what Slack answered (granted scopes, joined channels, users.info
objects): the flow or the CLI asks Slack, these decide. Stored choices replace the playbook's
placeholders where Coach reads people: the sponsor in welcomes (`effective_sponsor`), help contacts as
`HelpContact` rows, which help routing already lays over the playbook (`help_directory.load_directory`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.waves import WaveForm
from bot.i18n import t
from bot.playbook import Playbook, default_playbook_path, load_playbook
from bot.services import appointments, audit, help_directory, rollout
from bot.services.people import UNFIT_REASONS, unfit_kind
from bot.settings import Settings
from models import HelpContact, Person, SetupState, Wave

SETUP_ROW = 1


# --------------------------------------------------------------------------- checks shared with doctor


@dataclass(frozen=True)
class OptionalScope:
    """A scope only an optional feature needs: without it Coach runs, minus that feature."""

    scope: str
    feature: str  # what it enables, in a few words (doctor is English; the checklist names the scope)


# One table, so doctor and the checklist agree on what each optional scope is for.
OPTIONAL_SCOPES: tuple[OptionalScope, ...] = (
    OptionalScope("files:write", "chart images in the weekly digest"),
    OptionalScope("users.profile:read", "departments from a custom profile field (users.profile.get)"),
    OptionalScope("usergroups:read", "departments and wave members from user groups"),
    OptionalScope("dnd:read", "holding messages while a person is in Do Not Disturb"),
    OptionalScope("channels:join", "joining public playbook channels without an /invite"),
    OptionalScope("channels:write.invites", "adding champions who accept to the champions channel"),
)


def optional_scope_names() -> frozenset[str]:
    return frozenset(o.scope for o in OPTIONAL_SCOPES)


def parse_scopes(header: str | None) -> set[str] | None:
    """The `x-oauth-scopes` header of any Web API answer as a set (None when Slack did not send it)."""
    if header is None:
        return None
    return {s.strip() for s in header.split(",") if s.strip()}


def missing_required_scopes(granted: set[str], manifest_scopes: Iterable[str]) -> list[str]:
    """Scopes of app.manifest.yaml that Coach cannot run without (the optional ones are not counted)."""
    return sorted(set(manifest_scopes) - optional_scope_names() - granted)


def missing_optional_scopes(granted: set[str]) -> list[OptionalScope]:
    return [o for o in OPTIONAL_SCOPES if o.scope not in granted]


def missing_channels(playbook: Playbook, joined: Iterable[str]) -> list[str]:
    """Playbook channels (or `#proj-*` patterns) Coach is in no channel of: it sees no events there."""
    names = set(joined)
    return [name for name in playbook.channels if not any(fnmatchcase(j, name.lstrip("#")) for j in names)]


@lru_cache(maxsize=1)
def bundled_placeholders() -> frozenset[str]:
    """The made-up user ids of the bundled playbook (U0ADMIN001, U0SPONSOR1, …): never real people."""
    return frozenset(playbook_people(load_playbook(default_playbook_path())))


def playbook_people(playbook: Playbook) -> dict[str, list[str]]:
    """Every Slack user id the playbook names → where (purpose.sponsor, help topic contacts)."""
    named: dict[str, list[str]] = {}
    if playbook.purpose.sponsor:
        named.setdefault(playbook.purpose.sponsor, []).append("purpose.sponsor")
    for topic in playbook.help.topics:
        for n, contact in enumerate(topic.contacts, start=1):
            for role in ("primary", "backup"):
                user = getattr(contact, role)
                if user:
                    named.setdefault(user, []).append(f"help topic {topic.key} contact {n} {role}")
    return named


def named_people(session: Session | None, playbook: Playbook, settings: Settings | None) -> dict[str, list[str]]:
    """Every person Coach would route work to → where they are named: what the Home tab stored (sponsor,
    contacts) where set, else the playbook, plus COACH_ADMINS. A stored choice replaces the playbook's."""
    stored_sponsor = sponsor_of(session) if session is not None else None
    rows = list(session.scalars(select(HelpContact).order_by(HelpContact.id))) if session is not None else []
    replaced = {(r.topic, r.department) for r in rows}
    named: dict[str, list[str]] = {}
    if stored_sponsor:
        named.setdefault(stored_sponsor, []).append("sponsor (set in the Home tab)")
    elif playbook.purpose.sponsor:
        named.setdefault(playbook.purpose.sponsor, []).append("purpose.sponsor")
    for topic in playbook.help.topics:
        for n, contact in enumerate(topic.contacts, start=1):
            if (topic.key, contact.department) in replaced:
                continue
            for role in ("primary", "backup"):
                user = getattr(contact, role)
                if user:
                    named.setdefault(user, []).append(f"help topic {topic.key} contact {n} {role}")
    for row in rows:
        where = f"help topic {row.topic}" + (f" ({row.department})" if row.department else "")
        for role, user in (("primary", row.primary_user), ("backup", row.backup_user)):
            if user:
                named.setdefault(user, []).append(f"{where} {role} (set in the Home tab)")
    for user in settings.coach_admins if settings else ():
        named.setdefault(user, []).append("COACH_ADMINS")
    return named


PROBLEMS = {
    "placeholder": "is a placeholder from the bundled playbook",
    "unknown": "does not exist in this workspace",
    "unreachable": "could not be looked up (users.info failed)",
    **UNFIT_REASONS,
}


def person_problem(user_id: str, user: Mapping[str, Any] | None, error: str | None = None) -> str | None:
    """Why this id cannot be a person Coach routes work to, as a key of PROBLEMS (placeholder, unknown,
    unreachable, bot, deactivated, guest); None when they can. `user` is users.info's answer, `error` its code."""
    if user_id in bundled_placeholders():
        return "placeholder"
    if user is None:
        return "unknown" if error in (None, "user_not_found") else "unreachable"
    return unfit_kind(user)


# --------------------------------------------------------------------------- stored setup


def _row(session: Session) -> SetupState:
    row = session.get(SetupState, SETUP_ROW)
    if row is None:
        row = SetupState(id=SETUP_ROW)
        session.add(row)
        session.flush()
    return row


def sponsor_of(session: Session) -> str | None:
    """The sponsor an admin picked in the Home tab (None until then)."""
    return session.scalar(select(SetupState.sponsor_user_id).where(SetupState.id == SETUP_ROW))


def effective_sponsor(session: Session, playbook: Playbook) -> str | None:
    """Who signs the welcome: the stored sponsor, else the playbook's unless it is a bundled placeholder."""
    stored = sponsor_of(session)
    if stored:
        return stored
    named = playbook.purpose.sponsor
    return named if named and named not in bundled_placeholders() else None


def set_sponsor(session: Session, *, actor: str, user_id: str, now: datetime) -> None:
    """Store the sponsor (audited) and appoint them company-wide sponsor, so their role track starts; the
    sponsor they replace loses the company-wide role the checklist gave them."""
    row = _row(session)
    before = {"sponsor": row.sponsor_user_id}
    if row.sponsor_user_id and row.sponsor_user_id != user_id:
        with contextlib.suppress(appointments.RoleChangeError):  # a sponsor Coach no longer knows
            appointments.remove(
                session, actor=actor, user_id=row.sponsor_user_id, role="sponsor", department=None, now=now
            )
    row.sponsor_user_id, row.updated_by = user_id, actor
    audit.record(
        session, actor=actor, action="setup.sponsor", target="setup", before=before, after={"sponsor": user_id}, now=now
    )
    appointments.appoint(session, actor=actor, user_id=user_id, role="sponsor", department=None, now=now)


# A sync renews its heartbeat after every users.list page (a page plus its paced profile reads takes about
# 200 × 60/80 s = 2.5 minutes at most); one silent for longer was interrupted and may be resumed by anyone.
SYNC_STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class SyncStatus:
    """The people sync as the checklist and doctor show it."""

    synced_at: datetime | None  # the last sync that walked all of users.list
    added: int = 0
    updated: int = 0
    deactivated: int = 0
    problem: str | None = None  # codes, one a line: "missing_field:<name>", "profile_error:<code>", "csv_bad:…"

    @property
    def problems(self) -> list[str]:
        return self.problem.splitlines() if self.problem else []

    started_at: datetime | None = None  # a sync under way or interrupted (None: none unfinished)
    heartbeat_at: datetime | None = None
    holder: str | None = None
    cursor: str | None = None

    def running(self, now: datetime) -> bool:
        """Another process is walking users.list right now."""
        return self.holder is not None and self.heartbeat_at is not None and now - self.heartbeat_at < SYNC_STALE

    def interrupted(self, now: datetime) -> bool:
        """A sync stopped half-way: the next one resumes from `cursor`."""
        return self.started_at is not None and not self.running(now)


def sync_status(session: Session) -> SyncStatus:
    row = session.get(SetupState, SETUP_ROW)
    if row is None:
        return SyncStatus(synced_at=None)
    return SyncStatus(
        synced_at=row.people_synced_at,
        added=row.sync_added or 0,
        updated=row.sync_updated or 0,
        deactivated=row.sync_deactivated or 0,
        problem=row.sync_problem,
        started_at=row.sync_started_at,
        heartbeat_at=row.sync_heartbeat_at,
        holder=row.sync_holder,
        cursor=row.sync_cursor,
    )


def take_sync(session: Session, *, holder: str, now: datetime) -> SyncStatus | None:
    """Become the one process syncing (one conditional UPDATE, so two replicas never both win); None when a
    sync of another process is running. An unfinished sync is resumed (its cursor and counts kept), else a
    fresh one starts at the first page."""
    _row(session)
    taken = session.execute(
        update(SetupState)
        .where(
            SetupState.id == SETUP_ROW,
            or_(
                SetupState.sync_holder.is_(None),
                SetupState.sync_holder == holder,
                SetupState.sync_heartbeat_at.is_(None),
                SetupState.sync_heartbeat_at < now - SYNC_STALE,
            ),
        )
        .values(sync_holder=holder, sync_heartbeat_at=now)
        .returning(SetupState.id)
    ).first()
    if taken is None:
        return None
    row = session.get(SetupState, SETUP_ROW)
    assert row is not None
    session.refresh(row)
    if row.sync_started_at is None:
        row.sync_started_at, row.sync_cursor, row.sync_problem = now, None, None
        row.sync_added = row.sync_updated = row.sync_deactivated = 0
    session.flush()
    return sync_status(session)


def record_sync_page(
    session: Session, *, holder: str, next_cursor: str | None, added: int, updated: int, deactivated: int, now: datetime
) -> bool:
    """After a page committed: its counts, and the cursor the sync resumes from; False when this process no
    longer holds the sync (it went silent too long and another took over), so it stops."""
    row = session.get(SetupState, SETUP_ROW)
    if row is None or row.sync_holder != holder:
        return False
    row.sync_cursor, row.sync_heartbeat_at = next_cursor, now
    row.sync_added = (row.sync_added or 0) + added
    row.sync_updated = (row.sync_updated or 0) + updated
    row.sync_deactivated = (row.sync_deactivated or 0) + deactivated
    return True


def release_sync(session: Session, *, holder: str) -> None:
    """The sync stopped half-way (Slack failed, the process is stopping): the next one resumes at the cursor."""
    row = session.get(SetupState, SETUP_ROW)
    if row is not None and row.sync_holder == holder:
        row.sync_holder, row.sync_heartbeat_at = None, None


def describe_problem(code: str) -> str:
    """A sync problem code in words (doctor and `coach sync-people` are English; the checklist translates)."""
    kind, _, detail = code.partition(":")
    if kind == "missing_field":
        return (
            f'the profile field "{detail}" does not exist in this workspace: name one that team.profile.get lists '
            "(Workspace settings → Profile), by label or id, in the playbook"
        )
    if kind == "profile_error":
        return f"custom profile fields could not be read (team.profile.get: {detail}); grant users.profile:read"
    if kind == "csv_missing":
        return f"the departments CSV {detail} (playbook departments.path) does not exist"
    if kind == "csv_bad":
        return f"the departments CSV was not applied: {detail}"
    return code


def finish_sync(session: Session, *, holder: str, now: datetime, problems: Iterable[str]) -> None:
    """The whole of users.list was walked: record when, and what could not be done."""
    row = _row(session)
    if row.sync_holder not in (None, holder):
        return
    row.people_synced_at = now
    row.sync_started_at = row.sync_cursor = row.sync_holder = row.sync_heartbeat_at = None
    row.sync_problem = "\n".join(problems)[:500] or None


@dataclass(frozen=True)
class ContactSlot:
    """One contact of the playbook's help section (topic × department) and who holds it now."""

    topic: str
    department: str | None
    primary: str
    backup: str | None
    stored: bool  # picked in the Home tab (a HelpContact row) rather than read from the playbook

    @property
    def key(self) -> str:
        """The modal's block id part: topic, and department when there is one."""
        return self.topic + (f"|{self.department}" if self.department else "")


def contact_slots(session: Session, playbook: Playbook) -> list[ContactSlot]:
    """Every playbook contact, with the Home tab's choice laid over it where one was made."""
    rows = {(r.topic, r.department): r for r in session.scalars(select(HelpContact).order_by(HelpContact.id))}
    slots: list[ContactSlot] = []
    for topic in playbook.help.topics:
        for contact in topic.contacts:
            row = rows.get((topic.key, contact.department))
            if row is not None:
                slots.append(ContactSlot(topic.key, row.department, row.primary_user, row.backup_user, True))
            else:
                slots.append(ContactSlot(topic.key, contact.department, contact.primary, contact.backup, False))
    return slots


def save_contacts(
    session: Session,
    *,
    actor: str,
    playbook: Playbook,
    picks: Mapping[str, tuple[str, str | None]],
    now: datetime,
) -> int:
    """Store picked people (slot key → primary, backup) as directory rows with the playbook's hours."""
    hours = {
        (t.key, c.department): {
            **c.hours.model_dump(mode="json"),
            "start": f"{c.hours.start:%H:%M}",
            "end": f"{c.hours.end:%H:%M}",
        }
        for t in playbook.help.topics
        for c in t.contacts
    }
    saved = 0
    for slot in contact_slots(session, playbook):
        if slot.key not in picks:
            continue
        primary, backup = picks[slot.key]
        if (primary, backup) == (slot.primary, slot.backup) and slot.stored:
            continue
        help_directory.set_contact(
            session,
            topic=slot.topic,
            department=slot.department,
            primary=primary,
            backup=backup,
            hours=hours.get((slot.topic, slot.department)),
            now=now,
        )
        audit.record(
            session,
            actor=actor,
            action="setup.contact",
            target=f"contact:{slot.key}"[:128],
            before={"primary": slot.primary, "backup": slot.backup},
            after={"primary": primary, "backup": backup},
            now=now,
        )
        saved += 1
    return saved


# --------------------------------------------------------------------------- people, roles, waves


@dataclass(frozen=True)
class PeopleNumbers:
    people: int  # active people Coach knows
    without_department: int


def people_numbers(session: Session) -> PeopleNumbers:
    active = Person.deactivated.is_(False)
    people = int(session.scalar(select(func.count()).select_from(Person).where(active)) or 0)
    missing = select(func.count()).select_from(Person).where(active, Person.department.is_(None))
    return PeopleNumbers(people=people, without_department=int(session.scalar(missing) or 0))


def department_source(playbook: Playbook) -> tuple[str, str]:
    """(source, detail) of the playbook's `departments`: e.g. ("profile_field", "Department")."""
    dep = playbook.departments
    if dep.source == "usergroup":
        return dep.source, ", ".join(f"@{h.lstrip('@')}" for h in (dep.usergroups or {}))
    if dep.source == "csv":
        return dep.source, dep.path or "coach import-people FILE.csv"
    return dep.source, dep.field or ""


def ambassador_ids(session: Session) -> list[str]:
    """Active ambassadors, once each."""
    rows = appointments.list_roles(session, role="ambassador")
    return list(dict.fromkeys(r.user_id for r in rows if not r.deactivated))


def has_waves(session: Session) -> bool:
    """A first wave exists: from then on the admin Home is the rollout, the checklist one click away."""
    return session.scalar(select(Wave.id).limit(1)) is not None


def create_pilot(
    session: Session, *, actor: str, playbook: Playbook, department: str, locale: str, now: datetime
) -> rollout.WaveInfo:
    """The pilot from the template (seed 000): the ambassadors plus one department, the playbook's goal,
    the stored sponsor; a draft the admin starts from the Home tab."""
    goal = playbook.purpose.goal.root if playbook.purpose.goal else {}
    form = WaveForm(
        name=t("setup.pilot.name", locale),
        goal=goal.get("en", "")[:500],
        goal_ja=goal.get("ja", "")[:500],
        sponsor_user_id=effective_sponsor(session, playbook),
        departments=(department,),
        users=tuple(ambassador_ids(session)),
    )
    return rollout.save_wave(session, actor=actor, form=form, now=now)
