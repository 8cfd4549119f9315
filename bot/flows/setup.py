"""The first-run setup checklist on Slack: its live status (Slack is read outside any transaction, the
same checks `coach doctor` makes), the people sync behind its button, and its modals' submissions
(people checked with users.info: a bot, a deactivated account or a guest is a field error)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bot.db import session_scope
from bot.deps import Deps
from bot.flows.channels import sync_channels
from bot.flows.people import SyncBusy, people_rule, sync_people
from bot.i18n import say, t
from bot.manifest import bot_scopes, load_manifest
from bot.services import setup
from bot.services.callers import load_caller
from bot.services.help_directory import topic_title
from bot.services.people import active_departments, upsert_person
from bot.services.rollout import WaveFormInvalid
from bot.slack.gateway import SlackError
from bot.views import setup as views
from bot.views.privacy import with_view_switch

log = logging.getLogger(__name__)

Lookup = dict[str, tuple[Mapping[str, Any] | None, str | None]]  # user id → (users.info user, error code)


def first_run(deps: Deps) -> bool:
    """No wave exists yet: the admin Home is the setup checklist."""
    with session_scope(deps.session_factory) as session:
        return not setup.has_waves(session)


def admin_locale(deps: Deps, user_id: str) -> str:
    with session_scope(deps.session_factory) as session:
        return load_caller(session, deps.settings, user_id).locale


def look_up(deps: Deps, user_ids: Iterable[str]) -> Lookup:
    """users.info for each id (placeholders are not asked about: they are never real people)."""
    found: Lookup = {}
    for user_id in dict.fromkeys(u for u in user_ids if u):
        if user_id in setup.bundled_placeholders():
            found[user_id] = (None, None)
            continue
        try:
            found[user_id] = (deps.slack.user_info(user_id), None)
        except SlackError as exc:
            found[user_id] = (None, exc.code)
    return found


def _problem(lookup: Lookup, user_id: str) -> str | None:
    user, error = lookup.get(user_id, (None, None))
    return setup.person_problem(user_id, user, error)


def _slack_status(deps: Deps) -> dict[str, Any]:
    """Tokens, scopes and channel membership, as doctor checks them."""
    status: dict[str, Any] = {}
    try:
        granted = setup.parse_scopes(deps.slack.scopes_header()) or set()
    except SlackError as exc:
        return {"token_error": exc.code, "channels_error": exc.code}
    status["missing_scopes"] = setup.missing_required_scopes(granted, bot_scopes(load_manifest()))
    status["missing_optional"] = [o.scope for o in setup.missing_optional_scopes(granted)]
    try:
        joined = [str(c.get("name", "")) for c in deps.slack.iter_channels() if c.get("is_member")]
        status["missing_channels"] = setup.missing_channels(deps.playbook, joined)
    except SlackError as exc:
        status["channels_error"] = exc.code
    return status


def checklist_state(deps: Deps, user_id: str) -> views.SetupChecklist:
    """The checklist's live status: Slack first (no transaction open), then one short read."""
    slack = _slack_status(deps)
    with session_scope(deps.session_factory) as session:
        locale = load_caller(session, deps.settings, user_id).locale
        numbers = setup.people_numbers(session)
        slots = setup.contact_slots(session, deps.playbook)
        stored_sponsor = setup.sponsor_of(session)
        sync = setup.sync_status(session)
        facts: dict[str, Any] = {
            "synced_at": sync.synced_at,
            "sync_added": sync.added,
            "sync_updated": sync.updated,
            "sync_deactivated": sync.deactivated,
            "sync_problems": tuple(sync.problems),
            "sync_unfinished_since": sync.started_at,
            "sync_hours": deps.settings.people_sync_hours,
            "departments": active_departments(session),
            "ambassadors": len(setup.ambassador_ids(session)),
            "has_waves": setup.has_waves(session),
        }
    sponsor = stored_sponsor or deps.playbook.purpose.sponsor
    lookup = look_up(deps, [*(u for s in slots for u in (s.primary, s.backup) if u), *([sponsor] if sponsor else [])])
    rows = [_contact_row(deps, slot, locale, lookup) for slot in slots]
    return views.SetupChecklist(
        locale=locale,
        channels_total=len(deps.playbook.channels),
        people=numbers.people,
        without_department=numbers.without_department,
        department_source=setup.department_source(deps.playbook),
        contacts=rows,
        sponsor=sponsor,
        sponsor_problem=_problem(lookup, sponsor) if sponsor else None,
        **facts,
        **slack,
    )


def _contact_row(deps: Deps, slot: setup.ContactSlot, locale: str, lookup: Lookup) -> views.ContactRow:
    label = topic_title(deps.playbook, slot.topic, locale) + (f" ({slot.department})" if slot.department else "")
    problems = {u: p for u in (slot.primary, slot.backup) if u and (p := _problem(lookup, u))}
    return views.ContactRow(key=slot.key, label=label, primary=slot.primary, backup=slot.backup, problems=problems)


def publish_checklist(deps: Deps, user_id: str) -> None:
    """The checklist, with the same "Admin / My journey" switch as the rollout view."""
    state = checklist_state(deps, user_id)
    deps.slack.publish_home(user_id, with_view_switch(views.setup_checklist(state), journey=False, locale=state.locale))


def sync_now(deps: Deps, user_id: str) -> None:
    """The checklist's "Sync people": the same users.list sync as `coach sync-people`, then the checklist."""
    try:
        result = sync_people(deps, people_rule(deps))
    except SyncBusy:  # the scheduled sync (or another admin's) is running: the checklist shows it
        log.info("setup sync by %s: another sync is running", user_id)
    else:
        log.info("setup sync by %s: %s new, %s updated", user_id, result.created, result.updated)
    channels = sync_channels(deps)
    log.info("setup sync by %s: %s channels", user_id, channels)
    publish_checklist(deps, user_id)


# --------------------------------------------------------------------------- modals


def sponsor_modal(deps: Deps, user_id: str) -> dict[str, Any]:
    with session_scope(deps.session_factory) as session:
        locale = load_caller(session, deps.settings, user_id).locale
        current = setup.effective_sponsor(session, deps.playbook)
    return views.sponsor_modal(locale, current)


def contacts_modal(deps: Deps, user_id: str) -> dict[str, Any]:
    with session_scope(deps.session_factory) as session:
        locale = load_caller(session, deps.settings, user_id).locale
        slots = setup.contact_slots(session, deps.playbook)
    lookup = look_up(deps, [u for s in slots for u in (s.primary, s.backup) if u])
    return views.contacts_modal(locale, [_contact_row(deps, s, locale, lookup) for s in slots])


def pilot_modal(deps: Deps, user_id: str) -> dict[str, Any]:
    with session_scope(deps.session_factory) as session:
        locale = load_caller(session, deps.settings, user_id).locale
        departments = active_departments(session)
        ambassadors = len(setup.ambassador_ids(session))
    goal = deps.playbook.purpose.goal.get(locale) if deps.playbook.purpose.goal else ""
    return views.pilot_modal(locale, departments, ambassadors, goal)


def _unfit(locale: str, problem: str) -> str:
    return t("setup.field.unfit", locale, problem=t(f"setup.problem.{problem}", locale))


def save_sponsor(deps: Deps, user_id: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Check the picked sponsor with users.info and store them; field errors (block id → text) if unfit."""
    locale = admin_locale(deps, user_id)
    picked = views.parse_sponsor(values)
    if picked is None:
        return {views.SetupField.SPONSOR: t("setup.field.required", locale)}
    lookup = look_up(deps, [picked])
    problem = _problem(lookup, picked)
    if problem:
        return {views.SetupField.SPONSOR: _unfit(locale, problem)}
    user = lookup[picked][0]
    assert user is not None
    with session_scope(deps.session_factory) as session:
        upsert_person(session, user, people_rule(deps))
        setup.set_sponsor(session, actor=user_id, user_id=picked, now=deps.clock.now())
    return {}


def save_contacts(deps: Deps, user_id: str, values: Mapping[str, Any], private_metadata: str) -> dict[str, str]:
    """Check every picked contact with users.info and store them; one field error per unfit person."""
    locale = admin_locale(deps, user_id)
    picks = views.parse_contacts(values, private_metadata)
    lookup = look_up(deps, [u for pair in picks.values() for u in pair if u])
    errors: dict[str, str] = {}
    chosen: dict[str, tuple[str, str | None]] = {}
    for n, (key, (primary, backup)) in enumerate(picks.items()):
        if primary is None:
            errors[views.contact_block_id(n, "primary")] = t("setup.field.required", locale)
        for role, person in (("primary", primary), ("backup", backup)):
            problem = _problem(lookup, person) if person else None
            if problem:
                errors[views.contact_block_id(n, role)] = _unfit(locale, problem)
        if primary is not None:
            chosen[key] = (primary, backup if backup != primary else None)
    if errors:
        return errors
    with session_scope(deps.session_factory) as session:
        setup.save_contacts(session, actor=user_id, playbook=deps.playbook, picks=chosen, now=deps.clock.now())
    return {}


def create_pilot(deps: Deps, user_id: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The pilot wave from the template; a draft the admin starts with the wave's Start button."""
    locale = admin_locale(deps, user_id)
    department = views.parse_department(values)
    if department is None:
        return {views.SetupField.DEPARTMENT: t("setup.pilot.no_department", locale)}
    try:
        with session_scope(deps.session_factory) as session:
            setup.create_pilot(
                session,
                actor=user_id,
                playbook=deps.playbook,
                department=department,
                locale=locale,
                now=deps.clock.now(),
            )
    except WaveFormInvalid as exc:
        return {views.SetupField.DEPARTMENT: "; ".join(say(e, locale) for e in exc.errors.values())[:300]}
    return {}
