import re
from string import Formatter

import pytest

from bot.playbook.checks import placeholders
from bot.playbook.loader import check_playbook, default_playbook_path, load_playbook
from bot.playbook.schema import (
    TEMPLATE_KINDS,
    TEMPLATE_PLACEHOLDERS,
    LocalizedKeywords,
    LocalizedText,
    Playbook,
)


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook(default_playbook_path())


def _localized(value, path=()):
    if isinstance(value, LocalizedText | LocalizedKeywords):
        yield path, value.root
    elif hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            yield from _localized(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _localized(item, (*path, i))


def test_default_playbook_is_valid_and_bundled_in_the_package() -> None:
    path = default_playbook_path()
    assert path.name == "default.yaml" and path.parent.name == "playbook" and path.parent.parent.name == "bot"
    assert check_playbook(path) == []


def test_default_is_english_and_japanese_with_every_text_in_both(playbook: Playbook) -> None:
    assert playbook.locales == ["en", "ja"]
    found = list(_localized(playbook))
    assert len(found) > 100
    for path, texts in found:
        assert set(texts) == {"en", "ja"}, path
        assert all(texts.values()), path


def test_japanese_text_is_written_in_japanese(playbook: Playbook) -> None:
    kana_or_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for path, texts in _localized(playbook):
        if isinstance(texts["ja"], str):
            assert kana_or_kanji.search(texts["ja"]), path


def test_everyone_first_learns_where_to_get_help(playbook: Playbook) -> None:
    first = playbook.stages[0].use_cases[0]
    assert first.key == "find-help"
    assert first.criteria.event == "help_requested"
    assert first.key in playbook.stages[0].required_keys


def test_ladder_follows_the_seed_maturity_order(playbook: Playbook) -> None:
    stages = [s.key for s in playbook.stages]
    assert stages == ["first-steps", "team-conversation", "apps-and-workflows", "core-workflow"]
    criteria = {uc.key: uc.criteria for uc in playbook.all_use_cases()}
    assert criteria["follow-company-news"].channel == "#company-news"
    assert criteria["react-to-news"].event == "reaction_added"
    assert criteria["join-ask-exec"].channel == "#ask-exec"
    assert criteria["reply-in-threads"].thread_reply and criteria["reply-in-threads"].channel == "#proj-*"
    assert criteria["mention-a-teammate"].mentions_user
    assert criteria["use-an-app"].event == "app_used"
    assert criteria["share-a-file"].event == "file_shared"
    assert criteria["dept-request"].channel == "#dept-*"
    assert criteria["approve-in-slack"].self_report and criteria["approve-in-slack"].verify.ambassador


def test_every_channel_in_criteria_is_listed(playbook: Playbook) -> None:
    watched = {uc.criteria.channel for uc in playbook.all_use_cases()}
    checked = {uc.criteria.verify.channel_member for uc in playbook.all_use_cases() if uc.criteria.verify}
    assert (watched | checked) - {None} <= set(playbook.channels)
    assert playbook.help.admin_channel in playbook.channels
    assert playbook.champions.channel == "#coach-champions" and playbook.champions.channel in playbook.channels


def test_help_topics_faq_and_placeholder_contacts(playbook: Playbook) -> None:
    assert [t.key for t in playbook.help.topics] == ["setup", "security", "how-to", "other"]
    assert playbook.help.ambassador_default_for == ["how-to"]
    assert 6 <= len(playbook.help.faq) <= 10
    ids = {c.primary for t in playbook.help.topics for c in t.contacts}
    assert "U0ADMIN001" in ids
    assert "placeholder" in default_playbook_path().read_text(encoding="utf-8").lower()


def test_templates_render_with_their_allowed_placeholders(playbook: Playbook) -> None:
    for kind in TEMPLATE_KINDS:
        values = {name: f"<{name}>" for name in TEMPLATE_PLACEHOLDERS[kind]}
        for locale in playbook.locales:
            text = playbook.templates.of(kind)[locale]
            rendered = Formatter().vformat(text, (), values)
            assert "{" not in rendered, (kind, locale)
            assert set(placeholders(text)) <= TEMPLATE_PLACEHOLDERS[kind]


def test_phases_and_cadence_defaults(playbook: Playbook) -> None:
    assert all(getattr(playbook.phases, p).intro["ja"] for p in type(playbook.phases).model_fields)
    assert playbook.phases.refreeze.tips
    assert playbook.cadence.weekly_budget == 3 and playbook.cadence.quiet is True
    assert playbook.cadence.weekdays == ["mon", "tue", "wed", "thu", "fri"]


def test_yaml_cites_the_seeds() -> None:
    text = default_playbook_path().read_text(encoding="utf-8")
    for seed in ("seed 000", "seed 001", "seed 002", "seed 003", "seed 004"):
        assert seed in text
