import jsonschema
import pytest

from bot.simslack import payloads
from bot.simslack.reference import load_json

WRAPPER = load_json("events-api/slack_common_event_wrapper_schema.json")
# authed_users is legacy; current payloads carry `authorizations` instead (INDEX.md §6).
WRAPPER["required"] = [r for r in WRAPPER["required"] if r != "authed_users"]


def test_every_saved_sample_loads_as_an_independent_copy() -> None:
    names = payloads.names()

    assert len([n for n in names if n.startswith("events_api/")]) == 27
    for name in names:
        assert payloads.load(name)
    first = payloads.load("reaction_added.bolt-python")
    first["event"]["reaction"] = "changed"
    assert payloads.load("events_api/reaction_added.bolt-python.json")["event"]["reaction"] == "heart_eyes"


def test_ambiguous_or_unknown_names_are_rejected() -> None:
    with pytest.raises(KeyError):
        payloads.load("message")


@pytest.mark.parametrize(
    "event",
    [
        payloads.message_event("U1", "C111", "hi"),
        payloads.message_event("U1", "D111", "reply", thread_ts="1.000001", channel_type="im"),
        payloads.reaction_event("U1", "tada", "C111", "1.000001"),
        payloads.member_joined("U1", "C111", inviter="U2"),
        payloads.app_home_opened("U1"),
    ],
)
def test_built_event_bodies_match_the_wrapper_schema(event: dict) -> None:
    body = payloads.event_callback(event)

    jsonschema.validate(body, WRAPPER)
    assert body["authorizations"][0]["user_id"] == "W23456789"


def test_builders_use_the_samples_field_names() -> None:
    sample_message = payloads.load("message.channel.plain.bolt-python")["event"]
    sample_reaction = payloads.load("reaction_added.bolt-python")["event"]
    sample_command = payloads.load("slash_command.bolt-python.parsed")
    sample_action = payloads.load("block_actions.button.bolt-python")
    sample_submission = payloads.load("view_submission.bolt-python")

    assert set(payloads.message_event("U1", "C1", "x")) == set(sample_message)
    assert set(payloads.reaction_event("U1", "x", "C1", "1.1")) == set(sample_reaction)
    assert set(sample_command) - {"enterprise_id", "enterprise_name"} <= set(payloads.slash_command("x", "U1"))
    built_action = payloads.block_actions("U1", "a", "v")
    assert set(sample_action) <= set(built_action)
    assert set(sample_action["actions"][0]) <= set(built_action["actions"][0])
    built_submission = payloads.view_submission("U1", "cb", {"b": {"a": {"type": "plain_text_input", "value": "v"}}})
    assert set(sample_submission) <= set(built_submission)
    assert set(sample_submission["view"]) <= set(built_submission["view"])


def test_event_ids_and_trigger_ids_are_fresh() -> None:
    ids = {payloads.event_callback(payloads.app_home_opened("U1"))["event_id"] for _ in range(50)}

    assert len(ids) == 50
    assert payloads.slash_command("x", "U1")["trigger_id"] != payloads.slash_command("x", "U1")["trigger_id"]
