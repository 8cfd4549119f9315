"""Help directory, keyword matching, routing, question cleaning and metrics."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.business_hours import BusinessHours
from bot.domain.help.directory import Directory, Topic, directory_from_dict
from bot.domain.help.matching import match_faq, suggest_topic
from bot.domain.help.metrics import (
    RequestRecord,
    help_metrics,
    mean_satisfaction,
    median_first_response,
    oldest_open,
    open_by_department,
    open_by_topic,
    share_within_sla,
)
from bot.domain.help.question import CleanQuestion, QuestionError, clean_question, truncate
from bot.domain.help.routing import ADMIN_CHANNEL, AMBASSADOR, BACKUP, PRIMARY, escalation_chain, route

TOKYO_HOURS = {
    "tz": "Asia/Tokyo",
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "start": "09:00",
    "end": "18:00",
}
NY_HOURS = {
    "tz": "America/New_York",
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "start": "09:00",
    "end": "17:00",
}

PLAYBOOK_HELP = {
    "topics": [
        {
            "key": "access",
            "title": "Accounts and access",
            "keywords": {
                "en": ["vpn", "password", "login", "access"],
                "ja": ["パスワード", "ログイン", "権限"],
            },
            "sla": {"first_response_hours": 4, "resolution_hours": 24},
            "contacts": [
                {"department": None, "primary": "U_IT1", "backup": "U_IT2", "hours": TOKYO_HOURS},
                {"department": "sales", "primary": "U_SIT1", "backup": "U_SIT2", "hours": TOKYO_HOURS},
            ],
        },
        {
            "key": "how-to",
            "title": "How do I…",
            "keywords": {"en": ["how do i", "thread", "channel"], "ja": ["使い方", "スレッド", "チャンネル"]},
            "sla": {"first_response_hours": 8, "resolution_hours": 40},
            "contacts": [
                {"department": None, "primary": "U_HOWTO", "backup": None, "hours": TOKYO_HOURS},
                {"department": "legal", "primary": "U_LEGALHOWTO", "hours": TOKYO_HOURS},
            ],
        },
        {
            "key": "compliance",
            "title": "Compliance and retention",
            "keywords": {
                "en": ["retention", "legal", "compliance"],
                "ja": ["法務", "コンプライアンス", "保存期間"],
            },
            "contacts": [{"primary": "U_LAW", "backup": "U_LAW2", "hours": NY_HOURS}],
        },
    ],
    "ambassador_default_for": ["how-to"],
    "admin_channel": "#coach-help-admins",
    "faq": [
        {
            "topic": "access",
            "question": {"en": "I forgot my password", "ja": "パスワードを忘れました"},
            "answer": {"en": "Use the reset page.", "ja": "リセットページを使ってください。"},
            "keywords": {"en": ["password", "forgot", "reset"], "ja": ["パスワード", "忘れ"]},
        },
        {
            "topic": "how-to",
            "question": {"en": "How do I reply in a thread?", "ja": "スレッドで返信するには?"},
            "answer": {"en": "Hover and click reply.", "ja": "返信をクリックします。"},
            "keywords": {"en": ["thread", "reply"], "ja": ["スレッド", "返信"]},
        },
        {
            "topic": "access",
            "question": {"en": "VPN does not connect", "ja": "VPNに繋がらない"},
            "answer": {"en": "Restart the client.", "ja": "再起動してください。"},
            "keywords": {"en": ["vpn", "connect"], "ja": ["繋がらない"]},
        },
    ],
}


def make_directory(**overrides) -> Directory:
    """The test playbook's help section, as the lead would adapt it."""
    return directory_from_dict({**PLAYBOOK_HELP, **overrides})


DIRECTORY = make_directory()
MONDAY_10_JST = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)


def everyone(_who: str) -> bool:
    return True


def all_but(*gone: str):
    return lambda who: who not in gone


# --------------------------------------------------------------------------- directory and matching


def test_directory_adapts_the_playbook_shape():
    topic = DIRECTORY.topic("access")
    assert topic is not None and topic.sla.first_response_hours == 4
    assert topic.contacts[1].department == "sales"
    assert topic.contacts[0].hours == BusinessHours("Asia/Tokyo", start="09:00", end="18:00")
    assert DIRECTORY.ambassador_default_for == frozenset({"how-to"})
    assert DIRECTORY.sla_for("nope") == DIRECTORY.default_sla


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("I forgot my PASSWORD", "en", "access"),
        ("パスワードを忘れてしまいました", "ja", "access"),
        ("ＶＰＮに繋がらない", "ja", "access"),  # full-width letters, English keyword from Japanese text
        ("スレッドの使い方を教えて", "ja-JP", "how-to"),
        ("How do I start a thread?", "en", "how-to"),
        ("What is our message retention policy?", "en", "compliance"),
        ("保存期間について法務に確認したい", "ja", "compliance"),
        ("The coffee machine is broken", "en", "other"),
        ("", "en", "other"),
    ],
)
def test_suggest_topic(text, locale, expected):
    assert suggest_topic(DIRECTORY, text, locale) == expected


def test_latin_keywords_must_start_a_word():
    directory = Directory(topics=(Topic("logs", "Logs", {"en": ("log",)}),))
    assert suggest_topic(directory, "see the catalog", "en") == "other"
    assert suggest_topic(directory, "the logs are gone", "en") == "logs"


def test_own_locale_keywords_win_a_tie():
    directory = Directory(
        topics=(
            Topic("a", "A", {"en": ("チャンネル",)}),
            Topic("b", "B", {"ja": ("チャンネル",)}),
        )
    )
    assert suggest_topic(directory, "チャンネルを作りたい", "ja") == "b"
    assert suggest_topic(directory, "チャンネルを作りたい", "en") == "a"


def test_match_faq_ranks_by_overlap_and_limits():
    found = match_faq(DIRECTORY, "I forgot my password, how do I reset it?", "en")
    assert [f.question["en"] for f in found] == ["I forgot my password"]
    ja = match_faq(DIRECTORY, "パスワードを忘れた。VPNにも繋がらない", "ja")
    assert [f.question["en"] for f in ja] == ["I forgot my password", "VPN does not connect"]
    assert len(match_faq(DIRECTORY, "password vpn thread reply", "en", limit=2)) == 2
    assert match_faq(DIRECTORY, "nothing relevant", "en") == []
    assert match_faq(DIRECTORY, "password", "en", limit=0) == []


# --------------------------------------------------------------------------- routing


def test_department_specific_contact_wins():
    decision = route(
        DIRECTORY, topic="access", department="sales", ambassadors=[], is_active=everyone, now=MONDAY_10_JST
    )
    assert (decision.owner, decision.level, decision.skipped) == ("U_SIT1", PRIMARY, ())


@pytest.mark.parametrize("department", [None, "hr"])
def test_general_contact_when_no_department_contact(department):
    decision = route(
        DIRECTORY,
        topic="access",
        department=department,
        ambassadors=[],
        is_active=everyone,
        now=MONDAY_10_JST,
    )
    assert decision.owner == "U_IT1"
    assert not decision.owner_is_channel


def test_deadlines_count_business_hours_only():
    decision = route(DIRECTORY, topic="access", department=None, ambassadors=[], is_active=everyone, now=MONDAY_10_JST)
    assert decision.first_response_due == jst(2025, 6, 2, 14, 0)
    assert decision.expected_reply_by == decision.first_response_due
    # 24 business hours from Monday 10:00 (9 h days): Mon 8 h, Tue 9 h, Wed 7 h → Wed 16:00.
    assert decision.resolution_due == jst(2025, 6, 4, 16, 0)
    assert not decision.out_of_hours


def test_deactivated_primary_goes_to_backup_with_a_reason():
    decision = route(
        DIRECTORY,
        topic="access",
        department=None,
        ambassadors=["U_AMB"],
        is_active=all_but("U_IT1"),
        now=MONDAY_10_JST,
    )
    assert (decision.owner, decision.level) == ("U_IT2", BACKUP)
    assert decision.skipped == (("U_IT1", "deactivated"),)


def test_both_contacts_gone_goes_to_the_ambassador_then_the_admin_channel():
    gone = all_but("U_IT1", "U_IT2")
    decision = route(
        DIRECTORY, topic="access", department="hr", ambassadors=["U_AMB"], is_active=gone, now=MONDAY_10_JST
    )
    assert (decision.owner, decision.level) == ("U_AMB", AMBASSADOR)
    assert [who for who, _ in decision.skipped] == ["U_IT1", "U_IT2"]
    nobody = route(
        DIRECTORY,
        topic="access",
        department="hr",
        ambassadors=["U_AMB"],
        is_active=lambda _: False,
        now=MONDAY_10_JST,
    )
    assert (nobody.owner, nobody.level, nobody.owner_is_channel) == (
        "#coach-help-admins",
        ADMIN_CHANNEL,
        True,
    )
    assert [who for who, _ in nobody.skipped] == ["U_IT1", "U_IT2", "U_AMB"]


def test_out_of_hours_goes_to_the_first_active_person_with_deadlines_from_their_next_opening():
    saturday_night = jst(2025, 6, 7, 23, 0)
    decision = route(
        DIRECTORY,
        topic="access",
        department=None,
        ambassadors=["U_AMB"],
        is_active=everyone,
        now=saturday_night,
    )
    assert decision.owner == "U_IT1"
    assert decision.out_of_hours
    assert decision.skipped == ()
    assert decision.first_response_due == jst(2025, 6, 9, 13, 0)  # Monday 09:00 + 4 h
    night_without_primary = route(
        DIRECTORY,
        topic="access",
        department=None,
        ambassadors=["U_AMB"],
        is_active=all_but("U_IT1"),
        now=saturday_night,
    )
    assert night_without_primary.owner == "U_IT2"
    assert night_without_primary.skipped == (("U_IT1", "deactivated"),)


def test_out_of_hours_people_are_skipped_with_reasons_when_a_later_candidate_is_in_hours():
    staffed = make_directory(admin_hours=NY_HOURS)
    tokyo_night_ny_day = jst(2025, 6, 3, 1, 0)  # Tue 01:00 JST = Mon 12:00 EDT
    decision = route(
        staffed,
        topic="access",
        department=None,
        ambassadors=["U_AMB"],
        is_active=everyone,
        now=tokyo_night_ny_day,
    )
    assert decision.owner == "#coach-help-admins"
    assert [who for who, _ in decision.skipped] == ["U_IT1", "U_IT2", "U_AMB"]
    assert all(why == "out of business hours (back Tue 09:00 Asia/Tokyo)" for _, why in decision.skipped)
    assert decision.first_response_due == tokyo_night_ny_day + timedelta(hours=4)


def test_compliance_contact_in_new_york_hours():
    decision = route(
        DIRECTORY, topic="compliance", department=None, ambassadors=[], is_active=everyone, now=MONDAY_10_JST
    )  # Sunday 21:00 in New York
    assert decision.owner == "U_LAW" and decision.out_of_hours
    assert decision.first_response_due == datetime(2025, 6, 2, 17, 0, tzinfo=UTC)  # Mon 13:00 EDT


def test_ambassador_is_the_default_for_how_to():
    decision = route(
        DIRECTORY,
        topic="how-to",
        department="sales",
        ambassadors=["U_AMB"],
        is_active=everyone,
        now=MONDAY_10_JST,
    )
    assert (decision.owner, decision.level) == ("U_AMB", AMBASSADOR)
    assert [c.who for c in decision.chain] == ["U_AMB", "U_HOWTO", "#coach-help-admins"]
    assert decision.first_response_due == jst(2025, 6, 2, 18, 0)  # 8 business hours: the rest of Monday
    no_ambassador = route(
        DIRECTORY, topic="how-to", department="sales", ambassadors=[], is_active=everyone, now=MONDAY_10_JST
    )
    assert no_ambassador.owner == "U_HOWTO"
    specific = route(
        DIRECTORY,
        topic="how-to",
        department="legal",
        ambassadors=["U_AMB"],
        is_active=everyone,
        now=MONDAY_10_JST,
    )
    assert specific.owner == "U_LEGALHOWTO"


def test_unknown_topic_reaches_the_ambassador_or_the_admin_channel():
    with_ambassador = route(
        DIRECTORY,
        topic="other",
        department="hr",
        ambassadors=["U_AMB"],
        is_active=everyone,
        now=MONDAY_10_JST,
    )
    assert with_ambassador.owner == "U_AMB"
    nobody = route(DIRECTORY, topic="other", department=None, ambassadors=[], is_active=everyone, now=MONDAY_10_JST)
    assert nobody.owner_is_channel
    assert nobody.first_response_due == MONDAY_10_JST + timedelta(hours=DIRECTORY.default_sla.first_response_hours)


def test_the_asker_never_gets_their_own_question():
    decision = route(
        DIRECTORY,
        topic="access",
        department=None,
        ambassadors=[],
        is_active=everyone,
        now=MONDAY_10_JST,
        asker="U_IT1",
    )
    assert decision.owner == "U_IT2"
    assert decision.skipped == (("U_IT1", "is the person asking"),)


def test_chain_lists_a_person_once():
    chain = escalation_chain(DIRECTORY, topic="access", department=None, ambassadors=["U_IT2", "U_AMB", "U_AMB"])
    assert [(c.who, c.level) for c in chain] == [
        ("U_IT1", PRIMARY),
        ("U_IT2", BACKUP),
        ("U_AMB", AMBASSADOR),
        ("#coach-help-admins", ADMIN_CHANNEL),
    ]


# --------------------------------------------------------------------------- clean_question


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t ", "\u3000\u3000", "\u200b\ufeff", "\x00\x07"])
def test_empty_questions_are_refused_politely(text):
    result = clean_question(text)
    assert isinstance(result, QuestionError)
    assert "question" in result.message


def test_empty_question_message_follows_the_locale():
    result = clean_question(" ", locale="ja-JP")
    assert isinstance(result, QuestionError) and "質問" in result.message


def test_question_is_trimmed_and_tidied():
    result = clean_question("\u3000 How do I\r\nshare a file?\x00 \n")
    assert result == CleanQuestion("How do I\nshare a file?", "How do I\nshare a file?")


def test_long_question_is_kept_whole_with_a_short_summary():
    text = "word " * 1000
    result = clean_question(text)
    assert isinstance(result, CleanQuestion)
    assert result.text == text.strip()
    assert len(result.summary) <= 3000 and result.summary.endswith("…")
    assert result.text.startswith(result.summary[:-1])


def test_lone_surrogates_are_replaced():
    result = clean_question("broken \ud800 text")
    assert isinstance(result, CleanQuestion)
    result.text.encode("utf-8")  # storable and sendable


def test_truncation_does_not_split_accents_flags_or_emoji_sequences():
    assert truncate("cafe\u0301s", 5) == "caf…"  # the accent stays with its e: both dropped
    assert truncate("cafe\u0301s!", 6) == "cafe\u0301…"
    assert truncate("ab\U0001f1ef\U0001f1f5\U0001f1fa\U0001f1f8", 4) == "ab…"  # never half a flag
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert truncate("x" + family + "yz", 4) == "x…"
    assert truncate("ok", 5) == "ok"


_EXTENDERS = st.sampled_from(["\u0301", "\u200d", "\ufe0f", "\U0001f3fd", "\U0001f1ef", "\U0001f1f5"])


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.one_of(st.characters(), _EXTENDERS), max_size=40).map("".join), limit=st.integers(1, 30))
def test_truncate_never_exceeds_the_limit_and_never_starts_the_rest_with_an_extender(text, limit):
    summary = truncate(text, limit)
    assert len(summary) <= limit
    if summary != text:
        kept = summary[:-1].rstrip()
        assert text.startswith(kept)
        rest = text[len(summary[:-1]) :]
        if rest and kept:
            assert rest[0] not in "\u0301\u200d\ufe0f\U0001f3fd"


# --------------------------------------------------------------------------- metrics


def _record(topic, dept, state, opened_h, due_h, first_h=None, rating=None) -> RequestRecord:
    base = datetime(2025, 6, 2, tzinfo=UTC)
    return RequestRecord(
        topic=topic,
        department=dept,
        state=state,
        opened_at=base + timedelta(hours=opened_h),
        sla_first_response_due=base + timedelta(hours=due_h),
        first_response_at=None if first_h is None else base + timedelta(hours=first_h),
        rating=rating,
    )


RECORDS = [
    _record("access", "sales", "open", 5, 9),  # unanswered, past due at now=20
    _record("access", "hr", "taken", 1, 5, first_h=2),
    _record("how-to", "sales", "closed", 0, 4, first_h=6, rating=2),  # answered late
    _record("how-to", None, "answered", 3, 7, first_h=4, rating=5),
    _record("other", None, "open", 19, 23),  # not yet due
]


def test_metrics():
    now = datetime(2025, 6, 2, 20, tzinfo=UTC)
    assert open_by_topic(RECORDS) == {"access": 2, "how-to": 1, "other": 1}
    assert open_by_department(RECORDS) == {"sales": 1, "hr": 1, None: 2}
    assert median_first_response(RECORDS) == timedelta(hours=1)
    assert median_first_response(RECORDS[1:3]) == timedelta(hours=3, minutes=30)
    assert share_within_sla(RECORDS, now) == pytest.approx(2 / 4)
    assert oldest_open(RECORDS) is RECORDS[1]
    assert mean_satisfaction(RECORDS) == 3.5
    summary = help_metrics(RECORDS, now)
    assert summary.oldest_open is RECORDS[1] and summary.share_within_sla == pytest.approx(0.5)


def test_metrics_on_nothing():
    now = datetime(2025, 6, 2, tzinfo=UTC)
    summary = help_metrics([], now)
    assert (summary.median_first_response, summary.share_within_sla, summary.oldest_open) == (
        None,
        None,
        None,
    )
    assert summary.mean_satisfaction is None and summary.open_by_topic == {}
