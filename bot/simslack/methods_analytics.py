"""admin.analytics.getFile: Slack's member analytics file for one day, as gzip bytes (not JSON).

From the method metadata in `data/web-api/docs-slack-dev-methods.json` (user scope `admin.analytics:read`,
tier 2, required `type`, documented errors) and the shared reference's notes (`data/analytics/README.md`, copied
from /work/shared/slack/analytics/): one gzip-compressed NDJSON file per UTC day, Enterprise organisations,
user tokens only. The fake serves the files a test seeded with `FakeSlack.add_analytics_file(day, data)`; any
other day is `file_not_found`. A successful answer is the file itself with `Content-Type: application/gzip`
(what slack-sdk's client expects for this method); errors are JSON like every other method.
"""

from __future__ import annotations

import re
from typing import Any

from .args import CallContext, text_arg
from .methods_messages import Handler
from .workspace import ApiError, SlackState

SCOPE = "admin.analytics:read"
RAW = "_raw"  # a handler's answer carrying bytes instead of a JSON body (web_api.WebApi turns it into the reply)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def get_file(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    if ctx.user_scopes is None:
        raise ApiError("not_allowed_token_type")  # the docs list only a user scope: bot tokens cannot call it
    if SCOPE not in ctx.user_scopes:
        raise ApiError("missing_scope", needed=SCOPE, provided=",".join(sorted(ctx.user_scopes)))
    if text_arg(args, "type") != "member":
        raise ApiError("invalid_type")
    day = text_arg(args, "date")
    if not day:
        raise ApiError("invalid_arguments")
    if not _DATE.match(day):
        raise ApiError("invalid_date")
    with ws.lock:
        data = ws.analytics_files.get(day)
    if data is None:
        raise ApiError("file_not_found")
    return {"ok": True, RAW: data}


HANDLERS: dict[str, Handler] = {"admin.analytics.getFile": get_file}
