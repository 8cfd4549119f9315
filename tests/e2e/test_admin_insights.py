"""The admin Home's numbers panels through the wire: every department paged (click the published "Next →"),
help KPIs, training ratings per use case and the help contacts the evergreen check flagged, in the admin's
language, inside Slack's block limit."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import block_actions
from models import HelpContact, HelpContactCheck, HelpRequest, Person, PulseResponse
from tests.e2e.harness import HttpApp, http_app, open_admin_rollout, wait_until

NOW = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)
ADMIN = "U0ADMIN01"
DEPARTMENTS = 23


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_user(ADMIN, name="ada", real_name="Ada", tz="UTC", locale="en-US")
    with http_app(fake, sqlite_url, clock=ManualClock(NOW), COACH_ADMINS=ADMIN) as running:
        _seed(running)
        yield running
        time.sleep(0.2)


def _seed(app: HttpApp) -> None:
    with session_scope(app.deps.session_factory) as s:
        admin = Person(slack_user_id=ADMIN, display_name="ada", locale="en", tz="UTC", opted_out_kinds=[])
        people = [
            Person(slack_user_id=f"U0D{d:02d}P{i}", department=f"Dept {d:02d}", tz="UTC", opted_out_kinds=[])
            for d in range(DEPARTMENTS)
            for i in range(3)
        ]
        s.add_all([admin, *people])
        s.flush()
        asker = people[0].id
        routing: dict[str, Any] = {"chain": []}
        for opened, due, first, state, rating in [
            (3, 2, 2.5, "closed", 5),  # answered in 30 minutes, within the SLA
            (5, 4, 3, "closed", 3),  # answered in 2 hours, late
            (26, 25, None, "open", None),  # nobody yet: past due, the oldest open
        ]:
            s.add(
                HelpRequest(
                    asker_id=asker,
                    topic="how-to",
                    question="?",
                    owner="U0HELPER1",
                    state=state,
                    routing=routing,
                    opened_at=NOW - timedelta(hours=opened),
                    sla_first_response_due=NOW - timedelta(hours=due),
                    first_response_at=NOW - timedelta(hours=first) if first is not None else None,
                    satisfaction=rating,
                )
            )
        for n, (key, score) in enumerate([("react-to-news", 4), ("react-to-news", 5), ("react-to-news", 5)]):
            s.add(PulseResponse(person_id=people[n].id, kind="training", score=score, comment=key, answered_at=NOW))
        s.add(PulseResponse(person_id=people[3].id, kind="training", score=1, comment="find-help", answered_at=NOW))


def _published(app: HttpApp, fake: FakeSlack, send: Any) -> dict[str, Any]:
    before = len(fake.calls_to("views.publish"))
    send()
    wait_until(lambda: len(fake.calls_to("views.publish")) > before)
    view = fake.home_view(ADMIN)
    assert view is not None
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    return view


def _rollout(app: HttpApp, fake: FakeSlack) -> dict[str, Any]:
    """The admin's rollout view, reached through the setup checklist's button (no wave exists here)."""
    view = open_admin_rollout(app, fake, ADMIN)
    View(**view).validate_json()
    return view


def _departments(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"].split("*")[1] for b in view["blocks"] if b.get("block_id", "").startswith("dept.")]


def test_departments_page_with_the_published_buttons_and_help_and_training_panels(
    app: HttpApp, fake: FakeSlack
) -> None:
    first = _rollout(app, fake)
    text = json.dumps(first, ensure_ascii=False)
    assert len(_departments(first)) == 10 and "Departments 1–10 of 24, red first" in text  # 23 + (no department)
    assert (
        "*Help* · median first response 1h 15m · within SLA 33% · satisfaction 4.0/5 · "
        "oldest open: how-to, waiting 26h 00m" in text
    )
    assert "• React to a post: 4.7/5 (3 ratings)" in text  # (4 + 5 + 5) / 3
    assert "• Know where to get help: – (1 ratings)" in text  # one rating: no average shown
    [pager] = [b for b in first["blocks"] if b.get("block_id") == "page.departments"]
    [next_button] = pager["elements"]
    second = _published(
        app,
        fake,
        lambda: app.driver.post_interaction(
            block_actions(
                ADMIN, next_button["action_id"], next_button["value"], block_id="page.departments", view=first
            )
        ),
    )
    assert "Departments 11–20 of 24" in json.dumps(second, ensure_ascii=False)
    assert not set(_departments(first)) & set(_departments(second))


def test_the_panels_speak_the_admins_language(app: HttpApp, fake: FakeSlack) -> None:
    with session_scope(app.deps.session_factory) as s:
        s.query(Person).filter_by(slack_user_id=ADMIN).one().locale_override = "ja"
    view = _rollout(app, fake)
    text = json.dumps(view, ensure_ascii=False)
    assert "数値" in [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert "*定着 (Adoption)*" in text and "初回応答の中央値 1h 15m" in text and "*トレーニングの評価*" in text


def _flagged_panel(view: dict[str, Any]) -> list[str]:
    return [
        line for b in view["blocks"] if b.get("block_id") == "help.flagged" for line in b["text"]["text"].split("\n")
    ]


def test_contacts_flagged_by_the_evergreen_check_are_listed_oldest_first_and_bounded(
    app: HttpApp, fake: FakeSlack
) -> None:
    from bot.flows.help_directory import check_contacts
    from bot.views.ids import HelpAction

    assert _flagged_panel(_rollout(app, fake)) == []  # nobody flagged: no panel
    with session_scope(app.deps.session_factory) as s:  # Security's backup has left; 14 departments get a contact
        s.add(Person(slack_user_id="U0SECOPS02", deactivated=True, opted_out_kinds=[]))
        s.add_all(
            HelpContact(topic="how-to", department=f"Dept {n:02d}", primary_user=f"U0HOWD{n:04d}") for n in range(14)
        )
    clock = app.deps.clock
    assert isinstance(clock, ManualClock)
    check_contacts(app.deps)  # first sight starts everyone's 90 days; the deactivated account is flagged now
    clock.advance(timedelta(days=91))
    assert "U0SECOPS01" in check_contacts(app.deps).ask
    # Security's primary answers the evergreen question with "not me any more".
    app.driver.post_interaction(block_actions("U0SECOPS01", HelpAction.CONTACT_NOT_ME, "no", channel="D0SECOPS1"))

    def declined() -> str | None:
        with session_scope(app.deps.session_factory) as s:
            return s.query(HelpContactCheck).filter_by(user_id="U0SECOPS01").one().flag_reason

    assert wait_until(declined, timeout=10) == "declined"
    clock.advance(timedelta(days=8))
    check_contacts(app.deps)  # the rest never answered: flagged a week after the question
    with session_scope(app.deps.session_factory) as s:
        flagged = s.query(HelpContactCheck).filter(HelpContactCheck.flagged_at.is_not(None)).count()
    assert flagged == 2 + 4 + 14  # the two above, U0ADMIN001/002, U0HOWTO001, U0SALES001 and the 14

    lines = _flagged_panel(_rollout(app, fake))
    assert lines[0] == "*Help contacts to check* (flagged by the 90-day evergreen check)"
    assert lines[1] == "• <@U0SECOPS02> · Security and compliance · their account is deactivated · since 2026-02-02"
    assert lines[2] == (
        "• <@U0SECOPS01> · Security and compliance · they say they are no longer the right person · since 2026-05-04"
    )
    assert (
        "• <@U0ADMIN001> · Setup, devices and accounts (IT), How do I… (using Slack), Something else · they did "
        "not confirm within a week that they are still the right person · since 2026-05-12"
    ) in lines  # one line per contact, every topic they answer
    assert len(lines) == 1 + 10 + 1 and lines[-1] == "_…and 10 more flagged contacts._"  # bounded: one block

    with session_scope(app.deps.session_factory) as s:
        s.query(Person).filter_by(slack_user_id=ADMIN).one().locale_override = "ja"
    ja = _flagged_panel(_rollout(app, fake))
    assert ja[0] == "*確認が必要なヘルプ窓口*（90日ごとの確認で検出）"
    assert ja[1] == "• <@U0SECOPS02>・セキュリティ・コンプライアンス・アカウントが無効になっています・2026-02-02 から"
    assert ja[-1] == "_…ほか 10 件の窓口が確認待ちです。_"
