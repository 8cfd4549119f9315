"""The wave editor modal and reading its submission back into a WaveForm.

Departments and user groups are multi_static_select up to Slack's 100 options; beyond that they become
multi_external_select served by the (role-checked) options handler.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.waves import MAX_PHASE_DAYS, PhaseSchedule, WaveForm
from bot.views.blocks import Block, clip
from bot.views.ids import AdminView, WaveField

MAX_STATIC_OPTIONS = 100
OPTION_TEXT_MAX = 75

# Domain field → the input block that shows its error.
ERROR_BLOCKS = {
    "name": WaveField.NAME,
    "goal": WaveField.GOAL,
    "sponsor_user_id": WaveField.SPONSOR,
    "purpose_message": WaveField.PURPOSE,
    "members": WaveField.DEPARTMENTS,
    "users": WaveField.USERS,
    "start_date": WaveField.START_DATE,
    "unfreeze": WaveField.UNFREEZE_DAYS,
    "change": WaveField.CHANGE_DAYS,
    "refreeze": WaveField.REFREEZE_DAYS,
}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, OPTION_TEXT_MAX), "emoji": True}


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": value[:150]}


def _input(field: WaveField, label: str, element: dict[str, Any], *, optional: bool = True, hint: str = "") -> Block:
    element["action_id"] = field.value
    block: Block = {
        "type": "input",
        "block_id": field.value,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text(value: str, *, multiline: bool = False, max_length: int = 3000) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if value:
        element["initial_value"] = value[:max_length]
    return element


def _multi(options: Sequence[tuple[str, str]], chosen: Sequence[str]) -> dict[str, Any]:
    """A static multi-select, or an external one past Slack's 100 options (block_suggestion by action_id)."""
    labels = dict((value, label) for label, value in options)
    initial = [option(labels.get(v, v), v) for v in chosen][:MAX_STATIC_OPTIONS]
    if len(options) > MAX_STATIC_OPTIONS:
        element: dict[str, Any] = {"type": "multi_external_select", "min_query_length": 0}
    else:
        element = {"type": "multi_static_select", "options": [option(label, v) for label, v in options]}
    if initial:
        element["initial_options"] = initial
    return element


def _days(field: WaveField, label: str, value: int) -> Block:
    element = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(MAX_PHASE_DAYS),
        "initial_value": str(value),
    }
    return _input(field, label, element, optional=False)


def wave_editor_modal(
    form: WaveForm | None,
    *,
    wave_id: int | None,
    departments: Sequence[str],
    usergroups: Sequence[tuple[str, str]],
    adjust: bool = False,
) -> dict[str, Any]:
    """The wave editor; `usergroups` are (label, id) pairs; `adjust` re-runs the change phase on save."""
    form = form or WaveForm(name="")
    blocks: list[Block] = [
        _input(WaveField.NAME, "Wave name", _text(form.name, max_length=100), optional=False),
        _input(
            WaveField.GOAL,
            "Business goal",
            _text(form.goal, max_length=500),
            hint='What should get better, e.g. "cut order lead time by 20%".',
        ),
        _input(WaveField.SPONSOR, "Executive sponsor", _user_select(form.sponsor_user_id)),
        _input(
            WaveField.PURPOSE, "Sponsor's purpose message", _text(form.purpose_message, multiline=True, max_length=2000)
        ),
    ]
    if departments or form.departments:
        dept_options = [(d, d) for d in departments]
        blocks.append(
            _input(
                WaveField.DEPARTMENTS,
                "Departments",
                _multi(dept_options, form.departments),
            )
        )
    if usergroups or form.usergroups:
        blocks.append(_input(WaveField.USERGROUPS, "Slack user groups", _multi(usergroups, form.usergroups)))
    users: dict[str, Any] = {"type": "multi_users_select"}
    if form.users:
        users["initial_users"] = list(form.users)[:100]
    blocks.append(_input(WaveField.USERS, "Individual people", users))
    date_el: dict[str, Any] = {"type": "datepicker"}
    if form.start_date:
        date_el["initial_date"] = form.start_date.isoformat()
    blocks.append(_input(WaveField.START_DATE, "Start date", date_el, hint="With a date the wave starts by itself."))
    blocks += [
        _days(WaveField.UNFREEZE_DAYS, "Unfreeze: days of purpose and why", form.schedule.unfreeze),
        _days(WaveField.CHANGE_DAYS, "Change: days of use cases and training", form.schedule.change),
        _days(WaveField.REFREEZE_DAYS, "Refreeze: days of reinforcement", form.schedule.refreeze),
    ]
    title = "Adjust wave" if adjust else ("Edit wave" if wave_id else "New wave")
    return {
        "type": "modal",
        "callback_id": AdminView.WAVE_EDITOR.value,
        "title": _plain(title),
        "submit": _plain("Save and re-run" if adjust else "Save"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"wave_id": wave_id, "adjust": adjust}),
        "blocks": blocks,
    }


def _user_select(user_id: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select"}
    if user_id:
        element["initial_user"] = user_id
    return element


def _value(values: dict[str, Any], field: WaveField) -> dict[str, Any]:
    """One input's state; {} for anything that is not the shape Slack sends."""
    block = values.get(field.value) if isinstance(values, dict) else None
    element = block.get(field.value) if isinstance(block, dict) else None
    return dict(element) if isinstance(element, dict) else {}


def _selected(values: dict[str, Any], field: WaveField) -> tuple[str, ...]:
    options = _value(values, field).get("selected_options")
    if not isinstance(options, list):
        return ()
    return tuple(str(o["value"]) for o in options if isinstance(o, dict) and "value" in o)


def _strings(raw: Any) -> bool:
    return isinstance(raw, list) and all(isinstance(item, str) for item in raw)


def submission_problems(values: Any) -> dict[str, str]:
    """Field → reason for values Slack's own inputs never send (a broken or forged payload), or a bad date.

    The domain judges the form; this judges whether it could be read at all, so nothing is saved half-read
    (a date that is not a date would otherwise be saved as "no start date").
    """
    if not isinstance(values, dict):
        return {WaveField.NAME.value: "This form could not be read. Close it and open the wave editor again."}
    problems: dict[str, str] = {}
    raw_date = _value(values, WaveField.START_DATE).get("selected_date")
    if raw_date and _date(raw_date) is None:
        problems[WaveField.START_DATE.value] = "Pick a date from the calendar (YYYY-MM-DD)."
    users = _value(values, WaveField.USERS).get("selected_users")
    if users is not None and not _strings(users):
        problems[WaveField.USERS.value] = "Choose people from the list."
    sponsor = _value(values, WaveField.SPONSOR).get("selected_user")
    if sponsor is not None and not isinstance(sponsor, str):
        problems[WaveField.SPONSOR.value] = "Choose the sponsor from the list."
    for field in (WaveField.NAME, WaveField.GOAL, WaveField.PURPOSE):
        text = _value(values, field).get("value")
        if text is not None and not isinstance(text, str):
            problems[field.value] = "This field could not be read; type it again."
    return problems


def editor_metadata(raw: Any) -> dict[str, Any] | None:
    """The editor's private_metadata ({"wave_id": int | None, "adjust": bool}); None when it is not that."""
    try:
        meta = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    wave_id = meta.get("wave_id")
    if wave_id is not None and (not isinstance(wave_id, int) or isinstance(wave_id, bool)):
        return None
    return {"wave_id": wave_id, "adjust": bool(meta.get("adjust"))}


def _int(raw: Any, fallback: int) -> int:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return fallback if raw in (None, "") else -1


def parse_wave_submission(values: dict[str, Any]) -> WaveForm:
    """view.state.values → WaveForm (validation happens in the domain, on the form)."""
    default = PhaseSchedule()
    raw_date = _value(values, WaveField.START_DATE).get("selected_date")
    return WaveForm(
        name=str(_value(values, WaveField.NAME).get("value") or ""),
        goal=str(_value(values, WaveField.GOAL).get("value") or ""),
        sponsor_user_id=_value(values, WaveField.SPONSOR).get("selected_user") or None,
        purpose_message=str(_value(values, WaveField.PURPOSE).get("value") or ""),
        departments=_selected(values, WaveField.DEPARTMENTS),
        usergroups=_selected(values, WaveField.USERGROUPS),
        users=tuple(_value(values, WaveField.USERS).get("selected_users") or ()),
        start_date=_date(raw_date),
        schedule=PhaseSchedule(
            unfreeze=_int(_value(values, WaveField.UNFREEZE_DAYS).get("value"), default.unfreeze),
            change=_int(_value(values, WaveField.CHANGE_DAYS).get("value"), default.change),
            refreeze=_int(_value(values, WaveField.REFREEZE_DAYS).get("value"), default.refreeze),
        ),
    )


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def field_errors(errors: dict[str, str], present: set[str]) -> dict[str, str]:
    """Domain errors → {block_id: message} for response_action=errors (only blocks the modal has)."""
    out: dict[str, str] = {}
    for name, message in errors.items():
        block = ERROR_BLOCKS.get(name, WaveField.NAME).value
        if block not in present:
            block = WaveField.USERS.value if name == "members" else WaveField.NAME.value
        out[block] = (out[block] + " " + message) if block in out else message
    return out


def option_list(choices: Sequence[tuple[str, str]], query: str) -> dict[str, Any]:
    """The block_suggestion answer: up to 100 options whose label contains the typed text."""
    q = query.strip().lower()
    matched = [option(label, value) for label, value in choices if q in label.lower()]
    return {"options": matched[:MAX_STATIC_OPTIONS]}
