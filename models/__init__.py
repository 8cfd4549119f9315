"""SQLAlchemy models; importing this package registers every table on `Base.metadata` (Alembic needs that)."""

from models.audit import AuditEntry
from models.base import Base, TimestampMixin, UTCDateTime, utcnow
from models.help import HelpContact, HelpContactCheck, HelpRequest, HelpStep
from models.help_retry import HelpRedelivery
from models.jobs import JobClaim, SlackPace
from models.nudges import NudgeDelivery
from models.people import Channel, Person, Role
from models.progress import (
    Completion,
    CriterionHit,
    DailyActivity,
    ImportedActivity,
    LessonCompletion,
    ProcessedEvent,
)
from models.rollout import PulseResponse, Wave, WaveMembership

__all__ = [
    "AuditEntry",
    "Base",
    "Channel",
    "Completion",
    "CriterionHit",
    "DailyActivity",
    "HelpContact",
    "HelpContactCheck",
    "HelpRedelivery",
    "HelpRequest",
    "HelpStep",
    "ImportedActivity",
    "JobClaim",
    "LessonCompletion",
    "NudgeDelivery",
    "Person",
    "ProcessedEvent",
    "PulseResponse",
    "Role",
    "SlackPace",
    "TimestampMixin",
    "UTCDateTime",
    "Wave",
    "WaveMembership",
    "utcnow",
]
from models.champions import Champion as Champion
from models.champions import SuccessStory as SuccessStory
from models.insights import MetricRollup, RedDepartment  # noqa: F401
from models.privacy import DoNotTrack as DoNotTrack
from models.privacy import HomeChoice as HomeChoice
from models.setup import SetupState as SetupState
