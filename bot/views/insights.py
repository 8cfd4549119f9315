"""The scores as lines of text, the same on the admin Home, `/coach status`, digests and red-department notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.insights import ForecastState, RedReason, Scores, Thresholds
from bot.i18n import t
from bot.views.blocks import Block, clip, context, section


def forecast_text(scores: Scores, locale: str) -> str:
    state = scores.forecast.state
    if state is ForecastState.WEEK and scores.forecast.week is not None:
        return t("insights.forecast.week", locale, week=scores.forecast.week.isoformat())
    return t(f"insights.forecast.{state.value}", locale)


def reason_text(reason: RedReason, scores: Scores, rules: Thresholds, locale: str) -> str:
    lines = {
        RedReason.ADOPTION: rules.adoption_below,
        RedReason.SENTIMENT: rules.sentiment_below,
    }
    return t(
        f"insights.reason.{reason.value}",
        locale,
        adoption=scores.adoption,
        sentiment=scores.sentiment,
        ignition=scores.ignition,
        stuck=scores.stuck,
        enrolled=scores.enrolled,
        unanswered=scores.unanswered,
        line=lines.get(reason, ""),
    )


def reasons_text(scores: Scores, rules: Thresholds, locale: str) -> str:
    return t("insights.reason_separator", locale).join(reason_text(r, scores, rules, locale) for r in scores.reasons)


def red_line(scores: Scores, rules: Thresholds, locale: str) -> str:
    """ ":red_circle: Red: why" or ":large_green_circle: On track"."""
    if scores.red:
        return t("insights.red", locale, reasons=reasons_text(scores, rules, locale))
    return t("insights.green", locale)


def sentiment_line(scores: Scores, rules: Thresholds, locale: str) -> str:
    if scores.sentiment is not None:
        return t("insights.sentiment", locale, sentiment=scores.sentiment, answers=scores.answers)
    if scores.enrolled < rules.min_answers:
        return t("insights.sentiment_small", locale, min=rules.min_answers)
    return t("insights.sentiment_few", locale, answers=scores.answers, min=rules.min_answers)


def score_lines(scores: Scores, rules: Thresholds, locale: str, *, with_red: bool = True) -> list[str]:
    """Adoption, Maturity, Sentiment, the four axes, ignition with its forecast, and red (with the reasons)."""
    if not scores.started:
        return [t("insights.not_started", locale)]
    lines = [
        t(
            "insights.adoption",
            locale,
            adoption=scores.adoption,
            adopted=scores.adopted,
            enrolled=scores.enrolled,
            days=rules.adoption_days,
            daily=scores.daily_active,
        ),
        t("insights.maturity", locale, maturity=scores.maturity, enrolled=scores.enrolled),
        sentiment_line(scores, rules, locale),
        t(
            "insights.axes",
            locale,
            usage=scores.usage,
            messaging=scores.messaging,
            platform=scores.platform,
            power=scores.power,
            power_users=scores.power_users,
        ),
        t(
            "insights.ignition",
            locale,
            ignition=scores.ignition,
            ignited=scores.ignited,
            enrolled=scores.enrolled,
            forecast=forecast_text(scores, locale),
        ),
    ]
    if with_red:
        lines.append(red_line(scores, rules, locale))
    return lines


def red_notice(event: str, scores: Scores, rules: Thresholds, actions: Sequence[str], locale: str) -> dict[str, Any]:
    """The notice for the admin channel and the department's ambassadors and sponsor: turned red (why, what to
    do), still red (the weekly reminder), or recovered."""
    name = clip(scores.key, 80)
    title = t(f"insights.notice.{event}", locale, department=name)
    blocks: list[Block] = [section(title)]
    if event == "recovered":
        blocks.append(section(clip("\n".join(score_lines(scores, rules, locale, with_red=False)), 3000)))
        return {"text": clip(title, 3000), "blocks": blocks}
    why = t("insights.notice.why", locale, reasons=reasons_text(scores, rules, locale))
    blocks.append(section(clip(why + "\n" + "\n".join(score_lines(scores, rules, locale, with_red=False)), 3000)))
    if actions:
        todo = t("insights.notice.actions", locale) + "\n" + "\n".join(f"• {a}" for a in actions)
        blocks.append(section(clip(todo, 3000)))
    blocks.append(context(t("insights.notice.again", locale)))
    return {"text": clip(f"{title} {why}", 3000), "blocks": blocks}
