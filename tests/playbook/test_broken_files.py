from pathlib import Path

import pytest

from bot.playbook.loader import PlaybookError, PlaybookInvalid, check_playbook, load_playbook
from tests.playbook.samples import MINIMAL


def _edit(old: str, new: str, count: int = 1):
    def apply(text: str) -> str:
        assert text.count(old) >= count, f"sample has no {old!r}"
        return text.replace(old, new, count)

    return apply


def _line(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the nth line containing marker."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    return hits[nth - 1]


# (id, edit, marker locating the expected line in the edited text (nth occurrence), expected reason)
CASES = [
    (
        "empty-stage",
        lambda text: (
            text[: text.index("    required: [proj-threads]")] + "    use_cases: []\n" + text[text.index("channels:") :]
        ),
        ("use_cases: []", 1),
        'stage "daily-work" has no use cases',
    ),
    (
        "typo-field",
        _edit('        title: {en: "React"', '        titel: {en: "React"'),
        ("titel:", 1),
        'unknown field "titel" in use case "react-to-news" (did you mean "title"?)',
    ),
    (
        "unobservable-event",
        _edit('event: message, channel: "#proj-*"', 'event: reaction_removed, channel: "#proj-*"'),
        ("reaction_removed", 1),
        'use case "proj-threads" waits for event "reaction_removed", which Coach does not listen to',
    ),
    (
        "missing-japanese",
        _edit('          ja: "すぐできる"\n', ""),
        ("why:", 1),
        'the Japanese ("ja") text of "why" in use case "react-to-news" is missing',
    ),
    (
        "missing-japanese-nested",
        _edit('lesson: {en: "Lesson", ja: "レッスン"}', 'lesson: {en: "Lesson"}'),
        ("lesson:", 1),
        'the Japanese ("ja") text of "lesson" of "training" in use case "react-to-news" is missing',
    ),
    (
        "duplicate-use-case-key",
        _edit("      - key: proj-threads", "      - key: react-to-news"),
        ("key: react-to-news", 2),
        'the use case key "react-to-news" is used more than once; keys must be unique',
    ),
    (
        "required-does-not-exist",
        _edit("required: [proj-threads]", "required: [proj-thread]"),
        ("required:", 1),
        'stage "daily-work" requires use case "proj-thread", which is not one of its use cases',
    ),
    (
        "unknown-placeholder",
        _edit('en: "Hi {name}, {purpose}"', 'en: "Hi {nam}, {purpose}"'),
        ("Hi {nam}", 1),
        'template "welcome" (en) uses unknown placeholder {nam}; use {first_use_case}, {help_hint}, '
        "{name}, {purpose}, {sponsor}, {wave}",
    ),
    (
        "feedback-question-about-a-use-case",
        _edit('feedback_question: {en: "{wave}: {goal}?"', 'feedback_question: {en: "{use_case}?"'),
        ('feedback_question: {en: "{use_case}?"', 1),
        'template "feedback_question" (en) uses {use_case}, but the feedback gate asks about the whole wave, '
        "not one use case, so it would read empty; use {wave} and {goal}",
    ),
    (
        "unmatched-brace",
        _edit('ja: "{name}さん、{purpose}"', 'ja: "{nameさん"'),
        ("{nameさん", 1),
        'template "welcome" (ja) has an unmatched "{" or "}"; write "{{" for a brace',
    ),
    (
        "bad-time-zone",
        _edit("tz: Asia/Tokyo", "tz: Asia/Tokio"),
        ("tz:", 1),
        '"tz" of "hours" in contact 1 of help topic "how-to": "Asia/Tokio" is not a time zone Coach knows; '
        'use an IANA name such as "Asia/Tokyo"',
    ),
    (
        "bad-time",
        _edit('start: "09:00"', 'start: "9am"'),
        ("start:", 1),
        '"start" of "hours" in contact 1 of help topic "how-to": "9am" is not a time; write it as "HH:MM" '
        'in 24-hour form, like "09:00"',
    ),
    (
        "start-after-end",
        _edit('start: "09:00"', 'start: "19:00"'),
        ("          hours:", 1),
        '"hours" in contact 1 of help topic "how-to": start 19:00 must be before end 18:00',
    ),
    (
        "yaml-syntax",
        _edit('    summary: {en: "Threads", ja: "スレッド"}', '    summary: {en: "Threads", ja: "スレッド"'),
        ("    required:", 1),
        "the file is not valid YAML: while parsing a flow mapping expected ',' or '}', but got '<scalar>'",
    ),
    (
        "yaml-duplicate-key",
        _edit(
            '    summary: {en: "Tiny things"',
            '    title: {en: "Again", ja: "再"}\n    summary: {en: "Tiny things"',
        ),
        ("Again", 1),
        'the field "title" appears twice in stage "first-steps" (first on line 8); only the last one would count',
    ),
    (
        "channel-not-listed",
        _edit('channel: "#company-news"}', 'channel: "#company-newz"}'),
        ("#company-newz", 1),
        'use case "react-to-news" watches "#company-newz", which is not listed; add it under "channels" '
        "(Coach only sees channels it is in)",
    ),
    (
        "dm-channel-type",
        _edit('event: reaction_added, channel: "#company-news"}', "event: message, channel_type: im}"),
        ("channel_type: im", 1),
        '"channel_type" of "criteria" in use case "react-to-news": channel_type "im" cannot be observed: '
        'Coach only sees public ("channel") and private ("group") channels it is in, never other people\'s '
        "direct messages",
    ),
    (
        "missing-field",
        _edit('        how_to: {en: "Click the smiley", ja: "スマイルを押す"}\n', ""),
        ("key: react-to-news", 1),
        'use case "react-to-news" is missing the field "how_to"',
    ),
    (
        "bad-user-id",
        _edit("primary: U0ADMIN001", "primary: bob"),
        ("primary:", 1),
        '"primary" in contact 1 of help topic "how-to": \'bob\' is not a Slack user id (it looks like "U0123ABCD")',
    ),
    (
        "locales-without-english",
        _edit("locales: [en, ja]", "locales: [ja]"),
        ("locales:", 1),
        'the locales must include English ("en"); it is the fallback for every text',
    ),
    (
        "translation-not-in-locales",
        _edit('how_to: {en: "Reply in thread", ja: "スレッドで返信"}', 'how_to: {en: "R", ja: "返信", fr: "R"}'),
        ('fr: "R"', 1),
        '"how_to" in use case "proj-threads" has a "fr" translation, but "fr" is not listed in "locales"',
    ),
    (
        "filter-not-for-event",
        _edit('event: reaction_added, channel: "#company-news"}', "event: reaction_added, thread_reply: true}"),
        ("thread_reply: true}", 1),
        '"criteria" in use case "react-to-news": "thread_reply" cannot be used with event "reaction_added"',
    ),
    (
        "top-level-typo",
        _edit("stages:\n", "stage:\n"),
        ("stage:", 1),
        'unknown field "stage" in the playbook (did you mean "stages"?)',
    ),
    (
        "faq-unknown-topic",
        _edit("    - topic: how-to", "    - topic: setup"),
        ("topic: setup", 1),
        'FAQ entry 1 belongs to unknown help topic "setup"',
    ),
    (
        "no-catch-all-contact",
        _edit("        - primary: U0ADMIN001", "        - department: Sales\n          primary: U0ADMIN001"),
        ("contacts:", 1),
        'help topic "how-to" has no contact for everyone (a contact without "department"), so some questions '
        "would reach nobody",
    ),
    (
        "bad-day",
        _edit("days: [mon, tue, wed, thu, fri]", "days: [monday]"),
        ("days:", 1),
        'item 1 of "days" of "hours" in contact 1 of help topic "how-to": must be one of \'mon\', \'tue\', '
        "'wed', 'thu', 'fri', 'sat' or 'sun', not 'monday'",
    ),
    (
        "zero-count",
        _edit("thread_reply: true, count: 3}", "thread_reply: true, count: 0}"),
        ("count: 0", 1),
        '"count" of "criteria" in use case "proj-threads": must be more than 0, not 0',
    ),
    (
        "event-and-self-report",
        _edit('event: reaction_added, channel: "#company-news"}', "event: reaction_added, self_report: true}"),
        ("self_report: true}", 1),
        '"criteria" in use case "react-to-news": use either "event" or "self_report: true", not both',
    ),
    (
        "comment-instead-of-text",
        _edit('summary: {en: "Tiny things", ja: "小さなこと"}', "summary:\n      en: #company-news\n      ja: x"),
        ("en: #company-news", 1),
        '"en" of "summary" in stage "first-steps": is empty (a value starting with "#" must be in quotes, '
        "or YAML reads it as a comment)",
    ),
    (
        "departments-missing-setting",
        _edit("  usergroups: {sales-team: Sales}\n", ""),
        ("departments:", 1),
        'the departments setting: source "usergroup" needs "usergroups"',
    ),
    (
        "champions-channel-not-listed",
        lambda text: text + 'champions:\n  channel: "#champs"\n',
        ('channel: "#champs"', 1),
        'the champions channel "#champs" is not listed; add it under "channels" (Coach must be in it to add the '
        "champions who accept)",
    ),
    (
        "champions-channel-pattern",
        lambda text: text + 'champions:\n  channel: "#champs-*"\n',
        ('channel: "#champs-*"', 1),
        '"channel" of "champions" in the playbook: "#champs-*" is a pattern; the champions channel must be one '
        'channel people can be added to, like "#coach-champions"',
    ),
    (
        "champions-reinvite-zero",
        lambda text: text + 'champions:\n  channel: "#coach-admins"\n  reinvite_after_days: 0\n',
        ("reinvite_after_days: 0", 1),
        '"reinvite_after_days" of "champions" in the playbook: must be more than 0, not 0',
    ),
]


@pytest.mark.parametrize(("edit", "where", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_playbook_reports_file_line_and_reason(tmp_path: Path, edit, where, reason) -> None:
    text = edit(MINIMAL)
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    expected = f"{path}:{_line(text, *where)}: {reason}"
    assert expected in [str(e) for e in check_playbook(path)]


def test_the_unbroken_sample_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert check_playbook(path) == []


def test_unquoted_clock_times_stay_times(tmp_path: Path) -> None:
    # YAML 1.1 would read 18:00 as the number 1080; the sample writes `end: 18:00` unquoted on purpose.
    path = tmp_path / "playbook.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_playbook(path).help.topics[0].contacts[0].hours.end.hour == 18


def test_load_raises_with_every_error(tmp_path: Path) -> None:
    text = MINIMAL.replace("tz: Asia/Tokyo", "tz: Mars/Base").replace("primary: U0ADMIN001", "primary: bob")
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookInvalid) as caught:
        load_playbook(path)
    assert len(caught.value.errors) == 2
    assert [e.line for e in caught.value.errors] == sorted(e.line for e in caught.value.errors)


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert [str(e) for e in check_playbook(path)] == [
        f"{path}:1: the playbook must be a set of fields (version, locales, purpose, stages, …)"
    ]
    missing = check_playbook(tmp_path / "nope.yaml")
    assert missing[0].line == 1 and missing[0].reason.startswith("cannot read the file")


def test_error_prints_as_file_line_reason() -> None:
    assert str(PlaybookError("playbook.yaml", 42, 'stage "x" has no use cases')) == (
        'playbook.yaml:42: stage "x" has no use cases'
    )


def test_missing_keyword_locale_names_the_topic(tmp_path: Path) -> None:
    text = MINIMAL.replace("keywords: {en: [how], ja: [使い方]}", "keywords: {en: [how]}")
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    line = _line(text, "keywords: {en: [how]}")
    assert [str(e) for e in check_playbook(path)] == [
        f'{path}:{line}: the Japanese ("ja") keywords of help topic "how-to" are missing'
    ]
