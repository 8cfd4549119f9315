"""Help routing surfaces: the ask modal, the contact's question card, FAQ answers, asker updates, admin posts.

Pure builders: plain values in, Block Kit dicts out, every message with a fallback ``text``. Deadlines are
shown with Slack's ``<!date^…>`` token, so each reader sees them in their own time zone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.help.directory import FaqItem
from bot.domain.help.question import QuestionError, clean_question
from bot.domain.help.state import Invalid
from bot.i18n import STRINGS, t
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.ids import HelpAction, HelpView

Message = dict[str, Any]
QUESTION_INPUT_MAX = 3000
NOTE_INPUT_MAX = 1000


def localize_refusal(refusal: Invalid, locale: str) -> str:
    """The domain's polite refusal in the reader's language."""
    return t(f"help.invalid.{refusal.reason}", locale, verb=refusal.verb)


def refusal(
    reason: str,
    locale: str,
    *,
    request_id: int | None = None,
    owner: str = "",
    owner_is_channel: bool = False,
    invalid: Invalid | None = None,
) -> str:
    """Why an action on a request was refused, for whoever acted (empty for a reason with no wording)."""
    if invalid is not None:
        return localize_refusal(invalid, locale)
    if reason == "not_owner":
        return t("help.refuse.not_owner", locale, id=request_id, owner=mention(owner, owner_is_channel))
    if reason == "already_routed" and request_id is not None:
        return t("help.refuse.already_routed", locale, id=request_id)
    key = f"help.refuse.{reason}"
    return t(key, locale) if key in STRINGS else ""


def mention(who: str, is_channel: bool = False) -> str:
    """A person as a mention, a channel by name (or as a link when it is an id)."""
    if is_channel:
        return f"<#{who}>" if who[:1] in "CG" and not who.startswith("#") else who
    return f"<@{who}>"


def when(at: datetime | None) -> str:
    """A deadline in the reader's own time zone (Slack renders the token), UTC as the fallback."""
    if at is None:
        return "-"
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


# --------------------------------------------------------------------------- modals


def ask_modal(
    locale: str,
    topics: list[tuple[str, str]],
    *,
    topic: str | None = None,
    question: str = "",
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Topic select (suggested topic preselected) and a multi-line question input."""
    options = [{"text": plain(title), "value": key} for key, title in topics]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": HelpView.ASK_TOPIC,
        "options": options[:100],
        "placeholder": plain(t("help.modal.topic", locale)),
    }
    chosen = next((o for o in options if o["value"] == topic), None)
    if chosen:
        select["initial_option"] = chosen
    question_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": HelpView.ASK_QUESTION,
        "multiline": True,
        "max_length": QUESTION_INPUT_MAX,
    }
    if question:
        question_input["initial_value"] = question[:QUESTION_INPUT_MAX]
    return {
        "type": "modal",
        "callback_id": HelpView.ASK,
        "title": plain(t("help.modal.title", locale), 24),
        "submit": plain(t("help.modal.submit", locale), 24),
        "close": plain(t("help.modal.cancel", locale), 24),
        "private_metadata": json.dumps(metadata or {})[:3000],
        "blocks": [
            section(t("help.modal.intro", locale)),
            {
                "type": "input",
                "block_id": HelpView.ASK_TOPIC,
                "label": plain(t("help.modal.topic", locale)),
                "element": select,
            },
            {
                "type": "input",
                "block_id": HelpView.ASK_QUESTION,
                "label": plain(t("help.modal.question", locale)),
                "hint": plain(t("help.modal.question_hint", locale), 150),
                "element": question_input,
            },
        ],
    }


def ask_errors(topic: str | None, question: str | None, locale: str, allowed: list[str]) -> dict[str, str]:
    """Field-level errors for the ask modal (empty when it can be accepted)."""
    errors: dict[str, str] = {}
    if topic not in allowed:
        errors[HelpView.ASK_TOPIC] = t("help.modal.pick_topic", locale)
    cleaned = clean_question(question, locale=locale)
    if isinstance(cleaned, QuestionError):
        errors[HelpView.ASK_QUESTION] = cleaned.message
    return errors


def hand_over_errors(to_user: str | None, actor: str, locale: str) -> dict[str, str]:
    """Field-level errors for the hand-over modal that need no database."""
    if not to_user:
        return {HelpView.HAND_OVER_TO: t("help.handover.pick", locale)}
    if to_user == actor:
        return {HelpView.HAND_OVER_TO: t("help.handover.self", locale)}
    return {}


def hand_over_modal(locale: str, request_id: int, summary: str) -> dict[str, Any]:
    """Pick a colleague and leave them a note."""
    return {
        "type": "modal",
        "callback_id": HelpView.HAND_OVER,
        "title": plain(t("help.handover.title", locale), 24),
        "submit": plain(t("help.handover.submit", locale), 24),
        "close": plain(t("help.modal.cancel", locale), 24),
        "private_metadata": json.dumps({"request_id": request_id}),
        "blocks": [
            section(f"*#{request_id}* {_quote(summary, 600)}"),
            {
                "type": "input",
                "block_id": HelpView.HAND_OVER_TO,
                "label": plain(t("help.handover.to", locale)),
                "element": {"type": "users_select", "action_id": HelpView.HAND_OVER_TO},
            },
            {
                "type": "input",
                "block_id": HelpView.HAND_OVER_NOTE,
                "optional": True,
                "label": plain(t("help.handover.note", locale)),
                "element": {
                    "type": "plain_text_input",
                    "action_id": HelpView.HAND_OVER_NOTE,
                    "multiline": True,
                    "max_length": NOTE_INPUT_MAX,
                },
            },
        ],
    }


def _quote(text: str, limit: int = 2800) -> str:
    """The question as a block quote, short enough for one section."""
    body = text if len(text) <= limit else text[: limit - 1] + "…"
    return "\n".join("> " + line for line in body.splitlines() or [""])


# --------------------------------------------------------------------------- the contact's card


@dataclass(frozen=True)
class Card:
    """What the contact (or the admin channel) sees about one request."""

    request_id: int
    topic_title: str
    question: str
    asker: str
    department: str | None
    stage: str | None
    state: str  # open | taken | answered | closed | moved
    owner: str
    owner_is_channel: bool
    due: datetime | None
    note: str = ""


def question_card(card: Card, locale: str) -> Message:
    """The request card: question, who asked (department, stage), deadline, and the owner's buttons."""
    rid = card.request_id
    head = t("help.card.header", locale, id=rid, topic=card.topic_title)
    facts = [t("help.card.from", locale, asker=mention(card.asker))]
    if card.department:
        facts.append(t("help.card.department", locale, department=card.department))
    if card.stage:
        facts.append(t("help.card.stage", locale, stage=card.stage))
    blocks: list[Block] = [header(head), section(_quote(card.question)), context(" · ".join(facts))]
    if card.note:
        blocks.append(context(t("help.card.note", locale, note=card.note[:1500])))
    owner = mention(card.owner, card.owner_is_channel)
    if card.state == "open":
        blocks.append(context(t("help.card.due_first", locale, due=when(card.due))))
    elif card.state == "taken":
        blocks.append(section(t("help.card.state.taken", locale, owner=owner)))
        blocks.append(context(t("help.card.due_resolve", locale, due=when(card.due))))
    elif card.state in ("answered", "closed", "moved"):
        blocks.append(section(t(f"help.card.state.{card.state}", locale, owner=owner)))
    if card.state in ("open", "taken"):
        buttons = [button(t("help.card.answered", locale), HelpAction.ANSWERED, str(rid), style="primary")]
        if card.state == "open":
            buttons.insert(0, button(t("help.card.take", locale), HelpAction.TAKE, str(rid)))
        buttons.append(button(t("help.card.hand_over", locale), HelpAction.HAND_OVER, str(rid)))
        blocks.append(actions(*buttons, block_id=f"help.card.{rid}"))
        blocks.append(context(t("help.card.thread", locale, asker=mention(card.asker))))
    return {"text": head, "blocks": blocks}


def history_message(steps: Sequence[tuple[datetime, str]], locale: str) -> Message:
    """The request's steps so far (when, what), posted in the new owner's thread."""
    lines = [f"• {when(at)} {line}" for at, line in steps[-20:]]
    text = t("help.card.history", locale) + "\n" + "\n".join(lines)
    return {"text": text, "blocks": [section(text)]}


# --------------------------------------------------------------------------- the asker's side


def faq_text(texts: Mapping[str, str], locale: str) -> str:
    """A FAQ text in the reader's language, English (or any) when missing."""
    lang = locale.split("-")[0]
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def faq_entries(items: Iterable[FaqItem], locale: str) -> list[tuple[str, str]]:
    """FAQ items as (question, answer) texts in the reader's language."""
    return [(faq_text(item.question, locale), faq_text(item.answer, locale)) for item in items]


def faq_message(locale: str, request_id: int, entries: list[tuple[str, str]]) -> Message:
    """Up to three ready answers, then "this solved it" / "I still need a person"."""
    blocks: list[Block] = [section(t("help.faq.intro", locale))]
    for question, answer in entries[:3]:
        blocks.append(section(f"*{question}*\n{answer}"))
    blocks.append(divider())
    blocks.append(
        actions(
            button(t("help.faq.solved", locale), HelpAction.FAQ_SOLVED, str(request_id), style="primary"),
            button(t("help.faq.need_person", locale), HelpAction.FAQ_NEED_PERSON, str(request_id)),
            block_id=f"help.faq.{request_id}",
        )
    )
    return {"text": t("help.faq.intro", locale), "blocks": blocks}


def asker_update(
    kind: str, locale: str, *, owner: str, owner_is_channel: bool, due: datetime | None, topic: str
) -> Message:
    """What happened to the asker's question, who has it, and by when to expect an answer."""
    key = "help.asker.routed_channel" if kind == "routed" and owner_is_channel else f"help.asker.{kind}"
    if key not in STRINGS:
        key = "help.asker.escalated"
    text = t(key, locale, owner=mention(owner, owner_is_channel), due=when(due), topic=topic)
    blocks: list[Block] = [section(text)]
    if kind in ("routed", "rerouted"):
        blocks.append(context(t("help.asker.thread", locale)))
    return {"text": text, "blocks": blocks}


def confirm_message(locale: str, request_id: int, text: str) -> Message:
    """Did the answer help? Solved closes; still stuck reopens and escalates."""
    return {
        "text": text,
        "blocks": [
            section(text),
            actions(
                button(t("help.asker.solved", locale), HelpAction.SOLVED, str(request_id), style="primary"),
                button(t("help.asker.still_stuck", locale), HelpAction.STILL_STUCK, str(request_id)),
                block_id=f"help.confirm.{request_id}",
            ),
        ],
    }


def rate_action_id(score: int) -> str:
    """One action id per score: ids must be unique within a block."""
    return f"{HelpAction.RATE}.{score}"


def rate_message(locale: str, request_id: int) -> Message:
    """Five buttons, 1 to 5."""
    text = t("help.asker.rate", locale)
    buttons = [button(str(n), rate_action_id(n), str(request_id)) for n in range(1, 6)]
    return {"text": text, "blocks": [section(text), actions(*buttons, block_id=f"help.rate.{request_id}")]}


def relay(user_id: str, text: str) -> str:
    """A thread reply passed on between asker and owner, marked with who wrote it."""
    return f"{mention(user_id)}: {text}"[:3900]


def simple(text: str) -> Message:
    """A one-section message."""
    return {"text": text, "blocks": [section(text)]}


def owner_notice(
    kind: str, locale: str, *, request_id: int, asker: str, due: datetime | None, note: str = ""
) -> Message:
    """Moved away, solved, reminder, overdue: short DMs to a contact."""
    key = f"help.owner.{kind}" if f"help.owner.{kind}" in STRINGS else "help.owner.reminder"
    return simple(t(key, locale, id=request_id, asker=mention(asker), due=when(due), note=note or "-"))


def admin_post(
    kind: str,
    *,
    request_id: int,
    topic: str,
    asker: str,
    owner: str,
    due: datetime | None,
    note: str,
    locale: str = "en",
) -> Message:
    """A line in the admin help channel (admins share one channel: the playbook's default language)."""
    key = f"help.admin.{kind}" if f"help.admin.{kind}" in STRINGS else "help.admin.reminder"
    owner_text = mention(owner, owner.startswith("#"))
    text = t(
        key,
        locale,
        id=request_id,
        topic=topic,
        asker=mention(asker),
        owner=owner_text,
        due=when(due),
        note=f" ({note})" if note else "",
    )
    return simple(text)


def admin_card(card: Card, locale: str = "en") -> Message:
    """The card posted in the admin channel when the channel owns a request (anyone there may act)."""
    message = question_card(card, locale)
    intro = admin_post(
        "assigned",
        locale=locale,
        request_id=card.request_id,
        topic=card.topic_title,
        asker=card.asker,
        owner=card.owner,
        due=card.due,
        note="",
    )
    return {"text": intro["text"], "blocks": intro["blocks"] + message["blocks"][1:]}


# --------------------------------------------------------------------------- evergreen directory


def evergreen_ask(locale: str, topics: list[str]) -> Message:
    """Every 90 days: "are you still the right person for these topics?"."""
    text = t("help.evergreen.ask", locale, topics=", ".join(topics) or "-")
    return {
        "text": text,
        "blocks": [
            section(text),
            actions(
                button(t("help.evergreen.still_me", locale), HelpAction.CONTACT_STILL_ME, "yes", style="primary"),
                button(t("help.evergreen.not_me", locale), HelpAction.CONTACT_NOT_ME, "no"),
            ),
        ],
    }


def contact_flag(user_id: str, reason: str, locale: str = "en") -> Message:
    """Tell the admins a contact needs replacing (in the admin channel's language)."""
    key = f"help.flag_reason.{reason}"
    note = t(key, locale) if key in STRINGS else reason
    return simple(t("help.admin.flag", locale, owner=mention(user_id), note=note))
