"""No way around the outbox: only the outbox's own senders post new messages to Slack."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The gateway defines the calls; the worker and the direct path are the outbox's two senders.
SENDERS = {"bot/slack/gateway.py", "nudges/worker.py", "nudges/direct.py"}
NEW_MESSAGE = re.compile(r"\.(post_message|send_dm|chat_postMessage)\(")


def test_only_the_outbox_posts_new_messages() -> None:
    offenders = []
    for package in ("bot", "handlers", "nudges"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in SENDERS or relative.startswith(("bot/simslack/", "bot/rehearsal/")):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if NEW_MESSAGE.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "send through nudges/direct.py (send_direct, reply) instead:\n" + "\n".join(offenders)
