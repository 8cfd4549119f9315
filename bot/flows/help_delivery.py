"""Carrying out a help transition's effects in Slack: DMs, cards, admin posts, then what Slack gave back.

Runs after the decision is committed, from the snapshot the transaction took (``DeliveryContext``). A
failed message is recorded on the request, never raised to whoever clicked.

Every message goes out through the outbox's direct path (nudges/direct.py): posted now, but ledgered as a
`help_routed` (to a contact), `help_asker` (to the asker) or `admin_post` row keyed by the request, the
transition and the effect, so it is sent once, carries `coach_nudge` metadata, and a Slack failure is retried
by the outbox worker (which then records where the card or the asker's thread landed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.db import session_scope
from bot.deps import Deps
from bot.domain.help.state import (
    AskAskerToConfirm,
    AskAskerToRate,
    Effect,
    NotifyAsker,
    NotifyOwner,
    PostToAdminChannel,
    RemindOwner,
)
from bot.flows.help_directory import resolve_channel
from bot.services import help_redelivery as redelivery
from bot.services.help import Delivered, DeliveryContext, is_assignment, record_delivery
from bot.services.help_directory import topic_title
from bot.slack.gateway import PostedMessage, SlackError
from bot.views import help as views
from nudges.direct import DirectMessage, direct_key, send_direct
from nudges.kinds import NudgeKind

log = logging.getLogger(__name__)

GONE_CODES = frozenset({"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"})


@dataclass
class _Run:
    """What one delivery pass learnt: the new card, the asker's thread, and each failure."""

    card: PostedMessage | None = None
    asker_thread: PostedMessage | None = None
    failures: list[tuple[Effect, SlackError]] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    later: list[Effect] = field(default_factory=list)  # failed transiently: kept for the help tick to retry
    waiting: set[str] = field(default_factory=set)  # owners whose new card is among them


@dataclass(frozen=True)
class HelpDeliveryReport:
    """Owners whose new-owner DM failed for good: ``gone`` (Slack says the person cannot be reached at all,
    so they are marked deactivated) and ``unreachable`` (every permanent failure, gone included)."""

    gone: list[str]
    unreachable: list[str]


def _owner_first(effect: Effect) -> int:
    """Put the new owner's DM before the asker's notice, so the asker is told only once it was delivered."""
    return 0 if is_assignment(effect) else 1


def deliver_effects(
    deps: Deps, ctx: DeliveryContext, effects: Iterable[Effect], *, attempts: int = 0
) -> HelpDeliveryReport:
    """Send every effect, refresh the old card, record threads and failures; reports owners Slack cannot reach.

    A new owner's DM goes first; when it fails permanently the asker's notice naming that owner is held back,
    so the asker is never told a person has the question unless that person's DM was delivered. Effects that
    fail transiently (5xx, timeouts: an outage) are kept with the snapshot and retried by the help tick, in
    order (bot/services/help_redelivery.py) — the asker's notice naming an owner Slack did not reach waits too.
    """
    run = _Run()
    for effect in sorted(effects, key=_owner_first):
        if isinstance(effect, NotifyAsker) and effect.owner in run.unreachable:
            continue
        if isinstance(effect, NotifyAsker) and effect.owner in run.waiting:
            run.later.append(effect)
            continue
        try:
            posted = _deliver_one(deps, ctx, effect, run)
            if posted is not None and is_assignment(effect):
                run.card = posted
            elif posted is None and isinstance(effect, NotifyOwner) and is_assignment(effect):
                # Its outbox row waits for a retry by the worker: look again next pass (the row is keyed, so
                # nothing is sent twice), and the asker hears only once that DM went out.
                run.waiting.add(effect.owner)
                run.later.append(effect)
        except SlackError as exc:
            log.warning("help request %s: %s failed: %s", ctx.request_id, type(effect).__name__, exc)
            run.failures.append((effect, exc))
            if isinstance(effect, NotifyOwner) and is_assignment(effect) and exc.permanent:
                run.unreachable.append(effect.owner)
            if not exc.permanent:
                run.later.append(effect)
                if is_assignment(effect):
                    run.waiting.add(getattr(effect, "owner", ""))
    try:
        _refresh_cards(deps, ctx, run.card)
    except SlackError as exc:
        log.warning("help request %s: card update failed: %s", ctx.request_id, exc)
    _record(deps, ctx, run)
    if run.later:
        reasons = "; ".join(sorted({exc.code for e, exc in run.failures if not exc.permanent}))
        with session_scope(deps.session_factory) as session:
            redelivery.keep(session, ctx, run.later, attempts=attempts + 1, error=reasons, now=deps.clock.now())
    gone = [
        e.owner for e, exc in run.failures if isinstance(e, NotifyOwner) and is_assignment(e) and exc.code in GONE_CODES
    ]
    return HelpDeliveryReport(gone=gone, unreachable=run.unreachable)


def dm(
    deps: Deps,
    ctx: DeliveryContext,
    effect: Effect,
    user_id: str,
    message: views.Message,
    *,
    kind: NudgeKind,
    records: str | None = None,
) -> PostedMessage | None:
    """One help message to a person, through the outbox (None: sent before, or waiting for a retry)."""
    return _send(deps, ctx, effect, user_id, message, kind=kind, records=records)


def _send(
    deps: Deps,
    ctx: DeliveryContext,
    effect: Effect,
    address: str,
    message: views.Message,
    *,
    kind: NudgeKind,
    thread_ts: str | None = None,
    records: str | None = None,
    part: str = "",
) -> PostedMessage | None:
    key = direct_key(
        kind, address, ctx.request_id, ctx.revision or "-", type(effect).__name__, getattr(effect, "kind", ""), part
    )
    after = {"help_request": ctx.request_id, "records": records} if records else {}
    outgoing = DirectMessage(kind, key, address, message["text"], message["blocks"], thread_ts=thread_ts, after=after)
    return send_direct(deps, outgoing)


def _topic(deps: Deps, ctx: DeliveryContext, locale: str) -> str:
    return topic_title(deps.playbook, ctx.topic, locale)


def _stage_label(deps: Deps, number: int, locale: str) -> str | None:
    """The asker's stage on the ladder, in the reader's language (None before the first stage)."""
    if number <= 0 or number > len(deps.playbook.stages):
        return None
    return f"{number}. {deps.playbook.stages[number - 1].title.get(locale)}"


def _card(deps: Deps, ctx: DeliveryContext, locale: str, *, state: str | None = None, note: str = "") -> views.Card:
    return views.Card(
        request_id=ctx.request_id,
        topic_title=_topic(deps, ctx, locale),
        question=ctx.question,
        asker=ctx.asker,
        department=ctx.department,
        stage=_stage_label(deps, ctx.stage, locale),
        state=state or ctx.state,
        owner=ctx.owner,
        owner_is_channel=ctx.owner_is_channel,
        due=ctx.due,
        note=note,
    )


def _deliver_one(deps: Deps, ctx: DeliveryContext, effect: Effect, run: _Run) -> PostedMessage | None:
    """One effect → one Slack message (a new card returns its PostedMessage)."""
    if isinstance(effect, NotifyAsker):
        return _tell_asker(deps, ctx, effect, run)
    if isinstance(effect, AskAskerToConfirm):
        locale = ctx.locale(ctx.asker)
        template = deps.playbook.templates.help_follow_up.get(locale)
        person_name = views.mention(ctx.asker)
        text = template.format(name=person_name, contact=views.mention(effect.owner), topic=_topic(deps, ctx, locale))
        confirm = views.confirm_message(locale, ctx.request_id, text)
        return dm(deps, ctx, effect, ctx.asker, confirm, kind=NudgeKind.HELP_ASKER)
    if isinstance(effect, AskAskerToRate):
        rate = views.rate_message(ctx.locale(ctx.asker), ctx.request_id)
        return dm(deps, ctx, effect, ctx.asker, rate, kind=NudgeKind.HELP_ASKER)
    if isinstance(effect, NotifyOwner):
        locale = ctx.locale(effect.owner)
        if is_assignment(effect):
            message = views.question_card(_card(deps, ctx, locale, note=effect.note), locale)
            posted = dm(deps, ctx, effect, effect.owner, message, kind=NudgeKind.HELP_ROUTED, records="card")
            _post_history(deps, ctx, effect, posted, locale)
            return posted
        notice = views.owner_notice(
            effect.kind, locale, request_id=ctx.request_id, asker=ctx.asker, due=effect.due, note=effect.note
        )
        return dm(deps, ctx, effect, effect.owner, notice, kind=NudgeKind.HELP_ROUTED)
    if isinstance(effect, RemindOwner):
        locale = ctx.locale(effect.owner)
        notice = views.owner_notice("reminder", locale, request_id=ctx.request_id, asker=ctx.asker, due=effect.due)
        return dm(deps, ctx, effect, effect.owner, notice, kind=NudgeKind.HELP_ROUTED)
    if isinstance(effect, PostToAdminChannel):
        return _post_to_admins(deps, ctx, effect)
    raise TypeError(f"unknown help effect {effect!r}")


def _post_to_admins(deps: Deps, ctx: DeliveryContext, effect: PostToAdminChannel) -> PostedMessage | None:
    channel = resolve_channel(deps, ctx.admin_channel)
    admins = deps.playbook.default_locale  # the admin channel's language, as for its red-department cards
    if is_assignment(effect):
        card = views.admin_card(_card(deps, ctx, admins, note=effect.note), admins)
        posted = _send(deps, ctx, effect, channel, card, kind=NudgeKind.ADMIN_POST, records="card")
        _post_history(deps, ctx, effect, posted, admins)
        return posted
    message = views.admin_post(
        effect.kind,
        locale=admins,
        request_id=ctx.request_id,
        topic=_topic(deps, ctx, admins),
        asker=ctx.asker,
        owner=effect.owner,
        due=effect.due,
        note=effect.note,
    )
    thread = ctx.card[1] if ctx.card and ctx.card[0] == channel else None
    return _send(deps, ctx, effect, channel, message, kind=NudgeKind.ADMIN_POST, thread_ts=thread)


def _post_history(deps: Deps, ctx: DeliveryContext, effect: Effect, card: PostedMessage | None, locale: str) -> None:
    """A new owner sees what happened before, in the card's thread: the request keeps its history."""
    if card is not None and len(ctx.history) > 2:
        message = views.history_message(ctx.history, locale)
        kind = NudgeKind.HELP_ROUTED if card.channel.startswith("D") else NudgeKind.ADMIN_POST
        _send(deps, ctx, effect, card.channel, message, kind=kind, thread_ts=card.ts, part="history")


def _tell_asker(deps: Deps, ctx: DeliveryContext, effect: NotifyAsker, run: _Run) -> PostedMessage | None:
    if effect.kind == "answered":
        return None  # the confirm question right after says who answered; one message, not two
    locale = ctx.locale(ctx.asker)
    message = views.asker_update(
        effect.kind,
        locale,
        owner=effect.owner,
        owner_is_channel=effect.owner_is_channel,
        due=effect.expected_reply_by,
        topic=_topic(deps, ctx, locale),
    )
    starts_thread = effect.kind == "routed" or (effect.kind == "rerouted" and ctx.asker_thread is None)
    records = "asker_thread" if starts_thread else None
    posted = dm(deps, ctx, effect, ctx.asker, message, kind=NudgeKind.HELP_ASKER, records=records)
    if starts_thread:
        run.asker_thread = posted
    return posted


def _refresh_cards(deps: Deps, ctx: DeliveryContext, new_card: PostedMessage | None) -> None:
    """The old card shows where the question went; an unchanged card shows the new state."""
    if ctx.card is None:
        return
    channel, ts = ctx.card
    in_dm = channel.startswith("D")
    locale = ctx.locale(ctx.card_owner) if in_dm else deps.playbook.default_locale
    if new_card is not None and (new_card.channel, new_card.ts) != ctx.card:
        card = _card(deps, ctx, locale, state="moved")
    elif ctx.state in ("taken", "answered", "closed"):
        card = _card(deps, ctx, locale)
    else:
        return
    message = views.question_card(card, locale) if in_dm else views.admin_card(card, locale)
    deps.slack.update_message(channel, ts, message["text"], blocks=message["blocks"])


def _record(deps: Deps, ctx: DeliveryContext, run: _Run) -> None:
    failures = [
        f"{type(effect).__name__} to {getattr(effect, 'owner', '') or getattr(effect, 'asker', '')}: {exc.code}"
        for effect, exc in run.failures
    ]
    delivered = Delivered(
        card=(run.card.channel, run.card.ts) if run.card else None,
        asker_thread=(run.asker_thread.channel, run.asker_thread.ts) if run.asker_thread else None,
        failures=failures,
    )
    if delivered.card or delivered.asker_thread or failures:
        with session_scope(deps.session_factory) as session:
            record_delivery(session, request_id=ctx.request_id, delivered=delivered, now=deps.clock.now())
