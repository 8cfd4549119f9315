"""Ephemeral answers to the ambassador and employee `/coach` commands, and the weekly digest DM.

Pure builders: view-models in, `respond(**message)` keyword arguments out. Every message stays within
Slack's limits at any department size: lists are cut (with "…and N more"), a message has at most
MAX_BLOCKS blocks and `section()` clips each text to 3,000 characters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.i18n import normalise_locale
from bot.services.ambassadors import (
    IGNITION_LINE,
    DepartmentDigest,
    DepartmentNumbers,
    DepartmentStatus,
    MySummary,
    NudgeOutcome,
    OpenQuestion,
    Scope,
    StuckPerson,
)
from bot.views.blocks import Block, actions, button, clip, context, divider, header, section
from bot.views.ids import AmbassadorAction, HelpAction

MAX_BLOCKS = 50
LIST_LIMIT = 15
BAR_WIDTH = 20
NAMES_LIMIT = 30
DIGEST_DEPARTMENTS_MAX = 5  # 5 × 7 blocks + header and footer stay under MAX_BLOCKS

TEXT: dict[str, dict[str, str]] = {
    "status.title": {"en": "{department}: this week", "ja": "{department}: 今週の状況"},
    "status.numbers": {
        "en": "*Enrolled* {enrolled}{enrolled_trend}   *Active (7 days)* {active}{active_trend}   "
        "*Open questions* {open_help}{help_trend}",
        "ja": "*対象者* {enrolled}{enrolled_trend}   *アクティブ (7日)* {active}{active_trend}   "
        "*未解決の質問* {open_help}{help_trend}",
    },
    "status.stages": {"en": "*Where people are*", "ja": "*ステージ別の人数*"},
    "status.not_started": {"en": "Not started", "ja": "未開始"},
    "status.ignition": {
        "en": "*Ignition* (active at stage 2+, line at 20%)",
        "ja": "*点火率* (ステージ2以上で活動中、目標線 20%)",
    },
    "status.ignited": {
        "en": ":fire: Past the 20% line: the majority tends to follow now. Keep celebrating.",
        "ja": ":fire: 20% の線を超えました。ここから多数派が続きます。成功を共有し続けましょう。",
    },
    "status.to_ignite": {
        "en": ":seedling: {needed} more people active at stage 2+ reach the 20% line.",
        "ja": ":seedling: あと {needed} 人がステージ2以上で活動すると 20% の線に届きます。",
    },
    "status.empty": {
        "en": "Nobody in {department} is enrolled yet.",
        "ja": "{department} にはまだ対象者がいません。",
    },
    "status.trend": {"en": "Trend: compared with 7 days ago.", "ja": "矢印は 7 日前との比較です。"},
    "status.more": {
        "en": "Showing {shown} of {total} departments.",
        "ja": "{total} 部署のうち {shown} 部署を表示しています。",
    },
    "scope.not_yours": {
        "en": ":lock: You steer {own}; `{wanted}` is not one of your departments.",
        "ja": ":lock: あなたの担当は {own} です。`{wanted}` は担当部署ではありません。",
    },
    "scope.unknown": {
        "en": "No department called `{wanted}`. Known departments: {choices}",
        "ja": "`{wanted}` という部署はありません。部署: {choices}",
    },
    "scope.choose": {
        "en": "Which department? Add its name, e.g. `/coach {command} <department>`. {choices}",
        "ja": "どの部署ですか？ `/coach {command} <部署名>` のように指定してください。{choices}",
    },
    "scope.none": {"en": "nobody yet", "ja": "なし"},
    "stuck.title": {"en": "Who needs a hand", "ja": "手助けが必要な人"},
    "stuck.intro": {
        "en": "No progress and no activity for {days} days in {departments}. Nudges follow Coach's cadence rules.",
        "ja": "{departments} で {days} 日間、進捗も活動もない人です。ナッジは Coach の配信ルールに従います。",
    },
    "stuck.none": {
        "en": ":white_check_mark: Nobody in {departments} has been stuck for {days} days.",
        "ja": ":white_check_mark: {departments} で {days} 日以上止まっている人はいません。",
    },
    "stuck.row": {"en": "<@{user}> · {stage} · {last}", "ja": "<@{user}> · {stage} · {last}"},
    "stuck.never": {"en": "no activity seen yet", "ja": "まだ活動なし"},
    "stuck.last": {"en": "last active {days} days ago", "ja": "最終活動 {days} 日前"},
    "stuck.nudge": {"en": "Nudge", "ja": "声をかける"},
    "stuck.nudge_all": {"en": "Nudge all {count}", "ja": "{count} 人全員に声をかける"},
    "stuck.confirm_title": {"en": "Nudge everyone?", "ja": "全員に送りますか？"},
    "stuck.confirm_text": {
        "en": "Coach sends each of the {count} people a personal nudge, within their weekly budget.",
        "ja": "{count} 人それぞれに、週の上限の範囲で個別のナッジを送ります。",
    },
    "stuck.confirm_yes": {"en": "Nudge them", "ja": "送る"},
    "stuck.confirm_no": {"en": "Cancel", "ja": "キャンセル"},
    "list.more": {"en": "…and {count} more.", "ja": "…ほか {count} 件。"},
    "nudge.queued": {
        "en": ":incoming_envelope: Nudge on its way to {names}.",
        "ja": ":incoming_envelope: {names} にナッジを送ります。",
    },
    "nudge.later": {"en": ":hourglass: Queued for later: {names}", "ja": ":hourglass: 後で届きます: {names}"},
    "nudge.skipped": {"en": ":no_entry_sign: Skipped: {names}", "ja": ":no_entry_sign: 送りませんでした: {names}"},
    "nudge.nobody": {
        "en": "Whom should I nudge? `/coach nudge @person [your words]` or `/coach nudge stuck`.",
        "ja": "誰に送りますか？ `/coach nudge @相手 [メッセージ]` または `/coach nudge stuck`。",
    },
    "celebrate.dm": {
        "en": ":tada: <@{sender}> wants to celebrate your progress{stage}!",
        "ja": ":tada: <@{sender}> さんがあなたの進歩をたたえています{stage}！",
    },
    "celebrate.stage": {"en": " (stage {stage}: {title})", "ja": "（ステージ {stage}: {title}）"},
    "celebrate.public": {
        "en": ":tada: Shout-out to {names} from <@{sender}>!",
        "ja": ":tada: <@{sender}> さんから {names} へ拍手！",
    },
    "celebrate.sent": {"en": ":tada: Celebrated {names}.", "ja": ":tada: {names} をたたえました。"},
    "celebrate.nobody": {
        "en": "Whom should I celebrate? `/coach celebrate @person [public] [message]`.",
        "ja": "誰をたたえますか？ `/coach celebrate @相手 [public] [メッセージ]`。",
    },
    "questions.title": {"en": "Open questions ({total})", "ja": "未解決の質問 ({total})"},
    "questions.none": {
        "en": ":white_check_mark: No open questions in {departments}.",
        "ja": ":white_check_mark: {departments} に未解決の質問はありません。",
    },
    "questions.row": {
        "en": "*#{id}* · <@{asker}> · {topic} · {age} · with {owner}\n>{question}",
        "ja": "*#{id}* · <@{asker}> · {topic} · {age} · 担当 {owner}\n>{question}",
    },
    "questions.take": {"en": "Take it", "ja": "引き受ける"},
    "age.days": {"en": "{days} d ago", "ja": "{days} 日前"},
    "age.hours": {"en": "{hours} h ago", "ja": "{hours} 時間前"},
    "confirm.confirmed": {
        "en": ":white_check_mark: Confirmed *{use_case}* for {name}.",
        "ja": ":white_check_mark: {name} さんの「{use_case}」を確認しました。",
    },
    "confirm.stage": {"en": " They reached stage {stage}.", "ja": " ステージ {stage} に到達しました。"},
    "confirm.already_done": {
        "en": "*{use_case}* is already done for {name}.",
        "ja": "{name} さんの「{use_case}」はすでに完了しています。",
    },
    "confirm.not_pending": {
        "en": '{name} has not reported *{use_case}* yet; they press "I did it" first.',
        "ja": "{name} さんはまだ「{use_case}」を報告していません。先に「やりました」を押してもらってください。",
    },
    "confirm.unknown_use_case": {
        "en": "Which use case? `/coach confirm @person <use case>`.{pending}",
        "ja": "どのユースケースですか？ `/coach confirm @相手 <ユースケース>`。{pending}",
    },
    "confirm.pending": {"en": " Waiting for confirmation: {items}", "ja": " 確認待ち: {items}"},
    "confirm.unknown_person": {
        "en": "I don't know that person yet.",
        "ja": "その人はまだ Coach に登録されていません。",
    },
    "confirm.nobody": {
        "en": "Whose use case? `/coach confirm @person <use case>`.",
        "ja": "誰のユースケースですか？ `/coach confirm @相手 <ユースケース>`。",
    },
    "reason.unknown": {"en": "not known to Coach yet", "ja": "Coach に未登録"},
    "reason.not_in_department": {"en": "not in your department", "ja": "担当部署の人ではありません"},
    "reason.deactivated": {"en": "deactivated", "ja": "無効化されたアカウント"},
    "reason.opted_out": {"en": "turned these messages off", "ja": "このメッセージを停止中"},
    "reason.budget_zero": {"en": "nudges are paused for everyone", "ja": "ナッジは全体で停止中"},
    "reason.already_queued": {"en": "already nudged today", "ja": "今日はすでに送信済み"},
    "reason.snoozed": {"en": "snoozed", "ja": "お休み中"},
    "reason.dnd": {"en": "do not disturb", "ja": "おやすみモード"},
    "reason.budget": {"en": "weekly limit reached", "ja": "週の上限に到達"},
    "reason.min_gap": {"en": "had a message recently", "ja": "最近メッセージを受け取ったばかり"},
    "reason.backoff": {"en": "has not answered recent nudges", "ja": "最近のナッジに未反応"},
    "reason.holiday": {"en": "holiday", "ja": "休日"},
    "reason.weekend": {"en": "weekend", "ja": "週末"},
    "reason.off_hours": {"en": "outside working hours", "ja": "勤務時間外"},
    "me.title": {"en": "Your Slack journey", "ja": "あなたの Slack ジャーニー"},
    "me.stage": {"en": "*Stage {stage} of {total}:* {title}", "ja": "*ステージ {stage} / {total}:* {title}"},
    "me.not_started": {"en": "You have not completed a stage yet.", "ja": "まだステージを完了していません。"},
    "me.done": {"en": "*Done:* {items}", "ja": "*完了:* {items}"},
    "me.pending": {"en": "*Waiting for confirmation:* {items}", "ja": "*確認待ち:* {items}"},
    "me.next": {"en": "*Next:* {title}\n{how}", "ja": "*次のステップ:* {title}\n{how}"},
    "me.all_done": {
        "en": ":tada: You have done every use case. Thank you!",
        "ja": ":tada: すべて完了しました。ありがとう！",
    },
    "me.snoozed": {"en": "Coach is snoozed until {until}.", "ja": "{until} まで Coach はお休み中です。"},
    "me.stopped": {
        "en": "Coaching messages are off (`/coach start` turns them on).",
        "ja": "コーチングメッセージは停止中です（`/coach start` で再開）。",
    },
    "me.unknown": {
        "en": "Coach has not met you yet: open Coach's Home tab to start.",
        "ja": "まだ Coach に登録されていません。Coach のホームタブを開いて始めましょう。",
    },
    "snooze.on": {
        "en": ":zzz: Coach is snoozed until {until}. `/coach snooze off` wakes it.",
        "ja": ":zzz: {until} まで Coach はお休みします。`/coach snooze off` で再開します。",
    },
    "snooze.off": {"en": ":wave: Snooze lifted: Coach is back.", "ja": ":wave: お休みを解除しました。"},
    "snooze.usage": {
        "en": "Use `/coach snooze [days 1-90]` or `/coach snooze off`.",
        "ja": "`/coach snooze [日数 1〜90]` または `/coach snooze off` を使ってください。",
    },
    "stop.on": {
        "en": ":mute: Coaching messages are off. Replies to your own questions and celebrations still arrive. "
        "`/coach start` turns them back on.",
        "ja": ":mute: コーチングメッセージを停止しました。ご自身の質問への返信とお祝いは届きます。"
        "`/coach start` で再開します。",
    },
    "stop.off": {
        "en": ":loud_sound: Coaching messages are on again.",
        "ja": ":loud_sound: コーチングメッセージを再開しました。",
    },
    "digest.title": {"en": "Your week as ambassador", "ja": "アンバサダー週次ダイジェスト"},
    "digest.moved": {
        "en": ":arrow_up: Moved up this week: {names}",
        "ja": ":arrow_up: 今週ステージが上がった人: {names}",
    },
    "digest.no_moves": {
        "en": ":arrow_up: Nobody moved up a stage this week.",
        "ja": ":arrow_up: 今週ステージが上がった人はいません。",
    },
    "digest.stuck": {"en": ":raised_hand: Could use a hand: {names}", "ja": ":raised_hand: 手助けが必要かも: {names}"},
    "digest.questions": {
        "en": ":question: Open questions: {count} (`/coach questions`)",
        "ja": ":question: 未解決の質問: {count} 件（`/coach questions`）",
    },
    "digest.footer": {
        "en": "`/coach status`, `/coach stuck` and `/coach questions` show the details.",
        "ja": "詳しくは `/coach status`、`/coach stuck`、`/coach questions` で確認できます。",
    },
}


def tr(key: str, locale: str, **values: object) -> str:
    """Interface text in the caller's language (English when a translation is missing)."""
    texts = TEXT[key]
    text = texts.get(normalise_locale(locale)) or texts["en"]
    return text.format(**values) if values else text


def ephemeral(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """`respond` arguments for an answer only the caller sees; the fallback text is always set."""
    blocks = (blocks or [section(text)])[:MAX_BLOCKS]
    return {"text": clip(text, 3000), "blocks": blocks, "response_type": "ephemeral"}


def names_list(user_ids: Sequence[str], locale: str, limit: int = NAMES_LIMIT) -> str:
    shown = ", ".join(f"<@{u}>" for u in user_ids[:limit])
    if len(user_ids) > limit:
        shown += " " + tr("list.more", locale, count=len(user_ids) - limit)
    return shown


# -- status -------------------------------------------------------------------------------------------


def bar(share: float, *, marker: float | None = None, width: int = BAR_WIDTH) -> str:
    """`█████░░░░░` for a share in [0, 1], with `│` at `marker` (the ignition line) when given."""
    share = min(max(share, 0.0), 1.0)
    filled = round(share * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if marker is not None:
        cells.insert(round(marker * width), "│")
    return "".join(cells)


def _trend(now: float, before: float, *, percent: bool = False) -> str:
    delta = now - before
    if abs(delta) < (0.005 if percent else 0.5):
        return " (=)"
    arrow = "▲" if delta > 0 else "▼"
    amount = f"{abs(delta) * 100:.0f} pts" if percent else f"{abs(delta):.0f}"
    return f" ({arrow}{amount})"


def _stage_rows(snapshot: DepartmentNumbers, stage_titles: Sequence[str], locale: str) -> str:
    labels = [tr("status.not_started", locale), *(f"{n} {t}" for n, t in enumerate(stage_titles, 1))]
    total = snapshot.enrolled or 1
    lines = []
    for label, count in zip(labels, snapshot.stages, strict=False):
        share = count / total
        lines.append(f"{clip(label, 18):<18} {bar(share)} {share * 100:3.0f}% {count:>6}")
    return "```\n" + "\n".join(lines) + "\n```"


def status_blocks(status: DepartmentStatus, stage_titles: Sequence[str], locale: str) -> list[Block]:
    """One department: numbers with trend, stage bars, and ignition against the 20% line."""
    now, before = status.current, status.week_ago
    blocks = [header(tr("status.title", locale, department=status.department))]
    if not now.enrolled:
        return [*blocks, section(tr("status.empty", locale, department=status.department))]
    blocks.append(
        section(
            tr(
                "status.numbers",
                locale,
                enrolled=now.enrolled,
                enrolled_trend=_trend(now.enrolled, before.enrolled),
                active=f"{now.active}/{now.enrolled}",
                active_trend=_trend(now.active, before.active),
                open_help=now.open_help,
                help_trend=_trend(now.open_help, before.open_help),
            )
        )
    )
    blocks.append(section(tr("status.stages", locale) + "\n" + _stage_rows(now, stage_titles, locale)))
    ignition = (
        f"```\n{bar(now.ignition, marker=IGNITION_LINE)} {now.ignition * 100:3.0f}%"
        f"{_trend(now.ignition, before.ignition, percent=True)}\n```"
    )
    blocks.append(section(tr("status.ignition", locale) + "\n" + ignition))
    needed = max(math.ceil(IGNITION_LINE * now.enrolled) - now.ignited, 0)
    verdict = "status.ignited" if now.ignited_line_reached else "status.to_ignite"
    blocks.append(context(tr(verdict, locale, needed=needed), tr("status.trend", locale)))
    return blocks


def status_message(
    statuses: Sequence[DepartmentStatus], stage_titles: Sequence[str], locale: str, *, total: int | None = None
) -> dict[str, Any]:
    """`/coach status`: one block group per department (the scope already caps how many)."""
    blocks: list[Block] = []
    texts = []
    for status in statuses:
        if blocks:
            blocks.append(divider())
        blocks.extend(status_blocks(status, stage_titles, locale))
        now = status.current
        texts.append(f"{status.department}: {now.active}/{now.enrolled} active, ignition {now.ignition * 100:.0f}%")
    if total and total > len(statuses):
        blocks.append(context(tr("status.more", locale, shown=len(statuses), total=total)))
    return ephemeral("\n".join(texts) or "-", blocks)


def scope_problem(scope: Scope, command: str, locale: str) -> dict[str, Any]:
    """Why a department request covers nothing: refused (not yours), unknown, or ambiguous."""
    if scope.problem == "not_yours":
        own = ", ".join(scope.choices) or tr("scope.none", locale)
        text = tr("scope.not_yours", locale, own=own, wanted=clip(scope.wanted, 80))
    elif scope.problem == "unknown":
        text = tr("scope.unknown", locale, wanted=clip(scope.wanted, 80), choices=", ".join(scope.choices) or "-")
    else:
        text = tr("scope.choose", locale, command=command, choices=", ".join(scope.choices))
    return ephemeral(text)


# -- stuck --------------------------------------------------------------------------------------------


def _stage_label(stage: int, stage_titles: Sequence[str], locale: str) -> str:
    if stage <= 0 or stage > len(stage_titles):
        return tr("status.not_started", locale)
    return f"{stage} {stage_titles[stage - 1]}"


def _last_active(person: StuckPerson, now: datetime, locale: str) -> str:
    if person.last_active is None:
        return tr("stuck.never", locale)
    return tr("stuck.last", locale, days=max((now - person.last_active).days, 0))


def nudge_all_value(departments: Sequence[str], days: int) -> str:
    """The Nudge-all button's value: what to recompute on click (never a list of people to trust)."""
    return json.dumps({"d": list(departments), "n": days}, ensure_ascii=False)


def stuck_message(
    people: Sequence[StuckPerson],
    *,
    departments: Sequence[str],
    days: int,
    stage_titles: Sequence[str],
    now: datetime,
    locale: str,
) -> dict[str, Any]:
    """`/coach stuck`: the longest idle first, a Nudge button each, and Nudge all."""
    where = ", ".join(departments)
    if not people:
        return ephemeral(tr("stuck.none", locale, departments=where, days=days))
    blocks: list[Block] = [
        header(tr("stuck.title", locale)),
        context(tr("stuck.intro", locale, days=days, departments=where)),
    ]
    for person in people[:LIST_LIMIT]:
        row = tr(
            "stuck.row",
            locale,
            user=person.user_id,
            stage=_stage_label(person.stage, stage_titles, locale),
            last=_last_active(person, now, locale),
        )
        nudge = button(tr("stuck.nudge", locale), AmbassadorAction.NUDGE_ONE, person.user_id)
        blocks.append(section(row, accessory=nudge))
    if len(people) > LIST_LIMIT:
        blocks.append(context(tr("list.more", locale, count=len(people) - LIST_LIMIT)))
    everyone = button(
        tr("stuck.nudge_all", locale, count=len(people)),
        AmbassadorAction.NUDGE_ALL,
        nudge_all_value(departments, days),
        style="primary",
    )
    everyone["confirm"] = {
        "title": {"type": "plain_text", "text": clip(tr("stuck.confirm_title", locale), 100)},
        "text": {"type": "plain_text", "text": tr("stuck.confirm_text", locale, count=len(people))},
        "confirm": {"type": "plain_text", "text": tr("stuck.confirm_yes", locale)},
        "deny": {"type": "plain_text", "text": tr("stuck.confirm_no", locale)},
    }
    blocks.append(actions(everyone))
    fallback = f"{len(people)} people stuck for {days}+ days in {where}"
    return ephemeral(fallback, blocks)


# -- nudge / celebrate / confirm ----------------------------------------------------------------------


def _reason(code: str, locale: str) -> str:
    key = f"reason.{code}"
    return tr(key, locale) if key in TEXT else code


def nudge_result(outcome: NudgeOutcome, locale: str) -> dict[str, Any]:
    """Who gets the nudge now, who later (and why), and who was skipped (and why)."""
    now = [t.user_id for t in outcome.queued if t.at is None]
    later = [t for t in outcome.queued if t.at is not None]
    lines = []
    if now:
        lines.append(tr("nudge.queued", locale, names=names_list(now, locale)))
    if later:
        shown = ", ".join(f"<@{t.user_id}> ({_reason(t.reason, locale)})" for t in later[:NAMES_LIMIT])
        lines.append(tr("nudge.later", locale, names=shown + _more(len(later), locale)))
    if outcome.skipped:
        skipped = outcome.skipped
        shown = ", ".join(f"<@{t.user_id}> ({_reason(t.reason, locale)})" for t in skipped[:NAMES_LIMIT])
        lines.append(tr("nudge.skipped", locale, names=shown + _more(len(skipped), locale)))
    if not lines:
        lines.append(tr("nudge.nobody", locale))
    return ephemeral("\n".join(lines))


def _more(count: int, locale: str) -> str:
    return " " + tr("list.more", locale, count=count - NAMES_LIMIT) if count > NAMES_LIMIT else ""


def celebration_dm(sender: str, stage: int, stage_titles: Sequence[str], message: str, locale: str) -> dict[str, Any]:
    """The DM a celebrated person gets, in *their* language, with the ambassador's own words quoted."""
    stage_part = (
        tr("celebrate.stage", locale, stage=stage, title=stage_titles[stage - 1])
        if 0 < stage <= len(stage_titles)
        else ""
    )
    text = tr("celebrate.dm", locale, sender=sender, stage=stage_part)
    if message:
        text += "\n>" + clip(message, 2500).replace("\n", "\n>")
    return {"text": clip(text, 3000), "blocks": [section(text)]}


def celebration_public(sender: str, user_ids: Sequence[str], message: str, locale: str) -> dict[str, Any]:
    """The in-channel shout-out (posted through the command's response_url)."""
    text = tr("celebrate.public", locale, sender=sender, names=names_list(user_ids, locale))
    if message:
        text += "\n>" + clip(message, 2500).replace("\n", "\n>")
    return {"text": clip(text, 3000), "blocks": [section(text)], "response_type": "in_channel"}


def celebration_result(sent: Sequence[str], skipped: Sequence[tuple[str, str]], locale: str) -> dict[str, Any]:
    lines = []
    if sent:
        lines.append(tr("celebrate.sent", locale, names=names_list(sent, locale)))
    if skipped:
        shown = ", ".join(f"<@{u}> ({_reason(code, locale)})" for u, code in skipped[:NAMES_LIMIT])
        lines.append(tr("nudge.skipped", locale, names=shown + _more(len(skipped), locale)))
    return ephemeral("\n".join(lines) or tr("celebrate.nobody", locale))


def confirm_result(
    status: str, *, name: str, use_case: str, pending: Sequence[str], stage: int | None, locale: str
) -> dict[str, Any]:
    """The answer to `/coach confirm`, naming the use case and any stage it unlocked."""
    if status == "unknown_use_case":
        items = tr("confirm.pending", locale, items=", ".join(pending)) if pending else ""
        return ephemeral(tr("confirm.unknown_use_case", locale, pending=items))
    if status in ("unknown_person", "not_in_department"):
        key = "confirm.unknown_person" if status == "unknown_person" else "reason.not_in_department"
        return ephemeral(tr(key, locale))
    text = tr(f"confirm.{status}", locale, name=name, use_case=use_case)
    if status == "confirmed" and stage:
        text += tr("confirm.stage", locale, stage=stage)
    return ephemeral(text)


# -- open questions -----------------------------------------------------------------------------------


def _age(asked_at: datetime | None, now: datetime, locale: str) -> str:
    if asked_at is None:
        return "-"
    seconds = max((now - asked_at).total_seconds(), 0)
    if seconds >= 86400:
        return tr("age.days", locale, days=int(seconds // 86400))
    return tr("age.hours", locale, hours=int(seconds // 3600))


def _owner(owner: str) -> str:
    return f"<@{owner}>" if owner[:1] in ("U", "W") and owner.isalnum() else f"`{clip(owner, 40)}`"


def questions_message(
    questions: Sequence[OpenQuestion], total: int, *, departments: Sequence[str], now: datetime, locale: str
) -> dict[str, Any]:
    """`/coach questions`: oldest first, each with Take it (handled by the help flow)."""
    if not questions:
        return ephemeral(tr("questions.none", locale, departments=", ".join(departments)))
    blocks: list[Block] = [header(tr("questions.title", locale, total=total))]
    for q in questions[:LIST_LIMIT]:
        row = tr(
            "questions.row",
            locale,
            id=q.request_id,
            asker=q.asker_id,
            topic=clip(q.topic, 60),
            age=_age(q.asked_at, now, locale),
            owner=_owner(q.owner),
            question=clip(" ".join(q.question.split()), 300),
        )
        take = button(tr("questions.take", locale), HelpAction.TAKE, str(q.request_id))
        blocks.append(section(row, accessory=take))
    if total > min(len(questions), LIST_LIMIT):
        blocks.append(context(tr("list.more", locale, count=total - min(len(questions), LIST_LIMIT))))
    return ephemeral(f"{total} open questions", blocks)


# -- the weekly digest --------------------------------------------------------------------------------


def digest_message(digests: Sequence[DepartmentDigest], stage_titles: Sequence[str], locale: str) -> dict[str, Any]:
    """The Monday DM: per department, the numbers, who moved up, who needs a hand, open questions."""
    blocks: list[Block] = [header(tr("digest.title", locale))]
    for digest in digests[:DIGEST_DEPARTMENTS_MAX]:
        # Each department's status under a bold name instead of its own header.
        department_blocks = status_blocks(digest.status, stage_titles, locale)[1:]
        blocks.extend([divider(), section(f"*{digest.status.department}*"), *department_blocks])
        blocks.append(section(_digest_lines(digest, locale)))
    blocks.append(context(tr("digest.footer", locale)))
    text = tr("digest.title", locale) + ": " + ", ".join(d.status.department for d in digests)
    return {"text": clip(text, 3000), "blocks": blocks[:MAX_BLOCKS]}


def _digest_lines(digest: DepartmentDigest, locale: str) -> str:
    moved = [m.user_id for m in digest.moved_up]
    lines = [
        tr("digest.moved", locale, names=names_list(moved, locale) + _extra(digest.moved_total, len(moved), locale))
        if moved
        else tr("digest.no_moves", locale)
    ]
    if digest.stuck:
        stuck = [s.user_id for s in digest.stuck]
        lines.append(
            tr("digest.stuck", locale, names=names_list(stuck, locale) + _extra(digest.stuck_total, len(stuck), locale))
        )
    lines.append(tr("digest.questions", locale, count=digest.questions_total))
    return "\n".join(lines)


def _extra(total: int, shown: int, locale: str) -> str:
    return " " + tr("list.more", locale, count=total - shown) if total > shown else ""


def me_message(
    summary: MySummary, *, titles: Mapping[str, str], stage_titles: Sequence[str], how_to: str, until: str, locale: str
) -> dict[str, Any]:
    """`/coach me`: stage, done, waiting, next (with how-to), and whether Coach is snoozed or stopped."""
    lines = [f"*{tr('me.title', locale)}*"]
    if summary.stage > 0:
        title = stage_titles[min(summary.stage, len(stage_titles)) - 1]
        lines.append(tr("me.stage", locale, stage=summary.stage, total=summary.stage_total, title=title))
    else:
        lines.append(tr("me.not_started", locale))
    if summary.done:
        lines.append(tr("me.done", locale, items=", ".join(titles.get(k, k) for k in summary.done)))
    if summary.pending:
        lines.append(tr("me.pending", locale, items=", ".join(titles.get(k, k) for k in summary.pending)))
    if summary.next_key:
        lines.append(tr("me.next", locale, title=titles.get(summary.next_key, summary.next_key), how=how_to))
    else:
        lines.append(tr("me.all_done", locale))
    notes = []
    if summary.snoozed_until:
        notes.append(tr("me.snoozed", locale, until=until))
    if summary.stopped:
        notes.append(tr("me.stopped", locale))
    blocks = [section("\n".join(lines))]
    if notes:
        blocks.append(context(*notes))
    return ephemeral("\n".join(lines), blocks)
