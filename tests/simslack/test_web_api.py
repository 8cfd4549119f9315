import json
import re
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.simslack import FakeSlack
from bot.simslack.reference import docs_example, metadata_example

TS = re.compile(r"^\d{10}\.\d{6}$")


def _raw_post(fake: FakeSlack, method: str, data: bytes, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(fake.api_url + method, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_auth_test_reports_the_bot_identity_of_the_test_payloads(client: WebClient) -> None:
    answer = client.auth_test()

    assert answer["team_id"] == "T111"
    assert answer["user_id"] == "W23456789"
    assert answer["bot_id"] == "BZYBOTHED"
    assert answer["team"] == "Test Workspace"
    assert answer["url"].startswith("https://")
    assert set(docs_example("auth.test", "success_with_bot_token")) <= set(answer.data)


def test_missing_and_unknown_tokens_are_refused(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        WebClient(token="xoxb-stranger", base_url=fake.api_url).auth_test()

    assert missing.value.response["error"] == "not_authed"
    assert unknown.value.response["error"] == "invalid_auth"


def test_token_is_accepted_as_a_form_argument(fake: FakeSlack) -> None:
    answer = _raw_post(
        fake,
        "auth.test",
        f"token={fake.bot_token}".encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer["ok"] is True
    assert "token" not in fake.calls_to("auth.test")[0].args


def test_post_message_returns_string_ts_that_increase(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C111", "general", members=["U1"])

    first = client.chat_postMessage(channel="C111", text="one")
    second = client.chat_postMessage(channel="C111", text="two", blocks=[{"type": "divider"}])

    assert isinstance(first["ts"], str) and TS.match(first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["bot_id"] == "BZYBOTHED"
    assert [m["text"] for m in fake.messages_in("C111")] == ["one", "two"]
    assert fake.calls_to("chat.postMessage")[1].args["blocks"] == [{"type": "divider"}]


def test_form_encoded_json_string_args_are_parsed(fake: FakeSlack) -> None:
    fake.add_channel("C111", "general")
    body = "channel=C111&blocks=" + urllib.request.quote(json.dumps([{"type": "divider"}]))

    answer = _raw_post(
        fake,
        "chat.postMessage",
        body.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {fake.bot_token}"},
    )

    assert answer["ok"] is True
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [{"type": "divider"}]


def test_conversations_open_gives_a_stable_dm_that_post_message_can_use(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")

    opened = client.conversations_open(users="U1")["channel"]["id"]
    again = client.conversations_open(users="U1", return_im=True)
    posted = client.chat_postMessage(channel="U1", text="hello")

    assert opened.startswith("D")
    assert again["channel"]["id"] == opened and again["already_open"] is True
    assert posted["channel"] == opened
    assert fake.messages_in("U1")[0]["text"] == "hello"


def test_users_list_pages_with_cursors(client: WebClient, fake: FakeSlack) -> None:
    for n in range(5):
        fake.add_user(f"U{n}", name=f"user{n}", tz="Europe/Berlin", tz_offset=3600, locale="de-DE")

    seen, cursor, pages = [], None, 0
    while True:
        page = client.users_list(limit=2, cursor=cursor, include_locale=True)
        seen += [m["id"] for m in page["members"]]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break

    assert seen == ["W23456789", "U0", "U1", "U2", "U3", "U4"]
    assert pages == 3
    assert client.users_info(user="U0", include_locale=True)["user"]["locale"] == "de-DE"
    assert "locale" not in client.users_info(user="U0")["user"]
    with pytest.raises(SlackApiError, match="invalid_cursor"):
        client.users_list(cursor="bm9wZTpub3BlCg==")


def test_user_objects_have_the_documented_shape(client: WebClient, fake: FakeSlack) -> None:
    fake.define_profile_field("Xf1", "Department")
    fake.add_user("U1", name="ada", real_name="Ada Lovelace", is_admin=True, profile_fields={"Xf1": "R&D"})

    user = client.users_info(user="U1")["user"]

    documented = docs_example("users.info")["user"]
    assert set(documented) <= set(user)
    assert set(documented["profile"]) - {"image_original"} <= set(user["profile"])
    assert user["is_admin"] is True and user["real_name"] == "Ada Lovelace"
    assert "fields" not in user["profile"]  # custom fields come from users.profile.get, as on Slack


def test_custom_profile_fields_have_slacks_shape(client: WebClient, fake: FakeSlack) -> None:
    """users.profile.get: `profile.fields` keyed by field id, each {value, alt}; team.profile.get: a list of
    field definitions; both shaped like the method metadata's examples (data/profile/README.md)."""
    fake.define_profile_field("Xf01DEPT", "Department")
    fake.add_user("U1", name="ada", profile_fields={"Xf01DEPT": "R&D"})
    documented = metadata_example("users.profile.get")["profile"]
    profile = client.users_profile_get(user="U1")["profile"]
    assert set(documented) - {"huddle_state", "huddle_state_expiration_ts"} <= set(profile)
    assert profile["fields"] == {"Xf01DEPT": {"value": "R&D", "alt": ""}}
    labelled = client.users_profile_get(user="U1", include_labels=True)["profile"]["fields"]
    assert labelled == {"Xf01DEPT": {"value": "R&D", "alt": "", "label": "Department"}}
    [field] = client.team_profile_get()["profile"]["fields"]
    assert set(field) == set(metadata_example("team.profile.get")["profile"]["fields"][0])
    assert (field["id"], field["label"]) == ("Xf01DEPT", "Department")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_profile_get(user="U0NOBODY")


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as error:
        client.api_call("chat.postMessages")

    assert error.value.response["error"] == "unknown_method"


@pytest.mark.parametrize(
    ("method", "args", "error"),
    [
        ("chat.postMessage", {"text": "hi"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "C111"}, "no_text"),
        ("users.info", {}, "user_not_found"),
        ("conversations.members", {}, "channel_not_found"),
        ("usergroups.users.list", {}, "invalid_arguments"),
        ("reminders.list", {}, None),
        ("users.list", {}, None),
        ("views.publish", {"user_id": "U1"}, "invalid_arguments"),
    ],
)
def test_missing_required_args_get_the_documented_error(
    client: WebClient, fake: FakeSlack, method: str, args: dict, error: str | None
) -> None:
    fake.add_channel("C111", "general")
    fake.add_user("U1")

    answer = client.api_call(method, json=args) if error is None else None
    if error is None:
        assert answer is not None and answer["ok"] is True
        return
    with pytest.raises(SlackApiError) as failure:
        client.api_call(method, json=args)

    assert failure.value.response["error"] == error


def test_history_is_newest_first_with_limit_oldest_and_metadata(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C111", "general")
    metadata = {"event_type": "nudge_sent", "event_payload": {"nudge": "first_post"}}
    stamps = [client.chat_postMessage(channel="C111", text=f"m{n}", metadata=metadata)["ts"] for n in range(4)]

    newest_two = client.conversations_history(channel="C111", limit=2)
    after_first = client.conversations_history(channel="C111", oldest=stamps[0], include_all_metadata=True)

    assert [m["text"] for m in newest_two["messages"]] == ["m3", "m2"]
    assert newest_two["has_more"] is True and newest_two["response_metadata"]["next_cursor"]
    assert "metadata" not in newest_two["messages"][0]
    assert [m["text"] for m in after_first["messages"]] == ["m3", "m2", "m1"]
    assert after_first["messages"][0]["metadata"] == metadata


def test_update_delete_react_and_ephemeral(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C111", "general", members=["U1"])
    fake.add_user("U1")
    ts = client.chat_postMessage(channel="C111", text="draft")["ts"]

    client.chat_update(channel="C111", ts=ts, text="final")
    client.reactions_add(channel="C111", timestamp=ts, name="tada")
    ephemeral = client.chat_postEphemeral(channel="C111", user="U1", text="psst")

    assert fake.messages_in("C111")[0]["text"] == "final"
    assert fake.messages_in("C111")[0]["reactions"][0]["name"] == "tada"
    assert fake.ephemerals_for("U1")[0]["ts"] == ephemeral["message_ts"]
    with pytest.raises(SlackApiError, match="already_reacted"):
        client.reactions_add(channel="C111", timestamp=ts, name="tada")
    client.chat_delete(channel="C111", ts=ts)
    assert fake.messages_in("C111") == []
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_delete(channel="C111", ts=ts)


def test_directory_methods_answer_from_seeded_state(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1")
    fake.add_user("U2")
    fake.add_channel("C111", "general", members=["U1", "U2"])
    fake.add_channel("C222", "random", members=["U1"], bot_is_member=False)
    fake.set_dnd("U1", snooze_enabled=True, snooze_endtime=2_000_000_000)
    fake.add_usergroup("S1", "ambassadors", ["U1"])

    assert client.conversations_members(channel="C111")["members"] == ["U1", "U2", "W23456789"]
    assert client.conversations_info(channel="C222")["channel"]["is_member"] is False
    client.conversations_join(channel="C222")
    assert client.conversations_info(channel="C222")["channel"]["is_member"] is True
    assert [c["name"] for c in client.conversations_list()["channels"]] == ["general", "random"]
    assert client.dnd_info(user="U1")["snooze_enabled"] is True
    assert client.dnd_info(user="U2")["snooze_enabled"] is False
    assert client.usergroups_list(include_users=True)["usergroups"][0]["users"] == ["U1"]
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1"]
    assert client.team_info()["team"]["id"] == "T111"


def test_views_are_recorded_and_limits_enforced(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1")
    home = {"type": "home", "blocks": [{"type": "divider"}]}

    published = client.views_publish(user_id="U1", view=home)["view"]
    too_many = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    too_large = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 260_000}}],
    }

    assert fake.home_view("U1")["id"] == published["id"]
    with pytest.raises(SlackApiError) as blocks_error:
        client.views_publish(user_id="U1", view=too_many)
    with pytest.raises(SlackApiError, match="view_too_large"):
        client.views_publish(user_id="U1", view=too_large)
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_publish(user_id="U1", view=home, hash="1.stale")
    assert blocks_error.value.response["error"] == "invalid_arguments"
    assert "100" in blocks_error.value.response["response_metadata"]["messages"][0]
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_open(view=modal)
    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    assert client.views_update(view_id=opened["id"], view=modal)["view"]["id"] == opened["id"]


def test_other_real_methods_answer_ok_and_are_recorded(client: WebClient, fake: FakeSlack) -> None:
    assert client.api_call("bookmarks.list", params={"channel_id": "C1"})["ok"] is True
    assert fake.wait_for("bookmarks.list")[0].http_method == "POST"


def test_response_urls_on_the_fake_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url()
    request = urllib.request.Request(
        url, data=b'{"text": "done", "replace_original": true}', headers={"Content-Type": "application/json"}
    )

    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.read() == b"ok"

    posted = fake.wait_for("response_url")[0]
    assert posted.args["text"] == "done" and posted.args["path"].startswith("/hooks/commands/T111/")
