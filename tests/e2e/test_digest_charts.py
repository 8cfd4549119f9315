"""Digest charts through the wire: the weekly digests carry a PNG uploaded with files_upload_v2 and shown in an
`image` block (`slack_file`); without `files:write`, or when Slack refuses the image, they carry text bars.

The app runs against the fake Slack; the hourly digest jobs queue outbox rows and the delivery tick renders,
uploads (files.getUploadURLExternal → POST to the upload URL → files.completeUploadExternal) and posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db import session_scope
from bot.manifest import bot_scopes, load_manifest
from bot.simslack import FakeSlack
from models import NudgeDelivery, Person, Role
from nudges.digest_jobs import queue_admin_digest, queue_ambassador_digests
from nudges.ticks import deliver_nudges
from tests.e2e.harness import HttpApp, http_app

MONDAY_11_UTC = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)  # Monday morning in London and in UTC
AMB_EN, AMB_JA = "U0AMBEN01", "U0AMBJA01"
ADMIN_CHANNEL = "C0ADMINS1"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def coach(fake: FakeSlack, sqlite_url: str) -> Iterator[HttpApp]:
    fake.add_user(AMB_EN, name="ann", tz="Europe/London", locale="en-GB")
    fake.add_user(AMB_JA, name="jun", tz="Europe/London", locale="ja-JP")
    fake.add_channel(ADMIN_CHANNEL, "coach-admins")
    with http_app(fake, sqlite_url, clock=ManualClock(MONDAY_11_UTC)) as app:
        with session_scope(app.deps.session_factory) as s:
            ambassadors = [
                Person(slack_user_id=AMB_EN, department="Sales", tz="Europe/London", locale="en", opted_out_kinds=[]),
                Person(slack_user_id=AMB_JA, department="Sales", tz="Europe/London", locale="ja", opted_out_kinds=[]),
            ]
            members = [
                Person(slack_user_id=f"U0SALES{n:02d}", department="Sales", current_stage=n % 3, opted_out_kinds=[])
                for n in range(6)
            ]
            s.add_all([*ambassadors, *members])
            s.flush()
            s.add_all([Role(person_id=p.id, role="ambassador", department="Sales") for p in ambassadors])
        yield app


def _deliver(app: HttpApp) -> None:
    assert queue_ambassador_digests(app.deps) == 2
    deliver_nudges(app.deps)


def _digest(fake: FakeSlack, address: str) -> dict[str, Any]:
    (message,) = fake.messages_in(address)
    return message


def _images(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message.get("blocks", []) if b.get("type") == "image"]


def _states(app: HttpApp) -> list[str]:
    with session_scope(app.deps.session_factory) as s:
        return sorted(s.scalars(select(NudgeDelivery.state)))


def test_the_digest_chart_is_uploaded_and_shown_in_an_image_block(coach: HttpApp, fake: FakeSlack) -> None:
    _deliver(coach)
    urls = fake.calls_to("files.getUploadURLExternal")
    completes = fake.calls_to("files.completeUploadExternal")
    assert len(urls) == 2 and all(c.ok for c in urls)
    assert len(fake.calls_to("upload_url")) == 2 and all(c.ok for c in fake.calls_to("upload_url"))
    assert len(completes) == 2 and all(c.ok for c in completes)
    completed = {f["id"] for c in completes for f in c.response["files"]}
    for user in (AMB_EN, AMB_JA):
        message = _digest(fake, user)
        (image,) = _images(message)
        file_id = image["slack_file"]["id"]
        assert file_id in completed
        stored = fake.uploaded_file(file_id)
        assert stored["state"] == "complete" and stored["channels"] == []  # private: shown only by the block
        assert stored["content"].startswith(PNG_SIGNATURE) and len(stored["content"]) == stored["size"]
        assert "░" not in str(message["blocks"])  # the image replaces the text bars
    assert "Sales ignition" in _images(_digest(fake, AMB_EN))[0]["alt_text"]
    assert "点火率" in _images(_digest(fake, AMB_JA))[0]["alt_text"]  # labelled in the reader's language
    assert _states(coach) == ["sent", "sent"]


def test_without_files_write_the_digest_falls_back_to_text_bars(coach: HttpApp, fake: FakeSlack) -> None:
    fake.api.granted_scopes = sorted(bot_scopes(load_manifest()) - {"files:write"})
    _deliver(coach)
    refused = fake.calls_to("files.getUploadURLExternal")
    assert refused and all(c.response == {**c.response, "ok": False, "error": "missing_scope"} for c in refused)
    assert refused[0].response["needed"] == "files:write"
    assert fake.calls_to("files.completeUploadExternal") == []
    for user in (AMB_EN, AMB_JA):
        message = _digest(fake, user)
        assert _images(message) == [] and "░" in str(message["blocks"])
    assert _states(coach) == ["sent", "sent"]


def test_an_image_slack_will_not_show_is_replaced_by_text_bars(coach: HttpApp, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", error="invalid_blocks")  # e.g. the private file is not ready yet
    _deliver(coach)
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 3 and not posts[0].ok and _images(posts[0].args)  # refused with the image, then text
    messages = [_digest(fake, user) for user in (AMB_EN, AMB_JA)]
    assert sorted(len(_images(m)) for m in messages) == [0, 1]
    assert _states(coach) == ["sent", "sent"]


def test_the_admin_digest_goes_to_the_admin_channel_once_a_week_with_its_chart(coach: HttpApp, fake: FakeSlack) -> None:
    clock = coach.deps.clock
    assert isinstance(clock, ManualClock)
    clock.set(MONDAY_11_UTC + timedelta(days=1))
    assert queue_admin_digest(coach.deps) == 0  # Tuesday: not a digest morning
    clock.set(MONDAY_11_UTC)
    assert queue_admin_digest(coach.deps) == 1
    assert queue_admin_digest(coach.deps) == 0  # every replica's tick in the morning: queued once
    deliver_nudges(coach.deps)
    message = _digest(fake, ADMIN_CHANNEL)
    assert message["blocks"][0]["text"]["text"] == "Adoption this week, all departments"
    (image,) = _images(message)
    assert fake.uploaded_file(image["slack_file"]["id"])["content"].startswith(PNG_SIGNATURE)
    assert "Sales" in image["alt_text"]
    assert message["metadata"]["event_type"] == "coach_nudge"  # through the outbox like every message
    with session_scope(coach.deps.session_factory) as s:
        (row,) = s.scalars(select(NudgeDelivery).where(NudgeDelivery.kind == "admin_digest"))
    assert (row.state, row.address, row.person_id) == ("sent", ADMIN_CHANNEL, None)
    assert row.idempotency_key == "admin_digest:admins:2026-W06"


def test_digests_with_the_same_numbers_and_language_share_one_uploaded_chart(coach: HttpApp, fake: FakeSlack) -> None:
    fake.add_user("U0AMBEN02", name="abe", tz="Europe/London", locale="en-GB")
    with session_scope(coach.deps.session_factory) as s:
        abe = Person(slack_user_id="U0AMBEN02", department="Sales", tz="Europe/London", locale="en", opted_out_kinds=[])
        s.add(abe)
        s.flush()
        s.add(Role(person_id=abe.id, role="ambassador", department="Sales"))
    assert queue_ambassador_digests(coach.deps) == 3
    deliver_nudges(coach.deps)
    english = {_images(_digest(fake, user))[0]["slack_file"]["id"] for user in (AMB_EN, "U0AMBEN02")}
    japanese = _images(_digest(fake, AMB_JA))[0]["slack_file"]["id"]
    assert len(english) == 1 and japanese not in english  # one chart per language, not per reader
    assert len(fake.calls_to("files.completeUploadExternal")) == 2
