"""The weekly ambassador digest: Monday morning in each ambassador's own time zone, once per ISO week.

Hourly, `queue_ambassador_digests` puts one outbox row per ambassador and week, keyed
`outbox_key("ambassador_digest", person_id, iso_week)`: replicas, retries and every tick inside the morning
window queue it once. The outbox worker delivers it like any other message (working hours, do-not-disturb,
429s, retries, reconciliation) and renders it at send time with `digest_for`, so the numbers are fresh.
Sponsors get the same digest for every department (the view shows the first few, weakest ignition first).
Admins get it too, in the admin channel (`queue_admin_digest`: Monday morning UTC, every department, the playbook's
default language).

The chart. Each digest carries a PNG (bot/charts/digest.py) uploaded with `files_upload_v2` and shown in an `image`
block (`slack_file`). The upload happens at delivery time, in the same render as the text, not before enqueue:
the worker renders the digest when it sends it (hours after queueing, when working hours or do-not-disturb held
it), so a chart drawn at enqueue time would show other numbers than the text beside it; a row that is skipped
(deactivated, role given up) never uploads a file nobody sees; and a failed upload costs only the image. When the
upload is impossible (no `files:write`, any Slack error) the digest goes out with today's text bars, and if
Slack refuses the posted image block (a private file that is not ready yet answers `invalid_blocks`) the worker
posts the same digest with text bars instead (`OutgoingMessage.fallback`). `coach doctor` names the scope.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.charts.digest import DepartmentBars, digest_alt_text, digest_chart
from bot.db import insert_ignore, session_scope
from bot.deps import Deps
from bot.flows.help_directory import resolve_channel
from bot.playbook import Playbook
from bot.services import ambassadors as amb
from bot.slack.gateway import SlackError, SlackGateway
from bot.views.ambassador import DIGEST_DEPARTMENTS_MAX, ChartImage, digest_message
from bot.views.nudges import OutgoingMessage
from models import NudgeDelivery, Person, Role
from nudges.direct import direct_key
from nudges.kinds import NudgeKind
from nudges.outbox import enqueue, outbox_key, outbox_row
from nudges.rules import resolve_zone

log = logging.getLogger(__name__)

DIGEST_KIND = NudgeKind.AMBASSADOR_DIGEST.value
ADMIN_TITLE = "ambassador.digest.admin_title"
MORNING_HOURS = 3  # the window after the start of the working day in which the digest may go out


@dataclass(frozen=True)
class DigestDue:
    person_id: int
    user_id: str
    locale: str
    departments: tuple[str, ...]
    key: str


def in_monday_morning(deps: Deps, tz: str | None, now: datetime) -> str | None:
    """The ISO week (`2026-W02`) when `now` is Monday morning in `tz`, else None."""
    local = now.astimezone(resolve_zone(tz)[1])
    start = local.replace(
        hour=deps.playbook.cadence.working_hours.start.hour,
        minute=deps.playbook.cadence.working_hours.start.minute,
        second=0,
        microsecond=0,
    )
    if local.weekday() != 0 or not start <= local < start + timedelta(hours=MORNING_HOURS):
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def due_digests(deps: Deps, now: datetime) -> list[DigestDue]:
    """Ambassadors and sponsors whose Monday morning it is, with the departments their digest covers."""
    with session_scope(deps.session_factory) as session:
        rows = session.execute(
            select(Person, Role.role, Role.department)
            .join(Role, Role.person_id == Person.id)
            .where(Role.role.in_(("ambassador", "sponsor")), Person.deactivated.is_(False))
        ).all()
        covered: dict[int, tuple[Person, set[str]]] = {}
        everything: list[str] | None = None
        for person, role, department in rows:
            entry = covered.setdefault(person.id, (person, set()))
            if role == "sponsor" and department is None:
                everything = everything if everything is not None else amb.all_departments(session)
                entry[1].update(everything)
            elif department:
                entry[1].add(department)
    due = []
    for person, departments in covered.values():
        week = in_monday_morning(deps, person.tz, now)
        if week and departments:
            key = outbox_key(DIGEST_KIND, person.id, week)
            due.append(
                DigestDue(person.id, person.slack_user_id, person.effective_locale, tuple(sorted(departments)), key)
            )
    return due


def department_digests(
    session: Session, playbook: Playbook, departments: Sequence[str], now: datetime
) -> list[amb.DepartmentDigest]:
    """Each department's week, weakest ignition first (the order the digest shows them in)."""
    digests = [amb.department_digest(session, playbook=playbook, department=d, now=now) for d in departments]
    digests.sort(key=lambda d: (d.status.current.ignition, d.status.department))
    return digests


def digest_for(
    session: Session,
    playbook: Playbook,
    departments: Sequence[str],
    locale: str,
    now: datetime,
    *,
    title_key: str = "ambassador.digest.title",
) -> OutgoingMessage:
    """The digest with text bars (no chart): what goes out when no chart can be shown."""
    digests = department_digests(session, playbook, departments, now)
    titles = [stage.title.get(locale) for stage in playbook.stages]
    message = digest_message(digests, titles, locale, title_key=title_key)
    return OutgoingMessage(text=str(message["text"]), blocks=message["blocks"])


def chart_rows(digests: Sequence[amb.DepartmentDigest]) -> list[DepartmentBars]:
    """The chart's numbers are the digest's numbers (the departments it shows, in its order)."""
    return [
        DepartmentBars(d.status.department, tuple(d.status.current.stages), d.status.current.ignition)
        for d in digests[:DIGEST_DEPARTMENTS_MAX]
    ]


# Charts already uploaded by this process, per gateway (one workspace): digests that show the same numbers in the
# same language (ambassadors of one department, sponsors of all) share one file instead of drawing and uploading it
# again (~0.5 s of drawing each on a busy machine). A shared file Slack refuses is handled like any other refusal.
_uploaded: weakref.WeakKeyDictionary[SlackGateway, dict[tuple[object, ...], ChartImage]] = weakref.WeakKeyDictionary()
_uploaded_lock = threading.Lock()
UPLOADED_KEPT = 256


def upload_chart(
    gateway: SlackGateway, rows: Sequence[DepartmentBars], stage_titles: Sequence[str], locale: str, name: str
) -> ChartImage | None:
    """Draw and upload the digest chart (or reuse this week's identical one); None (text bars instead) when Slack
    will not take it."""
    key = (tuple(rows), tuple(stage_titles), locale, name)
    with _uploaded_lock:
        known = _uploaded.setdefault(gateway, {}).get(key)
    if known is not None:
        return known
    alt = digest_alt_text(rows, locale)
    png = digest_chart(rows, stage_titles, locale, amb.IGNITION_LINE)
    try:
        file_id = gateway.upload_file(png, filename=f"{name}.png", title=name, alt_text=alt)
    except SlackError as exc:
        log.warning("digest chart not uploaded (%s): the digest shows text bars", exc.code)
        return None
    chart = ChartImage(file_id, alt)
    with _uploaded_lock:
        cache = _uploaded.setdefault(gateway, {})
        if len(cache) >= UPLOADED_KEPT:
            cache.clear()
        cache[key] = chart
    return chart


def render_digest(
    deps: Deps,
    gateway: SlackGateway,
    departments: Sequence[str],
    locale: str,
    now: datetime,
    *,
    title_key: str = "ambassador.digest.title",
) -> OutgoingMessage:
    """At send time: the digest with its chart image, and the text-bar digest as its fallback."""
    with session_scope(deps.session_factory) as session:
        digests = department_digests(session, deps.playbook, departments, now)
    titles = [stage.title.get(locale) for stage in deps.playbook.stages]
    plain = digest_message(digests, titles, locale, title_key=title_key)
    fallback = OutgoingMessage(text=str(plain["text"]), blocks=plain["blocks"])
    year, week, _ = now.isocalendar()
    chart = upload_chart(gateway, chart_rows(digests), titles, locale, f"coach-digest-{year}-W{week:02d}")
    if chart is None:
        return fallback
    charted = digest_message(digests, titles, locale, chart=chart, title_key=title_key)
    return OutgoingMessage(text=str(charted["text"]), blocks=charted["blocks"], fallback=fallback)


def queue_ambassador_digests(deps: Deps) -> int:
    """Hourly: whoever is in their Monday morning gets this week's digest queued (once per week)."""
    now = deps.clock.now()
    queued = 0
    with session_scope(deps.session_factory) as session:
        for item in due_digests(deps, now):
            queued += enqueue(
                session,
                person_id=item.person_id,
                kind=NudgeKind.AMBASSADOR_DIGEST.value,
                idempotency_key=item.key,
                due_at=now,
                payload={"departments": list(item.departments)},
            )
    return queued


def queue_admin_digest(deps: Deps) -> int:
    """Hourly: on Monday morning (UTC) the admin channel gets this week's digest of every department, once."""
    now = deps.clock.now()
    week = in_monday_morning(deps, None, now)
    if week is None:
        return 0
    with session_scope(deps.session_factory) as session:
        departments = amb.all_departments(session)
    if not departments:
        return 0
    channel = resolve_channel(deps, deps.playbook.help.admin_channel)
    row = outbox_row(
        person_id=None,
        kind=NudgeKind.ADMIN_DIGEST.value,
        idempotency_key=direct_key(NudgeKind.ADMIN_DIGEST, "admins", week),
        due_at=now,
        payload={"departments": departments, "locale": deps.playbook.default_locale},
        address=channel,
    )
    with session_scope(deps.session_factory) as session:
        return int(insert_ignore(session, NudgeDelivery, row, conflict=["idempotency_key"]))
