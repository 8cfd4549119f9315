"""Reading member analytics files: the published shape is read; anything else is refused with file, line, reason."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from bot.domain.analytics_file import read_member_file

SAMPLE = Path(__file__).parents[1] / "fixtures" / "analytics" / "member-sample.ndjson.gz"
TODAY = date(2026, 12, 3)


def _gz(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "member.ndjson.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    return path


def _line(**fields: object) -> str:
    base = {"date": "2026-11-02", "user_id": "U01AKIKO01", "is_active": True, "messages_posted_count": 3}
    return json.dumps({**base, **fields})


def test_the_sample_file_reads_as_member_days() -> None:
    parsed = read_member_file(SAMPLE, today=TODAY)
    assert parsed.errors == []
    assert len(parsed.days) == 8
    daiki = next(d for d in parsed.days if d.user_id == "U01DAIKI04")
    assert daiki.values["used_apps"] is True and daiki.values["used_workflows"] is True
    chloe = next(d for d in parsed.days if d.user_id == "U01CHLOE03")
    assert chloe.values["is_active"] is False and chloe.values["searches"] == 4


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([_line(), "[1, 2]"], ":2: a line must be a JSON object"),
        ([_line(), "{bad"], ":2: not JSON"),
        ([json.dumps({"date": "2026-11-02"})], ':1: "user_id" is missing'),
        ([json.dumps({"user_id": "U01AKIKO01"})], ':1: "date" is missing'),
        ([_line(date="2027-01-01")], ':1: "date" 2027-01-01 is in the future'),
        ([_line(date="02/11/2026")], ":1: \"date\" '02/11/2026' is not a date"),
        ([_line(user_id="akiko")], ":1: \"user_id\" 'akiko' is not a Slack user id"),
        ([_line(messages_posted_count=-1)], ':1: "messages_posted_count" must be a whole number'),
        ([_line(is_active="yes")], ':1: "is_active" must be true or false'),
        ([_line(), _line()], ":2: U01AKIKO01 on 2026-11-02 is already on line 1"),
    ],
)
def test_a_bad_line_refuses_the_whole_file(tmp_path: Path, lines: list[str], expected: str) -> None:
    parsed = read_member_file(_gz(tmp_path, lines), today=TODAY)
    assert parsed.days == []
    assert any(expected in error and error.startswith(str(tmp_path)) for error in parsed.errors), parsed.errors


def test_a_file_that_is_not_gzip_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "member.json"
    plain.write_text(_line(), encoding="utf-8")
    [error] = read_member_file(plain, today=TODAY).errors
    assert error == f"{plain}:1: is not a gzip file (admin.analytics.getFile returns gzip JSON lines)"


def test_a_truncated_gzip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress((_line() + "\n").encode())[:-12])
    [error] = read_member_file(path, today=TODAY).errors
    assert "damaged gzip file" in error
