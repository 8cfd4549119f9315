"""Every score computed by hand on a small fixed workspace, and read back from the admin Home and `/coach status`
through the wire (signed event / slash command in, views.publish / response_url out), the ambassador digest, and
the `coach report` CSVs (the command run over the metrics window): the surfaces agree with the formulas in
docs/metrics.md and with each other.

The workspace (no waves yet, so everyone counts as enrolled), Monday 2026-02-02 11:00 UTC; the metrics window is
2026-01-06 … 2026-02-02, the Adoption window 2026-01-27 … 2026-02-02; the playbook has 4 stages.

Sales (5 people)
  A stage 3 · active 01-27, 01-29, 02-02 (5 messages + 2 replies each) and 01-10 … 01-19 (4 messages each):
    3 of 7 days, 13 window days, 61 actions → power user; breadth threads + mentions (did mention-a-teammate)
  B stage 2 · 02-01, 02-02 one reaction each, a file on 01-20: 2 of 7 days; breadth files
  C stage 1 · Slack's analytics only: active 01-28, 01-30, 01-31 (2 channel messages each), a workflow 01-30:
    3 of 7 days; breadth workflows
  D stage 0 · nothing (rated a help answer 2/5)
  E stage 4 · an app 01-15 only (not active this week), did dept-request (core work): breadth apps + core
  answers in the window: A pulse 4, B gate 5 (anonymous), C training 3, D help 2 → 75, 100, 50, 25
Tiny (2 people) F stage 0, G stage 1, nothing done; G answered three pulses 5/5 (too few people to show)

A person's own scores (the person CSV): Adoption 100 when active on 3 of the last 7 days, else 0; Maturity
50 × stage / 4 + 50 × breadth / 6 rounded down; Sentiment only from 3 answers of their own (given by name).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.clock import ManualClock
from bot.db import session_scope
from bot.simslack import FakeSlack
from bot.simslack.payloads import slash_command
from models import (
    Completion,
    DailyActivity,
    HelpRequest,
    ImportedActivity,
    MetricRollup,
    Person,
    PulseResponse,
    Role,
)
from nudges.digest_jobs import queue_ambassador_digests
from nudges.insight_jobs import tick_metrics
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app, open_admin_rollout, wait_until

NOW = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)
ADMIN = "U0ADMIN01"
A, B, C, D, E, F, G = (f"U0PERS00{i}" for i in range(1, 8))


@pytest.fixture
def app(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    for uid in (ADMIN, A, B, C, D, E, F, G):
        fake.add_user(uid, name=uid.lower(), real_name=uid, tz="UTC", locale="en-US")
    with http_app(fake, sqlite_url, clock=ManualClock(NOW), COACH_ADMINS=ADMIN) as running:
        seed(running)
        yield running
        time.sleep(0.2)


def _day(text: str) -> date:
    return date.fromisoformat("2026-" + text)


def seed(app: HttpApp) -> None:
    long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    with session_scope(app.deps.session_factory) as s:
        people = {
            uid: Person(
                slack_user_id=uid,
                display_name=uid.lower(),
                department=dept,
                locale="en",
                tz="UTC",
                current_stage=stage,
                stage_reached_at=long_ago,
                created_at=long_ago,
                opted_out_kinds=[],
            )
            for uid, dept, stage in [
                (ADMIN, None, 0),
                (A, "Sales", 3),
                (B, "Sales", 2),
                (C, "Sales", 1),
                (D, "Sales", 0),
                (E, "Sales", 4),
                (F, "Tiny", 0),
                (G, "Tiny", 1),
            ]
        }
        s.add_all(people.values())
        s.flush()
        ids = {uid: p.id for uid, p in people.items()}
        s.add(Role(person_id=ids[A], role="ambassador", department="Sales"))
        for day in ("01-27", "01-29", "02-02"):
            s.add(DailyActivity(person_id=ids[A], day=_day(day), messages=5, replies=2))
        for n in range(10):
            s.add(DailyActivity(person_id=ids[A], day=date(2026, 1, 10 + n), messages=4))
        s.add_all(DailyActivity(person_id=ids[B], day=_day(d), reactions=1) for d in ("02-01", "02-02"))
        s.add(DailyActivity(person_id=ids[B], day=_day("01-20"), files=1))
        for day in ("01-28", "01-30", "01-31"):
            s.add(
                ImportedActivity(
                    person_id=ids[C],
                    day=_day(day),
                    is_active=True,
                    messages=2,
                    channel_messages=2,
                    used_workflows=day == "01-30",
                )
            )
        s.add(DailyActivity(person_id=ids[E], day=_day("01-15"), apps=3))
        s.add(Completion(person_id=ids[A], use_case_key="mention-a-teammate", source="observed", completed_at=NOW))
        s.add(Completion(person_id=ids[E], use_case_key="dept-request", source="observed", completed_at=NOW))
        for uid, kind, score in [(A, "pulse", 4), (B, "feedback", 5), (C, "training", 3)] + [(G, "pulse", 5)] * 3:
            s.add(PulseResponse(person_id=ids[uid], kind=kind, score=score, answered_at=NOW - timedelta(days=3)))
        s.add(
            HelpRequest(
                asker_id=ids[D],
                topic="how-to",
                question="?",
                owner="U0HELPER1",
                state="closed",
                satisfaction=2,
                opened_at=NOW - timedelta(days=5),
                closed_at=NOW - timedelta(days=4),
            )
        )
        # Two weeks ago Tiny had nobody ignited either: at a pace of 0 it will never cross 20%.
        s.add(
            MetricRollup(
                day=NOW.date() - timedelta(days=14),
                scope="department",
                key="Tiny",
                computed_at=NOW - timedelta(days=14),
                enrolled=2,
                ignited=0,
                detail={},
            )
        )


# Computed by hand from the module docstring (docs/metrics.md has the formulas).
SALES = {
    "adoption": 40,  # A and C active on 3 of 7 days: 2 * 100 // 5
    "daily": 22,  # (3 + 2 + 3 + 0 + 0) active days * 100 // (5 * 7)
    "maturity": 35,  # (54.17 + 33.33 + 20.83 + 0 + 66.67) / 5
    "sentiment": 62,  # (75 + 100 + 50 + 25) / 4 = 62.5
    "answers": 4,
    "messaging": 40,  # A (observed), C (imported channel messages)
    "platform": 40,  # C (workflow), E (app)
    "power": 20,  # A
    "ignition": 40,  # A and B: active at stage >= 2
}


# person → (active days in the window, Adoption, Maturity, Sentiment, own answers), by hand from the docstring.
PEOPLE = {
    A: ("13", "100", "54", "", "1"),  # 3 of 7 days; 37.5 + 50 × 2 / 6 = 54.2; one pulse answer
    B: ("3", "0", "33", "", "0"),  # 2 of 7; 25 + 8.3; the gate answer is anonymous: not his own
    C: ("3", "100", "20", "", "1"),  # analytics days; 12.5 + 8.3 (workflows)
    D: ("0", "0", "0", "", "1"),  # the help rating is hers, one answer
    E: ("1", "0", "66", "", "0"),  # 50 + 50 × 2 / 6 (apps, core)
    F: ("0", "0", "0", "", "0"),
    G: ("0", "0", "12", "100", "3"),  # three answers of his own: his Sentiment shows (Tiny's does not)
}


def _report_csv(
    app: HttpApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> dict[str, dict[str, str]]:
    """`coach report` over the metrics window ending today (2026-01-06 … 2026-02-02), rows by their first column."""
    monkeypatch.setenv("DATABASE_URL", app.deps.settings.database_url)
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["report", "--csv", str(out), "--from", "2026-01-06", "--to", "2026-02-02", *extra]
    )
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r["slack_user_id" if "slack_user_id" in r else "department"]: r for r in rows}


def test_the_report_csvs_agree_with_the_hand_computation(
    app: HttpApp, fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _report_csv(app, tmp_path, monkeypatch)
    got = {
        uid: tuple(r[k] for k in ("active_days", "adoption", "maturity", "sentiment", "sentiment_answers"))
        for uid, r in people.items()
        if uid in PEOPLE
    }
    assert got == PEOPLE
    departments = _report_csv(app, tmp_path, monkeypatch, "--departments")
    sales, h = departments["Sales"], SALES
    assert {k: sales[k] for k in ("enrolled", "adopted", "adoption", "daily_active", "maturity")} == {
        "enrolled": "5",
        "adopted": "2",
        "adoption": str(h["adoption"]),
        "daily_active": str(h["daily"]),
        "maturity": str(h["maturity"]),
    }
    assert {k: sales[k] for k in ("sentiment", "answers", "usage", "messaging", "platform", "power")} == {
        "sentiment": str(h["sentiment"]),
        "answers": str(h["answers"]),
        "usage": str(h["daily"]),
        "messaging": str(h["messaging"]),
        "platform": str(h["platform"]),
        "power": str(h["power"]),
    }
    assert (sales["power_users"], sales["ignited"], sales["ignition"], sales["forecast"], sales["red"]) == (
        "1",
        "2",
        str(h["ignition"]),
        "reached",
        "",  # on track, as the admin Home says
    )
    tiny = departments["Tiny"]
    assert (tiny["enrolled"], tiny["sentiment"], tiny["answers"], tiny["ignition"]) == ("2", "", "3", "0")
    # The same reasons the admin Home gives: Adoption 0% < 40%, the forecast missed, 2 of 2 inactive.
    assert (tiny["forecast"], tiny["red"]) == ("not at this pace", "adoption; forecast; stuck")
    # And the admin Home shows these very numbers for Sales.
    _sales_lines(_home(app, fake))


def _home(app: HttpApp, fake: FakeSlack) -> str:
    view = open_admin_rollout(app, fake, ADMIN)  # no wave yet: through the setup checklist's "Rollout view"
    assert len(view["blocks"]) <= 100
    return json.dumps(view, ensure_ascii=False)


def _status(app: HttpApp, fake: FakeSlack, text: str, user: str) -> dict[str, Any]:
    url = fake.response_url()
    resp = app.driver.post_command(slash_command(text, user, response_url=url))
    assert resp.status == 200
    path = url[url.index("/hooks/") :]
    return wait_until(
        lambda: next((c.args for c in fake.calls_to("response_url") if c.args["path"] == path), None), timeout=10
    )


def _sales_lines(text: str) -> None:
    h = SALES
    assert f"*Adoption* {h['adoption']}% (2/5 active on 3+ of the last 7 days) · daily active {h['daily']}%" in text
    assert f"*Maturity* {h['maturity']}/100 (stage reached and use beyond chat, 5 people)" in text
    assert f"*Sentiment* {h['sentiment']}/100 ({h['answers']} answers)" in text
    assert (
        f"*Health* Usage {h['daily']}% · Messaging {h['messaging']}% · Platform {h['platform']}% · "
        f"Power users {h['power']}% (1)" in text
    )
    assert f"*Ignition* {h['ignition']}% (2/5 active at stage 2+, line 20%) · line reached" in text


def test_admin_home_and_status_show_the_hand_computed_scores(app: HttpApp, fake: FakeSlack) -> None:
    home = _home(app, fake)
    _sales_lines(home)
    # Everyone (7 enrolled, the admin has no department and is enrolled too: 8): only the shares that move.
    assert "*Adoption* 25% (2/8 active on 3+ of the last 7 days)" in home
    # Tiny: counts, but no Sentiment for fewer than 3 people though G answered three times; red with reasons.
    assert "*Tiny* · 2" in home
    assert "*Sentiment* – (not shown for groups of fewer than 3 people)" in home
    assert "Adoption 0% < 40%; ignition 0% will not reach 20% at this pace; 2 of 2 people inactive for 7 days" in home
    assert ":large_green_circle: On track" in home  # Sales
    status = _status(app, fake, "status", A)
    _sales_lines(json.dumps(status["blocks"], ensure_ascii=False))


def test_the_ambassador_digest_carries_the_same_scores(app: HttpApp, fake: FakeSlack) -> None:
    before = len(fake.calls_to("chat.postMessage"))
    assert queue_ambassador_digests(app.deps) == 1  # A's Monday morning (UTC): this week's digest
    deliver_nudges(app.deps)
    [digest] = [c for c in fake.calls_to("chat.postMessage")[before:] if c.args["channel"] == A]
    _sales_lines(json.dumps(digest.args["blocks"], ensure_ascii=False))


def test_a_department_with_nobody_enrolled_says_not_started(app: HttpApp, fake: FakeSlack) -> None:
    with session_scope(app.deps.session_factory) as s:
        s.add(
            Role(person_id=s.query(Person).filter_by(slack_user_id=A).one().id, role="ambassador", department="Legal")
        )
    answer = _status(app, fake, "status Legal", A)
    assert "Nobody in Legal is enrolled yet." in json.dumps(answer["blocks"])


def test_after_the_metrics_tick_the_admin_home_reads_the_snapshot_and_agrees(app: HttpApp, fake: FakeSlack) -> None:
    tick_metrics(app.deps)
    home = _home(app, fake)
    _sales_lines(home)
    assert "Numbers as of 2026-02-02 11:00 UTC" in home
    assert "*Sentiment* – (not shown for groups of fewer than 3 people)" in home


SPONSOR, ADMINS = "U0SPONS01", "C0ADMINS1"


def _red_posts(fake: FakeSlack, since: int) -> list[tuple[str, str]]:
    """(channel, text) of the red-department notices posted since call number `since`."""
    posts = fake.calls_to("chat.postMessage")[since:]
    return [
        (str(c.args["channel"]), str(c.args["text"]))
        for c in posts
        if c.args.get("metadata", {}).get("event_payload", {}).get("kind") in ("red_department", "admin_post")
    ]


def test_a_red_department_is_told_once_weekly_while_red_and_once_on_recovery(app: HttpApp, fake: FakeSlack) -> None:
    fake.add_user(SPONSOR, name="sam", real_name="Sam Sponsor", tz="UTC", locale="ja-JP")
    fake.add_channel(ADMINS, "coach-admins")
    with session_scope(app.deps.session_factory) as s:
        sponsor = Person(slack_user_id=SPONSOR, display_name="sam", locale="ja", tz="UTC", opted_out_kinds=[])
        s.add(sponsor)
        s.flush()
        g = s.query(Person).filter_by(slack_user_id=G).one()
        s.add_all(
            [Role(person_id=g.id, role="ambassador", department="Tiny"), Role(person_id=sponsor.id, role="sponsor")]
        )
    clock = app.deps.clock
    assert isinstance(clock, ManualClock)

    def tick() -> list[tuple[str, str]]:
        before = len(fake.calls_to("chat.postMessage"))
        tick_metrics(app.deps)
        deliver_nudges(app.deps)
        return [(ch, text) for ch, text in _red_posts(fake, before) if "Tiny" in text]

    first = tick()
    channels = sorted(ch for ch, _ in first)
    assert channels == sorted([ADMINS, G, SPONSOR]), first  # admin channel, Tiny's ambassador, the sponsor
    admin_text = next(text for ch, text in first if ch == ADMINS)
    assert "Tiny is red." in admin_text and "Adoption 0% < 40%" in admin_text
    assert "要注意" in next(text for ch, text in first if ch == SPONSOR)  # the sponsor reads Japanese
    [admin_post] = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == ADMINS]
    assert "do it with us" in json.dumps(admin_post.args["blocks"])  # the playbook's red_actions
    clock.advance(timedelta(hours=1))
    assert tick() == []  # still red the same week: nothing new
    clock.advance(timedelta(days=6, hours=23))
    again = tick()
    assert sorted(ch for ch, _ in again) == channels and all("still red" in t or "まだ" in t for _, t in again)
    with session_scope(app.deps.session_factory) as s:  # Tiny gets going: both active 3 days, G at stage 2
        for uid in (F, G):
            p = s.query(Person).filter_by(slack_user_id=uid).one()
            p.current_stage = 2
            for back in range(3):
                s.add(DailyActivity(person_id=p.id, day=clock.now().date() - timedelta(days=back), messages=1))
    recovered = tick()
    assert sorted(ch for ch, _ in recovered) == channels
    assert all("recovered" in t or "回復" in t for _, t in recovered)
    clock.advance(timedelta(hours=1))
    assert tick() == []
