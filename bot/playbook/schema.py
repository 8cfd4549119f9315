# The playbook: everything an admin can change about how Coach runs a rollout, as data.
#
# It holds the four pillars of seed 000 (people & purpose, use cases, setup/help, change) plus the
# Lewin phases of seed 002. Every model forbids unknown fields so a typo is an error, not a silent
# default. Field-level checks live here; checks that need the whole playbook (translations present,
# keys unique, channels listed, placeholders allowed) live in `checks.py`, which the loader runs on the
# validated model as its last step.

from __future__ import annotations

import re
from datetime import date, time
from functools import cached_property
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    RootModel,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.domain.activity import CRITERIA_CHANNEL_TYPES, EVENT_FILTERS, OBSERVABLE_EVENTS

DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TEMPLATE_KINDS: Final = (
    "welcome",
    "next_use_case",
    "training",
    "reinforcement",
    "reengage",
    "celebrate_use_case",
    "celebrate_stage",
    "pulse_question",
    "help_follow_up",
    "feedback_question",
)
# The placeholders the nudge renderer fills for each template kind; anything else is an error.
TEMPLATE_PLACEHOLDERS: Final[dict[str, frozenset[str]]] = {
    "welcome": frozenset({"name", "purpose", "sponsor", "wave", "first_use_case", "help_hint"}),
    "next_use_case": frozenset({"name", "use_case", "why", "how_to", "stage", "stage_number"}),
    "training": frozenset({"name", "use_case", "lesson", "try_it"}),
    "reinforcement": frozenset({"name", "tip", "stage", "completed_count"}),
    "reengage": frozenset({"name", "days_inactive", "next_use_case"}),
    "celebrate_use_case": frozenset({"name", "use_case", "next_use_case"}),
    "celebrate_stage": frozenset({"name", "stage", "stage_number", "next_stage"}),
    "pulse_question": frozenset({"name", "wave"}),
    "help_follow_up": frozenset({"name", "topic", "contact"}),
    "feedback_question": frozenset({"name", "wave", "goal"}),
}

# The planner keeps each person's done required use cases as one bit each in a BIGINT (nudges/planner.py): 62 bits
# fit every backend's signed 64-bit integer with room to spare. `coach playbook check` refuses more.
MAX_REQUIRED_USE_CASES: Final = 62
# Optional use cases (in no stage's `required`) are listed on the Home tab with "I did it", at most this many.
MAX_OPTIONAL_ON_HOME: Final = 8

_KEY = r"^[a-z0-9][a-z0-9-]*$"
_CHANNEL = re.compile(r"^#[a-z0-9_*?\[][a-z0-9._\-*?\[\]]{0,79}$")
_USER_ID = r"^[UW][A-Z0-9]{2,}$"
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

Key = Annotated[str, Field(pattern=_KEY)]
SlackUserId = Annotated[str, Field(pattern=_USER_ID)]


def _problem(message: str, **ctx: Any) -> PydanticCustomError:
    """Build an error whose message is already a plain-language sentence (no "Value error," prefix)."""
    return PydanticCustomError("coach", message, ctx or None)


def _check_channel(value: str) -> str:
    if not _CHANNEL.match(value):
        raise _problem(
            f'"{value}" is not a channel name: write it with "#", in lower case, like "#company-news" '
            '(a pattern such as "#proj-*" is fine)'
        )
    return value


def _parse_hhmm(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _HHMM.match(value):
        raise _problem(f'"{value}" is not a time; write it as "HH:MM" in 24-hour form, like "09:00"')
    return time.fromisoformat(value)


Channel = Annotated[str, Field(min_length=2)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _weekdays() -> list[Day]:
    return ["mon", "tue", "wed", "thu", "fri"]


class Strict(BaseModel):
    """Base for every playbook model: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class LocalizedText(RootModel[dict[str, str]]):
    """Text per locale ("en", "ja", …); completeness is checked against `Playbook.locales`."""

    def get(self, locale: str, fallback: str = "en") -> str:
        """Text in `locale`, or in `fallback` when that translation is absent."""
        return self.root.get(locale) or self.root[fallback]

    def __getitem__(self, locale: str) -> str:
        return self.root[locale]


class LocalizedKeywords(RootModel[dict[str, list[str]]]):
    """Keyword lists per locale, used to match a person's question to a topic or FAQ entry."""

    def get(self, locale: str, fallback: str = "en") -> list[str]:
        """Keywords in `locale`, or in `fallback` when that list is absent."""
        return self.root.get(locale) or self.root.get(fallback, [])


class Purpose(Strict):
    """Why the company is changing: shown when a wave opens (seed 000, people & purpose)."""

    message: LocalizedText
    goal: LocalizedText | None = None
    sponsor: SlackUserId | None = None


class Training(Strict):
    lesson: LocalizedText
    try_it: LocalizedText


class Verify(Strict):
    """How Coach checks an "I did it": channel membership, an observed app or workflow use, and/or an ambassador.

    With several, any one that holds completes it; the ambassador's confirmation is the fallback when the
    others cannot be seen (the self-report then waits as pending).
    """

    channel_member: Channel | None = None
    app_used: bool = False
    ambassador: bool = False

    _channel = field_validator("channel_member")(lambda v: v if v is None else _check_channel(v))


class Criteria(Strict):
    """Completion criteria as data: an observed event with filters, or a self-report."""

    event: str | None = None
    channel: Channel | None = None
    channel_type: str | None = None
    thread_reply: bool | None = None
    mentions_user: bool | None = None
    from_app: bool | None = None
    count: PositiveInt = 1
    within_days: PositiveInt | None = None
    self_report: bool = False
    verify: Verify | None = None

    @field_validator("event")
    @classmethod
    def _observable(cls, value: str | None) -> str | None:
        if value is not None and value not in OBSERVABLE_EVENTS:
            raise PydanticCustomError(
                "unobservable_event",
                'waits for event "{event}", which Coach does not listen to',
                {"event": value},
            )
        return value

    @field_validator("channel")
    @classmethod
    def _channel_name(cls, value: str | None) -> str | None:
        return value if value is None else _check_channel(value)

    @field_validator("channel_type")
    @classmethod
    def _visible_type(cls, value: str | None) -> str | None:
        if value is not None and value not in CRITERIA_CHANNEL_TYPES:
            raise _problem(
                f'channel_type "{value}" cannot be observed: Coach only sees public ("channel") and private '
                '("group") channels it is in, never other people\'s direct messages'
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Criteria:
        if self.self_report:
            if self.event is not None:
                raise _problem('use either "event" or "self_report: true", not both')
            for name in (
                "channel",
                "channel_type",
                "thread_reply",
                "mentions_user",
                "from_app",
                "within_days",
            ):
                if getattr(self, name) is not None:
                    raise _problem(f'"{name}" does not apply to "self_report: true" (use "verify" to check)')
            if self.count != 1:
                raise _problem('"count" does not apply to "self_report: true"')
            return self
        if self.event is None:
            raise _problem('criteria need an "event" (or "self_report: true")')
        if self.verify is not None:
            raise _problem('"verify" only applies to "self_report: true" criteria')
        allowed = EVENT_FILTERS[self.event]
        for name in ("channel", "channel_type", "thread_reply", "mentions_user", "from_app"):
            if getattr(self, name) is not None and name not in allowed:
                raise _problem(f'"{name}" cannot be used with event "{self.event}"')
        return self


class UseCase(Strict):
    key: Key
    title: LocalizedText
    why: LocalizedText
    how_to: LocalizedText
    training: Training
    criteria: Criteria


class Stage(Strict):
    key: Key
    title: LocalizedText
    summary: LocalizedText
    use_cases: list[UseCase]
    required: list[str] | None = None

    @property
    def required_keys(self) -> tuple[str, ...]:
        """Use-case keys that complete this stage (all of them unless `required` narrows it)."""
        if self.required is None:
            return tuple(uc.key for uc in self.use_cases)
        return tuple(self.required)


class Hours(Strict):
    tz: str
    days: list[Day] = Field(default_factory=_weekdays, min_length=1)
    start: time = time(9, 0)
    end: time = time(18, 0)

    _times = field_validator("start", "end", mode="before")(_parse_hhmm)

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _problem(f'"{value}" is not a time zone Coach knows; use an IANA name such as "Asia/Tokyo"') from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Hours:
        if self.start >= self.end:
            raise _problem(f"start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        return self


class Sla(Strict):
    first_response_hours: PositiveFloat
    resolution_hours: PositiveFloat


class Contact(Strict):
    department: str | None = None
    primary: SlackUserId
    backup: SlackUserId | None = None
    hours: Hours


class HelpTopic(Strict):
    key: Key
    title: LocalizedText
    keywords: LocalizedKeywords
    sla: Sla
    contacts: list[Contact] = Field(min_length=1)


class FaqEntry(Strict):
    topic: str
    question: LocalizedText
    answer: LocalizedText
    keywords: LocalizedKeywords


class Help(Strict):
    topics: list[HelpTopic] = Field(min_length=1)
    ambassador_default_for: list[str] = Field(default_factory=list)
    admin_channel: Channel
    faq: list[FaqEntry] = Field(default_factory=list)

    _channel = field_validator("admin_channel")(_check_channel)


class WorkingHours(Strict):
    start: time = time(10, 0)
    end: time = time(17, 0)

    _times = field_validator("start", "end", mode="before")(_parse_hhmm)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.start >= self.end:
            raise _problem(f"start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        return self


class Cadence(Strict):
    """Delivery rules so coaching never turns into spam (seed 000: continuous, not noisy, reinforcement)."""

    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    weekdays: list[Day] = Field(default_factory=_weekdays, min_length=1)
    holidays: list[date] = Field(default_factory=list)
    weekly_budget: PositiveInt = 3
    min_gap_hours: PositiveFloat = 20
    backoff_after_ignored: PositiveInt = 2
    reengage_after_days: PositiveInt = 10
    pulse_every_weeks: PositiveInt = 4  # a pulse survey (Sentiment, seed 001) every N weeks per enrolled person
    quiet: bool = True


class PowerUser(Strict):
    """Who counts as a power user (seed 001's fourth health axis, "people who use Slack heavily")."""

    min_active_days: PositiveInt = 12  # active on at least this many days of the metrics window
    min_actions: PositiveInt = 40  # and at least this many counted actions (messages, replies, reactions, ...) in it


class RedRule(Strict):
    """When a department turns red (docs/metrics.md): any one reason is enough."""

    adoption_below: int = Field(default=40, ge=0, le=100)  # Adoption score under this
    sentiment_below: int = Field(default=50, ge=0, le=100)  # Sentiment score (when shown) under this
    stuck_share_above: float = Field(default=0.5, ge=0, le=1)  # more than this share of enrolled people inactive
    unanswered_at_least: PositiveInt = 3  # this many help questions past their first-response SLA


class RedAction(Strict):
    """A suggested response to a red department, sent to its ambassadors, sponsor and the admins."""

    key: Key
    text: LocalizedText


def _red_actions() -> list[RedAction]:
    return []


class Metrics(Strict):
    """Windows and thresholds of the numbers (docs/metrics.md); defaults follow seeds 001 and 002."""

    window_days: PositiveInt = 28  # Maturity, Sentiment, Messaging, Platform and power users look this far back
    adoption_days: int = Field(default=3, ge=1, le=7)  # "adopted": active on at least this many of the last 7 days
    min_answers: int = Field(default=3, ge=1)  # no Sentiment from fewer answers (nor for groups of fewer people)
    forecast_weeks: PositiveInt = 12  # the forecast horizon when no running wave has an end date
    power_user: PowerUser = Field(default_factory=PowerUser)
    red: RedRule = Field(default_factory=RedRule)
    red_actions: list[RedAction] = Field(default_factory=_red_actions)
    red_repeat_days: PositiveInt = 7  # a department still red is reported again at most this often


class Champions(Strict):
    """The champions network (seed 001): power users an ambassador invites to one channel to share success stories."""

    channel: Channel = "#coach-champions"  # where accepted champions are added (conversations.invite)
    reinvite_after_days: PositiveInt = 90  # after a decline, the same person is not invited again for this long

    @field_validator("channel")
    @classmethod
    def _one_channel(cls, value: str) -> str:
        _check_channel(value)
        if any(c in value for c in "*?["):
            raise _problem(
                f'"{value}" is a pattern; the champions channel must be one channel people can be added to, '
                'like "#coach-champions"'
            )
        return value


class Templates(Strict):
    welcome: LocalizedText
    next_use_case: LocalizedText
    training: LocalizedText
    reinforcement: LocalizedText
    reengage: LocalizedText
    celebrate_use_case: LocalizedText
    celebrate_stage: LocalizedText
    pulse_question: LocalizedText
    help_follow_up: LocalizedText
    feedback_question: LocalizedText

    def of(self, kind: str) -> LocalizedText:
        """The template for a nudge kind (one of TEMPLATE_KINDS)."""
        if kind not in TEMPLATE_KINDS:
            raise KeyError(kind)
        text: LocalizedText = getattr(self, kind)
        return text


class PhaseContent(Strict):
    intro: LocalizedText
    tips: list[LocalizedText] = Field(default_factory=list)


class Phases(Strict):
    """Wave content per Lewin phase (seed 002): unfreeze → change → refreeze, then a feedback stop (000)."""

    unfreeze: PhaseContent
    change: PhaseContent
    refreeze: PhaseContent
    feedback: PhaseContent


TRACK_ROLES: tuple[str, ...] = ("sponsor", "ambassador", "admin", "employee")


class Lesson(Strict):
    """One short lesson of a role's track: what to do and why, and something to try now."""

    key: Key
    title: LocalizedText
    body: LocalizedText
    try_it: LocalizedText | None = None


class Track(Strict):
    """Training for one role (seed 000: executives, Slack admins, employees, champions each learn their own use
    cases). The employee track is the ladder itself (`ladder: true`); the others are a few lessons each."""

    title: LocalizedText
    summary: LocalizedText
    ladder: bool = False
    lessons: list[Lesson] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ladder_or_lessons(self) -> Track:
        if self.ladder and self.lessons:
            raise _problem("a track that follows the ladder (ladder: true) has no lessons of its own")
        if not self.ladder and not self.lessons:
            raise _problem("a track needs at least one lesson, or `ladder: true` to follow the stages")
        keys = [lesson.key for lesson in self.lessons]
        if len(set(keys)) != len(keys):
            raise _problem("lesson keys must be unique within a track")
        return self

    def lesson(self, key: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)


class Departments(Strict):
    """Where a person's department comes from: a profile field, user groups, or a CSV import."""

    source: Literal["profile_field", "usergroup", "csv"]
    field: str | None = None
    usergroups: dict[str, str] | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _source_settings(self) -> Departments:
        uses = {"profile_field": "field", "usergroup": "usergroups", "csv": "path"}[self.source]
        if self.source != "csv" and not getattr(self, uses):
            raise _problem(f'source "{self.source}" needs "{uses}"')
        for other in ("field", "usergroups", "path"):
            if other != uses and getattr(self, other) is not None:
                raise _problem(f'"{other}" does not apply to source "{self.source}"')
        return self


class Locations(Strict):
    """Where each person works, for the public holidays they have off: a profile field holding their country
    (an ISO code such as JP, or a name such as Japan), else a profile field naming their office mapped to a
    country here, else their Slack time zone's country. The company's own days off are `cadence.holidays`."""

    country_field: str | None = None  # a profile field, by id (Xf…) or label, or a standard key
    office_field: str | None = None
    offices: dict[str, str] = Field(default_factory=dict)  # office name → ISO 3166 country code

    @field_validator("offices")
    @classmethod
    def _known_countries(cls, offices: dict[str, str]) -> dict[str, str]:
        for office, code in offices.items():
            if code.upper() not in holidays.list_supported_countries():
                raise _problem(f'office "{office}": {code!r} is not a country code the holidays calendar knows')
        return {office: code.upper() for office, code in offices.items()}

    @model_validator(mode="after")
    def _office_needs_field(self) -> Locations:
        if self.offices and not self.office_field:
            raise _problem('"offices" needs "office_field" (the profile field naming each person\'s office)')
        return self


class Playbook(Strict):
    version: str
    locales: list[str] = Field(min_length=1)
    default_locale: str = "en"
    purpose: Purpose
    stages: list[Stage] = Field(min_length=1)
    channels: dict[str, str]
    help: Help
    cadence: Cadence = Field(default_factory=Cadence)
    templates: Templates
    phases: Phases
    departments: Departments = Field(default_factory=lambda: Departments(source="csv"))
    locations: Locations = Field(default_factory=Locations)
    tracks: dict[str, Track] = Field(default_factory=dict)
    metrics: Metrics = Field(default_factory=Metrics)
    champions: Champions = Field(default_factory=Champions)

    @field_validator("tracks")
    @classmethod
    def _track_roles(cls, value: dict[str, Track]) -> dict[str, Track]:
        for role in value:
            if role not in TRACK_ROLES:
                roles = ", ".join(TRACK_ROLES)
                raise _problem('"{role}" is not a role with a track; use one of {roles}', role=role, roles=roles)
        return value

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            _check_channel(name)
        return value

    @cached_property
    def ladder_index(self) -> dict[str, tuple[int, UseCase]]:
        return {uc.key: (n, uc) for n, stage in enumerate(self.stages, 1) for uc in stage.use_cases}

    def use_case(self, key: str) -> UseCase:
        """The use case with this key (KeyError if the playbook has none)."""
        return self.ladder_index[key][1]

    def stage_number_of(self, use_case_key: str) -> int:
        """1-based number of the stage that holds this use case."""
        return self.ladder_index[use_case_key][0]

    @cached_property
    def use_cases_by_event(self) -> dict[str, tuple[UseCase, ...]]:
        """Use cases grouped by the event their criteria wait for (most activities concern none)."""
        grouped: dict[str, list[UseCase]] = {}
        for uc in self.all_use_cases():
            if uc.criteria.event:
                grouped.setdefault(uc.criteria.event, []).append(uc)
        return {event: tuple(ucs) for event, ucs in grouped.items()}

    @cached_property
    def counted_keys(self) -> frozenset[str]:
        """Use cases completed by a number of matches, whose earlier match times must be loaded."""
        return frozenset(uc.key for uc in self.all_use_cases() if uc.criteria.count > 1)

    @cached_property
    def required_use_case_keys(self) -> tuple[str, ...]:
        """Every stage's required use cases, in ladder order (each once)."""
        return tuple(dict.fromkeys(key for stage in self.stages for key in stage.required_keys))

    def optional_use_cases(self) -> list[UseCase]:
        """Use cases no stage requires, in ladder order: the person may do them, they never block a stage."""
        required = set(self.required_use_case_keys)
        return [uc for uc in self.all_use_cases() if uc.key not in required]

    def all_use_cases(self) -> list[UseCase]:
        """Every use case, in ladder order."""
        return [uc for _, uc in self.ladder_index.values()]
