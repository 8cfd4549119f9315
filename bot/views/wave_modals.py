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
from bot.i18n import Text, say, t
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
    "goal_ja": WaveField.GOAL_JA,
    "purpose_message_ja": WaveField.PURPOSE_JA,
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
    locale: str = "en",
) -> dict[str, Any]:
    """The wave editor; `usergroups` are (label, id) pairs; `adjust` re-runs the change phase on save.

    Goal and purpose message have an English and a Japanese field: each member reads their own language's,
    or the other one when only one is written."""
    form, loc = form or WaveForm(name=""), locale
    both = t("editor.languages.hint", loc)
    blocks: list[Block] = [
        _input(WaveField.NAME, t("editor.name", loc), _text(form.name, max_length=100), optional=False),
        _input(
            WaveField.GOAL, t("editor.goal", loc), _text(form.goal, max_length=500), hint=t("editor.goal.hint", loc)
        ),
        _input(WaveField.GOAL_JA, t("editor.goal_ja", loc), _text(form.goal_ja, max_length=500), hint=both),
        _input(WaveField.SPONSOR, t("editor.sponsor", loc), _user_select(form.sponsor_user_id)),
        _input(
            WaveField.PURPOSE,
            t("editor.purpose", loc),
            _text(form.purpose_message, multiline=True, max_length=2000),
        ),
        _input(
            WaveField.PURPOSE_JA,
            t("editor.purpose_ja", loc),
            _text(form.purpose_message_ja, multiline=True, max_length=2000),
            hint=both,
        ),
    ]
    if departments or form.departments:
        dept_options = [(d, d) for d in departments]
        blocks.append(
            _input(
                WaveField.DEPARTMENTS,
                t("editor.departments", loc),
                _multi(dept_options, form.departments),
            )
        )
    if usergroups or form.usergroups:
        blocks.append(_input(WaveField.USERGROUPS, t("editor.usergroups", loc), _multi(usergroups, form.usergroups)))
    users: dict[str, Any] = {"type": "multi_users_select"}
    if form.users:
        users["initial_users"] = list(form.users)[:100]
    blocks.append(_input(WaveField.USERS, t("editor.users", loc), users))
    date_el: dict[str, Any] = {"type": "datepicker"}
    if form.start_date:
        date_el["initial_date"] = form.start_date.isoformat()
    start_hint = t("editor.start_date.hint", loc)
    blocks.append(_input(WaveField.START_DATE, t("editor.start_date", loc), date_el, hint=start_hint))
    blocks += [
        _days(WaveField.UNFREEZE_DAYS, t("editor.unfreeze", loc), form.schedule.unfreeze),
        _days(WaveField.CHANGE_DAYS, t("editor.change", loc), form.schedule.change),
        _days(WaveField.REFREEZE_DAYS, t("editor.refreeze", loc), form.schedule.refreeze),
    ]
    title = "editor.title.adjust" if adjust else ("editor.title.edit" if wave_id else "editor.title.new")
    return {
        "type": "modal",
        "callback_id": AdminView.WAVE_EDITOR.value,
        "title": _plain(t(title, loc)),
        "submit": _plain(t("editor.save_rerun" if adjust else "editor.save", loc)),
        "close": _plain(t("editor.cancel", loc)),
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
        return {WaveField.NAME.value: Text("editor.unreadable")}
    problems: dict[str, str] = {}
    raw_date = _value(values, WaveField.START_DATE).get("selected_date")
    if raw_date and _date(raw_date) is None:
        problems[WaveField.START_DATE.value] = Text("editor.bad_date")
    users = _value(values, WaveField.USERS).get("selected_users")
    if users is not None and not _strings(users):
        problems[WaveField.USERS.value] = Text("editor.bad_users")
    sponsor = _value(values, WaveField.SPONSOR).get("selected_user")
    if sponsor is not None and not isinstance(sponsor, str):
        problems[WaveField.SPONSOR.value] = Text("editor.bad_sponsor")
    for field in (WaveField.NAME, WaveField.GOAL, WaveField.PURPOSE, WaveField.GOAL_JA, WaveField.PURPOSE_JA):
        text = _value(values, field).get("value")
        if text is not None and not isinstance(text, str):
            problems[field.value] = Text("editor.bad_text")
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
        goal_ja=str(_value(values, WaveField.GOAL_JA).get("value") or ""),
        purpose_message_ja=str(_value(values, WaveField.PURPOSE_JA).get("value") or ""),
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


def localized(errors: dict[str, str], locale: str) -> dict[str, str]:
    """{block_id: Text} → the same messages in the admin's language."""
    return {block: say(message, locale) for block, message in errors.items()}


def field_errors(errors: dict[str, str], present: set[str], locale: str = "en") -> dict[str, str]:
    """Domain errors → {block_id: message} for response_action=errors (only blocks the modal has), in `locale`."""
    out: dict[str, str] = {}
    for name, text in errors.items():
        message = say(text, locale)
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
