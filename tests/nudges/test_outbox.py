"""One key format: the Python key builder and the planner's SQL expression give the same string."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, create_engine, literal, select

from nudges.outbox import KEY_LENGTH, outbox_key, outbox_key_sql, outbox_row


@pytest.mark.parametrize(
    ("kind", "person_id", "parts"),
    [
        ("next_use_case", 7, ("react-to-news", "2026-W06")),
        ("training", 12, ("share-a-file",)),
        ("reinforcement", 3, ("1",)),
        ("celebrate", 41, ("stage:2",)),
        ("pulse", 5, ()),
        ("next_use_case", 9, ("x" * 300,)),
    ],
)
def test_python_and_sql_keys_agree(kind: str, person_id: int, parts: tuple[str, ...]) -> None:
    engine = create_engine("sqlite://")
    columns = [literal(part, String) for part in parts]
    with engine.connect() as conn:
        from_sql = conn.scalar(select(outbox_key_sql(kind, literal(person_id, Integer), *columns)))
        with_str_parts = conn.scalar(select(outbox_key_sql(kind, literal(person_id, Integer), *parts)))
    assert from_sql == with_str_parts == outbox_key(kind, person_id, *parts)
    assert len(outbox_key(kind, person_id, *parts)) <= KEY_LENGTH


def test_the_key_starts_with_kind_and_person() -> None:
    assert outbox_key("next_use_case", 7, "react-to-news", "2026-W06") == "next_use_case:7:react-to-news:2026-W06"


def test_a_null_part_makes_a_null_key_so_the_planner_can_filter_it() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.scalar(select(outbox_key_sql("training", literal(1, Integer), literal(None, String)))) is None


def test_outbox_row_cuts_long_keys_and_starts_pending() -> None:
    row = outbox_row(person_id=1, kind="pulse", idempotency_key="k" * 300, due_at=None)  # type: ignore[arg-type]
    assert len(row["idempotency_key"]) == KEY_LENGTH
    assert (row["state"], row["attempts"], row["payload"]) == ("pending", 0, {})
