"""People as Slack really gives them, through the fake Slack: departments from custom profile fields
(users.profile.get, labels from team.profile.get), paced under the setting; a sync interrupted half-way
resumes from its cursor; the scheduled sync runs once across replicas; team_join / user_change keep people
current; messages skip each recipient's own public holidays."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.cli.doctor import run_checks
from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps, build_deps
from bot.flows.people import people_rule, sync_people
from bot.playbook import default_playbook_path
from bot.services import setup
from bot.services.people import DepartmentRule
from bot.simslack import FakeSlack
from bot.simslack.payloads import app_home_opened, event_callback
from bot.simslack.payloads import load as load_payload
from models import NudgeDelivery, Person
from nudges import scheduler as sched
from nudges.config import cadence_rules
from nudges.people_jobs import sync_people_job
from nudges.service import request_nudge
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, grant_manifest_scopes, http_app, settings_for, wait_until
from tests.nudges.test_job_claims import at_once

T0 = datetime(2026, 2, 2, 3, 0, tzinfo=UTC)  # Monday 12:00 in Tokyo
DEPT, COUNTRY, OFFICE = "Xf01DEPT", "Xf02CTRY", "Xf03OFFC"


@pytest.fixture
def workspace() -> Iterator[FakeSlack]:
    with FakeSlack(ack_timeout=1.0) as fake:
        grant_manifest_scopes(fake)
        fake.define_profile_field(DEPT, "Department")  # the bundled playbook names it by label
        fake.define_profile_field("Xf09PHON", "Desk phone")
        yield fake


def _people(deps: Deps) -> dict[str, Person]:
    with session_scope(deps.session_factory) as s:
        found = {p.slack_user_id: p for p in s.scalars(select(Person))}
        s.expunge_all()
    return found


def _seed(fake: FakeSlack, n: int, *, tz: str = "Asia/Tokyo") -> list[str]:
    ids = [f"U0PP{i:05d}" for i in range(n)]
    for i, user_id in enumerate(ids):
        fake.add_user(user_id, name=f"p{i}", tz=tz, profile_fields={DEPT: "Sales" if i % 2 else "Ops"})
    return ids


def test_departments_come_from_users_profile_get_in_slacks_shape(workspace: FakeSlack, sqlite_url: str) -> None:
    ids = _seed(workspace, 5)
    workspace.add_user("U0NODEPT1", name="nodept", tz="Asia/Tokyo")
    with http_app(workspace, sqlite_url) as app:
        result = sync_people(app.deps, people_rule(app.deps))
        people = _people(app.deps)
    assert result.created == 6 and not result.problems
    assert [people[u].department for u in ids] == ["Ops", "Sales", "Ops", "Sales", "Ops"]
    assert people["U0NODEPT1"].department is None
    # users.list carries no custom fields (as on Slack); they came from users.profile.get, keyed by field id
    [page] = workspace.calls_to("users.list")
    assert all("fields" not in member["profile"] for member in page.response["members"])
    reads = workspace.calls_to("users.profile.get")
    assert sorted(c.args["user"] for c in reads) == sorted([*ids, "U0NODEPT1"])
    assert all("include_labels" not in c.args for c in reads)  # heavily rate limited: labels come from below
    assert reads[0].response["profile"]["fields"].get(DEPT, {}).keys() <= {"value", "alt"}
    assert len(workspace.calls_to("team.profile.get")) == 1  # the labels, once for the sync


def test_a_field_named_by_id_and_the_country_and_office_fields(workspace: FakeSlack, sqlite_url: str) -> None:
    workspace.define_profile_field(COUNTRY, "Country")
    workspace.define_profile_field(OFFICE, "Office")
    workspace.add_user("U0JPNYC01", name="a", tz="America/New_York", profile_fields={DEPT: "IT", COUNTRY: "Japan"})
    workspace.add_user("U0OFFICE1", name="b", tz="UTC", profile_fields={DEPT: "IT", OFFICE: "Osaka"})
    workspace.add_user("U0ZONEUS1", name="c", tz="America/Chicago", profile_fields={DEPT: "IT"})
    rule = DepartmentRule(profile_field=DEPT, country_field="Country", office_field="Office", offices={"Osaka": "JP"})
    with http_app(workspace, sqlite_url) as app:
        sync_people(app.deps, rule)
        people = _people(app.deps)
    assert {u: (p.department, p.country) for u, p in people.items()} == {
        "U0JPNYC01": ("IT", "JP"),  # the country field wins over the zone
        "U0OFFICE1": ("IT", "JP"),  # the office, mapped in the playbook
        "U0ZONEUS1": ("IT", "US"),  # the time zone as the fallback
    }


def test_a_profile_field_the_workspace_lacks_is_named_by_the_sync_checklist_and_doctor(sqlite_url: str) -> None:
    with FakeSlack(ack_timeout=1.0) as bare:  # a workspace with no "Department" field
        grant_manifest_scopes(bare)
        bare.add_user("U0ADMIN01", name="admin", tz="UTC", is_admin=True)
        with http_app(bare, sqlite_url) as app:
            result = sync_people(app.deps, people_rule(app.deps))
            assert result.problems == ["missing_field:Department"]
            assert bare.calls_to("users.profile.get") == []  # nothing to read
            assert app.driver.post_event(event_callback(app_home_opened("U0ADMIN01"))).status == 200
            home = json.dumps(wait_until(lambda: bare.home_view("U0ADMIN01")), ensure_ascii=False)
            assert "The profile field “Department” does not exist in this workspace" in home
            assert "Last sync: 1 added, 0 updated, 0 deactivated." in home
            with session_scope(app.deps.session_factory) as s:
                checks = {c.name: c for c in run_checks(app.deps.settings, app.deps.slack, app.deps.playbook, s)}
    assert not checks["profile fields"].ok
    assert 'the profile field "Department" does not exist in this workspace' in checks["profile fields"].detail
    assert not checks["people sync"].ok and "1 added, 0 updated, 0 deactivated" in checks["people sync"].detail


def test_profile_reads_are_paced_under_the_setting_and_an_incremental_sync_reads_only_changes(
    workspace: FakeSlack, sqlite_url: str
) -> None:
    ids = _seed(workspace, 8)
    with http_app(workspace, sqlite_url, COACH_SLACK_PROFILE_RATE=240) as app:  # 4 a second
        sync_people(app.deps, people_rule(app.deps))
        at = [c.at for c in workspace.calls_to("users.profile.get")]
        assert len(at) == 8
        gaps = [b - a for a, b in itertools.pairwise(at)]
        # Sent 60 / 240 s apart; on a loaded machine one call can arrive late and the next on time, so a single
        # gap may shrink by the delay — the rate over the run is the promise, and no two calls come together.
        assert min(gaps) >= 0.1
        assert (len(at) - 1) / (at[-1] - at[0]) * 60 <= 240  # calls per minute, as measured on the fake
        workspace.reset_calls()
        again = sync_people(app.deps, people_rule(app.deps))
        assert workspace.calls_to("users.profile.get") == [] and again.updated == 0  # nothing changed in Slack
        workspace.set_profile_values(ids[3], {DEPT: "Legal"})  # Slack bumps the user's `updated`
        moved = sync_people(app.deps, people_rule(app.deps))
        assert [c.args["user"] for c in workspace.calls_to("users.profile.get")] == [ids[3]]
        assert (moved.created, moved.updated, moved.deactivated) == (0, 1, 0)
        assert _people(app.deps)[ids[3]].department == "Legal"


class Interrupted(Exception):
    pass


def test_a_sync_interrupted_half_way_resumes_from_its_cursor_and_loses_no_one(
    workspace: FakeSlack, sqlite_url: str
) -> None:
    ids = _seed(workspace, 450)
    clock = ManualClock(T0)
    with http_app(workspace, sqlite_url, clock=clock) as app:
        pages = 0

        def stop_after_two(_count: int) -> None:
            nonlocal pages
            pages += 1
            if pages == 2:
                raise Interrupted

        with pytest.raises(Interrupted):
            sync_people(app.deps, people_rule(app.deps), page_size=100, on_page=stop_after_two)
        with session_scope(app.deps.session_factory) as s:
            stopped = setup.sync_status(s)
        assert stopped.cursor and stopped.synced_at is None
        assert stopped.added == 199  # two pages of 100 read; one of them is Coach's own bot user
        assert stopped.interrupted(clock.now())
        second_page_cursor = workspace.calls_to("users.list")[-1].response["response_metadata"]["next_cursor"]
        assert stopped.cursor == second_page_cursor
        workspace.reset_calls()

        resumed = sync_people_job(app.deps)  # the scheduled check sees the unfinished sync and resumes it
        assert resumed is not None and resumed.resumed and resumed.created == 251
        first_call = workspace.calls_to("users.list")[0]
        assert first_call.args.get("cursor") == second_page_cursor  # not the first page again
        people = _people(app.deps)
        assert sorted(u for u in people if u.startswith("U0PP")) == ids  # no one lost, no one twice
        assert all(people[u].department for u in ids)
        with session_scope(app.deps.session_factory) as s:
            done = setup.sync_status(s)
        assert (done.added, done.cursor, done.started_at, done.synced_at) == (450, None, None, clock.now())


def test_a_crashed_sync_is_resumed_only_after_its_heartbeat_goes_stale(workspace: FakeSlack, sqlite_url: str) -> None:
    _seed(workspace, 3)
    clock = ManualClock(T0)
    with http_app(workspace, sqlite_url, clock=clock) as app:
        sync_people(app.deps, people_rule(app.deps))
        workspace.reset_calls()
        clock.advance(timedelta(days=2))
        with session_scope(app.deps.session_factory) as s:  # a replica took the next sync, then died
            assert setup.take_sync(s, holder="dead-replica", now=clock.now()) is not None
            sync = {c.name: c for c in run_checks(app.deps.settings, app.deps.slack, app.deps.playbook, s)}
        assert sync["people sync"].warning and "has not finished (0 added" in sync["people sync"].detail
        assert sync_people_job(app.deps) is None and workspace.calls_to("users.list") == []
        clock.advance(setup.SYNC_STALE + timedelta(seconds=1))
        assert sync_people_job(app.deps) is not None
        assert len(_people(app.deps)) == 3
        with session_scope(app.deps.session_factory) as s:
            assert setup.sync_status(s).synced_at == clock.now()


def test_the_scheduled_sync_runs_once_across_two_replicas_and_again_when_due(workspace: FakeSlack, db_url: str) -> None:
    _seed(workspace, 30)
    clock = ManualClock(T0)
    replicas = [build_deps(settings_for(workspace, db_url), clock=clock) for _ in range(2)]
    [spec] = [s for s in sched.JOBS if s.name == "sync_people"]
    ticks = [sched.bind(spec, deps, f"replica-{n}") for n, deps in enumerate(replicas)]
    try:
        at_once(list(ticks))
        assert len(workspace.calls_to("users.list")) == 1 and len(workspace.calls_to("users.profile.get")) == 30
        for _hour in range(23):  # hourly checks: nothing is due before COACH_PEOPLE_SYNC_HOURS (24)
            clock.advance(timedelta(hours=1))
            at_once(list(ticks))
        assert len(workspace.calls_to("users.list")) == 1
        clock.advance(timedelta(hours=1))
        at_once(list(ticks))
        assert len(workspace.calls_to("users.list")) == 2  # one replica, once
        assert len(workspace.calls_to("users.profile.get")) == 30  # incremental: nobody changed
        with session_scope(replicas[0].session_factory) as s:
            assert setup.sync_status(s).synced_at == T0 + timedelta(hours=24)
    finally:
        for deps in replicas:
            deps.engine.dispose()


def _user_event(kind: str, user: dict[str, Any], event_id: str) -> dict[str, Any]:
    body = load_payload(f"events_api/{'team_join' if kind == 'team_join' else 'user_change'}.ASSEMBLED.json")
    body["event"]["user"] = user
    body["event_id"] = event_id
    return body


def test_team_join_creates_the_person_and_user_change_moves_their_department(
    workspace: FakeSlack, sqlite_url: str
) -> None:
    joiner = workspace.add_user("U0NEWBIE1", name="newbie", tz="Asia/Tokyo", profile_fields={DEPT: "Marketing"})
    assert "fields" not in joiner["profile"]  # the event's user object has no custom fields, as on Slack
    with http_app(workspace, sqlite_url) as app:

        def department() -> str | None:
            person = _people(app.deps).get("U0NEWBIE1")
            return person.department if person else None

        assert app.driver.post_event(_user_event("team_join", joiner, "Ev-join-1")).status == 200
        wait_until(lambda: department() == "Marketing")
        assert _people(app.deps)["U0NEWBIE1"].country == "JP"
        workspace.set_profile_values("U0NEWBIE1", {DEPT: "Sales"})
        assert app.driver.post_event(_user_event("user_change", joiner, "Ev-change-1")).status == 200
        wait_until(lambda: department() == "Sales")
        gone = {**joiner, "deleted": True}
        assert app.driver.post_event(_user_event("user_change", gone, "Ev-change-2")).status == 200
        wait_until(lambda: _people(app.deps)["U0NEWBIE1"].deactivated)


JP_FOUNDATION_DAY = datetime(2026, 2, 11, tzinfo=UTC)  # a Wednesday: a public holiday in Japan, not in the US
US_THANKSGIVING = datetime(2026, 11, 26, tzinfo=UTC)  # a Thursday: a public holiday in the US, not in Japan
TOKYO, NEW_YORK = "U0TOKYO01", "U0NEWYRK1"


def _ask_both(app: HttpApp, key: str, now: datetime) -> None:
    with session_scope(app.deps.session_factory) as s:
        for user_id in (TOKYO, NEW_YORK):
            person = s.scalar(select(Person).where(Person.slack_user_id == user_id))
            assert person is not None
            kw: dict[str, Any] = {
                "kind": "ambassador",
                "payload": {"message": "Try threads today"},
                "rules": cadence_rules(app.deps.playbook),
            }
            request_nudge(s, person=person, key=f"{key}:{user_id}", now=now, **kw)


def _row(app: HttpApp, key: str) -> NudgeDelivery:
    with session_scope(app.deps.session_factory) as s:
        row = s.scalar(select(NudgeDelivery).where(NudgeDelivery.idempotency_key == key))
        assert row is not None
        s.expunge(row)
    return row


def _local_day(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %Y-%m-%d")


def test_each_recipient_skips_their_own_countrys_public_holidays(workspace: FakeSlack, sqlite_url: str) -> None:
    workspace.add_user(TOKYO, name="tokyo", tz="Asia/Tokyo", profile_fields={DEPT: "Sales"})
    workspace.add_user(NEW_YORK, name="newyork", tz="America/New_York", profile_fields={DEPT: "Sales"})
    clock = ManualClock(JP_FOUNDATION_DAY - timedelta(days=1))
    with http_app(workspace, sqlite_url, clock=clock) as app:
        sync_people(app.deps, people_rule(app.deps))
        assert {u: p.country for u, p in _people(app.deps).items()} == {TOKYO: "JP", NEW_YORK: "US"}

        # Foundation Day: 11:00 in Tokyo, then 11:00 in New York. Only the New Yorker hears from Coach.
        clock.set(JP_FOUNDATION_DAY + timedelta(hours=2))
        _ask_both(app, "jp", clock.now())
        deliver_nudges(app.deps)
        clock.set(JP_FOUNDATION_DAY + timedelta(hours=16))
        deliver_nudges(app.deps)
        assert len(workspace.messages_in(workspace.dm_channel(NEW_YORK))) == 1
        assert workspace.messages_in(workspace.dm_channel(TOKYO)) == []
        held = _row(app, f"jp:{TOKYO}")
        assert held.state == "pending" and "public holiday in JP" in (held.last_error or "")
        assert _local_day(held.due_at, "Asia/Tokyo") == "Thu 2026-02-12"  # the start of the next working day
        clock.set(held.due_at)
        deliver_nudges(app.deps)
        assert len(workspace.messages_in(workspace.dm_channel(TOKYO))) == 1

        # Thanksgiving: the Tokyo colleague hears from Coach, the New Yorker on Friday.
        clock.set(US_THANKSGIVING + timedelta(hours=2))  # 11:00 in Tokyo, Thursday
        _ask_both(app, "us", clock.now())
        deliver_nudges(app.deps)
        assert len(workspace.messages_in(workspace.dm_channel(TOKYO))) == 2
        clock.set(US_THANKSGIVING + timedelta(hours=16))  # 11:00 in New York, Thanksgiving
        deliver_nudges(app.deps)
        assert len(workspace.messages_in(workspace.dm_channel(NEW_YORK))) == 1
        held = _row(app, f"us:{NEW_YORK}")  # asked on Wednesday evening in New York: not before Friday
        assert held.state == "pending"
        assert _local_day(held.due_at, "America/New_York") == "Fri 2026-11-27"


def test_the_playbooks_csv_departments_path_is_applied_by_every_sync(
    workspace: FakeSlack, sqlite_url: str, tmp_path: Path
) -> None:
    ids = _seed(workspace, 3)
    text = default_playbook_path().read_text(encoding="utf-8")
    department_section = "departments:\n  source: profile_field\n  field: Department"
    assert department_section in text
    playbook = tmp_path / "playbook.yaml"
    playbook.write_text(text.replace(department_section, "departments:\n  source: csv\n  path: people.csv"))
    with http_app(workspace, sqlite_url, COACH_PLAYBOOK=str(playbook)) as app:
        missing = sync_people(app.deps, people_rule(app.deps))
        assert missing.problems == [f"csv_missing:{tmp_path / 'people.csv'}"]  # beside the playbook, named
        assert workspace.calls_to("users.profile.get") == []  # no profile field to read
        (tmp_path / "people.csv").write_text(f"slack_user_id,department\n{ids[0]},Legal\n{ids[1]},Finance\n")
        assert sync_people(app.deps, people_rule(app.deps)).problems == []
        people = _people(app.deps)
    assert [people[u].department for u in ids] == ["Legal", "Finance", None]
