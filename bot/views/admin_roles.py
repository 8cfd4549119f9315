"""Admin Home pieces and modals for ambassadors, sponsors and help contacts (pure builders and parsers).

Departments are a static_select up to Slack's 100 options; beyond that an external_select served by the
role-checked options handler (block_suggestion on the field's action_id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.domain.admin_forms import DAYS, ROLES, ContactForm, RoleForm
from bot.i18n import say, t
from bot.views.blocks import Block, actions, button, context, header, section
from bot.views.ids import ContactField, RoleAdminAction, RoleAdminView, RoleField
from bot.views.wave_modals import MAX_STATIC_OPTIONS, option

# A sensible default list of IANA zones; the playbook's and existing contacts' zones are added to it.
COMMON_ZONES = (
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Ho_Chi_Minh",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
)

ROLE_ERROR_BLOCKS = {"user": RoleField.USER, "role": RoleField.ROLE, "department": RoleField.DEPARTMENT}
CONTACT_ERROR_BLOCKS = {
    "topic": ContactField.TOPIC,
    "department": ContactField.DEPARTMENT,
    "primary": ContactField.PRIMARY,
    "backup": ContactField.BACKUP,
    "tz": ContactField.TZ,
    "days": ContactField.DAYS,
    "start": ContactField.START,
    "end": ContactField.END,
}


# --------------------------------------------------------------------------- Home tab


def roles_blocks(lines: Sequence[str], locale: str = "en") -> list[Block]:
    """The Home section: who covers which department, and the two buttons (4 blocks at any size)."""
    return [
        header(t("roles.title", locale)),
        section("\n".join(lines) or t("roles.none", locale)),
        context(t("roles.note", locale)),
        actions(
            button(t("roles.appoint", locale), RoleAdminAction.APPOINT, "appoint", style="primary"),
            button(t("roles.remove", locale), RoleAdminAction.REMOVE, "remove"),
            block_id="roles.actions",
        ),
    ]


def contact_actions(locale: str = "en") -> Block:
    """The button under the Home tab's help contact list."""
    edit = button(t("roles.edit_contact", locale), RoleAdminAction.EDIT_CONTACT, "edit")
    return actions(edit, block_id="contacts.actions")


# --------------------------------------------------------------------------- modal parts


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    element["action_id"] = block_id
    block: Block = {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}
    block["optional"] = optional
    if hint:
        block["hint"] = _plain(hint)
    return block


def _select(choices: Sequence[tuple[str, str]], initial: str | None = None) -> dict[str, Any]:
    """A static_select, or an external_select past Slack's 100 options."""
    if len(choices) > MAX_STATIC_OPTIONS:
        element: dict[str, Any] = {"type": "external_select", "min_query_length": 0}
    else:
        element = {"type": "static_select", "options": [option(label, value) for label, value in choices]}
    labels = {value: label for label, value in choices}
    if initial and initial in labels:
        element["initial_option"] = option(labels[initial], initial)
    return element


def _modal(callback_id: str, title: str, submit: str, blocks: list[Block], locale: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain(t("roles.modal.cancel", locale)),
        "blocks": blocks,
    }


def role_modal(*, remove: bool, departments: Sequence[str], locale: str = "en") -> dict[str, Any]:
    """Appoint (or remove) an ambassador or sponsor: person, role, department."""
    loc = locale
    radios = {
        "type": "radio_buttons",
        "options": [option(t(f"roles.role.{r}", loc), r) for r in ROLES],
        "initial_option": option(t("roles.role.ambassador", loc), "ambassador"),
    }
    verb = "remove" if remove else "appoint"
    blocks = [
        _input(RoleField.USER, t("roles.modal.person", loc), {"type": "users_select"}),
        _input(RoleField.ROLE, t("roles.modal.role", loc), radios),
        _input(
            RoleField.DEPARTMENT,
            t("roles.modal.department", loc),
            _select([(d, d) for d in departments]),
            optional=True,
            hint=t("roles.modal.department_hint", loc),
        ),
    ]
    callback = RoleAdminView.REMOVE if remove else RoleAdminView.APPOINT
    return _modal(callback.value, t(f"roles.modal.{verb}_title", loc), t(f"roles.modal.{verb}", loc), blocks, loc)


def zone_choices(extra: Iterable[str] = ()) -> list[str]:
    """COMMON_ZONES plus zones already in use, at most 100 (a static_select's limit)."""
    zones = list(dict.fromkeys([*COMMON_ZONES, *sorted(set(extra) - set(COMMON_ZONES))]))
    return zones[:MAX_STATIC_OPTIONS]


def contact_modal(
    *,
    topics: Sequence[tuple[str, str]],
    departments: Sequence[str],
    zones: Sequence[str],
    default_tz: str = "UTC",
    locale: str = "en",
) -> dict[str, Any]:
    """The help contact editor: topic, optional department, primary, backup and business hours."""
    loc = locale
    days = [option(t(f"roles.day.{d}", loc), d) for d in DAYS]
    day_boxes = {"type": "checkboxes", "options": days, "initial_options": days[:5]}
    blocks = [
        _input(ContactField.TOPIC, t("contact.modal.topic", loc), _select(topics, topics[0][1] if topics else None)),
        _input(
            ContactField.DEPARTMENT,
            t("roles.modal.department", loc),
            _select([(d, d) for d in departments]),
            optional=True,
            hint=t("contact.modal.department_hint", loc),
        ),
        _input(ContactField.PRIMARY, t("contact.modal.primary", loc), {"type": "users_select"}),
        _input(ContactField.BACKUP, t("contact.modal.backup", loc), {"type": "users_select"}, optional=True),
        _input(ContactField.TZ, t("contact.modal.tz", loc), _select([(z, z) for z in zones], default_tz)),
        _input(ContactField.DAYS, t("contact.modal.days", loc), day_boxes),
        _input(ContactField.START, t("contact.modal.start", loc), {"type": "timepicker", "initial_time": "09:00"}),
        _input(ContactField.END, t("contact.modal.end", loc), {"type": "timepicker", "initial_time": "18:00"}),
    ]
    title, save = t("contact.modal.title", loc), t("contact.modal.save", loc)
    return _modal(RoleAdminView.CONTACT.value, title, save, blocks, loc)


# --------------------------------------------------------------------------- submissions


def _value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict((values.get(block_id) or {}).get(block_id) or {})


def _selected(values: dict[str, Any], block_id: str) -> str | None:
    chosen = _value(values, block_id).get("selected_option") or {}
    return str(chosen.get("value") or "").strip() or None


def parse_role_submission(values: dict[str, Any]) -> RoleForm:
    """view.state.values → RoleForm (checks happen on the form and in the service)."""
    return RoleForm(
        user_id=_value(values, RoleField.USER).get("selected_user") or None,
        role=_selected(values, RoleField.ROLE) or "",
        department=_selected(values, RoleField.DEPARTMENT),
    )


def parse_contact_submission(values: dict[str, Any]) -> ContactForm:
    """view.state.values → ContactForm."""
    days = _value(values, ContactField.DAYS).get("selected_options") or []
    return ContactForm(
        topic=_selected(values, ContactField.TOPIC) or "",
        department=_selected(values, ContactField.DEPARTMENT),
        primary=_value(values, ContactField.PRIMARY).get("selected_user") or None,
        backup=_value(values, ContactField.BACKUP).get("selected_user") or None,
        tz=_selected(values, ContactField.TZ) or "",
        days=tuple(str(d.get("value")) for d in days),
        start=str(_value(values, ContactField.START).get("selected_time") or ""),
        end=str(_value(values, ContactField.END).get("selected_time") or ""),
    )


def errors_for(errors: dict[str, str], blocks: dict[str, Any], locale: str = "en") -> dict[str, str]:
    """Form field errors → {block_id: message} in `locale`; anything unmapped lands on the first field."""
    mapped = [str(v) for v in blocks.values()]
    out: dict[str, str] = {}
    for name, text in errors.items():
        message = say(text, locale)
        block = str(blocks.get(name, mapped[0]))
        out[block] = f"{out[block]} {message}" if block in out else message
    return out
