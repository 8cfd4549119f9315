"""Property over the database: whatever clicks and clock steps happen, an open request has one owner and a deadline."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.deps import Deps
from bot.flows import help as svc
from bot.services.help_store import load_state
from models import HelpRequest, Person
from tests.services.conftest import AMBASSADOR, ASKER

PEOPLE = ["U0ADMIN001", "U0ADMIN002", "U0HELPER01", AMBASSADOR, ASKER]
ops = st.one_of(
    st.tuples(st.just("take"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("answer"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("hand_over"), st.sampled_from(PEOPLE), st.sampled_from(PEOPLE)),
    st.tuples(st.just("confirm"), st.sampled_from(PEOPLE), st.booleans()),
    st.tuples(st.just("rate"), st.sampled_from(PEOPLE), st.integers(0, 6)),
    st.tuples(st.just("tick"), st.integers(0, 72)),
    st.tuples(st.just("deactivate"), st.sampled_from(PEOPLE[:3])),
)


def _apply(deps: Deps, clock: ManualClock, request_id: int, op: tuple) -> None:
    kind = op[0]
    if kind == "take":
        svc.take(deps, request_id=request_id, actor=op[1])
    elif kind == "answer":
        svc.answer(deps, request_id=request_id, actor=op[1])
    elif kind == "hand_over":
        svc.deliver(deps, svc.hand_over(deps, request_id=request_id, actor=op[1], to_user=op[2], note="n"))
    elif kind == "confirm":
        svc.confirm(deps, request_id=request_id, actor=op[1], solved=op[2])
    elif kind == "rate":
        svc.rate(deps, request_id=request_id, actor=op[1], score=op[2])
    elif kind == "tick":
        clock.advance(timedelta(hours=op[1]))
        svc.tick(deps)
    else:
        with session_scope(deps.session_factory) as session:
            person = session.scalar(select(Person).where(Person.slack_user_id == op[1]))
            if person is not None:
                person.deactivated = True


def _check(deps: Deps) -> None:
    with session_scope(deps.session_factory) as session:
        for row in session.scalars(select(HelpRequest).where(HelpRequest.routing.is_not(None))):
            state = load_state(row)
            assert state is not None and (row.state, row.owner) == (state.state, state.owner)
            if row.state != "closed":
                assert row.owner and row.next_deadline is not None and row.wake_at is not None
                assert row.next_deadline == state.next_deadline


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ops, max_size=8))
def test_every_open_request_keeps_one_owner_and_a_deadline(deps: Deps, clock: ManualClock, steps: list) -> None:
    with session_scope(deps.session_factory) as session:
        session.query(Person).update({Person.deactivated: False})
    result = svc.ask(deps, user_id=ASKER, text="My login password does not work")
    assert result.request_id is not None
    for op in steps:
        _apply(deps, clock, result.request_id, op)
        _check(deps)
