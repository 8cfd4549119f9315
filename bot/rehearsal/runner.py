"""Drive the real app for W simulated weeks against the simulated Slack, on a fresh temporary SQLite file.

The app is the one `coach serve` runs: Bolt behind waitress, reached through signed HTTP requests from
`bot.simslack.SlackDriver`; its Web API calls go to `bot.simslack.FakeSlack` on 127.0.0.1. Time is a
`ManualClock` stepped one simulated hour at a time; each hour the scheduler's jobs run once with it (wave
phases, planner, outbox worker, help ticks), then people react to the DMs they actually received.
Settings are built explicitly (tokens, API URL and database are the simulation's), so nothing in the
environment or `.env` can point a rehearsal at a real workspace or database.
"""

from __future__ import annotations

import heapq
import logging
import math
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from bot.app import build_app
from bot.clock import ManualClock
from bot.db import session_scope, upgrade_to_head
from bot.deps import build_deps
from bot.manifest import bot_scopes, load_manifest
from bot.playbook.loader import PlaybookError
from bot.playbook.schema import Playbook, UseCase
from bot.rehearsal.workspace import (
    ASK_BY_MODAL,
    CONTACT_DELAY_MINUTES,
    PROFILES,
    SimPerson,
    Workspace,
    build_workspace,
)
from bot.server import create_http_server
from bot.services.metrics.scores import compute
from bot.settings import Settings
from bot.simslack import SIGNING_SECRET, FakeSlack, SlackDriver
from bot.simslack.payloads import (
    block_actions,
    event_callback,
    fresh_trigger_id,
    member_joined,
    message_event,
    reaction_event,
    slash_command,
    view_submission,
)
from bot.views.ids import HelpAction, HelpView
from bot.views.nudges import NudgeContext
from models import Completion, HelpRequest, HelpStep, NudgeDelivery, Person, PulseResponse, Wave, WaveMembership
from nudges.worker import DeliveryWorker

START = date(2027, 1, 4)  # a Monday; fixed so a seed always gives the same report
HOUR = timedelta(hours=1)
# The planner is the hot path (a set-based pass over everyone); it queues rows due at the next allowed local
# time, so running it every few simulated hours instead of every 5 minutes changes when a DM is queued,
# not when it may land (the worker's rules decide that, and it runs every simulated hour).
PLAN_EVERY_HOURS = 3


# `coach waves import`'s importer, handed in by the CLI (the composition root) so the plan is read the same way.
PlanImporter = Callable[..., tuple[list[str], list[PlaybookError]]]


class PlanRefused(Exception):
    """The rollout plan does not import (same errors as `coach waves import`)."""

    def __init__(self, errors: list[PlaybookError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class Config:
    playbook: Playbook
    playbook_path: Path
    plan: Path | None = None
    people: int = 300
    departments: int = 5
    weeks: int = 6
    seed: int = 1


@dataclass(frozen=True)
class Sent:
    """One DM that landed: who, what kind, in which wave phase, when (UTC)."""

    user: str
    kind: str
    phase: str
    at: datetime


@dataclass
class Trace:
    """What the run observed; `bot.rehearsal.report` turns it into report.json."""

    workspace: Workspace
    start: datetime
    plan: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    stages: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    ignited: dict[str, list[float]] = field(default_factory=dict)
    sentiment: list[float | None] = field(default_factory=list)
    # Per department, each week's scores as the admin Home shows them (bot.services.metrics.scores)
    scores: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unsent: dict[str, str] = field(default_factory=dict)  # user -> why no DM landed
    # Every distinct context the worker rendered a nudge with (nudge id and name blanked) -> how many DMs
    contexts: dict[str, tuple[NudgeContext, int]] = field(default_factory=dict)
    enrolled: set[str] = field(default_factory=set)
    help: dict[str, Any] = field(default_factory=dict)
    completed: dict[str, int] = field(default_factory=dict)  # use case key -> people who completed it
    phases: dict[str, list[str]] = field(default_factory=dict)  # wave -> phase (or state) per week


def channel_name(pattern: str, dept: str) -> str:
    """'#proj-*' -> 'proj-sales' for a department; plain names lose their '#'."""
    return pattern.lstrip("#").replace("*", dept.lower())


def default_plan(ws: Workspace, start: date) -> dict[str, Any]:
    """A pilot wave (the first department, now) then a second wave (everyone else, two weeks later)."""
    return {
        "waves": [
            {"name": "pilot", "sponsor": ws.sponsor, "start_date": start.isoformat(),
             "members": {"departments": ws.departments[:1]}},
            {"name": "second", "sponsor": ws.sponsor, "start_date": (start + timedelta(weeks=2)).isoformat(),
             "members": {"departments": ws.departments[1:] or ws.departments[:1]}},
        ]
    }  # fmt: skip


class Simulation:
    """One rehearsal: the simulated Slack, the app, the clock and the people, stepped hour by hour."""

    def __init__(
        self, config: Config, fake: FakeSlack, workdir: Path, stop: threading.Event, import_plan: PlanImporter
    ) -> None:
        self.config = config
        self.import_plan = import_plan
        self.fake = fake
        self.workdir = workdir
        self.stop = stop
        self.rng = random.Random(config.seed)
        self.start = datetime(START.year, START.month, START.day, tzinfo=UTC)
        self.clock = ManualClock(self.start)
        self.ws = build_workspace(
            config.playbook, people=config.people, departments=config.departments, seed=config.seed,
            start=START, weeks=config.weeks,
        )  # fmt: skip
        self.people = self.ws.by_id()
        self.trace = Trace(workspace=self.ws, start=self.start)
        self.channels: dict[str, str] = {}  # name -> id
        self.news_ts = ""
        self.events = 0  # events sent to the app (the benchmark's baseline replays as many)
        self.asked = 0  # help questions people submitted (numbers the synthetic question text)
        self.seen_cards: set[tuple[str, str]] = set()  # (contact, message ts) of help cards already noticed
        # heap of (due, contact, request id, card ts, action_id); the request id (not the ts, which follows the
        # wall clock) seeds the delay, so the same seed gives the same answers
        self.presses: list[tuple[datetime, str, str, str, str]] = []
        self.last_step = 0  # the newest HelpStep looked at: contacts look at their DM only when a card is new
        self.faq_pending: list[tuple[str, int | str]] = []  # (asker, DM length before | command response_url)

    # -- the workspace in the simulated Slack -------------------------------------------------------------
    def seed_slack(self) -> None:
        self.fake.api.granted_scopes = sorted(bot_scopes(load_manifest()))
        self.fake.define_profile_field("Xf01DEPT", "Department")
        for p in [*self.ws.people, *self.ws.contacts]:
            fields = {"Xf01DEPT": p.department}  # the bundled playbook's "Department" field (users.profile.get)
            self.fake.add_user(p.user_id, name=p.name, real_name=p.name.title(), tz=p.tz, locale=p.locale,
                               profile_fields=fields)  # fmt: skip
            if p.away:
                self.fake.set_dnd(
                    p.user_id,
                    dnd_enabled=True,
                    next_dnd_start_ts=int(p.away[0].replace(tzinfo=UTC).timestamp()),
                    next_dnd_end_ts=int(p.away[1].replace(tzinfo=UTC).timestamp()),
                )
        names = {"coach-admins"}
        for pattern in self.config.playbook.channels:
            for dept in self.ws.departments if "*" in pattern else [""]:
                names.add(channel_name(pattern, dept))
        members = [p.user_id for p in self.ws.people]
        for i, name in enumerate(sorted(names)):
            cid = f"C0SIM{i:04d}"
            self.fake.add_channel(cid, name, members=[] if name != "coach-admins" else members[:1])
            self.channels[name] = cid
        # The newest post in #company-news that people react to (the app reads the channel, not the post).
        self.news_ts = f"{int(self.start.timestamp())}.000100"

    # -- the run ------------------------------------------------------------------------------------------
    def run(
        self,
        progress: Callable[[int, int], None] | None = None,
        after: Callable[[Simulation], None] | None = None,
    ) -> Trace:
        """Step the weeks; `after(sim)` runs while the app is still up (the benchmark's baseline uses it)."""
        db_url = f"sqlite:///{self.workdir / 'coach.db'}"
        upgrade_to_head(db_url)
        settings = Settings(
            SLACK_BOT_TOKEN=self.fake.bot_token, SLACK_APP_TOKEN=self.fake.app_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=self.fake.api_url, DATABASE_URL=db_url,
            COACH_PLAYBOOK=str(self.config.playbook_path),
            # The simulated Slack answers at once and sets no profile-read limit: the rehearsal does not
            # wait out the real users.profile.get pace in wall-clock time.
            COACH_SLACK_PROFILE_RATE=600000,
        )  # fmt: skip
        self.deps = build_deps(settings, clock=self.clock, playbook=self.config.playbook)
        # The database is a temporary file deleted after the run: durability buys nothing, fsyncs cost time.
        sa_event.listen(self.deps.engine, "connect", _no_fsync)
        self.deps.engine.dispose()
        self.app = build_app(self.deps)
        server = create_http_server(self.app, self.deps, host="127.0.0.1", port=0, threads=2)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is expected here
        thread = threading.Thread(target=_serve, args=(server,), name="rehearsal-http", daemon=True)
        thread.start()
        self.driver = SlackDriver(f"http://127.0.0.1:{server.effective_port}/slack/events", SIGNING_SECRET)
        self.worker = DeliveryWorker(self.deps)  # one per run, like the scheduler's
        self._record_contexts()
        try:
            self._prepare()
            hours = self.config.weeks * 7 * 24
            for h in range(hours):
                if self.stop.is_set():
                    raise KeyboardInterrupt
                if h % (7 * 24) == 0 and h:
                    self._snapshot_week(h // (7 * 24) - 1)
                self.clock.set(self.start + h * HOUR)
                self._hour()
                if progress and h % 24 == 23:
                    progress(h // 24 + 1, hours // 24)
            self._snapshot_week(self.config.weeks - 1)
            self._finish()
            if after is not None:
                after(self)
        finally:
            server.close()
            self.app.drain()
            self.deps.engine.dispose()
        return self.trace

    def _record_contexts(self) -> None:
        """Keep the contexts the worker really renders DMs with, so templates can be re-rendered against them."""
        build = self.worker._context
        seen = self.trace.contexts

        def recording(item: Any, now: datetime) -> NudgeContext:
            ctx = build(item, now)
            plain = replace(ctx, nudge_id=0, name="-", payload=dict(sorted(ctx.payload.items())))
            key = repr(plain)
            seen[key] = (seen[key][0] if key in seen else plain, seen[key][1] + 1 if key in seen else 1)
            return ctx

        self.worker._context = recording  # type: ignore[method-assign]

    def _prepare(self) -> None:
        from bot.flows.channels import sync_channels
        from bot.flows.people import people_rule, sync_people

        sync_people(self.deps, people_rule(self.deps))
        sync_channels(self.deps)
        plan_path = self.config.plan
        if plan_path is None:
            plan_path = self.workdir / "plan.yaml"
            plan_path.write_text(yaml.safe_dump(default_plan(self.ws, START), sort_keys=False), encoding="utf-8")
        with session_scope(self.deps.session_factory) as session:
            _changed, errors = self.import_plan(session, plan_path, actor="rehearsal", now=self.clock.now())
            if errors:
                session.rollback()
                raise PlanRefused(errors)

    def _hour(self) -> None:
        from nudges.help_jobs import check_help_contacts, tick_help_requests
        from nudges.ticks import plan_nudges
        from nudges.wave_jobs import advance_wave_phases

        now = self.clock.now()
        advance_wave_phases(self.deps)
        if (now - self.start) // HOUR % PLAN_EVERY_HOURS == 0:
            plan_nudges(self.deps)
        for _ in range(50):  # the deliver_nudges job's body, one worker for the run
            began = time.monotonic()
            if self.worker.tick().claimed == 0:
                break
            if time.monotonic() - began < self.worker.settings.tick_budget_seconds and self.worker.outage_until is None:
                break  # it stopped for want of due rows, not of time: another tick now would find none
        tick_help_requests(self.deps)
        check_help_contacts(self.deps)
        for delivery in self._landed(now):
            self._react(delivery)
        self._settle()
        self._past_faqs()
        self._contacts_act(now)

    def _settle(self) -> None:
        """Wait until every acked event and interaction has been handled, so the next hour starts from one state.

        All of the listener pool's workers are made to meet at a barrier: when they do, every task queued before
        has finished. Twice, because recorded events queue follow-up work (celebrations) on the same pool.
        """
        pool = self.app.listeners
        workers = pool._max_workers
        for _ in range(2):
            self.app.ingest.wait_idle()
            barrier = threading.Barrier(workers + 1)
            for _w in range(workers):
                pool.submit(barrier.wait)
            barrier.wait()

    def _landed(self, now: datetime) -> list[dict[str, Any]]:
        with session_scope(self.deps.session_factory) as s:
            rows = s.execute(
                select(NudgeDelivery.id, NudgeDelivery.kind, NudgeDelivery.subject, NudgeDelivery.message_ts,
                       Person.slack_user_id, Wave.phase)
                .join(Person, Person.id == NudgeDelivery.person_id)
                .outerjoin(WaveMembership, WaveMembership.person_id == Person.id)
                .outerjoin(Wave, Wave.id == WaveMembership.wave_id)
                .where(NudgeDelivery.state == "sent", NudgeDelivery.sent_at == now)
            ).all()  # fmt: skip
        rows = sorted(rows, key=lambda r: (r[4], r[1], r[2] or "", r[0]))  # not by id: ids follow thread timing
        out = []
        for _id, kind, subject, ts, user, phase in rows:
            self.trace.sent.append(Sent(user, kind, phase or "none", now))
            out.append({"kind": kind, "subject": subject, "ts": ts, "user": user})
        return out

    # -- people -------------------------------------------------------------------------------------------
    def _away(self, p: SimPerson, now: datetime) -> bool:
        return p.away is not None and p.away[0].replace(tzinfo=UTC) <= now < p.away[1].replace(tzinfo=UTC)

    def _react(self, delivery: dict[str, Any]) -> None:
        p = self.people.get(delivery["user"])
        if p is None or self._away(p, self.clock.now()):
            return
        profile = PROFILES[p.profile]
        # One generator per DM, from what it is, so the order DMs are looked at cannot change what people do.
        key = f"{self.config.seed}:{p.user_id}:{delivery['kind']}:{delivery['subject']}:{self.clock.now()}"
        self.rng = random.Random(key)
        message = self._message(p.user_id, delivery["ts"])
        buttons = _buttons(message)
        rate = [b for b in buttons if b["action_id"].startswith("nudge.rate")]
        if rate:
            if self.rng.random() < profile.answer_pulse:
                score = min(5, max(1, round(self.rng.gauss(profile.mood, 0.8))))
                pick = next((b for b in rate if b["action_id"].endswith(f".{score}")), rate[-1])
                self._press(p.user_id, message, pick)
            return
        if self.rng.random() >= profile.act:
            return
        try_it = next((b for b in buttons if b["action_id"].startswith("nudge.try_it")), None)
        if try_it:
            self._press(p.user_id, message, try_it)
        help_open = next((b for b in buttons if b["action_id"] == HelpAction.OPEN), None)
        use_case = self._use_case(delivery["subject"])
        if use_case is not None and use_case.criteria.event == "help_requested":
            if help_open:  # trying the button completes the step; only some have a question to submit
                self._ask_by_modal(p, message, help_open, submit=self.rng.random() < profile.ask_help)
        elif use_case is not None:
            self._do(p, use_case)
            if self.rng.random() < profile.ask_help:
                if help_open and self.rng.random() < ASK_BY_MODAL:
                    self._ask_by_modal(p, message, help_open)
                else:
                    self._ask_by_command(p)

    def _use_case(self, key: str | None) -> UseCase | None:
        if not key:
            return None
        try:
            return self.config.playbook.use_case(key)
        except (KeyError, LookupError):
            return None

    def _do(self, p: SimPerson, use_case: UseCase) -> None:
        """Do what the use case asks, as Slack would report it: the events the app subscribes to."""
        c = use_case.criteria
        channel = self.channels.get(channel_name(c.channel, p.department)) if c.channel else None
        channel = channel or self.channels.get(channel_name("#proj-*", p.department))
        if channel is None:
            return
        for i in range(c.count):
            ts = f"{int(self.clock.now().timestamp()) + i}.{self.rng.randrange(10**6):06d}"
            if c.event == "member_joined_channel":
                event = member_joined(p.user_id, channel)
            elif c.event == "reaction_added":
                event = reaction_event(p.user_id, "thumbsup", channel, self.news_ts)
            elif c.event == "message":
                thread = ts if c.thread_reply else None
                event = message_event(p.user_id, channel, "(simulated)", ts=ts, thread_ts=thread)
            else:
                return  # help_requested, self-report or events the simulation does not produce
            event["event_ts"] = ts  # the simulated time, which the app reads as when it happened
            self.driver.post_event(event_callback(event, event_time=int(self.clock.now().timestamp())))
            self.events += 1

    def _message(self, user: str, ts: str | None) -> dict[str, Any]:
        return self.fake.message_at(user, ts)

    def _press(self, user: str, message: dict[str, Any], button: dict[str, Any], trigger_id: str | None = None) -> None:
        before = self.fake.call_count
        payload = block_actions(
            user, button["action_id"], button.get("value", ""), channel=self.fake.dm_channel(user),
            message_ts=message.get("ts"), response_url=self.fake.response_url("actions"), trigger_id=trigger_id,
        )  # fmt: skip
        self.driver.post_interaction(payload)
        deadline = time.monotonic() + 0.5
        while self.fake.call_count == before and time.monotonic() < deadline:  # the app answered somehow
            time.sleep(0.002)

    # -- help: people ask, contacts answer ----------------------------------------------------------------
    def _question(self, p: SimPerson) -> tuple[str, str]:
        """A synthetic question on one of the playbook's help topics: (topic key, text). Never real text."""
        topics = self.config.playbook.help.topics
        topic = topics[self.rng.randrange(len(topics))]
        words = topic.keywords.get("en") or [topic.key]
        self.asked += 1
        return topic.key, f"Simulated question {self.asked} ({p.profile}) about {self.rng.choice(words)}"

    def _ask_by_modal(
        self, p: SimPerson, message: dict[str, Any], help_open: dict[str, Any], *, submit: bool = True
    ) -> None:
        """Press "I need help", find the modal Coach opened for that trigger, fill it in and submit it
        (or, `submit=False`, look at it and close it)."""
        trigger = fresh_trigger_id()
        self._press(p.user_id, message, help_open, trigger_id=trigger)
        if not submit:
            return
        view = self._opened_view(trigger)
        if view is None or view.get("callback_id") != HelpView.ASK:
            return
        topic, text = self._question(p)
        values: dict[str, dict[str, dict[str, Any]]] = {
            HelpView.ASK_TOPIC: {HelpView.ASK_TOPIC: {"type": "static_select", "selected_option": {"value": topic}}},
            HelpView.ASK_QUESTION: {HelpView.ASK_QUESTION: {"type": "plain_text_input", "value": text}},
        }
        self.faq_pending.append((p.user_id, self.fake.message_count(p.user_id)))
        self.driver.post_interaction(
            view_submission(p.user_id, HelpView.ASK, values, view.get("private_metadata", ""), view_id=view["id"],
                            blocks=view.get("blocks"))
        )  # fmt: skip

    def _opened_view(self, trigger: str) -> dict[str, Any] | None:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            for call in reversed(self.fake.calls_to("views.open")):
                if call.args.get("trigger_id") == trigger and call.ok:
                    view: dict[str, Any] = call.response["view"]
                    return view
            time.sleep(0.002)
        return None

    def _ask_by_command(self, p: SimPerson) -> None:
        """`/coach help <question>`, signed like Slack signs it; FAQ answers shown instead are passed by."""
        _topic, text = self._question(p)
        response_url = self.fake.response_url("commands")
        self.driver.post_command(
            slash_command(f"help {text}", p.user_id, channel_id=self.fake.dm_channel(p.user_id),
                          response_url=response_url)
        )  # fmt: skip
        self.faq_pending.append((p.user_id, response_url.split("/hooks", 1)[1]))

    def _past_faqs(self) -> None:
        """Questions that got FAQ answers instead of a person: the asker presses "I still need a person"."""
        if not self.faq_pending:
            return
        responses = self.fake.calls_to("response_url")
        for user, where in self.faq_pending:
            if isinstance(where, int):
                shown = self.fake.messages_in(user)[where:]
            else:
                shown = [c.args for c in responses if str(c.args.get("path", "")).endswith(where)]
            for message in shown:
                need = _button(message, HelpAction.FAQ_NEED_PERSON)
                if need is not None:
                    self._press(user, message, need)
        self.faq_pending = []
        self._settle()

    def _new_card_owners(self) -> set[str] | None:
        """Who got a help card since the last look (None: anyone may have, e.g. a reopened request)."""
        with session_scope(self.deps.session_factory) as s:
            rows = s.execute(
                select(HelpStep.id, HelpStep.kind, HelpStep.actor).where(
                    HelpStep.id > self.last_step, HelpStep.kind.in_(("assigned", "escalated", "reopened"))
                )
            ).all()
        self.last_step = max([self.last_step, *(r[0] for r in rows)])
        if any(kind == "reopened" for _id, kind, _actor in rows):
            return None
        return {actor for _id, _kind, actor in rows if actor}

    def _contacts_act(self, now: datetime) -> None:
        """Contacts notice new help cards in their DM and press its buttons after their seeded delays."""
        owners = self._new_card_owners()
        for contact in self.ws.contacts:
            if contact.never_answers or (owners is not None and contact.user_id not in owners):
                continue

            def new_card(message: dict[str, Any], user: str = contact.user_id) -> bool:
                seen = (user, message.get("ts", "")) in self.seen_cards
                return not seen and _button(message, HelpAction.TAKE) is not None

            for message in self.fake.messages_where(contact.user_id, new_card):
                ts = message.get("ts", "")
                take = _button(message, HelpAction.TAKE)
                assert take is not None
                self.seen_cards.add((contact.user_id, ts))
                request = str(take.get("value", ""))
                due = self._delayed(contact, now, "take", request)
                heapq.heappush(self.presses, (due, contact.user_id, request, ts, HelpAction.TAKE.value))
        horizon = now + HOUR
        while self.presses and self.presses[0][0] < horizon:
            due, user, request, ts, action = heapq.heappop(self.presses)
            self.clock.set(max(due, now))  # within this simulated hour; the next hour sets it forward again
            message = self._message(user, ts)
            button = _button(message, action)
            if button is None:
                continue  # moved on (escalated, handed over, answered) before the contact got to it
            self._press(user, message, button)
            self._settle()
            if action == HelpAction.TAKE:
                later = self._delayed(self.people[user], self.clock.now(), "answer", request)
                heapq.heappush(self.presses, (later, user, request, ts, HelpAction.ANSWERED.value))

    def _delayed(self, contact: SimPerson, now: datetime, step: str, request: str) -> datetime:
        """When the contact presses: a seeded log-normal delay in their working hours, after any time away."""
        median, sigma = CONTACT_DELAY_MINUTES[step]
        rng = random.Random(f"{self.config.seed}:{contact.user_id}:{request}:{step}")
        minutes = median * math.exp(rng.gauss(0.0, sigma))
        at = _working(contact, now)
        while minutes > 0:
            end = _day_end(contact, at)
            room = (end - at).total_seconds() / 60
            if minutes <= room:
                return at + timedelta(minutes=minutes)
            minutes -= room
            at = _working(contact, end + timedelta(minutes=1))
        return at

    # -- observations -------------------------------------------------------------------------------------
    def _snapshot_week(self, week: int) -> None:
        self.app.ingest.wait_idle()
        keys = [s.key for s in self.config.playbook.stages]
        since = self.start + timedelta(weeks=week)
        with session_scope(self.deps.session_factory) as s:
            rows = s.execute(select(Person.slack_user_id, Person.current_stage)).all()
            waves = s.execute(select(Wave.name, Wave.state, Wave.phase).order_by(Wave.id)).all()
            scores = s.scalars(
                select(PulseResponse.score).where(
                    PulseResponse.answered_at >= since,
                    PulseResponse.answered_at < since + timedelta(weeks=1),
                )
            ).all()
        counts: dict[str, dict[str, int]] = {d: {} for d in self.ws.departments}
        ignited: dict[str, int] = dict.fromkeys(self.ws.departments, 0)
        for user, stage in rows:
            p = self.people.get(user)
            if p is None or p in self.ws.contacts:
                continue
            name = keys[stage] if stage < len(keys) else "done"
            counts[p.department][name] = counts[p.department].get(name, 0) + 1
            ignited[p.department] += stage >= 2
        for name, state, phase in waves:
            self.trace.phases.setdefault(name, []).append(phase if state == "active" else state)
        sizes = {d: sum(counts[d].values()) for d in counts}
        for d in self.ws.departments:
            self.trace.stages.setdefault(d, []).append(dict(sorted(counts[d].items())))
            self.trace.ignited.setdefault(d, []).append(ignited[d] / sizes[d] if sizes[d] else 0.0)
        self.trace.sentiment.append(round(sum(scores) / len(scores), 2) if scores else None)
        with session_scope(self.deps.session_factory) as s:
            found = compute(s, playbook=self.config.playbook, now=self.clock.now())
        for group in found.departments:
            self.trace.scores.setdefault(group.key, []).append(
                {
                    "week": week,
                    "enrolled": group.enrolled,
                    "adoption": group.adoption,
                    "maturity": group.maturity,
                    "sentiment": group.sentiment,
                    "ignition": group.ignition,
                    "red": [r.value for r in group.reasons],
                }
            )

    def _finish(self) -> None:
        with session_scope(self.deps.session_factory) as s:
            enrolled = s.scalars(
                select(Person.slack_user_id).join(WaveMembership, WaveMembership.person_id == Person.id)
            ).all()
            for user, state, error in s.execute(
                select(Person.slack_user_id, NudgeDelivery.state, NudgeDelivery.last_error)
                .join(Person, Person.id == NudgeDelivery.person_id)
                .where(NudgeDelivery.state != "sent")
                .order_by(NudgeDelivery.id)
            ):  # fmt: skip
                self.trace.unsent.setdefault(user, f"{state}: {error}" if error else state)
            self.trace.enrolled = set(enrolled)
            self.trace.help = help_stats(s)
            self.trace.plan = [{"wave": name, "phase_by_week": ph} for name, ph in self.trace.phases.items()]
            done = s.execute(
                select(Completion.use_case_key, func.count()).where(Completion.status == "done")
                .group_by(Completion.use_case_key)
            ).all()  # fmt: skip
            self.trace.completed = {key: n for key, n in done}


def help_stats(session: Any) -> dict[str, Any]:
    """report.json `help`, from the database: questions routed to a person (FAQ drafts not passed on excluded)."""
    rows = session.execute(
        select(HelpRequest.id, HelpRequest.opened_at, HelpRequest.created_at, HelpRequest.first_response_at,
               HelpRequest.answered_at)
        .where(HelpRequest.state != "faq", HelpRequest.resolution.is_distinct_from("faq"))
        .order_by(HelpRequest.id)
    ).all()  # fmt: skip
    escalated = set(session.scalars(select(HelpStep.request_id).where(HelpStep.kind == "escalated")).all())
    minutes = sorted(
        round((first - (opened or created)).total_seconds() / 60)
        for _id, opened, created, first, _answered in rows
        if first is not None
    )
    answered = sum(1 for row in rows if row[4] is not None)
    return {
        "asked": len(rows),
        "answered": answered,
        "escalated": sum(1 for row in rows if row[0] in escalated),
        "unanswered": len(rows) - answered,
        "first_answer_minutes": minutes,
    }


def _working(person: SimPerson, at: datetime) -> datetime:
    """The first moment at or after `at` within the person's working day (09:00-18:00 weekdays, local) and not away."""
    zone = ZoneInfo(person.tz)
    if person.away and person.away[0].replace(tzinfo=UTC) <= at < person.away[1].replace(tzinfo=UTC):
        at = person.away[1].replace(tzinfo=UTC)
    local = at.astimezone(zone)
    for _ in range(14):
        start = local.replace(hour=9, minute=0, second=0, microsecond=0)
        end = local.replace(hour=18, minute=0, second=0, microsecond=0)
        if local.weekday() < 5 and local < end:
            return max(local, start).astimezone(UTC)
        local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return at


def _day_end(person: SimPerson, at: datetime) -> datetime:
    local = at.astimezone(ZoneInfo(person.tz))
    return local.replace(hour=18, minute=0, second=0, microsecond=0).astimezone(UTC)


def _button(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    return next((b for b in _buttons(message) if b["action_id"] == action_id), None)


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        el
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for el in block.get("elements", [])
        if el.get("type") == "button"
    ]


def _serve(server: Any) -> None:
    try:
        server.run()
    except (OSError, ValueError):
        return


def rehearse(
    config: Config,
    *,
    import_plan: PlanImporter,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    after: Callable[[Simulation], None] | None = None,
) -> Trace:
    """Run one rehearsal in a fresh temporary directory (deleted afterwards)."""
    with tempfile.TemporaryDirectory(prefix="coach-rehearsal-") as tmp, FakeSlack(ack_timeout=1.0) as fake:
        sim = Simulation(config, fake, Path(tmp), stop or threading.Event(), import_plan)
        sim.seed_slack()
        return sim.run(progress, after)
