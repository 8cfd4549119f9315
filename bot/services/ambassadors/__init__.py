"""Department views and actions for ambassadors, and the employee's own `/coach me|snooze|stop`.

Scope is decided here, on the server: `scope_for` turns what the caller typed into departments they may
steer (or a refusal), and every person-level action re-checks the target's department. One module per
section: scope, status, stuck, questions, nudging, confirm, self_service, digest; this package re-exports them.

Enrolled, active and ignition are defined once, in `bot.services.metrics` (so `/coach status` and the admin Home
agree). Defined here: open help — help requests not closed whose asker is in the department; trend — the same
numbers 7 days earlier, rebuilt from enrolment, DailyActivity and Completion timestamps.
"""

from __future__ import annotations

from bot.services.ambassadors.confirm import (
    CelebrateTarget,
    ConfirmOutcome,
    celebration_targets,
    confirm_use_case,
    find_use_case,
)
from bot.services.ambassadors.digest import DepartmentDigest, MovedUp, department_digest
from bot.services.ambassadors.nudging import NudgeOutcome, NudgeRequest, NudgeTarget, nudge_people, people_by_user_id
from bot.services.ambassadors.questions import OpenQuestion, open_questions
from bot.services.ambassadors.scope import SCOPE_MAX_DEPARTMENTS, Scope, all_departments, scope_for
from bot.services.ambassadors.self_service import MySummary, is_stopped, my_summary, set_stopped
from bot.services.ambassadors.status import (
    DepartmentNumbers,
    DepartmentStatus,
    department_numbers,
    department_status,
    members_query,
)
from bot.services.ambassadors.stuck import StuckPerson, stuck_people
from bot.services.metrics import IGNITION_LINE, IGNITION_STAGE

__all__ = [
    "IGNITION_LINE",
    "IGNITION_STAGE",
    "SCOPE_MAX_DEPARTMENTS",
    "CelebrateTarget",
    "ConfirmOutcome",
    "DepartmentDigest",
    "DepartmentNumbers",
    "DepartmentStatus",
    "MovedUp",
    "MySummary",
    "NudgeOutcome",
    "NudgeRequest",
    "NudgeTarget",
    "OpenQuestion",
    "Scope",
    "StuckPerson",
    "all_departments",
    "celebration_targets",
    "confirm_use_case",
    "department_digest",
    "department_numbers",
    "department_status",
    "find_use_case",
    "is_stopped",
    "members_query",
    "my_summary",
    "nudge_people",
    "open_questions",
    "people_by_user_id",
    "scope_for",
    "set_stopped",
    "stuck_people",
]
