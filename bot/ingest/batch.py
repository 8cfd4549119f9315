"""Recording many events at once: one transaction and a handful of set-based statements per batch.

Per batch: claim event ids (Slack's retries count once, RETURNING tells which are new), look people up in
one query, add counters with one upsert, and run the pure ladder engine only for activities that some use
case could match — in memory, in event order — before writing hits, completions, stages and
celebrations in bulk. Message text is never stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.domain.activity import COUNTERS, Activity, classify_counter
from bot.domain.privacy import tracking_hash
from bot.domain.progression import PersonProgress, apply, evaluate, matches, next_use_case
from bot.playbook import Playbook
from bot.settings import DEFAULT_PRIVACY_KEY
from models import Completion, CriterionHit, DailyActivity, DoNotTrack, NudgeDelivery, Person, ProcessedEvent
from models.base import table_of
from models.people import PERSON_DEFAULTS
from nudges.celebrations import CELEBRATION_WAIT
from nudges.kinds import NudgeKind
from nudges.outbox import outbox_key, outbox_row


@dataclass(frozen=True)
class EventItem:
    """One Slack event's activities, keyed by its event_id (None: not a deliverable Slack event)."""

    event_id: str | None
    activities: tuple[Activity, ...]


@dataclass
class Outcome:
    """What changed for whom, so the caller can refresh Home tabs after the commit."""

    new_people: set[str] = field(default_factory=set)
    progressed: set[str] = field(default_factory=set)
    progressed_viewers: set[str] = field(default_factory=set)  # progressed and have opened their Home tab
    completed: list[tuple[str, str]] = field(default_factory=list)  # (slack user id, use case key)
    duplicates: set[str] = field(default_factory=set)


@cache
def _sql(dialect: str) -> SimpleNamespace:
    """Every statement of the hot path, built once per backend (building them per batch cost more than running them)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    pe, people, daily = table_of(ProcessedEvent), table_of(Person), table_of(DailyActivity)
    hits, done, outbox = table_of(CriterionHit), table_of(Completion), table_of(NudgeDelivery)
    dnt = table_of(DoNotTrack)
    counters = insert(daily)
    pids: BindParameter[Any] = bindparam("pids", expanding=True)
    users: BindParameter[Any] = bindparam("users", expanding=True)
    done_already = (
        select(done.c.id)
        .where(
            done.c.person_id == hits.c.person_id, done.c.use_case_key == hits.c.use_case_key, done.c.status == "done"
        )
        .exists()
    )
    return SimpleNamespace(
        claim=insert(pe).on_conflict_do_nothing(index_elements=["event_id"]).returning(pe.c.event_id),
        people=select(
            people.c.slack_user_id, people.c.id, people.c.deactivated, people.c.current_stage, people.c.last_active_at
        ).where(people.c.slack_user_id.in_(users)),
        new_people=insert(people).on_conflict_do_nothing(index_elements=["slack_user_id"]),
        untracked=select(dnt.c.user_hash).where(dnt.c.user_hash.in_(bindparam("hashes", expanding=True))),
        counters=counters.on_conflict_do_update(
            index_elements=["person_id", "day"], set_={c: daily.c[c] + counters.excluded[c] for c in COUNTERS}
        ),
        last_active=update(people)
        .where(people.c.id == bindparam("pid"))
        .where((people.c.last_active_at.is_(None)) | (people.c.last_active_at < bindparam("seen")))
        .values(last_active_at=bindparam("seen")),
        opened=update(people).where(people.c.id == bindparam("pid")).values(home_opened_at=bindparam("at")),
        done=select(done.c.person_id, done.c.use_case_key).where(done.c.person_id.in_(pids), done.c.status == "done"),
        open_hits=select(hits.c.person_id, hits.c.use_case_key, hits.c.occurred_at).where(
            hits.c.person_id.in_(pids), hits.c.use_case_key.in_(bindparam("keys", expanding=True)), ~done_already
        ),
        add_hits=insert(hits).on_conflict_do_nothing(index_elements=["person_id", "use_case_key", "event_id"]),
        viewers=select(people.c.id).where(people.c.id.in_(pids), people.c.home_opened_at.is_not(None)),
        stage=update(people)
        .where(people.c.id == bindparam("pid"), people.c.current_stage < bindparam("stage"))
        .values(current_stage=bindparam("stage"), stage_reached_at=bindparam("at")),
        celebrate=insert(outbox).on_conflict_do_nothing(index_elements=["idempotency_key"]),
    )


def _conn(session: Session) -> tuple[Connection, SimpleNamespace]:
    """The session's connection (Core, no ORM bookkeeping) and the statements for its backend."""
    conn = session.connection()
    return conn, _sql(conn.dialect.name)


def ingest_batch(
    session: Session,
    *,
    playbook: Playbook,
    items: Sequence[EventItem],
    now: datetime,
    privacy_key: bytes = DEFAULT_PRIVACY_KEY,
) -> Outcome:
    """Record a batch of events; redelivered event ids change nothing; people who asked not to be tracked
    (a "do not track" marker under `privacy_key`) are neither created nor counted."""
    outcome = Outcome()
    fresh = _claim(session, items, now, outcome)
    activities = [a for item in fresh for a in item.activities]
    if not activities:
        return outcome
    people = _people(session, {a.user_id for a in activities}, outcome, privacy_key)
    live = [a for a in activities if a.user_id in people and not people[a.user_id][1]]
    _count(session, live, people)
    _progress(session, playbook, live, people, outcome, now)
    return outcome


def _claim(session: Session, items: Sequence[EventItem], now: datetime, outcome: Outcome) -> list[EventItem]:
    ids = list(dict.fromkeys(i.event_id for i in items if i.event_id))
    new: set[str] = set()
    if ids:
        conn, sql = _conn(session)
        new = set(conn.execute(sql.claim, [{"event_id": e, "received_at": now} for e in ids]).scalars())
    outcome.duplicates = set(ids) - new
    fresh, seen = [], set()
    for item in items:
        if item.event_id is None:
            fresh.append(item)
        elif item.event_id in new and item.event_id not in seen:
            seen.add(item.event_id)
            fresh.append(item)
    return fresh


PersonRow = tuple[int, bool, int, datetime | None]  # id, deactivated, stage, last active


def _people(session: Session, user_ids: set[str], outcome: Outcome, privacy_key: bytes) -> dict[str, PersonRow]:
    """slack user id → (person id, deactivated, stage, last active); first-time people get a bare row, except
    those with a "do not track" marker (only unknown ids are checked: a marker's owner has no row)."""
    conn, sql = _conn(session)

    def load() -> dict[str, PersonRow]:
        return {
            r[0]: (int(r[1]), bool(r[2]), int(r[3]), _aware(r[4]))
            for r in conn.execute(sql.people, {"users": list(user_ids)})
        }

    found = load()
    missing = user_ids - set(found)
    if missing:
        by_hash = {tracking_hash(privacy_key, u): u for u in missing}
        marked = conn.execute(sql.untracked, {"hashes": list(by_hash)}).scalars()
        missing -= {by_hash[h] for h in marked}
    if missing:
        conn.execute(
            sql.new_people, [{"slack_user_id": u, "opted_out_kinds": [], **PERSON_DEFAULTS} for u in sorted(missing)]
        )
        outcome.new_people |= missing
        found = load()
    return found


def _aware(value: datetime | None) -> datetime | None:
    """Core rows bypass the ORM type: SQLite hands back naive UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# "Last active" serves day-level questions (stuck, re-engagement); refreshing it hourly saves an UPDATE per event.
LAST_ACTIVE_RESOLUTION = timedelta(hours=1)


def _count(session: Session, activities: list[Activity], people: dict[str, PersonRow]) -> None:
    totals: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    last_seen: dict[int, datetime] = {}
    opened: dict[int, datetime] = {}
    for a in activities:
        pid = people[a.user_id][0]
        last_seen[pid] = max(last_seen.get(pid, a.occurred_at), a.occurred_at)
        if a.event == "app_home_opened":
            opened[pid] = a.occurred_at
        counter = classify_counter(a)
        if counter:
            totals[(pid, a.occurred_at.date())][counter] += 1
    conn, sql = _conn(session)
    if totals:
        conn.execute(sql.counters, [{"person_id": p, "day": d, **counts} for (p, d), counts in totals.items()])
    known = {row[0]: row[3] for row in people.values()}
    stale = [
        {"pid": p, "seen": t}
        for p, t in last_seen.items()
        if known.get(p) is None or t - known[p] >= LAST_ACTIVE_RESOLUTION  # type: ignore[operator]
    ]
    if stale:
        conn.execute(sql.last_active, stale)
    if opened:
        conn.execute(sql.opened, [{"pid": p, "at": t} for p, t in opened.items()])


def _progress(
    session: Session,
    playbook: Playbook,
    activities: list[Activity],
    people: dict[str, PersonRow],
    outcome: Outcome,
    now: datetime,
) -> None:
    by_event = playbook.use_cases_by_event
    matched_by_activity = [
        (a, {uc.key for uc in by_event.get(a.event, ()) if matches(uc.criteria, a)}) for a in activities
    ]
    relevant = [a for a, keys in matched_by_activity if keys]
    if not relevant:
        return
    pids = {people[a.user_id][0]: a.user_id for a in relevant}
    matched = set().union(*(keys for _, keys in matched_by_activity))
    progress = load_progress_many(
        session, {pid: people[user][2] for pid, user in pids.items()}, playbook.counted_keys & matched
    )
    writes = ProgressWrites(now=now)
    for a in relevant:
        pid = people[a.user_id][0]
        decision = evaluate(playbook, progress[pid], a)
        if not decision.hits and not decision.completed:
            continue
        progress[pid] = apply(progress[pid], decision, a.occurred_at)
        upcoming = next_use_case(playbook, progress[pid])
        writes.add(
            pid,
            a.user_id,
            decision,
            a.occurred_at,
            source="observed",
            event_id=a.event_id,
            next_key=upcoming.key if upcoming else None,
        )
    writes.flush(session, outcome)


def load_progress_many(
    session: Session, stages: dict[int, int], counted: frozenset[str] = frozenset()
) -> dict[int, PersonProgress]:
    """The engine's view of several people in two queries (done use cases, earlier match times).

    Earlier match times only matter for still-open use cases that need a count (`counted`); callers that only
    read completions and the stage pass none and skip the second query.
    """
    conn, sql = _conn(session)
    done: dict[int, set[str]] = defaultdict(set)
    for pid, key in conn.execute(sql.done, {"pids": list(stages)}):
        done[pid].add(key)
    hits: dict[int, dict[str, tuple[datetime, ...]]] = defaultdict(dict)
    if counted:
        for pid, key, at in conn.execute(sql.open_hits, {"pids": list(stages), "keys": sorted(counted)}):
            hits[pid][key] = (*hits[pid].get(key, ()), at)
    return {
        pid: PersonProgress(completed=frozenset(done[pid]), stage=stage, matches=hits[pid])
        for pid, stage in stages.items()
    }


@dataclass
class ProgressWrites:
    """Rows to write for a batch of decisions, flushed with a few bulk statements.

    Celebrations are due `now` (when Coach learnt of the progress), not when the event happened.
    """

    now: datetime
    hits: list[dict[str, Any]] = field(default_factory=list)
    completions: list[dict[str, Any]] = field(default_factory=list)
    stages: dict[int, tuple[int, datetime]] = field(default_factory=dict)
    celebrations: list[dict[str, Any]] = field(default_factory=list)
    users: dict[int, str] = field(default_factory=dict)

    def add(
        self,
        pid: int,
        user_id: str,
        decision: Any,
        at: datetime,
        *,
        source: str,
        event_id: str | None,
        confirmed_by: str | None = None,
        next_key: str | None = None,
    ) -> None:
        self.users[pid] = user_id
        for key in decision.hits:
            self.hits.append(
                {
                    "person_id": pid,
                    "use_case_key": key,
                    "occurred_at": at,
                    "event_id": event_id or f"{source}:{at.isoformat()}",
                }
            )
        for key in decision.completed:
            self.completions.append(
                {
                    "person_id": pid,
                    "use_case_key": key,
                    "status": "done",
                    "source": source,
                    "event_id": event_id,
                    "confirmed_by": confirmed_by,
                    "completed_at": at,
                }
            )
            self.celebrations.append(
                _celebration(pid, key, self.now, {"use_case": key, "next_use_case": next_key}, key)
            )
        if decision.stage_reached:
            self.stages[pid] = (max(decision.stage_reached, self.stages.get(pid, (0, at))[0]), at)
            self.celebrations.append(
                _celebration(
                    pid,
                    f"stage:{decision.stage_reached}",
                    self.now,
                    {"stage": decision.stage_reached},
                    str(decision.stage_reached),
                )
            )

    def flush(self, session: Session, outcome: Outcome) -> None:
        conn, sql = _conn(session)
        if self.hits:
            conn.execute(sql.add_hits, self.hits)
        for row in self.completions:
            _complete(session, row)
            outcome.completed.append((self.users[row["person_id"]], row["use_case_key"]))
            outcome.progressed.add(self.users[row["person_id"]])
        if self.completions:
            pids = list({row["person_id"] for row in self.completions})
            outcome.progressed_viewers |= {
                self.users[pid] for pid in conn.execute(sql.viewers, {"pids": pids}).scalars()
            }
        if self.stages:
            conn.execute(sql.stage, [{"pid": p, "stage": st, "at": at} for p, (st, at) in self.stages.items()])
        if self.celebrations:
            conn.execute(sql.celebrate, self.celebrations)


def _celebration(pid: int, part: str, at: datetime, payload: dict[str, Any], subject: str) -> dict[str, Any]:
    """An outbox row; the idempotency key makes each celebration happen once, however often it is decided.

    Due `CELEBRATION_WAIT` later, so the rest of a burst joins it in one message (nudges/celebrations.py).
    """
    key = outbox_key(NudgeKind.CELEBRATE, pid, part)
    due = at + CELEBRATION_WAIT
    return outbox_row(
        person_id=pid, kind=NudgeKind.CELEBRATE, idempotency_key=key, due_at=due, payload=payload, subject=subject
    )


def _complete(session: Session, row: dict[str, Any]) -> None:
    """Insert a completion; a pending self-report becomes done; a done one never changes (no moving back)."""
    inserted = insert_ignore(session, Completion, row, conflict=["person_id", "use_case_key"])
    if not inserted:
        session.execute(
            update(Completion)
            .where(
                Completion.person_id == row["person_id"],
                Completion.use_case_key == row["use_case_key"],
                Completion.status == "pending",
            )
            .values(
                status="done", source=row["source"], confirmed_by=row["confirmed_by"], completed_at=row["completed_at"]
            )
        )
