"""The `/coach` parser and dispatcher under any input: always a helpful reply, never an error or a timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.commands import GROUP_MENTION, NAME_MAX, TEXT_MAX, USER_MENTION, parse_command
from bot.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from bot.deps import Deps
from bot.playbook import default_playbook_path, load_playbook
from bot.services.callers import Caller, load_caller
from bot.slack.gateway import PostedMessage
from handlers.command_table import COMMANDS, build_registry
from handlers.commands import dispatch
from models import Person, Role
from tests.conftest import make_settings

SLACK_ID = st.from_regex(r"[UW][A-Z0-9]{2,12}", fullmatch=True)
GROUP_ID = st.from_regex(r"S[A-Z0-9]{2,12}", fullmatch=True)
LABEL = st.text(max_size=12).filter(lambda s: ">" not in s)
MENTION = st.builds(lambda uid, name: f"<@{uid}|{name}>" if name else f"<@{uid}>", SLACK_ID, LABEL)
GROUP = st.builds(lambda gid, name: f"<!subteam^{gid}|@{name}>", GROUP_ID, LABEL)
SPICE = st.sampled_from(
    [
        '"',
        "「",
        "」",
        "“quoted words”",
        "stuck",
        "public",
        "off",
        "0",
        "7",
        "99999999",
        "Sales",
        "sales",
        "営業",
        "&amp;",
        "&lt;",
        "<#C123|general>",
        "<!here>",
        "<@U0BOB0001|bob>",
        "<@U0AMB0001>",
        "\u3000",
        "\x00",
        "`",
    ]
)
WORD = st.one_of(st.text(max_size=20), MENTION, GROUP, SPICE)
NAMES = st.sampled_from(
    [*sorted(build_registry().commands), "help", "", "ask", "ｓｔａｔｕｓ", "STATUS", "/stuck", "nudge\u3000"]
)
COMMAND_TEXT = st.builds(
    lambda name, words, sep: name + " " + sep.join(words),
    NAMES,
    st.lists(WORD, max_size=8),
    st.sampled_from([" ", "\u3000", "\t", "  ", "\n"]),
)
ANY_TEXT = st.one_of(st.text(), COMMAND_TEXT, st.text(min_size=2000, max_size=12_000))
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
REGISTRY = build_registry()


# -- the parser ---------------------------------------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_parse_never_raises_and_keeps_its_shape(text: str) -> None:
    call = parse_command(text)
    assert len(call.name) <= NAME_MAX and not any(c.isspace() for c in call.name)
    assert len(call.rest) <= TEXT_MAX and call.rest == call.rest.strip()
    assert all(word and not USER_MENTION.search(word) and not GROUP_MENTION.search(word) for word in call.words)
    assert isinstance(call.plain, str)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(SLACK_ID, LABEL), min_size=1, max_size=6), st.lists(st.tuples(GROUP_ID, LABEL), max_size=3))
def test_mentions_and_user_groups_are_extracted(users: list[tuple[str, str]], groups: list[tuple[str, str]]) -> None:
    parts = [f"<@{uid}|{name}>" for uid, name in users] + [f"<!subteam^{gid}|@{name}>" for gid, name in groups]
    call = parse_command("nudge " + " ".join(parts) + " keep going")
    assert call.user_ids == tuple(dict.fromkeys(uid for uid, _ in users))
    assert call.usergroup_ids == tuple(dict.fromkeys(gid for gid, _ in groups))
    assert call.words[-2:] == ("keep", "going")


@pytest.mark.parametrize(
    ("text", "name", "words", "plain"),
    [
        ("STATUS  Customer Success", "status", ("Customer", "Success"), "Customer Success"),
        ("ｓｔａｔｕｓ\u3000営業部", "status", ("営業部",), "営業部"),
        (
            'celebrate <@U0ANN0001|ann> public "great first thread"',
            "celebrate",
            ("public", "great first thread"),
            'public "great first thread"',
        ),
        (
            "nudge <@U0ANN0001> 「スレッドで返信しよう」 &amp; more",
            "nudge",
            ("スレッドで返信しよう", "&", "more"),
            "「スレッドで返信しよう」 & more",
        ),
        ('confirm <@W0ANN0001|a> "unclosed quote', "confirm", ('"unclosed', "quote"), '"unclosed quote'),
        ("nudge &lt;@U0ANN0001&gt; now", "nudge", ("now",), "<@U0ANN0001> now"),
        ("", "", (), ""),
    ],
)
def test_examples(text: str, name: str, words: tuple[str, ...], plain: str) -> None:
    call = parse_command(text)
    assert (call.name, call.words, call.plain) == (name, words, plain)


@pytest.mark.parametrize(
    "text",
    [
        "nudge " + "<@U1|" * 200_000,
        "nudge " + '"' * 500_000,
        "x" * 1_000_000,
        "nudge " + "<!subteam^S1|" * 90_000,
        "a " * 500_000,
    ],
)
def test_very_long_text_is_cut_quickly(text: str) -> None:
    started = time.perf_counter()
    call = parse_command(text)
    assert time.perf_counter() - started < 0.5
    assert len(call.rest) <= TEXT_MAX and len(call.words) <= 200


# -- the dispatcher -----------------------------------------------------------------------------------


class QuietGateway:
    """Just enough Slack for the sub-commands: users.info, user groups and DMs."""

    def __init__(self) -> None:
        self.dms: list[str] = []
        self.homes: list[str] = []

    def user_info(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "name": user_id.lower(), "locale": "ja-JP", "tz": "Asia/Tokyo", "profile": {}}

    def usergroup_members(self, usergroup_id: str) -> list[str]:
        return ["U0BOB0001", "U0AMB0001"]

    def team_profile_fields(self, *, fresh: bool = False) -> list[dict[str, Any]]:
        return [{"id": "Xf01DEPT", "label": "Department"}]

    def user_profile(self, user_id: str) -> dict[str, Any]:
        return {"fields": {}}

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.homes.append(user_id)

    def scopes_header(self) -> str | None:  # an admin's Home before a first wave is the setup checklist
        return None

    def iter_channels(self) -> Iterator[dict[str, Any]]:
        return iter(())

    def send_dm(self, user_id: str, text: str, blocks: Any = None, metadata: Any = None) -> PostedMessage:
        self.dms.append(user_id)
        return PostedMessage("D0001", f"{len(self.dms)}.000100")

    def open_dm(self, user_id: str) -> str:
        return f"D{user_id}"

    def post_message(self, channel: str, text: str, **_: Any) -> PostedMessage:
        self.dms.append(channel)
        return PostedMessage(channel, f"{len(self.dms)}.000100")

    def dnd_info(self, user_id: str) -> dict[str, Any]:
        # `/coach celebrate @group` reaches send_direct, which asks whether the person is in do-not-disturb.
        return {"ok": True, "dnd_enabled": False, "snooze_enabled": False}


@pytest.fixture(scope="module")
def deps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deps]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('dispatch')) / 'coach.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        people = {
            uid: Person(slack_user_id=uid, display_name=uid, department=dept, locale=loc, opted_out_kinds=[])
            for uid, dept, loc in [
                ("U0AMB0001", "Sales", "ja"),
                ("U0BOB0001", "Sales", "en"),
                ("U0ADMIN01", None, "en"),
                ("U0MKT0001", "Marketing", "en"),
            ]
        }
        session.add_all(people.values())
        session.flush()
        session.add(Role(person_id=people["U0AMB0001"].id, role="ambassador", department="Sales"))
        session.add(Role(person_id=people["U0ADMIN01"].id, role="admin", department=None))
    yield Deps(
        settings=make_settings(url),
        engine=engine,
        session_factory=factory,
        slack=QuietGateway(),  # type: ignore[arg-type]
        clock=ManualClock(NOW),
        playbook=load_playbook(default_playbook_path()),
    )
    engine.dispose()


def _caller(deps: Deps, user_id: str) -> Caller:
    with session_scope(deps.session_factory) as session:
        return load_caller(session, deps.settings, user_id)


def _assert_helpful(replies: list[dict[str, Any]]) -> None:
    assert replies, "no reply at all"
    for reply in replies:
        assert isinstance(reply["text"], str) and 0 < len(reply["text"]) <= 3000
        assert len(reply.get("blocks") or []) <= 50
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in reply.get("blocks") or [])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, who=st.sampled_from(["U0AMB0001", "U0BOB0001", "U0ADMIN01", "U0NEWBIE1"]))
def test_dispatch_always_answers(deps: Deps, text: str, who: str) -> None:
    replies: list[dict[str, Any]] = []
    started = time.perf_counter()
    dispatch(REGISTRY, deps, parse_command(text), _caller(deps, who), lambda **kw: replies.append(kw))
    assert time.perf_counter() - started < 2.0
    _assert_helpful(replies)


@pytest.mark.parametrize("name", ["status", "stuck", "nudge", "celebrate", "questions", "confirm"])
def test_employees_are_refused_ambassador_commands(deps: Deps, name: str) -> None:
    replies: list[dict[str, Any]] = []
    dispatch(
        REGISTRY,
        deps,
        parse_command(f"{name} Sales <@U0BOB0001>"),
        _caller(deps, "U0BOB0001"),
        lambda **kw: replies.append(kw),
    )
    [reply] = replies
    assert ":lock:" in str(reply["blocks"]) and "ambassador" in reply["text"] and "Sales" not in reply["text"]


@pytest.mark.parametrize("text", ["help", "", "frobnicate", "<@U0BOB0001>"])
def test_usage_guide_shows_each_role_its_own_subset(deps: Deps, text: str) -> None:
    def guide(user: str) -> str:
        replies: list[dict[str, Any]] = []
        dispatch(REGISTRY, deps, parse_command(text), _caller(deps, user), lambda **kw: replies.append(kw))
        return str(replies[0]["text"])

    employee, ambassador = guide("U0BOB0001"), guide("U0AMB0001")
    for command in ("/coach me", "/coach help <question>", "/coach snooze", "/coach stop"):
        assert command in employee
    assert "/coach stuck" not in employee and "/coach status" not in employee
    assert "/coach stuck" in ambassador and "/coach nudge" in ambassador


def test_the_table_registers_exactly_these_subcommands() -> None:
    """Written out in handlers/command_table.py: no import can add or remove one."""
    registered = {(name, sub.role) for name, sub in build_registry().commands.items()}
    assert registered == {
        ("me", "employee"),
        ("snooze", "employee"),
        ("stop", "employee"),
        ("start", "employee"),
        ("language", "employee"),
        ("ask", "employee"),
        ("status", "ambassador"),
        ("stuck", "ambassador"),
        ("nudge", "ambassador"),
        ("celebrate", "ambassador"),
        ("questions", "ambassador"),
        ("confirm", "ambassador"),
        ("champions", "ambassador"),
    }


def test_each_build_is_a_fresh_registry() -> None:
    """No process-wide registry: building twice gives two independent ones (and a name twice is refused)."""
    first, second = build_registry(), build_registry()
    assert first is not second and first.commands == second.commands
    with pytest.raises(ValueError, match="registered twice"):
        first.add(first.commands["me"])


def test_ambassador_nudges_use_the_playbooks_dnd_setting(deps: Deps) -> None:
    """One cadence_rules (nudges.config): the playbook's `quiet` reaches respect_dnd (the old copy dropped it)."""
    import handlers.ambassador_actions as actions_module
    import handlers.ambassador_commands as commands_module
    from nudges.config import cadence_rules

    assert commands_module.cadence_rules is cadence_rules and actions_module.cadence_rules is cadence_rules
    loud = deps.playbook.model_copy(update={"cadence": deps.playbook.cadence.model_copy(update={"quiet": False})})
    quiet = deps.playbook.model_copy(update={"cadence": deps.playbook.cadence.model_copy(update={"quiet": True})})
    assert cadence_rules(quiet).respect_dnd is True and cadence_rules(loud).respect_dnd is False


def _replies(deps: Deps, text: str, user: str) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    dispatch(REGISTRY, deps, parse_command(text), _caller(deps, user), lambda **kw: replies.append(kw))
    return replies


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("ステータス", "status"),
        ("状況", "status"),
        ("ｽﾃｰﾀｽ", "status"),
        ("停滞", "stuck"),
        ("質問一覧", "questions"),
        ("チャンピオン", "champions"),
    ],
)
def test_japanese_command_words_run_the_same_command(deps: Deps, word: str, name: str) -> None:
    """`/coach ステータス` (also half-width ｽﾃｰﾀｽ) answers exactly as `/coach status` does."""
    assert _replies(deps, f"{word} Sales", "U0AMB0001") == _replies(deps, f"{name} Sales", "U0AMB0001")
    assert ":lock:" in str(_replies(deps, f"{word} Sales", "U0BOB0001")[0]["blocks"])  # the role check still holds


def test_japanese_help_word_gives_the_guide_or_asks() -> None:
    registry = build_registry()
    assert registry.resolve("ヘルプ") == "help" and registry.resolve("frobnicate") == "frobnicate"
    assert registry.get("質問") is registry.get("ask") is not None
    assert all(registry.get(word) is sub for sub in COMMANDS for word in sub.aliases)


def test_japanese_help_word_shows_the_usage_guide(deps: Deps) -> None:
    assert _replies(deps, "ヘルプ", "U0BOB0001") == _replies(deps, "help", "U0BOB0001")


def test_the_japanese_usage_guide_names_the_japanese_words() -> None:
    from bot.views.commands import usage

    registry = build_registry()
    text = usage(registry.visible_to({"ambassador"}), "ja")["text"]
    assert "`/coach status [department]`（`ステータス`）" in text and "（`停滞`）" in text
    assert "ステータス" not in usage(registry.visible_to({"ambassador"}), "en")["text"]
