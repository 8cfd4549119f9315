"""The first-run setup checklist (the admin Home until a first wave exists) and its modals: pure builders
of the admin's language, and parsers of what the modals submit.

Each item shows its live status and one sentence saying what to do next; the buttons are the way to do
it (sync, pick people, appoint, create the pilot). About 20 blocks at any workspace size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.i18n import t
from bot.views.blocks import Block, actions, button, clip, context, divider, header, section
from bot.views.ids import RoleAdminAction, SetupAction, SetupField, SetupView
from bot.views.wave_modals import MAX_STATIC_OPTIONS, option

NAMES_SHOWN = 8
CONTACT_SLOTS_MAX = 20  # two inputs each: well under a modal's 100 blocks


@dataclass(frozen=True)
class ContactRow:
    """One help contact slot as the checklist and the contacts modal show it."""

    key: str  # the service's slot key (topic, and department when there is one)
    label: str  # topic title in the admin's language, with the department
    primary: str
    backup: str | None
    problems: Mapping[str, str] = field(default_factory=dict)  # user id → problem key (setup.problem.*)


@dataclass(frozen=True)
class SetupChecklist:
    """Everything the checklist shows, as facts (the view words them in `locale`)."""

    locale: str
    token_error: str | None = None  # auth.test's error code when the token is refused
    missing_scopes: Sequence[str] = ()
    missing_optional: Sequence[str] = ()
    channels_total: int = 0
    missing_channels: Sequence[str] = ()
    channels_error: str | None = None
    people: int = 0
    synced_at: datetime | None = None
    sync_added: int = 0  # what the last sync changed
    sync_updated: int = 0
    sync_deactivated: int = 0
    sync_problems: Sequence[str] = ()  # codes "missing_field:<name>", "profile_error:<code>", "csv_missing:…"
    sync_unfinished_since: datetime | None = None  # a sync under way or interrupted
    sync_hours: float = 24.0
    departments: Sequence[str] = ()
    without_department: int = 0
    department_source: tuple[str, str] = ("profile_field", "")
    contacts: Sequence[ContactRow] = ()
    sponsor: str | None = None
    sponsor_problem: str | None = None  # problem key, or None when the sponsor is fine (or unset)
    ambassadors: int = 0
    has_waves: bool = False

    @property
    def contacts_bad(self) -> list[ContactRow]:
        return [c for c in self.contacts if c.problems]


def _item(ok: bool, title: str, status: str, next_step: str, locale: str, accessory: Block | None = None) -> Block:
    icon = ":white_check_mark:" if ok else ":white_large_square:"
    text = f"{icon} *{title}*\n{status}\n_{t('setup.next', locale, text=next_step)}_"
    return section(text, accessory=accessory)


def _names(ids: Sequence[str]) -> str:
    shown = ", ".join(f"`{u}`" for u in ids[:NAMES_SHOWN])
    return shown + (f" +{len(ids) - NAMES_SHOWN}" if len(ids) > NAMES_SHOWN else "")


def _tokens(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    if s.token_error:
        status, nxt = t("setup.tokens.failed", loc, code=s.token_error), t("setup.tokens.next_failed", loc)
    elif s.missing_scopes:
        status = t("setup.tokens.missing", loc, scopes=", ".join(f"`{x}`" for x in s.missing_scopes))
        nxt = t("setup.tokens.next_missing", loc)
    else:
        status, nxt = t("setup.tokens.ok", loc), t("setup.tokens.next_ok", loc)
    if s.missing_optional and not s.token_error:
        status += "\n" + t("setup.tokens.optional", loc, scopes=", ".join(f"`{x}`" for x in s.missing_optional))
    ok = not s.token_error and not s.missing_scopes
    return ok, _item(ok, t("setup.tokens.title", loc), status, nxt, loc)


def _channels(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    ok = not s.channels_error and not s.missing_channels
    if s.channels_error:
        status, nxt = t("setup.channels.unknown", loc, code=s.channels_error), t("setup.tokens.next_missing", loc)
    elif s.missing_channels:
        status = t("setup.channels.missing", loc, channels=", ".join(s.missing_channels[:20]))
        nxt = t("setup.channels.next_missing", loc)
    else:
        status, nxt = t("setup.channels.ok", loc, n=s.channels_total), t("setup.channels.next_ok", loc)
    recheck = button(t("setup.recheck", loc), SetupAction.RECHECK, "channels")
    return ok, _item(ok, t("setup.channels.title", loc), status, nxt, loc, None if ok else recheck)


def _people(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    ok = s.people > 0 and s.synced_at is not None and not s.sync_problems
    when = f"{s.synced_at:%Y-%m-%d %H:%M} UTC" if s.synced_at else t("setup.people.never", loc)
    status = t("setup.people.some", loc, n=f"{s.people:,}", when=when) if s.people else t("setup.people.none", loc)
    if s.synced_at is not None and s.sync_unfinished_since is None:  # an unfinished sync's counts are partial
        status += "\n" + t(
            "setup.people.changes", loc, added=s.sync_added, updated=s.sync_updated, deactivated=s.sync_deactivated
        )
    if s.sync_unfinished_since is not None:
        status += "\n" + t("setup.people.unfinished", loc, when=f"{s.sync_unfinished_since:%Y-%m-%d %H:%M} UTC")
    for code in s.sync_problems:
        kind, _, detail = code.partition(":")
        status += "\n:warning: " + t(f"setup.people.problem.{kind}", loc, detail=clip(detail, 200))
    if s.sync_problems:
        nxt = t("setup.people.next_problem", loc)
    elif ok:
        nxt = t("setup.people.next_ok", loc, hours=f"{s.sync_hours:g}")
    else:
        nxt = t("setup.people.next_none", loc)
    sync = button(t("setup.people.button", loc), SetupAction.SYNC, "sync", style=None if ok else "primary")
    return ok, _item(ok, t("setup.people.title", loc), status, nxt, loc, sync)


def _departments(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    source, detail = s.department_source
    ok = bool(s.departments) and s.without_department == 0
    status = t(f"setup.departments.where.{source}", loc, detail=detail) + "\n"
    status += t(
        "setup.departments.count",
        loc,
        departments=len(s.departments),
        missing=f"{s.without_department:,}",
        people=f"{s.people:,}",
    )
    nxt = t("setup.departments.next_ok" if ok else "setup.departments.next_missing", loc)
    return ok, _item(ok, t("setup.departments.title", loc), status, nxt, loc)


def _problem(key: str, locale: str) -> str:
    return t(f"setup.problem.{key}", locale)


def _contacts(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    bad = s.contacts_bad
    ok = bool(s.contacts) and not bad
    if ok:
        status, nxt = t("setup.contacts.ok", loc, n=len(s.contacts)), t("setup.contacts.next_ok", loc)
    else:
        problems = {u: p for c in bad for u, p in c.problems.items()}
        who = "; ".join(f"`{u}` {_problem(p, loc)}" for u, p in list(problems.items())[:NAMES_SHOWN])
        status = t("setup.contacts.bad", loc, bad=len(bad), n=len(s.contacts), who=who)
        nxt = t("setup.contacts.next_bad", loc)
    pick = button(t("setup.contacts.button", loc), SetupAction.CONTACTS, "contacts", style=None if ok else "primary")
    return ok, _item(ok, t("setup.contacts.title", loc), status, nxt, loc, pick)


def _sponsor(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    ok = bool(s.sponsor) and s.sponsor_problem is None
    if ok:
        status = t("setup.sponsor.ok", loc, user=s.sponsor)
    elif s.sponsor and s.sponsor_problem:
        status = t("setup.sponsor.bad", loc, user=f"`{s.sponsor}`", problem=_problem(s.sponsor_problem, loc))
    else:
        status = t("setup.sponsor.none", loc)
    nxt = t("setup.sponsor.next_ok" if ok else "setup.sponsor.next_bad", loc)
    pick = button(t("setup.sponsor.button", loc), SetupAction.SPONSOR, "sponsor", style=None if ok else "primary")
    return ok, _item(ok, t("setup.sponsor.title", loc), status, nxt, loc, pick)


def _ambassadors(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    ok = s.ambassadors > 0
    nxt = t("setup.ambassadors.next_ok" if ok else "setup.ambassadors.next_none", loc)
    appoint = button(t("setup.ambassadors.button", loc), RoleAdminAction.APPOINT, "appoint")
    status = t("setup.ambassadors.count", loc, n=s.ambassadors)
    return ok, _item(ok, t("setup.ambassadors.title", loc), status, nxt, loc, appoint)


def _pilot(s: SetupChecklist) -> tuple[bool, Block]:
    loc = s.locale
    if s.has_waves:
        return True, _item(
            True, t("setup.pilot.title", loc), t("setup.pilot.exists", loc), t("setup.pilot.next_ok", loc), loc
        )
    if not s.departments:
        return False, _item(
            False, t("setup.pilot.title", loc), t("setup.pilot.none", loc), t("setup.pilot.next_blocked", loc), loc
        )
    create = button(t("setup.pilot.button", loc), SetupAction.PILOT, "pilot", style="primary")
    return False, _item(
        False, t("setup.pilot.title", loc), t("setup.pilot.none", loc), t("setup.pilot.next_none", loc), loc, create
    )


ITEMS = (_tokens, _channels, _people, _departments, _contacts, _sponsor, _ambassadors, _pilot)


def setup_checklist(state: SetupChecklist) -> dict[str, Any]:
    """The checklist as a `home` view."""
    results = [item(state) for item in ITEMS]
    done = sum(ok for ok, _ in results)
    loc = state.locale
    # The rollout view (and its numbers) is always one click away: a company may use Coach without waves.
    footer = [
        button(t("setup.recheck", loc), SetupAction.RECHECK, "all"),
        button(t("setup.back", loc), SetupAction.BACK, "back"),
    ]
    blocks: list[Block] = [
        header(t("setup.title", loc)),
        context(t("setup.intro", loc, done=done, total=len(results))),
        divider(),
        *(block for _, block in results),
        divider(),
        actions(*footer, block_id="setup.footer"),
    ]
    return {"type": "home", "blocks": blocks}


def setup_button(locale: str = "en") -> Block:
    """The admin Home's way back to the checklist once a wave exists."""
    return button(t("setup.open", locale), SetupAction.OPEN, "open")


# --------------------------------------------------------------------------- modals


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, 150), "emoji": True}


def _modal(
    callback_id: str, title: str, submit: str, locale: str, blocks: list[Block], meta: str = ""
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(clip(title, 24)),
        "submit": _plain(clip(submit, 24)),
        "close": _plain(clip(t("setup.modal.cancel", locale), 24)),
        "private_metadata": meta,
        "blocks": blocks,
    }


def _user_input(block_id: str, label: str, initial: str | None, *, optional: bool = False) -> Block:
    element: dict[str, Any] = {"type": "users_select", "action_id": block_id}
    if initial:
        element["initial_user"] = initial
    return {"type": "input", "block_id": block_id, "label": _plain(label), "element": element, "optional": optional}


def sponsor_modal(locale: str, current: str | None) -> dict[str, Any]:
    """Pick the executive sponsor (a users_select; a placeholder is never offered as the initial value)."""
    blocks = [
        section(t("setup.sponsor.modal_intro", locale)),
        _user_input(SetupField.SPONSOR, t("setup.sponsor.field", locale), current),
    ]
    return _modal(
        SetupView.SPONSOR, t("setup.sponsor.modal_title", locale), t("setup.modal.save", locale), locale, blocks
    )


def contact_block_id(index: int, role: str) -> str:
    return f"{SetupField.CONTACT}.{index}.{role}"


def contacts_modal(locale: str, rows: Sequence[ContactRow]) -> dict[str, Any]:
    """One contact and one backup per help slot; people with a problem are not offered as initial values."""
    blocks: list[Block] = [section(t("setup.contacts.modal_intro", locale))]
    for n, row in enumerate(rows[:CONTACT_SLOTS_MAX]):
        good_primary = row.primary if row.primary not in row.problems else None
        good_backup = row.backup if row.backup and row.backup not in row.problems else None
        blocks.append(
            _user_input(
                contact_block_id(n, "primary"), t("setup.contacts.primary", locale, topic=row.label), good_primary
            )
        )
        blocks.append(
            _user_input(
                contact_block_id(n, "backup"),
                t("setup.contacts.backup", locale, topic=row.label),
                good_backup,
                optional=True,
            )
        )
    meta = json.dumps([row.key for row in rows[:CONTACT_SLOTS_MAX]], ensure_ascii=False)
    return _modal(
        SetupView.CONTACTS, t("setup.contacts.modal_title", locale), t("setup.modal.save", locale), locale, blocks, meta
    )


def pilot_modal(locale: str, departments: Sequence[str], ambassadors: int, goal: str) -> dict[str, Any]:
    """The pilot template: only the department to choose; the rest is the template (ambassadors, goal, sponsor)."""
    options = [option(d, d) for d in departments[:MAX_STATIC_OPTIONS]]
    element: dict[str, Any] = {"type": "static_select", "action_id": SetupField.DEPARTMENT, "options": options}
    blocks = [
        section(t("setup.pilot.modal_intro", locale, n=ambassadors, goal=goal or "–")),
        {
            "type": "input",
            "block_id": SetupField.DEPARTMENT,
            "label": _plain(t("setup.pilot.department", locale)),
            "element": element,
        },
    ]
    return _modal(
        SetupView.PILOT, t("setup.pilot.modal_title", locale), t("setup.pilot.modal_create", locale), locale, blocks
    )


# --------------------------------------------------------------------------- parsers


def _state(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    block = values.get(block_id)
    inner = block.get(block_id) if isinstance(block, Mapping) else None
    return inner if isinstance(inner, Mapping) else {}


def _user(values: Mapping[str, Any], block_id: str) -> str | None:
    picked = _state(values, block_id).get("selected_user")
    return picked if isinstance(picked, str) and picked else None


def parse_sponsor(values: Mapping[str, Any]) -> str | None:
    return _user(values, SetupField.SPONSOR)


def parse_contacts(values: Mapping[str, Any], private_metadata: str) -> dict[str, tuple[str | None, str | None]]:
    """Slot key → (primary, backup) as picked; the keys come from the modal's private_metadata."""
    try:
        keys = json.loads(private_metadata or "[]")
    except ValueError:
        keys = []
    picks: dict[str, tuple[str | None, str | None]] = {}
    for n, key in enumerate(keys if isinstance(keys, list) else []):
        picks[str(key)] = (_user(values, contact_block_id(n, "primary")), _user(values, contact_block_id(n, "backup")))
    return picks


def parse_department(values: Mapping[str, Any]) -> str | None:
    picked = _state(values, SetupField.DEPARTMENT).get("selected_option")
    value = picked.get("value") if isinstance(picked, Mapping) else None
    return value if isinstance(value, str) and value else None
