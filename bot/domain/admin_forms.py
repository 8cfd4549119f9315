"""What an admin typed into the role and help-contact modals, and the checks that need no database.

Errors are keyed by form field name (``user``, ``department``, ``tz``…) and are `Text` values; the view
maps them to the modal's input blocks, in the admin's language, so Slack shows each message under the
field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import Text

ROLES = ("ambassador", "sponsor")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class FormInvalid(ValueError):
    """A submission with one message per offending field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RoleForm:
    user_id: str | None
    role: str
    department: str | None

    def errors(self) -> dict[str, str]:
        """Shape problems: a person, a known role, and a department for an ambassador."""
        errors: dict[str, str] = {}
        if not self.user_id:
            errors["user"] = Text("form.error.person")
        if self.role not in ROLES:
            errors["role"] = Text("form.error.role")
        elif self.role == "ambassador" and not self.department:
            errors["department"] = Text("form.error.department_needed")
        return errors


@dataclass(frozen=True)
class ContactForm:
    topic: str
    department: str | None
    primary: str | None
    backup: str | None
    tz: str
    days: tuple[str, ...] = field(default=DAYS[:5])
    start: str = "09:00"
    end: str = "18:00"

    def errors(self) -> dict[str, str]:
        """Everything checkable without the database: people, zone, days, and the order of the times."""
        errors: dict[str, str] = {}
        if not self.topic:
            errors["topic"] = Text("form.error.topic")
        if not self.primary:
            errors["primary"] = Text("form.error.primary")
        elif self.backup == self.primary:
            errors["backup"] = Text("form.error.backup_same")
        if not _zone_ok(self.tz):
            errors["tz"] = Text("form.error.tz", value=self.tz)
        if not self.days or any(d not in DAYS for d in self.days):
            errors["days"] = Text("form.error.days")
        start, end = _time(self.start), _time(self.end)
        if start is None:
            errors["start"] = Text("form.error.start")
        if end is None:
            errors["end"] = Text("form.error.end")
        elif start is not None and end <= start:
            errors["end"] = Text("form.error.end_order", start=self.start)
        return errors

    def hours(self) -> dict[str, Any]:
        """Business hours in the playbook's shape (what routing reads)."""
        return {"tz": self.tz, "days": [d for d in DAYS if d in self.days], "start": self.start, "end": self.end}


def _zone_ok(name: str) -> bool:
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _time(raw: str) -> time | None:
    try:
        return time.fromisoformat(raw) if raw else None
    except ValueError:
        return None
