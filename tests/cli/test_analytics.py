"""`coach analytics import`: Slack's member analytics fill in activity Coach cannot see, marked with their source.

Checked against numbers worked out by hand from the sample file (tests/fixtures/analytics/README.md): of the four
members, three are known to Coach; two of them are active on both days, one (Chloe) on neither; Daiki, unknown,
used apps. Re-importing changes nothing; a bad file is refused whole.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.db import make_engine, make_session_factory
from bot.domain.analytics_file import read_member_file
from bot.playbook import Playbook
from bot.services import metrics
from bot.services.analytics import import_member_days
from models import Completion, ImportedActivity, Person
from tests.domain.test_analytics_file import SAMPLE

KNOWN = ("U01AKIKO01", "U01BEN0002", "U01CHLOE03")


@pytest.fixture
def people(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    """Three known members, on SQLite and (when COACH_TEST_POSTGRES_URL is set) PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        for user in KNOWN:
            s.add(Person(slack_user_id=user, display_name=user, department="Sales"))
    yield factory
    engine.dispose()


def _import(*paths: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["analytics", "import", *map(str, paths)])
    return result.exit_code, result.stdout, result.stderr


def test_import_stores_known_members_reports_unknown_and_is_idempotent(people: sessionmaker) -> None:
    code, out, err = _import(SAMPLE)
    assert code == 0, err
    assert f"{SAMPLE}: 8 member days (2026-11-02 to 2026-11-03): 6 new, 0 updated, 0 unchanged" in out
    assert "1 members Coach does not know were skipped (2 member days): U01DAIKI04" in err
    with people() as s:
        rows = s.execute(select(ImportedActivity.source, func.count()).group_by(ImportedActivity.source)).all()
        assert rows == [("analytics", 6)]
    code, out, _ = _import(SAMPLE)
    assert code == 0 and "0 new, 0 updated, 6 unchanged" in out
    with people() as s:
        assert s.scalar(select(func.count()).select_from(ImportedActivity)) == 6


def test_imported_days_count_as_active_in_the_one_metric_definition(people: sessionmaker) -> None:
    assert _import(SAMPLE)[0] == 0
    at = datetime(2026, 11, 4, 12, tzinfo=UTC)  # the window holds both imported days
    with people() as s:
        active = set(s.scalars(select(Person.slack_user_id).where(metrics.active_condition(at))))
    assert active == {"U01AKIKO01", "U01BEN0002"}  # Chloe was inactive both days; nothing was observed


def test_a_bad_file_is_refused_whole_and_the_good_one_still_imports(people: sessionmaker, tmp_path: Path) -> None:
    lines = gzip.decompress(SAMPLE.read_bytes()).decode().splitlines()
    lines[5] = "[1]"
    bad = tmp_path / "bad.ndjson.gz"
    bad.write_bytes(gzip.compress("\n".join(lines).encode()))
    code, out, err = _import(bad, SAMPLE)
    assert code == 1
    assert f"{bad}:6: a line must be a JSON object" in err and f"{bad}: refused" in err
    assert "coach: 1 of 2 files refused" in err
    assert f"{SAMPLE}: 8 member days" in out
    with people() as s:
        assert s.scalar(select(func.count()).select_from(ImportedActivity)) == 6  # only the good file's days


def test_app_and_workflow_days_complete_the_platform_use_case(
    factory: sessionmaker[Session], playbook: Playbook, tmp_path: Path
) -> None:
    with factory.begin() as s:
        s.add(Person(slack_user_id="U01DAIKI04", display_name="Daiki", department="Ops"))
    days = read_member_file(SAMPLE, today=datetime(2026, 12, 3).date()).days
    with factory.begin() as s:
        result = import_member_days(s, days, playbook=playbook, now=datetime(2026, 12, 3, tzinfo=UTC))
    assert result.completed == 1
    with factory() as s:
        [(key, source)] = s.execute(select(Completion.use_case_key, Completion.source)).all()
    assert playbook.use_case(key).criteria.event == "app_used" and source == "analytics"


def test_a_missing_file_gets_one_line(people: sessionmaker, tmp_path: Path) -> None:
    code, _, err = _import(tmp_path / "nope.gz")
    assert code == 1 and "cannot be read" in err, err
    shutil.rmtree(tmp_path, ignore_errors=True)
