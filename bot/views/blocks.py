"""Tiny Block Kit helpers so builders read like the surface they draw."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75


def clip(text: str, limit: int) -> str:
    """Keep text within a Slack field limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, HEADER_TEXT_MAX), "emoji": True},
    }


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t, 2000)} for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> Block:
    el: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_MAX), "emoji": True},
        "action_id": action_id,
    }
    if value:
        el["value"] = clip(value, 2000)
    if style:
        el["style"] = style
    return el


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id:
        block["block_id"] = block_id
    return block


def image_file(file_id: str, alt_text: str, *, title: str | None = None) -> Block:
    """An image block showing a file uploaded to Slack (`slack_file`), not a public URL; alt text is required."""
    block: Block = {"type": "image", "slack_file": {"id": file_id}, "alt_text": clip(alt_text, 2000)}
    if title:
        block["title"] = {"type": "plain_text", "text": clip(title, 2000), "emoji": True}
    return block
