"""Help routing on the clock: escalations, reminders, auto-close, and the evergreen contact check."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows import help as help_flow
from bot.flows.help_directory import check_contacts


def tick_help_requests(deps: Deps) -> int:
    """Set-based: only requests whose reminder or deadline has come (or whose owner left) are loaded."""
    acted = help_flow.tick(deps)
    check_contacts(deps)
    return acted
