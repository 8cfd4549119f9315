"""app.manifest.yaml is valid against Slack's own manifest JSON schema and asks for what the product needs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from bot.manifest import MANIFEST_PATH, bot_scopes, load_manifest

SCHEMA_DIR = Path(__file__).parent.parent / "bot" / "simslack" / "data" / "manifest-schema"
BASE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def _validator() -> jsonschema.Draft7Validator:
    main = json.loads((SCHEMA_DIR / "manifest.schema.json").read_text())
    resources = [
        (BASE + name, Resource.from_contents(json.loads((SCHEMA_DIR / "schemas" / name).read_text()), DRAFT7))
        for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json")
    ]
    return jsonschema.Draft7Validator(main, registry=Registry().with_resources(resources))


def _v1_validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMA_DIR / "schemas" / "manifest.schema.1.0.0.json").read_text()))


def test_schema_accepts_slacks_valid_example_and_rejects_invalid() -> None:
    v = _validator()
    assert not list(v.iter_errors(json.loads((SCHEMA_DIR / "examples" / "v1.manifest.valid.json").read_text())))
    assert list(v.iter_errors(json.loads((SCHEMA_DIR / "examples" / "v1.manifest.invalid.json").read_text())))


def test_manifest_is_valid_against_slacks_schema() -> None:
    manifest = yaml.safe_load(MANIFEST_PATH.read_text())
    errors = [e.message for e in _v1_validator().iter_errors(manifest)]
    assert errors == []
    assert not list(_validator().iter_errors(manifest))


def test_manifest_enables_what_the_product_needs() -> None:
    m = load_manifest()
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["features"]["app_home"]["messages_tab_enabled"] is True
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/coach"]
    events = set(m["settings"]["event_subscriptions"]["bot_events"])
    assert {
        "message.im",
        "message.channels",
        "message.groups",
        "member_joined_channel",
        "reaction_added",
        "team_join",
        "user_change",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
        "subteam_members_changed",
    } <= events
    assert {"dnd:read", "usergroups:read", "im:write", "chat:write", "users:read", "commands"} <= bot_scopes(m)


def test_every_event_has_its_scope() -> None:
    """Slack refuses a manifest whose events lack their scope; check the ones we subscribe to."""
    m = load_manifest()
    needs = {
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "message.im": "im:history",
        "reaction_added": "reactions:read",
        "member_joined_channel": "channels:read",
        "team_join": "users:read",
        "user_change": "users:read",
        "subteam_members_changed": "usergroups:read",
        "app_mention": "app_mentions:read",
    }
    scopes = bot_scopes(m)
    for event in m["settings"]["event_subscriptions"]["bot_events"]:
        if event in needs:
            assert needs[event] in scopes, event
