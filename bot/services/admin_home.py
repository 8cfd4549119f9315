"""Gathering the admin Home view from the database (a handful of grouped queries at any workspace size)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.playbook import Playbook
from bot.services import admin_roles, answers, audit, help_directory, help_metrics, rollout
from bot.services.metrics import rollups, scores
from bot.services.people import get_person
from bot.views.admin_home import DEPARTMENTS_PER_PAGE, WAVES_PER_PAGE, AdminHomeState, TrainingRating, WaveRow
from models import HelpContact, PulseResponse

AUDIT_SHOWN = 8
CONTACTS_SHOWN = 12


def _clamp(page: int, total: int, per_page: int) -> int:
    last = max(0, (total - 1) // per_page)
    return min(max(page, 0), last)


def admin_home_state(
    session: Session,
    *,
    playbook: Playbook,
    now: datetime,
    wave_page: int = 0,
    dept_page: int = 0,
    user_id: str | None = None,
) -> AdminHomeState:
    """Everything the admin view shows: waves (one page, with scores and gate feedback rounds), the numbers
    (from the newest daily rollup; computed now only before the first one), help KPIs, contacts, audit."""
    numbers = insights(session, playbook=playbook, now=now)
    extra = numbers.extra
    sizes = {int(k): int(v) for k, v in extra["wave_members"].items()} if "wave_members" in extra else None
    waves = rollout.list_waves(session, counts=sizes)
    wave_page = _clamp(wave_page, len(waves), WAVES_PER_PAGE)
    page = waves[wave_page * WAVES_PER_PAGE : (wave_page + 1) * WAVES_PER_PAGE]
    feedback = answers.feedback_rounds(session, [w.id for w in page if w.feedback_round])
    person = get_person(session, user_id) if user_id else None
    locale = person.effective_locale if person else "en"
    rows = [WaveRow(wave=w, kpi=numbers.waves.get(w.id), feedback=tuple(feedback.get(w.id, ()))) for w in page]
    return AdminHomeState(
        now=now,
        playbook_version=playbook.version,
        people=numbers.people,
        overall=numbers.company,
        waves=rows,
        wave_total=len(waves),
        departments=numbers.departments,
        help_contacts=help_contact_lines(session, playbook, locale),
        audit=audit.recent(session, limit=AUDIT_SHOWN),
        roles=admin_roles.role_lines(session, departments=extra.get("departments"), locale=locale),
        wave_page=wave_page,
        dept_page=_clamp(dept_page, len(numbers.departments), DEPARTMENTS_PER_PAGE),
        rules=scores.thresholds(playbook),
        window_days=playbook.metrics.window_days,
        locale=locale,
        as_of=numbers.at if numbers.from_rollup else None,
        help=help_metrics.help_numbers(session, now=now).metrics,
        training=training_ratings(session, playbook=playbook, now=now, locale=locale),
        flagged_contacts=help_directory.flagged_contact_rows(session, playbook, locale=locale),
        topic_titles={topic.key: topic.title.get(locale) for topic in playbook.help.topics},
    )


def insights(session: Session, *, playbook: Playbook, now: datetime) -> scores.Insights:
    """The newest rollup (a few rows at any size); the live computation only before the first metrics tick."""
    return rollups.latest(session) or scores.compute(session, playbook=playbook, now=now)


def training_ratings(
    session: Session, *, playbook: Playbook, now: datetime, locale: str, known: Sequence[Any] | None = None
) -> list[TrainingRating]:
    """Per use case, the training ratings of the metrics window: count, and the average from min_answers up
    (`known`: the snapshot's [key, answers, mean] rows; counted now only before the first snapshot)."""
    if known is None:
        since = now - timedelta(days=playbook.metrics.window_days)
        known = session.execute(
            select(PulseResponse.comment, func.count(), func.avg(PulseResponse.score))
            .where(PulseResponse.kind == "training", PulseResponse.answered_at >= since)
            .group_by(PulseResponse.comment)
        ).all()
    out = []
    for key, n, average in known:
        try:
            title = playbook.use_case(str(key)).title.get(locale)
        except KeyError:
            title = str(key or "?")
        shown = float(average) if n >= playbook.metrics.min_answers and average is not None else None
        out.append(TrainingRating(title=title, answers=int(n), average=shown))
    return sorted(out, key=lambda r: (-r.answers, r.title))


def help_contact_lines(session: Session, playbook: Playbook, locale: str = "en") -> list[str]:
    """One line per help topic: the admin-edited directory where set, else the playbook's contacts."""

    def backup(user: str | None) -> str:
        return t("admin.contacts.backup", locale, who=f"<@{user}>") if user else ""

    overrides: dict[str, list[str]] = {}
    for c in session.scalars(select(HelpContact).order_by(HelpContact.topic, HelpContact.id)):
        where = f" ({c.department})" if c.department else ""
        overrides.setdefault(c.topic, []).append(f"<@{c.primary_user}>{backup(c.backup_user)}{where}")
    lines: list[str] = []
    for topic in playbook.help.topics:
        who = overrides.get(topic.key) or [f"<@{c.primary}>{backup(c.backup)}" for c in topic.contacts]
        lines.append(f"*{topic.title.get(locale)}*: {'; '.join(who[:3]) or t('admin.contacts.nobody', locale)}")
    if len(lines) > CONTACTS_SHOWN:
        lines = [*lines[:CONTACTS_SHOWN], t("admin.contacts.more", locale, n=len(lines) - CONTACTS_SHOWN)]
    return lines
