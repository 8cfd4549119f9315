"""docs/privacy.md lists every table and column Coach stores: a column added to a model without a line
there (what, why, how long) fails here, and so does a line for a column that no longer exists."""

from __future__ import annotations

import re
from pathlib import Path

import models

DOC = Path(__file__).resolve().parents[1] / "docs" / "privacy.md"


def documented() -> dict[str, set[str]]:
    """table → columns, from the `### \\`table\\`` headings and the `| \\`column\\` | … |` rows under them."""
    tables: dict[str, set[str]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^### `([a-z_]+)`\s*$", line):
            current = heading.group(1)
            tables[current] = set()
        elif line.startswith("## "):
            current = None
        elif current is not None and (row := re.match(r"^\| `([a-z_]+)` \|(.*\|){3}\s*$", line)):
            tables[current].add(row.group(1))
    return tables


def stored() -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns} for t in models.Base.metadata.sorted_tables}


def undocumented(docs: dict[str, set[str]], real: dict[str, set[str]]) -> list[str]:
    return sorted(f"{table}.{column}" for table, cols in real.items() for column in cols - docs.get(table, set()))


def test_every_table_and_column_is_in_docs_privacy() -> None:
    docs, real = documented(), stored()
    missing = undocumented(docs, real)
    assert not missing, f"add these to docs/privacy.md (what, why, how long): {missing}"
    stale = undocumented(real, docs)
    assert not stale, f"docs/privacy.md lists columns that no longer exist: {stale}"


def test_a_column_or_table_added_to_the_models_is_reported() -> None:
    """The check is not vacuous: a new column on a real table, or a new table, is named."""
    real = stored()
    real["people"].add("favourite_colour")
    real["setup_answers"] = {"id"}
    assert undocumented(documented(), real) == ["people.favourite_colour", "setup_answers.id"]
