"""`coach serve` and `coach doctor` as real processes, as an operator would run them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.playbook import default_playbook_path
from bot.simslack import SIGNING_SECRET, FakeSlack, SlackDriver
from bot.simslack.payloads import app_home_opened, event_callback
from tests.e2e.harness import grant_manifest_scopes


def _env(fake: FakeSlack, db: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
    return {
        **base,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_APP_TOKEN": fake.app_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{db}",
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve_process(fake: FakeSlack, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(fake, tmp_path / "coach.db"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read().decode() if proc.stdout else "serve exited") from None
            time.sleep(0.1)
    yield url
    proc.terminate()  # SIGTERM, as a container stop sends: acked work is finished, then a clean exit
    assert proc.wait(timeout=20) == 0


def test_coach_serve_migrates_a_fresh_database_and_serves_signed_events(serve_process: str, fake: FakeSlack) -> None:
    driver = SlackDriver(serve_process + "/slack/events", SIGNING_SECRET)
    assert driver.post_event(event_callback(app_home_opened("U0BOB0001"))).status == 200
    assert driver.post_event(event_callback(app_home_opened("U0BOB0001")), forge=True).status == 401
    assert fake.wait_for("views.publish")[0].args["user_id"] == "U0BOB0001"


_NOW = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)
REAL_PEOPLE = {  # the bundled playbook's placeholders → people of the fake workspace
    "U0SPONSOR1": "U0BOB0001",
    "U0ADMIN001": "U0ALICE01",
    "U0ADMIN002": "W111",
    "U0SECOPS01": "U0BOB0001",
    "U0SECOPS02": "U0ALICE01",
    "U0HOWTO001": "U0BOB0001",
    "U0SALES001": "W111",
}


def _doctor(fake: FakeSlack, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        env=_env(fake, tmp_path / "c.db", **extra),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _playbook_with(tmp_path: Path, people: dict[str, str]) -> str:
    text = default_playbook_path().read_text(encoding="utf-8")
    for placeholder, real in people.items():
        text = text.replace(placeholder, real)
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_doctor_reports_ok_and_what_to_fix(fake: FakeSlack, tmp_path: Path) -> None:
    grant_manifest_scopes(fake)
    fake.define_profile_field("Xf01DEPT", "Department")  # the bundled playbook's department field exists
    for i, name in enumerate(
        ("company-news", "ask-exec", "ask-it", "proj-apollo", "dept-sales", "coach-admins", "coach-champions")
    ):
        fake.add_channel(f"C0CH{i:05d}", name, bot_is_member=name != "ask-it")
    ok = _doctor(fake, tmp_path, COACH_ADMINS="U0BOB0001")
    assert ok.returncode == 1, ok.stdout + ok.stderr
    assert "bot token: bot W23456789" in ok.stdout
    fixes = [line for line in ok.stdout.splitlines() if line.startswith("FIX")]
    assert fixes[0] == "FIX  channels: Coach is not in #ask-it"
    assert fixes[1].startswith("FIX  people: ") and len(fixes) == 2
    for placeholder in REAL_PEOPLE:
        assert placeholder in fixes[1]
    assert "U0SPONSOR1 (purpose.sponsor) is a placeholder from the bundled playbook" in fixes[1]

    fake.add_channel("C0CH00002", "ask-it")
    ok = _doctor(fake, tmp_path, COACH_ADMINS="U0BOB0001", COACH_PLAYBOOK=_playbook_with(tmp_path, REAL_PEOPLE))
    assert ok.returncode == 0, ok.stdout
    assert "ok   people: all 3 people the setup, playbook and settings name are active members" in ok.stdout

    fake.add_user("U0GONE001", name="gone", deleted=True)
    fake.add_user("U0BOTBOT1", name="robot", is_bot=True)
    broken = _playbook_with(tmp_path, {**REAL_PEOPLE, "U0SECOPS01": "U0GONE001", "U0HOWTO001": "U0BOTBOT1"})
    bad = _doctor(fake, tmp_path, COACH_ADMINS="U0NOBODY1", COACH_PLAYBOOK=broken)
    assert bad.returncode == 1
    people = next(line for line in bad.stdout.splitlines() if line.startswith("FIX  people"))
    assert "U0GONE001 (help topic security contact 1 primary) is deactivated" in people
    assert "U0BOTBOT1 (help topic how-to contact 1 primary) is a bot, not a person" in people
    assert "U0NOBODY1 (COACH_ADMINS) does not exist in this workspace" in people

    fake.api.granted_scopes = ["chat:write", "commands"]
    bad = _doctor(fake, tmp_path)
    assert bad.returncode == 1
    assert "FIX  scopes: missing: app_mentions:read" in bad.stdout
    assert "set COACH_ADMINS" in bad.stdout


def test_doctor_checks_the_people_the_setup_checklist_stored_and_the_optional_scopes(
    fake: FakeSlack, tmp_path: Path
) -> None:
    """The Home tab's choices replace the playbook's people: a deactivated sponsor picked there is named, the
    playbook's placeholder it replaced is not; each optional scope says which feature it turns on."""
    from bot.db import make_engine, make_session_factory, session_scope, upgrade_to_head
    from bot.services import help_directory
    from models import SetupState

    grant_manifest_scopes(fake)
    fake.api.granted_scopes = [s for s in fake.api.granted_scopes if s not in ("usergroups:read", "files:write")]
    fake.add_user("U0GONE001", name="gone", deleted=True)
    fake.add_user("U0GUEST01", name="guest", is_restricted=True)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as s:
        s.add(SetupState(id=1, sponsor_user_id="U0GONE001"))
        help_directory.set_contact(
            s, topic="setup", department=None, primary="U0GUEST01", backup="U0BOB0001", hours=None, now=_NOW
        )
    engine.dispose()
    proc = _doctor(fake, tmp_path, COACH_ADMINS="U0BOB0001")
    people = next(line for line in proc.stdout.splitlines() if line.startswith("FIX  people"))
    assert "U0GONE001 (sponsor (set in the Home tab)) is deactivated" in people
    assert "U0GUEST01 (help topic setup primary (set in the Home tab)) is a guest" in people
    assert "U0SPONSOR1" not in people and "U0ADMIN002" not in people  # replaced by the Home tab's choices
    assert "U0SECOPS01 (help topic security contact 1 primary) is a placeholder" in people
    assert "ok   scopes: all " in proc.stdout  # usergroups:read is optional
    assert "warn scope usergroups:read: not granted: no departments and wave members from user groups" in proc.stdout
    assert "warn scope files:write: not granted: no chart images in the weekly digest" in proc.stdout
    assert "ok   scope users.profile:read: granted" in proc.stdout


def test_run_refuses_an_invalid_playbook_with_file_and_line(fake: FakeSlack, tmp_path: Path) -> None:
    broken = tmp_path / "playbook.yaml"
    broken.write_text("version: '1'\nlocales: [en]\nstages: []\nbogus: 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "0"],
        env=_env(fake, tmp_path / "c.db", COACH_PLAYBOOK=str(broken)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "the playbook has errors" in proc.stderr
    assert f"{broken}:" in proc.stderr and "Traceback" not in proc.stderr


def _serve_once(fake: FakeSlack, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", *args],
        env=_env(fake, db),
        cwd=db.parent if db.parent.is_dir() else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_port_out_of_range_is_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    proc = _serve_once(fake, tmp_path / "coach.db", "--port", "99999")
    assert proc.returncode == 2
    assert "99999 is not in the range 0<=x<=65535" in proc.stderr and "Traceback" not in proc.stderr


def test_serve_port_in_use_is_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve_once(fake, tmp_path / "coach.db", "--port", str(port))
    assert proc.returncode == 2
    assert f"coach: cannot listen on 127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr


def test_database_in_a_missing_directory_is_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    proc = _serve_once(fake, tmp_path / "missing" / "coach.db", "--port", str(_free_port()))
    assert proc.returncode == 2
    assert f"{tmp_path / 'missing'}, which does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_run_with_a_refused_app_token_is_one_line(fake: FakeSlack, tmp_path: Path) -> None:
    env = {**_env(fake, tmp_path / "coach.db"), "SLACK_APP_TOKEN": "xapp-1-A0-0-refused"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3, proc.stderr
    assert "coach: Slack refused SLACK_APP_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def test_doctor_tells_an_unreachable_slack_from_a_refused_token(fake: FakeSlack, tmp_path: Path) -> None:
    offline = {**_env(fake, tmp_path / "coach.db"), "SLACK_API_URL": f"http://127.0.0.1:{_free_port()}/api/"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"], env=offline, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "cannot reach Slack at http://127.0.0.1:" in proc.stdout and "reinstall" not in proc.stdout
    refused = {**_env(fake, tmp_path / "coach.db"), "SLACK_BOT_TOKEN": "xoxb-0-refused"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"], env=refused, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and "auth.test failed: invalid_auth" in proc.stdout
    assert "cannot reach Slack" not in proc.stdout


def test_migrate_against_an_unreachable_postgres_retries_then_gives_up_in_one_line(
    fake: FakeSlack, tmp_path: Path
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/test"
    env = {**_env(fake, tmp_path / "coach.db"), "DATABASE_URL": url, "COACH_DATABASE_WAITS": "0.1,0.1"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert [line for line in lines if "retrying in 0.1 s" in line] and len(lines) == 3, proc.stderr
    assert lines[-1].startswith("coach: cannot reach the database at 127.0.0.1:") and "gave up after 2" in lines[-1]
    assert "Traceback" not in proc.stderr


@pytest.mark.postgres
def test_serve_on_a_postgres_schema_behind_head_refuses_and_says_coach_migrate(
    fake: FakeSlack, tmp_path: Path, postgres_url: str
) -> None:
    from alembic import command

    from bot.db import alembic_config, upgrade_to_head

    upgrade_to_head(postgres_url)
    command.downgrade(alembic_config(postgres_url), "-1")
    env = {**_env(fake, tmp_path / "coach.db"), "DATABASE_URL": postgres_url}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", str(_free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "run `coach migrate` first" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
