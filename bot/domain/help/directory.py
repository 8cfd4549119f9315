"""The help directory: topics with their keywords, SLA and contacts, the FAQ, and the admin channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.business_hours import BusinessHours

OTHER_TOPIC = "other"


@dataclass(frozen=True)
class SlaHours:
    """Hours of *business* time allowed for the first response and for the resolution."""

    first_response_hours: float = 4.0
    resolution_hours: float = 24.0


@dataclass(frozen=True)
class TopicContact:
    """Who answers a topic, optionally for one department; ``hours=None`` means always reachable."""

    primary: str
    backup: str | None = None
    department: str | None = None
    hours: BusinessHours | None = None


@dataclass(frozen=True)
class Topic:
    """A help topic with its matching keywords per locale, its SLA and its contacts."""

    key: str
    title: str
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sla: SlaHours = SlaHours()
    contacts: tuple[TopicContact, ...] = ()


@dataclass(frozen=True)
class FaqItem:
    """A ready answer shown before (or instead of) routing a question to a person."""

    topic: str
    question: Mapping[str, str]
    answer: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FlaggedContact:
    """A contact the evergreen check flagged, for the admin Home: who, for which topics, why, since when."""

    user_id: str
    topics: tuple[str, ...]  # topic titles in the reader's language, "(department)" where the contact is for one
    reason: str  # "deactivated", "unconfirmed" or "declined"
    since: datetime


@dataclass(frozen=True)
class Directory:
    """Everything routing needs from the playbook.

    ``admin_hours`` is when the admin channel is staffed. ``None`` makes the channel a safety net rather
    than a desk: it only receives a request when no active person is left in the chain, and its deadlines
    run on wall-clock time. ``office_hours`` are the hours assumed for ambassadors when the topic has no
    contact to borrow hours from (``None``: always reachable).
    """

    topics: tuple[Topic, ...] = ()
    faq: tuple[FaqItem, ...] = ()
    ambassador_default_for: frozenset[str] = frozenset()
    admin_channel: str = "#coach-help-admins"
    admin_hours: BusinessHours | None = None
    office_hours: BusinessHours | None = None
    default_sla: SlaHours = SlaHours()

    def topic(self, key: str) -> Topic | None:
        """The topic with this key, if the playbook has one."""
        return next((t for t in self.topics if t.key == key), None)

    def sla_for(self, key: str) -> SlaHours:
        """The topic's SLA, or the default for unknown topics such as "other"."""
        topic = self.topic(key)
        return topic.sla if topic else self.default_sla


def _keywords(raw: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """Normalise a {locale: [words]} mapping read from YAML."""
    return {locale: tuple(words) for locale, words in (raw or {}).items()}


def _hours(raw: Mapping[str, Any] | None) -> BusinessHours | None:
    """Build business hours from the playbook's {tz, days, start, end, holidays} mapping."""
    return BusinessHours(**raw) if raw else None


def directory_from_dict(data: Mapping[str, Any]) -> Directory:
    """Adapt the playbook's help section (plain dicts, as loaded from YAML) into a ``Directory``."""
    topics = tuple(
        Topic(
            key=t["key"],
            title=t.get("title", t["key"]),
            keywords=_keywords(t.get("keywords")),
            sla=SlaHours(**t["sla"]) if t.get("sla") else SlaHours(),
            contacts=tuple(
                TopicContact(c["primary"], c.get("backup"), c.get("department"), _hours(c.get("hours")))
                for c in t.get("contacts", ())
            ),
        )
        for t in data.get("topics", ())
    )
    faq = tuple(
        FaqItem(f["topic"], dict(f["question"]), dict(f["answer"]), _keywords(f.get("keywords")))
        for f in data.get("faq", ())
    )
    return Directory(
        topics=topics,
        faq=faq,
        ambassador_default_for=frozenset(data.get("ambassador_default_for", ())),
        admin_channel=data.get("admin_channel", "#coach-help-admins"),
        admin_hours=_hours(data.get("admin_hours")),
        office_hours=_hours(data.get("office_hours")),
    )
