"""The setup checklist and its modals stay valid Block Kit, in both languages, at any size."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from slack_sdk.models.views import View

from bot.i18n import STRINGS
from bot.views import setup as views

WORST = views.SetupChecklist(
    locale="en",
    missing_scopes=[f"scope{n}:read" for n in range(40)],
    missing_optional=["files:write", "dnd:read"],
    channels_total=60,
    missing_channels=[f"#channel-{n}" for n in range(60)],
    people=120_000,
    synced_at=datetime(2026, 2, 2, 11, 0, tzinfo=UTC),
    departments=[f"Department {n}" for n in range(500)],
    without_department=4_000,
    contacts=[
        views.ContactRow(f"topic{n}", f"Topic {n} " + "x" * 200, f"U0P{n:07d}", None, {f"U0P{n:07d}": "deactivated"})
        for n in range(40)
    ],
    sponsor="U0SPONSOR1",
    sponsor_problem="placeholder",
)


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_worst_case_checklist_is_valid_and_small(locale: str) -> None:
    state = views.SetupChecklist(**{**WORST.__dict__, "locale": locale})
    view = views.setup_checklist(state)
    View(**view).validate_json()
    assert len(view["blocks"]) <= 20
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")


def test_the_modals_are_valid_at_any_size() -> None:
    for locale in ("en", "ja"):
        for modal in (
            views.contacts_modal(locale, WORST.contacts),
            views.sponsor_modal(locale, "U0EXEC0001"),
            views.pilot_modal(locale, WORST.departments, 3, "A goal " * 200),
        ):
            View(**modal).validate_json()
            assert len(modal["blocks"]) <= 100


def test_a_person_with_a_problem_is_never_offered_as_the_initial_choice() -> None:
    rows = [views.ContactRow("setup", "Setup", "U0ADMIN001", "U0GOOD0001", {"U0ADMIN001": "placeholder"})]
    modal = views.contacts_modal("en", rows)
    elements = [b["element"] for b in modal["blocks"] if b["type"] == "input"]
    assert "initial_user" not in elements[0] and elements[1]["initial_user"] == "U0GOOD0001"
    values = {b: {b: {"type": "users_select", "selected_user": "U0NEW00001"}} for b in ("setup.contact.0.primary",)}
    assert views.parse_contacts(values, modal["private_metadata"]) == {"setup": ("U0NEW00001", None)}


def test_every_setup_string_is_in_both_languages() -> None:
    keys = [k for k in STRINGS if k.startswith("setup.")]
    assert len(keys) > 50 and all(STRINGS[k].get("ja") for k in keys)
    ja = json.dumps(
        views.setup_checklist(views.SetupChecklist(**{**WORST.__dict__, "locale": "ja"})), ensure_ascii=False
    )
    assert "Next:" not in ja and "Sync people" not in ja
