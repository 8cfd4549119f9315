"""Gathering the admin Home view from the database (a handful of grouped queries at any workspace size)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook import Playbook
from bot.services import admin_roles, answers, audit, metrics, rollout
from bot.views.admin_home import DEPARTMENTS_PER_PAGE, WAVES_PER_PAGE, AdminHomeState, WaveRow
from models import HelpContact

AUDIT_SHOWN = 8
CONTACTS_SHOWN = 12


def _clamp(page: int, total: int, per_page: int) -> int:
    last = max(0, (total - 1) // per_page)
    return min(max(page, 0), last)


def admin_home_state(
    session: Session, *, playbook: Playbook, now: datetime, wave_page: int = 0, dept_page: int = 0
) -> AdminHomeState:
    """Everything the admin view shows: waves (one page, with KPIs and gate feedback rounds), KPIs, contacts, audit."""
    waves = rollout.list_waves(session)
    wave_page = _clamp(wave_page, len(waves), WAVES_PER_PAGE)
    page = waves[wave_page * WAVES_PER_PAGE : (wave_page + 1) * WAVES_PER_PAGE]
    numbers = metrics.snapshot(session, now=now)
    feedback = answers.feedback_rounds(session, [w.id for w in page if w.feedback_round])
    rows = [WaveRow(wave=w, kpi=numbers.running_waves.get(w.id), feedback=tuple(feedback.get(w.id, ()))) for w in page]
    return AdminHomeState(
        now=now,
        playbook_version=playbook.version,
        people=numbers.people,
        overall=numbers.overall,
        waves=rows,
        wave_total=len(waves),
        departments=numbers.departments,
        help_contacts=help_contact_lines(session, playbook),
        audit=audit.recent(session, limit=AUDIT_SHOWN),
        roles=admin_roles.role_lines(session),
        wave_page=wave_page,
        dept_page=_clamp(dept_page, len(numbers.departments), DEPARTMENTS_PER_PAGE),
    )


def help_contact_lines(session: Session, playbook: Playbook) -> list[str]:
    """One line per help topic: the admin-edited directory where set, else the playbook's contacts."""
    overrides: dict[str, list[str]] = {}
    for c in session.scalars(select(HelpContact).order_by(HelpContact.topic, HelpContact.id)):
        where = f" ({c.department})" if c.department else ""
        backup = f", backup <@{c.backup_user}>" if c.backup_user else ""
        overrides.setdefault(c.topic, []).append(f"<@{c.primary_user}>{backup}{where}")
    lines: list[str] = []
    for topic in playbook.help.topics:
        who = overrides.get(topic.key) or [
            f"<@{c.primary}>" + (f", backup <@{c.backup}>" if c.backup else "") for c in topic.contacts
        ]
        lines.append(f"*{topic.title.get('en')}*: {'; '.join(who[:3]) or '_nobody yet_'}")
    if len(lines) > CONTACTS_SHOWN:
        lines = [*lines[:CONTACTS_SHOWN], f"_…and {len(lines) - CONTACTS_SHOWN} more topics._"]
    return lines
