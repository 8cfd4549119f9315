"""Property: whatever happens to a help request, it never loses its owner or its next deadline."""

from datetime import timedelta
from itertools import pairwise

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.domain.help.actions import answer, confirm, hand_over, open_request, rate, take
from bot.domain.help.escalation import tick
from bot.domain.help.routing import ADMIN_CHANNEL
from bot.domain.help.state import Effect, HelpState, Invalid, NotifyAsker, NotOwner, Transition
from tests.domain.test_help import jst, make_directory

PEOPLE = [
    "U_IT1",
    "U_IT2",
    "U_SIT1",
    "U_SIT2",
    "U_HOWTO",
    "U_LAW",
    "U_LAW2",
    "U_AMB",
    "U_AMB2",
    "U_X",
    "U_ADMIN",
]
ASKER = "U_ASK"
START = jst(2025, 3, 7, 15, 0)  # a Friday afternoon in Tokyo, days before New York's DST change
DIRECTORIES = [
    make_directory(),
    make_directory(admin_hours={"tz": "America/New_York", "days": ["mon", "tue", "wed", "thu", "fri"]}),
]
people = st.sampled_from(PEOPLE)


class HelpRequestMachine(RuleBasedStateMachine):
    """Random clicks, clock jumps and (de)activations against one request."""

    def __init__(self) -> None:
        super().__init__()
        self.inactive: set[str] = set()
        self.previous_history: tuple = ()

    def is_active(self, who: str) -> bool:
        return who not in self.inactive

    @initialize(
        directory=st.sampled_from(DIRECTORIES),
        topic=st.sampled_from(["access", "how-to", "compliance", "other"]),
        department=st.sampled_from([None, "sales", "legal", "hr"]),
        ambassadors=st.lists(st.sampled_from(["U_AMB", "U_AMB2", "U_IT1"]), max_size=2),
        inactive=st.sets(people),
        offset_hours=st.integers(0, 24 * 7),
    )
    def open(self, directory, topic, department, ambassadors, inactive, offset_hours):
        self.directory, self.ambassadors, self.inactive = directory, ambassadors, set(inactive)
        self.now = START + timedelta(hours=offset_hours)
        opened = open_request(
            directory,
            request_id="R",
            asker=ASKER,
            topic=topic,
            department=department,
            ambassadors=ambassadors,
            is_active=self.is_active,
            now=self.now,
        )
        self.state: HelpState = opened.state
        self.check_effects(opened.effects)

    def apply(self, result: Transition | NotOwner | Invalid) -> None:
        if isinstance(result, Transition):
            self.check_effects(result.effects)
            self.state = result.state
        else:
            assert result.message  # a refusal always says why

    def check_effects(self, effects: tuple[Effect, ...]) -> None:
        """Whenever the owner changes hands, the asker hears about it with the new owner's name."""
        for effect in effects:
            if isinstance(effect, NotifyAsker) and effect.kind in ("routed", "escalated", "reopened"):
                assert effect.owner and effect.expected_reply_by is not None

    @rule(minutes=st.integers(0, 60 * 24 * 4))
    def clock_moves_and_tick(self, minutes):
        self.now += timedelta(minutes=minutes)
        self.apply(tick(self.state, self.directory, self.now, self.is_active, self.ambassadors))

    @rule(who=people)
    def toggle_activity(self, who):
        self.inactive ^= {who}

    @rule(actor=people, use_owner=st.booleans())
    def take(self, actor, use_owner):
        self.apply(take(self.state, self.state.owner if use_owner else actor, self.now))

    @rule(actor=people, use_owner=st.booleans(), days=st.integers(1, 5))
    def answer(self, actor, use_owner, days):
        self.apply(answer(self.state, self.state.owner if use_owner else actor, self.now, auto_close_days=days))

    @rule(actor=people, to_user=st.one_of(people, st.just(ASKER), st.just("")), use_owner=st.booleans())
    def hand_over(self, actor, to_user, use_owner):
        self.apply(hand_over(self.state, self.state.owner if use_owner else actor, to_user, "note", self.now))

    @rule(solved=st.booleans())
    def confirm(self, solved):
        self.apply(confirm(self.state, solved, self.now, is_active=self.is_active))

    @rule(score=st.one_of(st.integers(-1, 7), st.none()))
    def rate(self, score):
        self.apply(rate(self.state, score, self.now))

    @invariant()
    def one_owner_and_a_next_deadline_while_not_closed(self):
        state = self.state
        event(f"{state.state} at level {state.level}")  # coverage of paths: --hypothesis-show-statistics
        if state.state != "closed":
            assert isinstance(state.owner, str) and state.owner
            assert state.owner != ASKER
            assert state.next_deadline is not None
            assert state.owner_is_channel == (state.owner == state.chain[-1].who)
            assert 0 <= state.level <= ADMIN_CHANNEL
            assert state.chain[-1].is_channel
        else:
            assert state.closed_at is not None and state.resolution in ("solved", "auto_closed")

    @invariant()
    def history_only_grows(self):
        history = self.state.history
        assert history[: len(self.previous_history)] == self.previous_history
        assert all(earlier.at <= later.at for earlier, later in pairwise(history))
        self.previous_history = history

    @invariant()
    def rating_is_valid(self):
        assert self.state.rating is None or 1 <= self.state.rating <= 5


HelpRequestMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestHelpRequestMachine = HelpRequestMachine.TestCase
