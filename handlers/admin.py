"""Admin Home tab listeners: wave buttons, the wave editor modal, its option loads, and gate answers.

Every admin listener loads the caller's roles from the database first (never trusting the payload): a
forged block_actions, view_submission or block_suggestion from a non-admin is refused, logged at
WARNING, and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.waves import TransitionError
from bot.flows import admin_home
from bot.flows.setup import admin_locale
from bot.flows.user_ids import check_user_ids, wave_field_errors
from bot.i18n import Text, say, t
from bot.services import rollout
from bot.services.callers import load_caller
from bot.services.people import active_departments
from bot.views.ids import AdminAction, AdminView, WaveField
from bot.views.wave_modals import (
    editor_metadata,
    field_errors,
    localized,
    option_list,
    parse_wave_submission,
    submission_problems,
    wave_editor_modal,
)
from nudges.direct import reply

log = logging.getLogger(__name__)
NOT_ADMIN = Text("admin.not_admin")
# Time the wave editor spends on users.info before it answers (Slack closes a view submission after 3 s).
ID_CHECK_BUDGET_S = 1.5


def is_admin(deps: Deps, user_id: str, what: str) -> bool:
    """The server-side role check every admin listener starts with; refusals are logged."""
    with session_scope(deps.session_factory) as session:
        allowed = load_caller(session, deps.settings, user_id).is_admin
    if not allowed:
        log.warning("refused %s from non-admin %s", what, user_id)
    return allowed


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _wave_id(body: dict[str, Any]) -> int | None:
    head = _value(body).split(":", 1)[0]
    return int(head) if head.isdigit() else None


def _tell(deps: Deps, user_id: str, text: str) -> None:
    reply(deps, user_id, text, about="admin")


def handle_open_editor(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    ack()
    user_id = body["user"]["id"]
    action = (body.get("actions") or [{}])[0].get("action_id", "")
    if not is_admin(deps, user_id, action):
        return
    wave_id = _wave_id(body) if action != AdminAction.WAVE_NEW else None
    with session_scope(deps.session_factory) as session:
        wave = rollout.get_wave(session, wave_id) if wave_id is not None else None
        departments = active_departments(session)
    if wave_id is not None and wave is None:
        return
    view = wave_editor_modal(
        wave.form() if wave else None,
        locale=admin_locale(deps, user_id),
        wave_id=wave_id,
        departments=departments,
        usergroups=admin_home.usergroup_choices(deps),
        adjust=action == AdminAction.WAVE_ADJUST,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _run_command(deps: Deps, user_id: str, action: str, wave_id: int, value: str) -> None:
    now = deps.clock.now()
    members = deps.slack.usergroup_members
    with session_scope(deps.session_factory) as s:
        if action == AdminAction.WAVE_START:
            rollout.start_wave(s, actor=user_id, wave_id=wave_id, now=now, usergroup_members=members)
        elif action == AdminAction.WAVE_PAUSE:
            rollout.pause_wave(s, actor=user_id, wave_id=wave_id, now=now)
        elif action == AdminAction.WAVE_RESUME:
            rollout.resume_wave(s, actor=user_id, wave_id=wave_id, now=now)
        elif action == AdminAction.WAVE_ADVANCE:
            rollout.advance_wave(s, actor=user_id, wave_id=wave_id, now=now, usergroup_members=members)
        elif action == AdminAction.WAVE_EXTEND:
            days = int(value.split(":", 1)[1]) if ":" in value else 7
            rollout.extend_wave(s, actor=user_id, wave_id=wave_id, days=days, now=now)


def handle_wave_command(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    ack()
    user_id = body["user"]["id"]
    action = body["actions"][0]["action_id"]
    wave_id = _wave_id(body)
    if not is_admin(deps, user_id, action) or wave_id is None:
        return
    try:
        _run_command(deps, user_id, action, wave_id, _value(body))
    except (TransitionError, ValueError) as exc:
        locale = admin_locale(deps, user_id)
        _tell(deps, user_id, t("admin.could_not", locale, reason=say(exc.args[0] if exc.args else str(exc), locale)))
    admin_home.publish_admin_home(deps, user_id)


def handle_page(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    ack()
    user_id = body["user"]["id"]
    if not is_admin(deps, user_id, "page"):
        return
    wave_page, _, dept_page = _value(body).partition(":")
    admin_home.publish_admin_home(
        deps,
        user_id,
        wave_page=int(wave_page) if wave_page.isdigit() else 0,
        dept_page=int(dept_page) if dept_page.isdigit() else 0,
        rollout=True,
    )


def handle_wave_editor_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps) -> None:
    user_id = body["user"]["id"]
    locale = admin_locale(deps, user_id)
    if not is_admin(deps, user_id, "wave editor submission"):
        ack(response_action="errors", errors={WaveField.NAME.value: say(NOT_ADMIN, locale)})
        return
    meta = editor_metadata(view.get("private_metadata"))
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    problems = submission_problems(values)
    if meta is None or problems:
        unreadable: dict[str, str] = {WaveField.NAME.value: Text("editor.unreadable")}
        ack(response_action="errors", errors=localized(problems or unreadable, locale))
        return
    assert isinstance(values, dict)  # submission_problems refused anything else
    raw_blocks = view.get("blocks")
    blocks: list[Any] = raw_blocks if isinstance(raw_blocks, list) else []
    present = {str(b.get("block_id")) for b in blocks if isinstance(b, dict)} | set(values)
    form = parse_wave_submission(values)
    now = deps.clock.now()
    with session_scope(deps.session_factory) as session:
        before = rollout.get_wave(session, meta["wave_id"]) if meta.get("wave_id") is not None else None
    # Ids the wave already had were checked when they were saved; new ones are asked about (within Slack's 3 s).
    accepted = ({before.sponsor_user_id} | set(before.selectors.get("users", []))) if before else set()
    ids = check_user_ids(
        [*([form.sponsor_user_id] if form.sponsor_user_id else []), *form.users],
        deps.slack.user_info,
        skip={u for u in accepted if u},
        budget_s=ID_CHECK_BUDGET_S,
    )
    if ids.unchecked:
        log.info("wave editor: user ids not checked with Slack (%s)", ids.unchecked)
    id_errors = wave_field_errors(ids, sponsor=form.sponsor_user_id, users=form.users, locale=locale)
    try:
        with session_scope(deps.session_factory) as session:
            saved = rollout.save_wave(
                session, actor=user_id, form=form, now=now, wave_id=meta.get("wave_id"), id_errors=id_errors
            )
            if meta.get("adjust"):
                rollout.adjust_wave(session, actor=user_id, wave_id=saved.id, now=now)
    except rollout.WaveFormInvalid as exc:
        ack(response_action="errors", errors=field_errors(exc.errors, present, locale))
        return
    except TransitionError as exc:
        ack(response_action="errors", errors={WaveField.NAME.value: say(exc.args[0], locale)})
        return
    ack()
    with session_scope(deps.session_factory) as session:  # after the ack: may ask Slack for user groups
        rollout.refresh_membership(
            session, actor=user_id, wave_id=saved.id, now=now, usergroup_members=deps.slack.usergroup_members
        )
    admin_home.publish_admin_home(deps, user_id)


def options_loader(choices: Callable[[Deps], list[tuple[str, str]]]) -> Callable[..., None]:
    def handle_options(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
        if not is_admin(deps, body["user"]["id"], f"options {body.get('action_id')}"):
            ack(options=[])
            return
        ack(**option_list(choices(deps), str(body.get("value") or "")))

    return handle_options


def _departments(deps: Deps) -> list[tuple[str, str]]:
    with session_scope(deps.session_factory) as session:
        return [(d, d) for d in active_departments(session)]


ADMIN_EDITORS = (AdminAction.WAVE_NEW, AdminAction.WAVE_EDIT, AdminAction.WAVE_ADJUST)
ADMIN_COMMANDS = (
    AdminAction.WAVE_START,
    AdminAction.WAVE_PAUSE,
    AdminAction.WAVE_RESUME,
    AdminAction.WAVE_ADVANCE,
    AdminAction.WAVE_EXTEND,
)


def register(app: App) -> None:
    for action_id in ADMIN_EDITORS:
        app.action(action_id.value)(handle_open_editor)
    for action_id in ADMIN_COMMANDS:
        app.action(action_id.value)(handle_wave_command)
    app.action(AdminAction.PAGE.value)(handle_page)
    app.action(AdminAction.PAGE_BACK.value)(handle_page)
    app.view(AdminView.WAVE_EDITOR.value)(handle_wave_editor_submitted)
    app.options(WaveField.DEPARTMENTS.value)(options_loader(_departments))
    app.options(WaveField.USERGROUPS.value)(options_loader(admin_home.usergroup_choices))
