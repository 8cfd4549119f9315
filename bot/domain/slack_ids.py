"""What a Slack id looks like, so a typo is refused where it is typed rather than found at send time."""

from __future__ import annotations

import re

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def is_slack_user_id(value: str) -> bool:
    """A Slack user id as Slack writes them: U or W, then upper-case letters and digits (e.g. U012AB3CD)."""
    return bool(_USER_ID.fullmatch(value))
