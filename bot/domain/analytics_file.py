"""Reading Slack's member analytics files (`admin.analytics.getFile`, type `member`): gzip-compressed JSON lines,
one object per member per day (field list: docs/metrics.md, from Slack's method reference). Pure: no database.

A file is read whole before anything is stored, so a corrupt file or line refuses the file with file, line and
reason and nothing of it is half-imported. Counts and flags only; the file holds no message text.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.domain.slack_ids import is_slack_user_id

# file field → our column, for the counts and flags Coach keeps (everything else in a line is ignored)
COUNTS = {
    "messages_posted_count": "messages",
    "channel_messages_posted_count": "channel_messages",
    "reactions_added_count": "reactions",
    "files_added_count": "files",
    "slack_huddles_count": "huddles",
    "search_count": "searches",
}
FLAGS = {"is_active": "is_active", "is_active_apps": "used_apps", "is_active_workflows": "used_workflows"}
MAX_ERRORS = 20  # a file this broken is the wrong file; the first few reasons say enough


@dataclass(frozen=True)
class MemberDay:
    """One member on one UTC day, as the file says."""

    user_id: str
    day: date
    values: dict[str, int | bool]  # column → value (COUNTS and FLAGS; absent fields are 0 / false)


@dataclass
class MemberFile:
    """What one file holds: its member days, or why it is refused (then `days` is empty)."""

    path: str
    days: list[MemberDay] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _field_errors(data: dict[str, Any], today: date) -> tuple[list[str], date | None]:
    errors: list[str] = []
    for name in ("user_id", "date"):
        if not isinstance(data.get(name), str) or not data[name]:
            errors.append(f'"{name}" is missing (every member line has "user_id" and "date")')
    day: date | None = None
    if not errors:
        if not is_slack_user_id(data["user_id"]):
            errors.append(f'"user_id" {data["user_id"]!r} is not a Slack user id')
        try:
            day = date.fromisoformat(data["date"])
        except ValueError:
            errors.append(f'"date" {data["date"]!r} is not a date (YYYY-MM-DD)')
        if day is not None and day > today:
            errors.append(f'"date" {day.isoformat()} is in the future')
    for name in COUNTS:
        value = data.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(f'"{name}" must be a whole number ≥ 0, not {value!r}')
    for name in FLAGS:
        if not isinstance(data.get(name, False), bool):
            errors.append(f'"{name}" must be true or false, not {data[name]!r}')
    return errors, day


def parse_lines(path: str, lines: list[bytes], *, today: date) -> MemberFile:
    """Member days from the decompressed lines; every problem as `file:line: reason`."""
    result = MemberFile(path)
    seen: dict[tuple[str, date], int] = {}
    for number, raw in enumerate(lines, start=1):
        if len(result.errors) >= MAX_ERRORS:
            result.errors.append(f"{path}: more problems not shown; is this a member analytics file?")
            break
        if not raw.strip():
            continue
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            result.errors.append(f"{path}:{number}: the line is not UTF-8 text")
            continue
        except json.JSONDecodeError as exc:
            result.errors.append(f"{path}:{number}: not JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(data, dict):
            result.errors.append(f"{path}:{number}: a line must be a JSON object (one member on one day)")
            continue
        problems, day = _field_errors(data, today)
        result.errors.extend(f"{path}:{number}: {problem}" for problem in problems)
        if problems or day is None:
            continue
        key = (data["user_id"], day)
        if key in seen:
            result.errors.append(f"{path}:{number}: {key[0]} on {day} is already on line {seen[key]}")
            continue
        seen[key] = number
        values: dict[str, int | bool] = {column: int(data.get(name, 0)) for name, column in COUNTS.items()}
        values.update({column: bool(data.get(name, False)) for name, column in FLAGS.items()})
        result.days.append(MemberDay(data["user_id"], day, values))
    if result.errors:
        result.days = []
    return result


def read_member_file(path: Path, *, today: date) -> MemberFile:
    """Decompress and parse one file; a file that is not gzip is refused as a whole."""
    try:
        with gzip.open(path, "rb") as handle:
            lines = handle.read().split(b"\n")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        reason = "is not a gzip file" if isinstance(exc, gzip.BadGzipFile) else "is a damaged gzip file"
        return MemberFile(str(path), errors=[f"{path}:1: {reason} (admin.analytics.getFile returns gzip JSON lines)"])
    except OSError as exc:
        return MemberFile(str(path), errors=[f"{path}: cannot be read ({exc.strerror or exc})"])
    result = parse_lines(str(path), lines, today=today)
    if not result.days and not result.errors:
        result.errors.append(f"{path}:1: the file holds no member lines")
    return result
