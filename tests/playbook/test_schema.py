import pytest
import yaml
from pydantic import ValidationError

from bot.domain.activity import OBSERVABLE_EVENTS
from bot.playbook.checks import playbook_issues
from bot.playbook.schema import Criteria, Departments, LocalizedText, Playbook
from tests.playbook.samples import MINIMAL

DESIGN_EXAMPLES = [
    {"event": "member_joined_channel", "channel": "#company-news"},
    {"event": "reaction_added", "channel": "#company-news"},
    {"event": "message", "channel": "#proj-*", "thread_reply": True, "count": 3},
    {"event": "message", "channel_type": "channel", "mentions_user": True},
    {"self_report": True, "verify": {"channel_member": "#ask-it"}},
]


@pytest.mark.parametrize("raw", DESIGN_EXAMPLES)
def test_design_criteria_examples_parse_exactly(raw: dict) -> None:
    criteria = Criteria.model_validate(raw)
    assert criteria.model_dump(exclude_defaults=True) == raw


@pytest.mark.parametrize("event", sorted(OBSERVABLE_EVENTS))
def test_every_observable_event_is_accepted(event: str) -> None:
    assert Criteria.model_validate({"event": event}).event == event


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"event": "reaction_removed"}, "does not listen to"),
        ({"event": "message", "channel_type": "im"}, "never other people's direct messages"),
        ({"event": "message", "channel_type": "mpim"}, "cannot be observed"),
        (
            {"event": "app_home_opened", "channel": "#x"},
            '"channel" cannot be used with event "app_home_opened"',
        ),
        ({"event": "message", "verify": {"ambassador": True}}, '"verify" only applies'),
        ({}, 'criteria need an "event"'),
        ({"event": "message", "channel": "Company News"}, "is not a channel name"),
        ({"event": "message", "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_criteria_are_rejected(raw: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Criteria.model_validate(raw)
    assert fragment in str(caught.value)


def test_localized_text_falls_back_to_english() -> None:
    text = LocalizedText({"en": "Hello", "ja": ""})
    assert text.get("ja") == "Hello" and text.get("de") == "Hello" and text["en"] == "Hello"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ({"source": "profile_field", "field": "Xf01"}, True),
        ({"source": "usergroup", "usergroups": {"sales": "Sales"}}, True),
        ({"source": "csv"}, True),
        ({"source": "csv", "path": "people.csv"}, True),
        ({"source": "profile_field"}, False),
        ({"source": "csv", "field": "x"}, False),
        ({"source": "ldap"}, False),
    ],
)
def test_department_sources(raw: dict, ok: bool) -> None:
    if ok:
        assert Departments.model_validate(raw).source == raw["source"]
    else:
        with pytest.raises(ValidationError):
            Departments.model_validate(raw)


def test_cross_field_issues_are_found_on_a_structurally_valid_model() -> None:
    text = MINIMAL.replace("locales: [en, ja]", "locales: [en]").replace("end: 18:00", 'end: "18:00"')
    playbook = Playbook.model_validate(yaml.safe_load(text))
    reasons = [reason for _, reason in playbook_issues(playbook)]
    assert any('but "ja" is not listed in "locales"' in reason for reason in reasons)
