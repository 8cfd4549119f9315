"""A synthetic, seeded workspace: people with zones, locales, departments, roles and behaviour profiles.

Everything is drawn from one `random.Random(seed)`, so the same seed gives the same people. The shares of the
behaviour profiles are parameters (`PROFILE_SHARES` is the default) so a rehearsal can ask "what if half ignore us".
`Profile.ask_help` is the chance that a person who acts on a DM also asks a help question (by default one in ten of
eager people's actions, one in twenty of steady people's, one in fifty of reluctant people's; "never" never).
Help contacts answer after `CONTACT_DELAY_MINUTES` (a seeded log-normal, counted in their working hours), except
the first contact, who is out of office for the whole rehearsal (`SimPerson.never_answers`) so escalation runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.playbook.schema import Playbook

# (zone, locale, share). Asia/Kolkata is the half-hour zone (UTC+5:30).
ZONES: tuple[tuple[str, str, float], ...] = (
    ("Asia/Tokyo", "ja-JP", 0.40),
    ("Asia/Kolkata", "en-IN", 0.15),
    ("Europe/London", "en-GB", 0.20),
    ("America/New_York", "en-US", 0.15),
    ("America/Los_Angeles", "en-US", 0.10),
)

DEPARTMENT_NAMES = ("Sales", "Engineering", "Support", "Finance", "Marketing", "Operations", "Legal", "HR")


@dataclass(frozen=True)
class Profile:
    """How a person responds to a DM: chance to act on it, to answer a pulse, the mean rating they give, and the
    chance that acting on a DM comes with a help question."""

    name: str
    act: float
    answer_pulse: float
    mood: float
    ask_help: float = 0.0


PROFILES: dict[str, Profile] = {
    "eager": Profile("eager", act=0.9, answer_pulse=0.9, mood=4.5, ask_help=0.1),
    "steady": Profile("steady", act=0.55, answer_pulse=0.6, mood=3.8, ask_help=0.05),
    "reluctant": Profile("reluctant", act=0.2, answer_pulse=0.3, mood=2.8, ask_help=0.02),
    "never": Profile("never", act=0.0, answer_pulse=0.0, mood=2.0, ask_help=0.0),
}
# How people ask: the share that opens "I need help" on the DM and submits the modal (the rest type
# `/coach help <question>`); a DM without the button always goes through the slash command.
ASK_BY_MODAL = 0.5
# A help contact's delay before pressing "Take it", then before "Answered": log-normal (median minutes, sigma),
# counted from when they are next within their working hours.
CONTACT_DELAY_MINUTES: dict[str, tuple[float, float]] = {"take": (45.0, 0.8), "answer": (90.0, 0.8)}
PROFILE_SHARES: dict[str, float] = {"eager": 0.2, "steady": 0.45, "reluctant": 0.25, "never": 0.1}


@dataclass(frozen=True)
class SimPerson:
    user_id: str
    name: str
    tz: str
    locale: str
    department: str
    profile: str
    away: tuple[datetime, datetime] | None = None  # out of office / DND window (UTC)
    never_answers: bool = False  # a help contact out of office for the whole rehearsal


@dataclass
class Workspace:
    people: list[SimPerson]
    departments: list[str]
    sponsor: str
    ambassadors: dict[str, str]  # department -> user id
    contacts: list[SimPerson] = field(default_factory=list)  # help contacts named by the playbook

    def by_id(self) -> dict[str, SimPerson]:
        return {p.user_id: p for p in [*self.people, *self.contacts]}


def _pick(rng: random.Random, weighted: dict[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def department_sizes(people: int, departments: int) -> list[int]:
    """Unequal sizes (weights 1/(i+1)), each department at least one person."""
    weights = [1 / (i + 1) for i in range(departments)]
    total = sum(weights)
    sizes = [max(1, int(people * w / total)) for w in weights]
    sizes[0] += people - sum(sizes)
    return sizes


def contact_ids(playbook: Playbook) -> list[str]:
    """Every help contact the playbook names (they must exist in the workspace to be reachable)."""
    ids: set[str] = set()
    for topic in playbook.help.topics:
        for contact in topic.contacts:
            ids.add(contact.primary)
            if contact.backup:
                ids.add(contact.backup)
    return sorted(ids)


def build_workspace(
    playbook: Playbook,
    *,
    people: int,
    departments: int,
    seed: int,
    start: date,
    weeks: int,
    shares: dict[str, float] | None = None,
) -> Workspace:
    """The synthetic people; about 5% are away for one week (DND covering it), one help contact too.

    The first help contact (sorted by id) also never answers: the out-of-office case escalation exists for.
    """
    rng = random.Random(seed)
    names = list(DEPARTMENT_NAMES[:departments]) + [f"Dept{i + 1}" for i in range(len(DEPARTMENT_NAMES), departments)]
    shares = shares or PROFILE_SHARES
    out: list[SimPerson] = []
    zone_weights = {f"{z}|{loc}": s for z, loc, s in ZONES}
    for dept, size in zip(names, department_sizes(people, departments), strict=True):
        for _ in range(size):
            i = len(out)
            zone, locale = _pick(rng, zone_weights).split("|")
            away = None
            if weeks > 1 and rng.random() < 0.05:
                week = rng.randrange(1, weeks)
                begin = datetime(start.year, start.month, start.day) + timedelta(weeks=week)
                away = (begin, begin + timedelta(days=7))
            out.append(SimPerson(f"U0SIM{i:05d}", f"person{i}", zone, locale, dept, _pick(rng, shares), away))
    first_of: dict[str, str] = {}
    for p in out:
        first_of.setdefault(p.department, p.user_id)
    contacts = []
    for j, uid in enumerate(contact_ids(playbook)):
        away = None
        if j == 0 and weeks > 1:
            begin = datetime(start.year, start.month, start.day) + timedelta(weeks=1)
            away = (begin, begin + timedelta(days=7))
        contacts.append(
            SimPerson(uid, f"contact{j}", "Asia/Tokyo", "ja-JP", names[0], "eager", away, never_answers=j == 0)
        )
    return Workspace(out, names, sponsor=out[-1].user_id, ambassadors=first_of, contacts=contacts)
