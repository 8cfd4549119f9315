"""One name, one concept: no class name is defined twice in bot/ (issue 10)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def test_no_class_name_is_defined_twice_in_bot() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(BOT.rglob("*.py")):
        for name in re.findall(r"^class (\w+)", path.read_text(encoding="utf-8"), flags=re.M):
            where[name].append(str(path.relative_to(BOT.parent)))
    assert {name: files for name, files in where.items() if len(files) > 1} == {}
