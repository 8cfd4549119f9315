"""A Japanese admin walks every admin surface through the wire and reads no English.

The workspace's admin has `locale: ja-JP` in users.info. They open the setup checklist (with its "Admin /
My journey" switch) and its modals, the rollout view (a wave at the feedback gate, a paused one, a draft),
the wave editor (new, edit, adjust), the role and help-contact modals, submit forms with errors, press a
wave button that no longer applies (the DM that explains why), and the metrics tick posts a red-department
card to the admin channel (a playbook whose default language is Japanese). Every text string Coach
published in those views and messages is collected; after removing Slack ids, mentions, links, emoji
codes, code spans and the proper nouns listed in tests/english.py, no Latin word may remain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.db import session_scope
from bot.domain.waves import WaveForm
from bot.flows.people import sync_people
from bot.playbook.loader import default_playbook_path
from bot.services import rollout
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, block_actions, event_callback, view_submission
from bot.views.ids import (
    AdminAction,
    AdminView,
    ContactField,
    HomeAction,
    RoleAdminAction,
    RoleAdminView,
    RoleField,
    SetupAction,
    WaveField,
)
from models import Wave
from nudges.insight_jobs import tick_metrics
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, grant_manifest_scopes, http_app, wait_until
from tests.english import english_words, texts
from tests.services.conftest import MONDAY_10_JST

ADMIN = "U0KANRI01"
SALES = [f"U0EIGYO0{i}" for i in range(1, 4)]
ADMIN_CHANNEL = "C0ADMINS1"
DEPARTMENT = "営業部"


def test_the_checker_finds_english() -> None:
    assert english_words("Save and re-run") == ["Save", "and", "re", "run"]
    assert (
        english_words(
            "保存 <@U0KANRI01> `coach audit` :warning: Slack SLACK_BOT_TOKEN users:read #coach-admins /invite"
        )
        == []
    )
    assert english_words("Asia/Tokyo 〜 America/Los_Angeles U012AB3CD") == []
    assert list(texts({"blocks": [{"text": {"type": "mrkdwn", "text": "Edit"}}]})) == ["Edit"]


@pytest.fixture
def playbook_ja(tmp_path: Path) -> Path:
    """The bundled playbook with Japanese as its default language (the admin channel's language)."""
    source = default_playbook_path().read_text(encoding="utf-8")
    assert "default_locale: en\n" in source
    path = tmp_path / "playbook.yaml"
    path.write_text(source.replace("default_locale: en\n", "default_locale: ja\n"), encoding="utf-8")
    return path


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str, playbook_ja: Path) -> Iterator[HttpApp]:
    grant_manifest_scopes(fake)
    fake.add_user(
        ADMIN,
        name="kanri",
        real_name="管理 花子",
        tz="Asia/Tokyo",
        locale="ja-JP",
        is_admin=True,
        title="情報システム部",
    )
    for n, uid in enumerate(SALES):
        fake.add_user(uid, name=f"eigyo{n}", real_name=f"営業 {n}", tz="Asia/Tokyo", locale="ja-JP", title=DEPARTMENT)
    fake.add_channel(ADMIN_CHANNEL, "coach-admins")
    with http_app(fake, sqlite_url, clock=ManualClock(MONDAY_10_JST), COACH_PLAYBOOK=str(playbook_ja)) as running:
        sync_people(running.deps, DepartmentRule(profile_field="title"))
        yield running


class Reader:
    """What the admin has been shown so far: every published Home, opened modal, error and message."""

    def __init__(self, app: HttpApp, fake: FakeSlack) -> None:
        self.app, self.fake = app, fake
        self.read: list[tuple[str, str]] = []  # (where, text)

    def see(self, where: str, node: Any) -> None:
        self.read += [(where, text) for text in texts(node)]

    def _publish(self, send: Any) -> dict[str, Any]:
        before = len(self.fake.calls_to("views.publish"))
        send()
        wait_until(lambda: len(self.fake.calls_to("views.publish")) > before)
        view = self.fake.home_view(ADMIN)
        assert view is not None
        return view

    def open_home(self, where: str) -> dict[str, Any]:
        view = self._publish(lambda: self.app.driver.post_event(event_callback(app_home_opened(ADMIN))))
        self.see(where, view)
        return view

    def press(self, where: str, view: dict[str, Any], action_id: str, value: str | None = None) -> dict[str, Any]:
        """Click a button shown in `view`; returns the Home published or the modal opened in answer."""
        button = find_button(view, action_id, value)
        opened = len(self.fake.calls_to("views.open"))
        published = len(self.fake.calls_to("views.publish"))
        payload = block_actions(ADMIN, button["action_id"], button.get("value", ""), view=view)
        assert self.app.driver.post_interaction(payload).status == 200
        wait_until(
            lambda: (
                len(self.fake.calls_to("views.open")) > opened or len(self.fake.calls_to("views.publish")) > published
            )
        )
        if len(self.fake.calls_to("views.open")) > opened:
            call = self.fake.calls_to("views.open")[-1]
            shown = call.response.get("view") or call.args["view"]
        else:
            shown = self.fake.home_view(ADMIN)
        self.see(where, shown)
        return dict(shown)

    def submit(self, where: str, callback_id: str, values: dict[str, Any], modal: dict[str, Any]) -> dict[str, str]:
        """Submit a modal with `values`; returns the field errors Coach answered with (they must be there)."""
        payload = view_submission(ADMIN, callback_id, values, modal.get("private_metadata", ""), blocks=modal["blocks"])
        resp = self.app.driver.post_interaction(payload)
        assert resp.status == 200 and resp.body
        body = json.loads(resp.body)
        assert body["response_action"] == "errors" and body["errors"], body
        self.read += [(where, message) for message in body["errors"].values()]
        return dict(body["errors"])

    def messages_since(self, where: str, since: int, channel: str) -> list[dict[str, Any]]:
        """Messages posted to `channel` (the admin channel, or the admin's DM) since call number `since`."""
        posts = [c.args for c in self.fake.calls_to("chat.postMessage")[since:] if c.args.get("channel") == channel]
        for args in posts:
            self.see(where, {"text": args.get("text"), "blocks": args.get("blocks") or []})
        return posts

    def english(self) -> list[tuple[str, str, list[str]]]:
        return [(where, text, found) for where, text in self.read if (found := english_words(text))]


def find_button(view: dict[str, Any], action_id: str, value: str | None = None) -> dict[str, Any]:
    for block in view.get("blocks", []):
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        for el in elements:
            if el.get("action_id") == action_id and (value is None or el.get("value") == value):
                return dict(el)
    raise AssertionError(f"no button {action_id} in the view")


def _one(field: str, element: dict[str, Any]) -> dict[str, Any]:
    return {field: {field: element}}


def test_a_japanese_admin_reads_no_english_on_any_admin_surface(app: HttpApp, fake: FakeSlack) -> None:
    admin = Reader(app, fake)

    # The setup checklist, its view switch and its modals.
    checklist = admin.open_home("setup checklist")
    find_button(checklist, HomeAction.VIEW_JOURNEY)
    for action in (SetupAction.SPONSOR, SetupAction.CONTACTS, SetupAction.PILOT):
        admin.press(f"setup modal {action}", checklist, action)

    # The rollout view, with a wave in each kind of state.
    with session_scope(app.deps.session_factory) as s:
        now = app.deps.clock.now()
        running = rollout.save_wave(
            s,
            actor=ADMIN,
            form=WaveForm(name="第1波", goal_ja="受注までの時間を短縮", departments=(DEPARTMENT,)),
            now=now,
        )
        rollout.start_wave(s, actor=ADMIN, wave_id=running.id, now=now, usergroup_members=lambda _g: [])
        gate = s.get(Wave, running.id)  # at the feedback gate: Advance / Extend / Adjust
        assert gate is not None
        gate.phase, gate.phase_ends_at, gate.feedback_round = "feedback", None, 1
        paused = rollout.save_wave(s, actor=ADMIN, form=WaveForm(name="第2波", users=(ADMIN,)), now=now)
        rollout.start_wave(s, actor=ADMIN, wave_id=paused.id, now=now, usergroup_members=lambda _g: [])
        rollout.pause_wave(s, actor=ADMIN, wave_id=paused.id, now=now)
        rollout.save_wave(s, actor=ADMIN, form=WaveForm(name="第3波", users=(SALES[0],)), now=now)  # a draft
    home = admin.press("rollout view", checklist, SetupAction.BACK)
    assert "ロールアウト" in json.dumps(home, ensure_ascii=False)
    for action in (AdminAction.WAVE_ADVANCE, AdminAction.WAVE_RESUME, AdminAction.WAVE_START):
        find_button(home, action)  # a wave at the gate, a paused one and a draft are all on the page
    admin.press("wave editor (adjust)", home, AdminAction.WAVE_ADJUST)

    # The wave editor: new and edit, then a submission with errors.
    editor = admin.press("wave editor (new)", home, AdminAction.WAVE_NEW)
    admin.press("wave editor (edit)", home, AdminAction.WAVE_EDIT, str(paused.id))
    errors = admin.submit(
        "wave editor errors",
        AdminView.WAVE_EDITOR.value,
        _one(WaveField.NAME.value, {"type": "plain_text_input", "value": ""})
        | _one(WaveField.PURPOSE_JA.value, {"type": "plain_text_input", "value": "目的"}),
        editor,
    )
    assert WaveField.NAME.value in errors and WaveField.SPONSOR.value in errors

    # Roles and help contacts: the three modals, then submissions with errors.
    appoint = admin.press("appoint modal", home, RoleAdminAction.APPOINT)
    admin.press("remove modal", home, RoleAdminAction.REMOVE)
    contact = admin.press("contact modal", home, RoleAdminAction.EDIT_CONTACT)
    admin.submit(
        "role errors",
        RoleAdminView.APPOINT.value,
        _one(RoleField.USER.value, {"type": "users_select", "selected_user": None})
        | _one(RoleField.ROLE.value, {"type": "radio_buttons", "selected_option": {"value": "ambassador"}}),
        appoint,
    )
    errors = admin.submit(
        "contact errors",
        RoleAdminView.CONTACT.value,
        _one(ContactField.PRIMARY.value, {"type": "users_select", "selected_user": ADMIN})
        | _one(ContactField.BACKUP.value, {"type": "users_select", "selected_user": ADMIN})
        | _one(ContactField.TZ.value, {"type": "static_select", "selected_option": {"value": "Mars/Base"}})
        | _one(ContactField.START.value, {"type": "timepicker", "selected_time": "18:00"})
        | _one(ContactField.END.value, {"type": "timepicker", "selected_time": "09:00"}),
        contact,
    )
    assert {ContactField.BACKUP.value, ContactField.TZ.value, ContactField.END.value} <= set(errors)

    # A button pressed on a stale Home: "Start" for the wave that is already running → a DM saying why.
    since = len(fake.calls_to("chat.postMessage"))
    stale = {
        "blocks": [{"type": "actions", "elements": [{"action_id": AdminAction.WAVE_START, "value": str(running.id)}]}]
    }
    admin.press("wave command refused", stale | {"type": "home"}, AdminAction.WAVE_START)

    def admin_dm() -> str | None:
        opened = [c for c in fake.calls_to("conversations.open") if c.args.get("users") == ADMIN]
        return str(opened[-1].response["channel"]["id"]) if opened else None

    wait_until(lambda: (dm := admin_dm()) and admin.messages_since("admin DM", since, dm))

    # The metrics tick: the red department's card in the admin channel.
    since = len(fake.calls_to("chat.postMessage"))
    tick_metrics(app.deps)
    deliver_nudges(app.deps)
    posts = admin.messages_since("admin channel card", since, ADMIN_CHANNEL)
    assert any(DEPARTMENT in str(p["text"]) for p in posts), posts

    # The final Home, after all of it.
    admin.open_home("rollout view, after")
    assert len(admin.read) > 100
    assert admin.english() == [], "\n".join(f"{w}: {f} in {t!r}" for w, t, f in admin.english())
