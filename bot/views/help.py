"""Help routing surfaces: the ask modal, the contact's question card, FAQ answers, asker updates, admin posts.

Pure builders: plain values in, Block Kit dicts out, every message with a fallback ``text``. Deadlines are
shown with Slack's ``<!date^…>`` token, so each reader sees them in their own time zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.help.question import QuestionError, clean_question
from bot.i18n import normalise_locale
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.ids import HelpAction, HelpView

Message = dict[str, Any]
QUESTION_INPUT_MAX = 3000
NOTE_INPUT_MAX = 1000

STRINGS: dict[str, dict[str, str]] = {
    "modal.title": {"en": "Ask for help", "ja": "質問する"},
    "modal.submit": {"en": "Send", "ja": "送信"},
    "modal.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "modal.intro": {
        "en": "Tell us what you are stuck on. A named person will answer, and you will know who and by when.",
        "ja": "困っていることを教えてください。担当者が回答し、誰がいつまでに答えるかをお知らせします。",
    },
    "modal.topic": {"en": "Topic", "ja": "トピック"},
    "modal.question": {"en": "Your question", "ja": "質問内容"},
    "modal.question_hint": {
        "en": "Add any detail that helps: what you tried, what you expected.",
        "ja": "試したことや期待した結果など、役立つ情報を書き添えてください。",
    },
    "modal.pick_topic": {"en": "Please pick a topic.", "ja": "トピックを選んでください。"},
    "command.routed": {
        "en": "Got it. I sent your question to a person; updates come in your DM with me.",
        "ja": "承知しました。質問を担当者に送りました。進捗は私とのDMでお知らせします。",
    },
    "handover.title": {"en": "Hand over", "ja": "引き継ぐ"},
    "handover.submit": {"en": "Hand over", "ja": "引き継ぐ"},
    "handover.to": {"en": "Who should take it?", "ja": "誰に引き継ぎますか？"},
    "handover.note": {"en": "Note for them", "ja": "引き継ぎメモ"},
    "handover.pick": {"en": "Please choose a person.", "ja": "引き継ぐ相手を選んでください。"},
    "handover.self": {
        "en": "Please choose someone other than yourself.",
        "ja": "ご自身以外の人を選んでください。",
    },
    "handover.gone": {
        "en": "That person's account is deactivated; please choose someone else.",
        "ja": "その方のアカウントは無効になっています。別の人を選んでください。",
    },
    "card.header": {"en": "Help request #{id}: {topic}", "ja": "質問 #{id}: {topic}"},
    "card.from": {"en": "From {asker}", "ja": "質問者: {asker}"},
    "card.department": {"en": "Department: {department}", "ja": "部署: {department}"},
    "card.stage": {"en": "Stage: {stage}", "ja": "ステージ: {stage}"},
    "card.due_first": {"en": "Please respond by {due}", "ja": "{due} までに対応してください"},
    "card.due_resolve": {"en": "Please resolve by {due}", "ja": "{due} までに解決してください"},
    "card.note": {"en": "Note: {note}", "ja": "メモ: {note}"},
    "card.thread": {
        "en": "Reply in this thread to talk with {asker}; I pass messages both ways.",
        "ja": "このスレッドに返信すると {asker} さんに届きます（双方向に転送します）。",
    },
    "card.take": {"en": "Take it", "ja": "対応します"},
    "card.answered": {"en": "Answered", "ja": "回答済み"},
    "card.hand_over": {"en": "Hand over", "ja": "引き継ぐ"},
    "card.state.taken": {"en": ":raising_hand: Taken by {owner}", "ja": ":raising_hand: {owner} が対応中"},
    "card.state.answered": {
        "en": ":white_check_mark: Answered by {owner}; waiting for the asker to confirm",
        "ja": ":white_check_mark: {owner} が回答済み（質問者の確認待ち）",
    },
    "card.state.closed": {"en": ":lock: Closed", "ja": ":lock: 完了"},
    "card.state.moved": {
        "en": ":arrow_right: This question is now with {owner}. Thank you!",
        "ja": ":arrow_right: この質問は {owner} に移りました。ありがとうございました！",
    },
    "card.history": {"en": "History so far:", "ja": "これまでの経過:"},
    "asker.routed": {
        "en": "Thanks! Your question about *{topic}* is with {owner}. Expect an answer by {due}.",
        "ja": "ありがとうございます。「{topic}」についての質問は {owner} が担当します。{due} までに回答の予定です。",
    },
    "asker.routed_channel": {
        "en": "Thanks! Your question about *{topic}* went to the help team ({owner}). Expect an answer by {due}.",
        "ja": (
            "ありがとうございます。「{topic}」についての質問はヘルプチーム（{owner}）に届きました。"
            "{due} までに回答の予定です。"
        ),
    },
    "asker.thread": {
        "en": "Reply in this thread to add detail; I pass it on to whoever has your question.",
        "ja": "このスレッドに返信すると、担当者に転送します。",
    },
    "asker.taken": {
        "en": "{owner} is on your question now. Expect it resolved by {due}.",
        "ja": "{owner} があなたの質問に対応中です。{due} までに解決の予定です。",
    },
    "asker.handed_over": {
        "en": "Your question was handed over to {owner}. Expect an answer by {due}.",
        "ja": "あなたの質問は {owner} に引き継がれました。{due} までに回答の予定です。",
    },
    "asker.escalated": {
        "en": "No answer yet, so I passed your question to {owner}. Expect an answer by {due}.",
        "ja": "まだ回答がないため、質問を {owner} に回しました。{due} までに回答の予定です。",
    },
    "asker.reopened": {
        "en": "Sorry it is not solved yet. {owner} has your question now. Expect an answer by {due}.",
        "ja": "まだ解決していないとのこと、申し訳ありません。{owner} が引き継ぎました。{due} までに回答の予定です。",
    },
    "asker.auto_closed": {
        "en": 'I closed your question as solved since I did not hear back. Press "I need help" any time.',
        "ja": (
            "返信がなかったため、質問を解決済みとして閉じました。困ったときはいつでも「助けてほしい」を押してください。"
        ),
    },
    "asker.answered": {
        "en": "{owner} answered your question. Did it help?",
        "ja": "{owner} があなたの質問に回答しました。解決しましたか？",
    },
    "asker.solved": {"en": "Solved", "ja": "解決しました"},
    "asker.still_stuck": {"en": "Still stuck", "ja": "まだ困っています"},
    "asker.rate": {
        "en": "Glad it is solved! How helpful was the answer? (1 = not at all, 5 = very)",
        "ja": "解決してよかったです。回答はどのくらい役に立ちましたか？（1＝まったく、5＝とても）",
    },
    "asker.rated": {"en": "Thanks for rating the help {score}/5.", "ja": "評価 {score}/5 をありがとうございました。"},
    "faq.intro": {
        "en": "These answers might solve it right away:",
        "ja": "こちらの回答で解決するかもしれません:",
    },
    "faq.solved": {"en": "This solved it", "ja": "解決しました"},
    "faq.need_person": {"en": "I still need a person", "ja": "担当者に聞きたい"},
    "faq.glad": {
        "en": 'Great, glad that solved it! Press "I need help" any time.',
        "ja": "解決してよかったです！困ったときはいつでも「助けてほしい」を押してください。",
    },
    "owner.moved_away": {
        "en": "Help request #{id} moved to someone else ({note}). No action needed from you.",
        "ja": "質問 #{id} は別の担当者に移りました（{note}）。対応は不要です。",
    },
    "owner.solved": {
        "en": "Help request #{id}: the asker confirmed it is solved. Thank you!",
        "ja": "質問 #{id}: 質問者が解決を確認しました。ありがとうございました！",
    },
    "owner.reminder": {
        "en": ":alarm_clock: Reminder: help request #{id} from {asker} is due {due}.",
        "ja": ":alarm_clock: リマインダー: {asker} さんからの質問 #{id} の期限は {due} です。",
    },
    "owner.overdue": {
        "en": ":warning: Help request #{id} from {asker} is overdue; please answer or hand it over (next: {due}).",
        "ja": (
            ":warning: {asker} さんからの質問 #{id} が期限切れです。回答するか引き継いでください（次の期限: {due}）。"
        ),
    },
    "refuse.not_owner": {
        "en": "Thanks for offering! Help request #{id} is with {owner} now, so only they can act on it.",
        "ja": "ありがとうございます！質問 #{id} は現在 {owner} が担当しているため、操作できるのは担当者だけです。",
    },
    "refuse.unknown": {
        "en": "I could not find that help request; it may have been removed.",
        "ja": "その質問が見つかりませんでした。削除された可能性があります。",
    },
    "refuse.not_asker": {
        "en": "Only the person who asked can do this.",
        "ja": "これは質問した本人だけが操作できます。",
    },
    "refuse.already_routed": {
        "en": "Your question #{id} is already with a person.",
        "ja": "質問 #{id} はすでに担当者に届いています。",
    },
    "refuse.busy": {
        "en": "Something went wrong on my side; your question is saved. Please try again in a minute.",
        "ja": "こちらで問題が起きました。質問は保存されています。少し待ってからもう一度お試しください。",
    },
    "evergreen.ask": {
        "en": "You are listed as a help contact for: {topics}. Are you still the right person?",
        "ja": "あなたは次のヘルプ窓口として登録されています: {topics}。今も担当で間違いありませんか？",
    },
    "evergreen.still_me": {"en": "Yes, still me", "ja": "はい、担当です"},
    "evergreen.not_me": {"en": "Not me any more", "ja": "もう担当ではありません"},
    "evergreen.thanks": {"en": "Thanks for confirming!", "ja": "ご確認ありがとうございます！"},
    "evergreen.noted": {
        "en": "Thanks, I have told the admins so they can name someone else.",
        "ja": "ありがとうございます。後任を決めてもらうよう管理者に伝えました。",
    },
}

# The domain's refusals (English) by their opening words, for readers in other languages.
_DOMAIN_REFUSALS: dict[str, dict[str, str]] = {
    "This question is already closed": {"ja": "この質問はすでに完了しています。"},
    "This question has already been answered": {"ja": "この質問はすでに回答済みです。"},
    "Only a person other than the asker": {"ja": "質問者本人はこの操作を行えません。"},
    "Please choose someone else": {"ja": "別の人を選んでください。"},
    "This is their own question": {"ja": "質問者本人には引き継げません。回答できる人を選んでください。"},
    "There is no answer waiting": {"ja": "この質問には確認待ちの回答がありません。"},
    "Please pick a score": {"ja": "1〜5 の評価を選んでください。"},
    "You can rate the help once": {"ja": "回答があってから評価できます。"},
    "Please type your question": {"ja": "質問を入力してください(一文で大丈夫です)。担当者におつなぎします。"},
}

_ADMIN_POSTS = {
    "assigned": ":sos: Help request #{id} ({topic}) from {asker} needs a person. Take it or hand it over. Due {due}.",
    "reminder": ":alarm_clock: Help request #{id} from {asker} still needs a person (due {due}).",
    "overdue": ":warning: Help request #{id} from {asker} is overdue with {owner}{note}. Next check {due}.",
    "taken": ":raising_hand: {owner} took help request #{id}.",
    "answered": ":white_check_mark: {owner} answered help request #{id}.",
    "handed_over": ":arrow_right: Help request #{id} was handed over to {owner}.",
    "solved": ":tada: Help request #{id} is solved.",
    "flag": ":triangular_flag_on_post: Help contact {owner} needs attention: {note}. Please update the help directory.",
}
_FLAG_REASONS = {
    "deactivated": "their account is deactivated",
    "unconfirmed": "they did not confirm within a week that they are still the right person",
    "declined": "they say they are no longer the right person",
}


def tr(key: str, locale: str, **values: object) -> str:
    """A help string in the reader's language (English when missing)."""
    texts = STRINGS[key]
    text = texts.get(normalise_locale(locale)) or texts["en"]
    return text.format(**values) if values else text


def localize_refusal(message: str, locale: str) -> str:
    """The domain's polite refusal in the reader's language."""
    lang = normalise_locale(locale)
    if lang == "en":
        return message
    for opening, texts in _DOMAIN_REFUSALS.items():
        if message.startswith(opening) and lang in texts:
            return texts[lang]
    return message


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
        "placeholder": plain(tr("modal.topic", locale)),
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
        "title": plain(tr("modal.title", locale), 24),
        "submit": plain(tr("modal.submit", locale), 24),
        "close": plain(tr("modal.cancel", locale), 24),
        "private_metadata": json.dumps(metadata or {})[:3000],
        "blocks": [
            section(tr("modal.intro", locale)),
            {
                "type": "input",
                "block_id": HelpView.ASK_TOPIC,
                "label": plain(tr("modal.topic", locale)),
                "element": select,
            },
            {
                "type": "input",
                "block_id": HelpView.ASK_QUESTION,
                "label": plain(tr("modal.question", locale)),
                "hint": plain(tr("modal.question_hint", locale), 150),
                "element": question_input,
            },
        ],
    }


def ask_errors(topic: str | None, question: str | None, locale: str, allowed: list[str]) -> dict[str, str]:
    """Field-level errors for the ask modal (empty when it can be accepted)."""
    errors: dict[str, str] = {}
    if topic not in allowed:
        errors[HelpView.ASK_TOPIC] = tr("modal.pick_topic", locale)
    cleaned = clean_question(question, locale=locale)
    if isinstance(cleaned, QuestionError):
        errors[HelpView.ASK_QUESTION] = cleaned.message
    return errors


def hand_over_errors(to_user: str | None, actor: str, locale: str) -> dict[str, str]:
    """Field-level errors for the hand-over modal that need no database."""
    if not to_user:
        return {HelpView.HAND_OVER_TO: tr("handover.pick", locale)}
    if to_user == actor:
        return {HelpView.HAND_OVER_TO: tr("handover.self", locale)}
    return {}


def hand_over_modal(locale: str, request_id: int, summary: str) -> dict[str, Any]:
    """Pick a colleague and leave them a note."""
    return {
        "type": "modal",
        "callback_id": HelpView.HAND_OVER,
        "title": plain(tr("handover.title", locale), 24),
        "submit": plain(tr("handover.submit", locale), 24),
        "close": plain(tr("modal.cancel", locale), 24),
        "private_metadata": json.dumps({"request_id": request_id}),
        "blocks": [
            section(f"*#{request_id}* {_quote(summary, 600)}"),
            {
                "type": "input",
                "block_id": HelpView.HAND_OVER_TO,
                "label": plain(tr("handover.to", locale)),
                "element": {"type": "users_select", "action_id": HelpView.HAND_OVER_TO},
            },
            {
                "type": "input",
                "block_id": HelpView.HAND_OVER_NOTE,
                "optional": True,
                "label": plain(tr("handover.note", locale)),
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
    history: tuple[str, ...] = ()


def question_card(card: Card, locale: str) -> Message:
    """The request card: question, who asked (department, stage), deadline, and the owner's buttons."""
    rid = card.request_id
    head = tr("card.header", locale, id=rid, topic=card.topic_title)
    facts = [tr("card.from", locale, asker=mention(card.asker))]
    if card.department:
        facts.append(tr("card.department", locale, department=card.department))
    if card.stage:
        facts.append(tr("card.stage", locale, stage=card.stage))
    blocks: list[Block] = [header(head), section(_quote(card.question)), context(" · ".join(facts))]
    if card.note:
        blocks.append(context(tr("card.note", locale, note=card.note[:1500])))
    owner = mention(card.owner, card.owner_is_channel)
    if card.state == "open":
        blocks.append(context(tr("card.due_first", locale, due=when(card.due))))
    elif card.state == "taken":
        blocks.append(section(tr("card.state.taken", locale, owner=owner)))
        blocks.append(context(tr("card.due_resolve", locale, due=when(card.due))))
    elif card.state in ("answered", "closed", "moved"):
        blocks.append(section(tr(f"card.state.{card.state}", locale, owner=owner)))
    if card.state in ("open", "taken"):
        buttons = [button(tr("card.answered", locale), HelpAction.ANSWERED, str(rid), style="primary")]
        if card.state == "open":
            buttons.insert(0, button(tr("card.take", locale), HelpAction.TAKE, str(rid)))
        buttons.append(button(tr("card.hand_over", locale), HelpAction.HAND_OVER, str(rid)))
        blocks.append(actions(*buttons, block_id=f"help.card.{rid}"))
        blocks.append(context(tr("card.thread", locale, asker=mention(card.asker))))
    return {"text": head, "blocks": blocks}


def history_message(lines: tuple[str, ...], locale: str) -> Message:
    """The request's steps so far, posted in the new owner's thread."""
    text = tr("card.history", locale) + "\n" + "\n".join(f"• {line}" for line in lines[-20:])
    return {"text": text, "blocks": [section(text)]}


# --------------------------------------------------------------------------- the asker's side


def faq_message(locale: str, request_id: int, entries: list[tuple[str, str]]) -> Message:
    """Up to three ready answers, then "this solved it" / "I still need a person"."""
    blocks: list[Block] = [section(tr("faq.intro", locale))]
    for question, answer in entries[:3]:
        blocks.append(section(f"*{question}*\n{answer}"))
    blocks.append(divider())
    blocks.append(
        actions(
            button(tr("faq.solved", locale), HelpAction.FAQ_SOLVED, str(request_id), style="primary"),
            button(tr("faq.need_person", locale), HelpAction.FAQ_NEED_PERSON, str(request_id)),
            block_id=f"help.faq.{request_id}",
        )
    )
    return {"text": tr("faq.intro", locale), "blocks": blocks}


def asker_update(
    kind: str, locale: str, *, owner: str, owner_is_channel: bool, due: datetime | None, topic: str
) -> Message:
    """What happened to the asker's question, who has it, and by when to expect an answer."""
    key = "asker.routed_channel" if kind == "routed" and owner_is_channel else f"asker.{kind}"
    if key not in STRINGS:
        key = "asker.escalated"
    text = tr(key, locale, owner=mention(owner, owner_is_channel), due=when(due), topic=topic)
    blocks: list[Block] = [section(text)]
    if kind == "routed":
        blocks.append(context(tr("asker.thread", locale)))
    return {"text": text, "blocks": blocks}


def confirm_message(locale: str, request_id: int, text: str) -> Message:
    """Did the answer help? Solved closes; still stuck reopens and escalates."""
    return {
        "text": text,
        "blocks": [
            section(text),
            actions(
                button(tr("asker.solved", locale), HelpAction.SOLVED, str(request_id), style="primary"),
                button(tr("asker.still_stuck", locale), HelpAction.STILL_STUCK, str(request_id)),
                block_id=f"help.confirm.{request_id}",
            ),
        ],
    }


def rate_action_id(score: int) -> str:
    """One action id per score: ids must be unique within a block."""
    return f"{HelpAction.RATE}.{score}"


def rate_message(locale: str, request_id: int) -> Message:
    """Five buttons, 1 to 5."""
    text = tr("asker.rate", locale)
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
    key = f"owner.{kind}" if f"owner.{kind}" in STRINGS else "owner.reminder"
    return simple(tr(key, locale, id=request_id, asker=mention(asker), due=when(due), note=note or "-"))


def admin_post(
    kind: str, *, request_id: int, topic: str, asker: str, owner: str, due: datetime | None, note: str
) -> Message:
    """A line in the admin help channel (admins share one channel, so it is written in English)."""
    template = _ADMIN_POSTS.get(kind, _ADMIN_POSTS["reminder"])
    owner_text = mention(owner, owner.startswith("#"))
    text = template.format(
        id=request_id,
        topic=topic,
        asker=mention(asker),
        owner=owner_text,
        due=when(due),
        note=f" ({note})" if note else "",
    )
    return simple(text)


def admin_card(card: Card) -> Message:
    """The card posted in the admin channel when the channel owns a request (anyone there may act)."""
    message = question_card(card, "en")
    intro = admin_post(
        "assigned",
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
    text = tr("evergreen.ask", locale, topics=", ".join(topics) or "-")
    return {
        "text": text,
        "blocks": [
            section(text),
            actions(
                button(tr("evergreen.still_me", locale), HelpAction.CONTACT_STILL_ME, "yes", style="primary"),
                button(tr("evergreen.not_me", locale), HelpAction.CONTACT_NOT_ME, "no"),
            ),
        ],
    }


def contact_flag(user_id: str, reason: str) -> Message:
    """Tell the admins a contact needs replacing."""
    note = _FLAG_REASONS.get(reason, reason)
    return simple(_ADMIN_POSTS["flag"].format(owner=mention(user_id), note=note))
