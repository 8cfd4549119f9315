"""files.getUploadURLExternal, the upload URL's POST and files.completeUploadExternal: Slack's external upload.

Built from the method metadata in `data/web-api/docs-slack-dev-methods.json` (arguments, errors, scope
`files:write`, tier 4) and the shared reference's notes on file uploads (`/work/shared/slack/files-upload/README.md`,
2026-11-22): step 1 hands out `{upload_url, file_id}`; step 2 is a plain HTTP POST of the bytes to that URL (not a
Web API method); step 3 completes the files, which stay private to the bot without `channel_id`/`channels`.
slack-sdk's `files_upload_v2` makes all three calls. An `image` block may then show the file by `slack_file.id`;
chat.postMessage answers `invalid_blocks` for a `slack_file` that is not a completed upload (methods_messages.py).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from .args import CallContext, int_arg, text_arg
from .methods_messages import Handler
from .workspace import ApiError, SlackState

ALT_TXT_MAX = 1000  # files.getUploadURLExternal `alt_txt_too_large`: "longer than the limit of 1000 character"
UPLOAD_PATH = "/upload/v1/"
_ids = itertools.count(1)


def _file_object(file: dict[str, Any]) -> dict[str, Any]:
    """The public part of a stored file (what files.completeUploadExternal returns), without its bytes."""
    return {k: v for k, v in file.items() if k not in ("content", "upload_key")}


def get_upload_url_external(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    length = int_arg(args, "length", 0)
    if length < 1:
        raise ApiError("invalid_arguments", response_metadata={"messages": ["`length` must be at least 1"]})
    alt = text_arg(args, "alt_txt")
    if len(alt) > ALT_TXT_MAX:
        raise ApiError("alt_txt_too_large")
    with ws.lock:
        file_id = f"F{next(_ids):010d}"
        upload_key = f"{ws.identity.team_id}-{file_id}"
        ws.files[file_id] = {
            "id": file_id,
            "name": text_arg(args, "filename"),
            "title": text_arg(args, "filename"),
            "alt_txt": alt,
            "size": length,
            "user": ws.identity.bot_user_id,
            "is_public": False,
            "channels": [],
            "state": "pending",  # → "uploaded" by the POST, → "complete" by files.completeUploadExternal
            "content": b"",
            "upload_key": upload_key,
        }
    return {"ok": True, "upload_url": f"{ctx.base_url}{UPLOAD_PATH}{upload_key}", "file_id": file_id}


def receive_upload(ws: SlackState, upload_key: str, body: bytes) -> tuple[int, str]:
    """Step 2, the POST to the upload URL: (HTTP status, body). Slack answers `OK - <bytes>` in plain text."""
    with ws.lock:
        file = next((f for f in ws.files.values() if f["upload_key"] == upload_key), None)
        if file is None or file["state"] != "pending":
            return 404, "not found"
        if len(body) != file["size"]:
            return 400, f"length mismatch: announced {file['size']}, received {len(body)}"
        file["content"] = body
        file["state"] = "uploaded"
    return 200, f"OK - {len(body)}"


def complete_upload_external(ws: SlackState, args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
    files = args.get("files")
    if isinstance(files, str):
        try:
            files = json.loads(files)
        except json.JSONDecodeError as exc:
            raise ApiError("invalid_arguments", response_metadata={"messages": ["`files` is not JSON"]}) from exc
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
        raise ApiError("invalid_arguments", response_metadata={"messages": ["`files` needs [{id, title}]"]})
    channel = text_arg(args, "channel_id") or text_arg(args, "channels").split(",")[0]
    with ws.lock:
        stored = [ws.files.get(str(f["id"])) for f in files]
        if any(f is None or f["state"] != "uploaded" for f in stored):
            raise ApiError("file_not_found")
        channel_id = ws.resolve_channel(channel) if channel else None
        done = []
        for entry, file in zip(files, stored, strict=True):
            assert file is not None
            file["state"] = "complete"
            file["title"] = str(entry.get("title") or file["name"])
            if channel_id:
                file["channels"] = [channel_id]
            done.append(_file_object(file))
    return {"ok": True, "files": done}


HANDLERS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url_external,
    "files.completeUploadExternal": complete_upload_external,
}
