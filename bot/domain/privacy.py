"""The "do not track" marker's hash: checkable for a given user id, never readable back into one."""

from __future__ import annotations

import hashlib
import hmac


def tracking_hash(key: bytes, slack_user_id: str) -> str:
    """HMAC-SHA256 of the user id under the deployment's key (docs/privacy.md says why keyed)."""
    return hmac.new(key, slack_user_id.encode(), hashlib.sha256).hexdigest()
