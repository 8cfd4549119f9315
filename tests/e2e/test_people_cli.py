"""`coach sync-people` and `coach import-people` as an admin runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.db import make_engine, make_session_factory, session_scope
from bot.simslack import SIGNING_SECRET, FakeSlack
from models import Person


def _env(fake: FakeSlack, db: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_", "DATABASE_URL"))}
    return {
        **base,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "COACH_SLACK_PROFILE_RATE": "60000",  # the fake answers at once; the pace is measured in test_people_sync
    }


def _people(db: Path) -> dict[str, tuple[str | None, bool, str]]:
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(make_session_factory(engine)) as s:
        rows = {p.slack_user_id: (p.department, p.deactivated, p.locale) for p in s.scalars(select(Person))}
    engine.dispose()
    return rows


def test_sync_people_pages_through_users_list(fake: FakeSlack, tmp_path: Path) -> None:
    fake.define_profile_field("Xf01DEPT", "Department")  # the bundled playbook's field
    for i in range(450):
        fields = {"Xf01DEPT": "Sales" if i % 2 else "Ops"}
        fake.add_user(
            f"U0P{i:06d}", name=f"p{i}", tz="Asia/Tokyo", locale="ja-JP", profile_fields=fields, deleted=i == 7
        )
    fake.add_user("U0BOTX001", name="somebot", is_bot=True)
    db = tmp_path / "coach.db"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "sync-people"],
        env=_env(fake, db),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    pages = fake.calls_to("users.list")
    assert len(pages) >= 3 and all(c.args.get("limit") in ("200", 200) for c in pages)
    people = _people(db)
    assert "U0BOTX001" not in people and "W23456789" not in people  # bots (and Coach itself) are never stored
    assert sum(1 for u in people if u.startswith("U0P")) == 450
    assert people["U0P000001"] == ("Sales", False, "ja") and people["U0P000002"][0] == "Ops"
    assert people["U0P000007"][1] is True
    assert "453 new" in proc.stdout or "new" in proc.stdout


def test_import_people_sets_departments_or_reports_bad_rows(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    fake.add_user("U0CSV0001", name="a")
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=_env(fake, db),
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(make_session_factory(engine)) as s:
        s.add_all([Person(slack_user_id=u, opted_out_kinds=[]) for u in ("U0CSV0001", "U0CSV0002")])
    engine.dispose()

    bad = tmp_path / "bad.csv"
    bad.write_text("slack_user_id,department\nU0CSV0001,Legal\nalice,Sales\nU0CSV0002,\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "import-people", str(bad)],
        env=_env(fake, db),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert f"{bad}:3: alice is not a Slack user id" in proc.stderr
    assert f"{bad}:4: the department of U0CSV0002 is empty" in proc.stderr
    assert _people(db)["U0CSV0001"][0] is None  # nothing imported from a file with errors

    good = tmp_path / "good.csv"
    good.write_text("slack_user_id,department\nU0CSV0001,Legal\nU0CSV0002,Ops\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "import-people", str(good)],
        env=_env(fake, db),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 people changed" in proc.stdout
    people = _people(db)
    assert people["U0CSV0001"][0] == "Legal" and people["U0CSV0002"][0] == "Ops"
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 2
    engine.dispose()


def _import(fake: FakeSlack, db: Path, csv_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "import-people", str(csv_file)],
        env=_env(fake, db),
        cwd=csv_file.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_people_names_non_utf8_duplicates_and_unknown_ids(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], env=_env(fake, db), cwd=tmp_path, check=True, capture_output=True
    )
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(make_session_factory(engine)) as s:
        s.add(Person(slack_user_id="U0CSV0001", opted_out_kinds=[]))
    engine.dispose()

    for encoding in ("latin-1", "shift_jis"):
        legacy = tmp_path / f"{encoding}.csv"
        legacy.write_bytes("slack_user_id,department\nU0CSV0001,Ventes générales 営業\n".encode(encoding, "ignore"))
        proc = _import(fake, db, legacy)
        assert proc.returncode == 1, proc.stderr
        assert f"{legacy}:2: the file is not UTF-8" in proc.stderr and "CSV UTF-8" in proc.stderr
        assert "Traceback" not in proc.stderr

    dup = tmp_path / "dup.csv"
    dup.write_text("slack_user_id,department\nU0CSV0001,Legal\nU0CSV0001,Sales\n", encoding="utf-8")
    proc = _import(fake, db, dup)
    assert proc.returncode == 1
    assert f"{dup}:3: U0CSV0001 appears again (first on line 2)" in proc.stderr
    assert _people(db)["U0CSV0001"][0] is None

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("slack_user_id,department\nU0CSV0001,Legal\nU0NOBODY1,Ops\n", encoding="utf-8")
    proc = _import(fake, db, unknown)
    assert proc.returncode == 0, proc.stderr
    assert f"{unknown}:3: U0NOBODY1 is not a person Coach knows" in proc.stderr
    assert "1 people changed, 1 unknown ids skipped" in proc.stdout
