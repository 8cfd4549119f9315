"""Nudge messages: every kind in every playbook language is valid Block Kit with the right buttons."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest
from slack_sdk.models.blocks import Block

from bot.playbook import Playbook
from bot.views.ids import HelpAction, NudgeAction
from bot.views.nudges import (
    NudgeContext,
    OutgoingMessage,
    parse_action_value,
    rating_thanks,
    render_nudge,
    stopped_kind,
    training_follow_up,
)
from nudges.kinds import NudgeKind

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from slack_sdk.models.messages.message import Message

PAYLOADS = {
    NudgeKind.WELCOME: {"wave_id": 1},
    NudgeKind.AMBASSADOR: {"message": "Your team now posts updates in #proj-apollo.", "from_user": "U0AMB0001"},
    NudgeKind.HELP_FOLLOW_UP: {"topic": "Setup", "contact": "U0ADMIN001", "request_id": 7},
    NudgeKind.CELEBRATE: {"stage": 1},
    NudgeKind.SMALL_TALK: {"group": "thanks"},
}


def _validate(message: OutgoingMessage) -> list[str]:
    assert message.text.strip(), "fallback text is always set"
    Message(text=message.text, blocks=Block.parse_all(message.blocks)).validate_json()
    action_ids: list[str] = []
    for block in message.blocks:
        if block["type"] == "actions":
            ids = [el["action_id"] for el in block["elements"]]
            assert len(ids) == len(set(ids)), "action ids are unique within a block"
            action_ids += ids
    return action_ids


def _ctx(kind: NudgeKind, locale: str) -> NudgeContext:
    return NudgeContext(
        nudge_id=42,
        kind=kind.value,
        locale=locale,
        name="Ada",
        subject="1" if kind is NudgeKind.REINFORCEMENT else "find-help",
        payload=PAYLOADS.get(kind, {}),
        stage=1,
        completed_count=3,
        days_inactive=12,
        wave_name="Pilot",
        sponsor_user_id="U0CEO0001",
    )


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("kind", list(NudgeKind))
def test_every_kind_renders_valid_blocks_with_its_controls(playbook: Playbook, kind: NudgeKind, locale: str) -> None:
    message = render_nudge(playbook, _ctx(kind, locale))
    action_ids = _validate(message)
    assert HelpAction.OPEN in action_ids
    assert (NudgeAction.STOP_KIND in action_ids) == kind.policy.can_opt_out
    assert (NudgeAction.SNOOZE in action_ids) == kind.policy.paced
    assert (NudgeAction.TRY_IT in action_ids) == (kind is NudgeKind.TRAINING)
    rates = [a for a in action_ids if a.startswith(NudgeAction.RATE)]
    assert len(rates) == (5 if kind in (NudgeKind.PULSE, NudgeKind.FEEDBACK) else 0)
    assert "{" not in message.text, "every placeholder is filled"


def test_texts_come_from_the_playbook_in_the_persons_language(playbook: Playbook) -> None:
    welcome = render_nudge(playbook, _ctx(NudgeKind.WELCOME, "ja"))
    assert "Adaさん" in welcome.text and "<@U0CEO0001>" in welcome.text
    assert playbook.use_case("find-help").title.get("ja") in welcome.text
    step = render_nudge(playbook, _ctx(NudgeKind.NEXT_USE_CASE, "en"))
    assert playbook.use_case("find-help").how_to.get("en") in step.text
    quiet = render_nudge(playbook, _ctx(NudgeKind.REENGAGE, "en"))
    assert "12 days" in quiet.text
    tip = render_nudge(playbook, _ctx(NudgeKind.REINFORCEMENT, "en"))
    assert playbook.phases.refreeze.tips[0].get("en") in tip.text and "3 steps" in tip.text
    ambassador = render_nudge(playbook, _ctx(NudgeKind.AMBASSADOR, "en"))
    assert "#proj-apollo" in ambassador.text and "<@U0AMB0001>" in str(ambassador.blocks)


def test_button_values_round_trip(playbook: Playbook) -> None:
    message = render_nudge(playbook, _ctx(NudgeKind.TRAINING, "en"))
    values = [el["value"] for b in message.blocks if b["type"] == "actions" for el in b["elements"]]
    assert {parse_action_value(v)[:2] for v in values} == {(42, "training")}


def test_training_follow_up_and_answers_are_valid(playbook: Playbook) -> None:
    follow = training_follow_up(playbook, _ctx(NudgeKind.TRAINING, "en"))
    ids = _validate(follow)
    assert ids == [f"{NudgeAction.RATE}.{n}" for n in range(1, 6)]
    assert playbook.use_case("find-help").training.try_it.get("en") in follow.text
    assert parse_action_value(follow.blocks[-1]["elements"][3]["value"]) == (42, "training", "4")
    _validate(rating_thanks("ja", 4))
    _validate(stopped_kind("en", "training", allowed=True))
    assert "cannot be turned off" in stopped_kind("en", "celebrate", allowed=False).text


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_feedback_question_names_the_wave_and_its_goal(playbook: Playbook, locale: str) -> None:
    base = _ctx(NudgeKind.FEEDBACK, locale)
    named = render_nudge(playbook, replace(base, wave_name="Pilot", goal="cut order lead time by 20%"))
    assert "Pilot" in named.text and "cut order lead time by 20%" in named.text
    blank = render_nudge(playbook, replace(base, wave_name=" ", goal="", subject=None))
    fallbacks = {
        "en": ("this wave", "getting more of our work done in Slack"),
        "ja": ("このウェーブ", "Slackでもっと仕事を進めること"),
    }[locale]
    for message in (named, blank):
        assert "{" not in message.text and "**" not in message.text and "「」" not in message.text
        assert "lesson" not in message.text and "レッスン" not in message.text
    assert all(text in blank.text for text in fallbacks)


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_no_template_renders_an_empty_placeholder_for_the_feedback_gate(playbook: Playbook, locale: str) -> None:
    from bot.rehearsal.checks import _empty_names

    ctx = replace(_ctx(NudgeKind.FEEDBACK, locale), wave_name="", goal="", subject=None)
    assert _empty_names(playbook, "feedback_question", locale, ctx) == []
