"""Storing Slack's member analytics days (bot/domain/analytics_file.py reads the files) beside observed activity.

One file is one transaction. A day already imported is replaced by the same values, so re-importing a file
changes nothing; members Coach does not know are counted and reported, never silently dropped. Platform activity
(an app or a workflow used that day) completes the use cases that wait for `app_used` anywhere (no channel or
count filter: the file does not say where), with source "analytics".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from bot.db import dialect_insert
from bot.domain.analytics_file import COUNTS, FLAGS, MemberDay
from bot.playbook import Playbook
from bot.services.progress import complete_by
from models import Completion, ImportedActivity, Person
from models.base import table_of

SOURCE = "analytics"
COLUMNS = (*COUNTS.values(), *FLAGS.values())
CHUNK = 500


@dataclass
class ImportResult:
    """What one import did: days stored new, changed or already identical; members unknown; use cases done."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    unknown: Counter[str] = field(default_factory=Counter)  # user id → member days skipped
    completed: int = 0

    @property
    def stored(self) -> int:
        return self.new + self.changed + self.unchanged


def platform_use_cases(playbook: Playbook) -> list[str]:
    """Use cases an imported app/workflow day can complete: `app_used` with no channel or count filter."""
    return [
        uc.key
        for uc in playbook.all_use_cases()
        if uc.criteria.event == "app_used"
        and uc.criteria.channel is None
        and uc.criteria.channel_type is None
        and uc.criteria.count == 1
    ]


def import_member_days(session: Session, days: list[MemberDay], *, playbook: Playbook, now: datetime) -> ImportResult:
    """Upsert the days of one file for known people; complete platform use cases; report unknown members."""
    result = ImportResult()
    users = sorted({d.user_id for d in days})
    people: dict[str, Person] = {}
    for start in range(0, len(users), CHUNK):
        chunk = users[start : start + CHUNK]
        people.update(
            {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.slack_user_id.in_(chunk)))}
        )
    known = [d for d in days if d.user_id in people]
    result.unknown.update(d.user_id for d in days if d.user_id not in people)
    existing = _existing(session, [(people[d.user_id].id, d) for d in known])
    rows = []
    for d in known:
        pid = people[d.user_id].id
        values = {c: d.values[c] for c in COLUMNS}
        before = existing.get((pid, d.day))
        if before is None:
            result.new += 1
        elif before == tuple(values[c] for c in COLUMNS):
            result.unchanged += 1
            continue
        else:
            result.changed += 1
        rows.append({"person_id": pid, "day": d.day, "source": SOURCE, **values})
    for start in range(0, len(rows), CHUNK):
        stmt = dialect_insert(session, table_of(ImportedActivity)).values(rows[start : start + CHUNK])
        stmt = stmt.on_conflict_do_update(
            index_elements=["person_id", "day", "source"], set_={c: stmt.excluded[c] for c in COLUMNS}
        )
        session.execute(stmt)
    result.completed = _complete_platform(session, playbook, people, known, now)
    return result


def _existing(session: Session, keyed: list[tuple[int, MemberDay]]) -> dict[tuple[int, date], tuple[int | bool, ...]]:
    found: dict[tuple[int, date], tuple[int | bool, ...]] = {}
    keys = sorted({(pid, d.day) for pid, d in keyed})
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for row in session.execute(
            select(
                ImportedActivity.person_id, ImportedActivity.day, *(getattr(ImportedActivity, c) for c in COLUMNS)
            ).where(
                ImportedActivity.source == SOURCE,
                tuple_(ImportedActivity.person_id, ImportedActivity.day).in_(chunk),
            )
        ):
            found[(row[0], row[1])] = tuple(row[2:])
    return found


def _complete_platform(
    session: Session, playbook: Playbook, people: dict[str, Person], days: list[MemberDay], now: datetime
) -> int:
    keys = platform_use_cases(playbook)
    users = sorted({d.user_id for d in days if d.values["used_apps"] or d.values["used_workflows"]})
    if not keys or not users:
        return 0
    ids = [people[u].id for u in users]
    done = set(
        session.execute(
            select(Completion.person_id, Completion.use_case_key).where(
                Completion.person_id.in_(ids), Completion.use_case_key.in_(keys), Completion.status == "done"
            )
        ).all()
    )
    completed = 0
    for user in users:
        person = people[user]
        for key in keys:
            if (person.id, key) not in done:
                outcome = complete_by(
                    session, playbook=playbook, person=person, use_case_key=key, source=SOURCE, now=now
                )
                completed += len(outcome.completed)
    return completed
