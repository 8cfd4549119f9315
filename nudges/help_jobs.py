"""Help routing on the clock: escalations, reminders, auto-close; and the evergreen contact check, its own job."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows import help as help_flow
from bot.flows.help_directory import check_contacts


def tick_help_requests(deps: Deps) -> int:
    """Set-based: only requests whose reminder or deadline has come (or whose owner left) are loaded; then the
    help messages an outage held back are retried, oldest first."""
    acted = help_flow.tick(deps)
    help_flow.redeliver(deps)
    return acted


def check_help_contacts(deps: Deps) -> int:
    """The 90-day evergreen pass (asks and admin flags); claimed once an hour across replicas."""
    work = check_contacts(deps)
    return len(work.ask) + len(work.flag)
