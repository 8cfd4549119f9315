"""The admin view of the App Home tab: waves, people, KPIs, help contacts, playbook version, audit.

It stays inside Slack's limits at any workspace size: a fixed number of waves per page (PAGE buttons),
departments summarised (red ones named, the rest paged as lines inside one section), and every text
clipped. The worst case is about 50 blocks, far below the 100-block limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.answers import FeedbackSummary
from bot.domain.help.directory import FlaggedContact
from bot.domain.help.metrics import HelpMetrics
from bot.domain.insights import Scores, Thresholds
from bot.domain.waves import Phase, WaveState
from bot.i18n import t
from bot.services.audit import AuditRow
from bot.services.metrics import PeopleCounts, pct
from bot.services.rollout import WaveInfo
from bot.views.admin_roles import contact_actions, roles_blocks
from bot.views.blocks import Block, actions, button, clip, context, divider, header, section
from bot.views.ids import AdminAction
from bot.views.insights import forecast_text, reasons_text, score_lines
from bot.views.setup import setup_button

MAX_HOME_BLOCKS = 100
WAVES_PER_PAGE = 6
DEPARTMENTS_PER_PAGE = 10
RED_LISTED = 8
TRAINING_SHOWN = 12
BAR_WIDTH = 20
EXTEND_DAYS = 7
HISTORY_ROUNDS = 5
COMMENT_SHOWN_CHARS = 200


@dataclass(frozen=True)
class TrainingRating:
    """One use case's training ratings (1–5) in the metrics window; the average only from enough answers."""

    title: str
    answers: int
    average: float | None


@dataclass(frozen=True)
class WaveRow:
    wave: WaveInfo
    kpi: Scores | None = None
    feedback: tuple[FeedbackSummary, ...] = ()  # every gate round opened so far, newest first


@dataclass(frozen=True)
class AdminHomeState:
    now: datetime
    playbook_version: str
    people: PeopleCounts
    overall: Scores
    waves: list[WaveRow]  # the current page only
    wave_total: int
    departments: list[Scores]  # every department, red first
    rules: Thresholds = field(default_factory=Thresholds)
    locale: str = "en"
    as_of: datetime | None = None  # when the numbers were computed (the newest rollup), None: just now
    help: HelpMetrics | None = None
    training: list[TrainingRating] = field(default_factory=list)
    window_days: int = 28  # the playbook's metrics window (training ratings are counted over it)
    help_contacts: list[str] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # the ambassadors & sponsors summary lines
    wave_page: int = 0
    dept_page: int = 0
    topic_titles: dict[str, str] = field(default_factory=dict)  # help topic key → its title in `locale`
    flagged_contacts: list[FlaggedContact] = field(default_factory=list)  # flagged longest ago first


def admin_home(state: AdminHomeState) -> dict[str, object]:
    """The whole admin Home view (a `home` view dict)."""
    loc = state.locale
    people = state.people
    blocks: list[Block] = [
        header(t("admin.title", loc)),
        context(
            t("admin.playbook", loc, version=state.playbook_version),
            t(
                "admin.people",
                loc,
                people=f"{people.people:,}",
                running=f"{people.in_running_wave:,}",
                never=f"{people.never_enrolled:,}",
            ),
        ),
        actions(button(t("admin.wave.new", loc), AdminAction.WAVE_NEW, "new", style="primary"), setup_button(loc)),
        divider(),
        header(t("admin.waves", loc)),
        *_waves(state),
        divider(),
        *insight_blocks(state),
        divider(),
        header(t("admin.contacts", loc)),
        section("\n".join(state.help_contacts) or t("admin.contacts.none", loc)),
        contact_actions(loc),
        divider(),
        *roles_blocks(state.roles, loc),
        divider(),
        header(t("admin.audit", loc)),
        section("\n".join(_audit_line(a) for a in state.audit) or t("admin.audit.none", loc)),
        context(t("admin.audit.note", loc)),
    ]
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def _page_buttons(state: AdminHomeState, *, waves: bool, has_next: bool) -> list[Block]:
    page = state.wave_page if waves else state.dept_page
    elements: list[Block] = []
    if page > 0:
        back = (page - 1, state.dept_page) if waves else (state.wave_page, page - 1)
        elements.append(button(t("admin.page.back", state.locale), AdminAction.PAGE_BACK, f"{back[0]}:{back[1]}"))
    if has_next:
        fwd = (page + 1, state.dept_page) if waves else (state.wave_page, page + 1)
        elements.append(button(t("admin.page.next", state.locale), AdminAction.PAGE, f"{fwd[0]}:{fwd[1]}"))
    return [actions(*elements, block_id="page.waves" if waves else "page.departments")] if elements else []


def _waves(state: AdminHomeState) -> list[Block]:
    if not state.waves:
        return [section(t("admin.waves.none", state.locale))]
    blocks: list[Block] = []
    for row in state.waves[:WAVES_PER_PAGE]:
        blocks += _wave_blocks(row, state.now, state.locale)
    shown_to = state.wave_page * WAVES_PER_PAGE + len(state.waves)
    first = state.wave_page * WAVES_PER_PAGE + 1
    blocks.append(context(t("admin.waves.range", state.locale, first=first, last=shown_to, total=state.wave_total)))
    return blocks + _page_buttons(state, waves=True, has_next=shown_to < state.wave_total)


_STATE_ICON = {
    WaveState.DRAFT: ":memo:",
    WaveState.SCHEDULED: ":calendar:",
    WaveState.ACTIVE: ":large_green_circle:",
    WaveState.PAUSED: ":double_vertical_bar:",
    WaveState.COMPLETED: ":white_check_mark:",
}


def _wave_blocks(row: WaveRow, now: datetime, locale: str = "en") -> list[Block]:
    wave, loc = row.wave, locale
    at_gate = wave.phase == Phase.FEEDBACK and wave.state in (WaveState.ACTIVE, WaveState.PAUSED)
    state, phase = t(f"admin.state.{wave.state.value}", loc), t(f"admin.phase.{wave.phase.value}", loc)
    when = t("admin.wave.starts", loc, date=wave.start_date.isoformat()) if wave.start_date else ""
    when = when or t("admin.wave.no_start", loc)
    if wave.phase_ends_at and wave.state == WaveState.ACTIVE:
        when += " · " + t("admin.wave.until", loc, phase=phase, date=f"{wave.phase_ends_at:%Y-%m-%d}")
    goal = wave.goal_in(loc) or t("admin.wave.goal_unset", loc)
    lines = [
        t("admin.wave.line", loc, icon=_STATE_ICON.get(wave.state, ""), name=wave.name, state=state, phase=phase),
        t("admin.wave.goal", loc, goal=goal, when=when, members=f"{wave.members:,}"),
    ]
    if at_gate:
        lines.append(t("admin.wave.gate", loc))
    blocks: list[Block] = [section("\n".join(lines), block_id=f"wave.{wave.id}")]
    if row.kpi is not None and row.kpi.enrolled:
        blocks.append(context(_kpi_line(row.kpi, loc)))
    current = row.feedback[0] if at_gate and row.feedback and row.feedback[0].round == wave.feedback_round else None
    if current is not None:
        blocks.append(section(_feedback_text(current, loc), block_id=f"wave.{wave.id}.feedback"))
    past = [r for r in row.feedback if r is not current]
    if past:
        earlier = max(0, (past[-1].round - 1) if past else 0)
        text = _history_text(past, earlier=earlier, with_comments=current is None, locale=loc)
        blocks.append(section(text, block_id=f"wave.{wave.id}.history"))
    buttons = _wave_buttons(wave, at_gate, loc)
    if buttons:
        blocks.append(actions(*buttons, block_id=f"wave.{wave.id}.actions"))
    return blocks


def _wave_buttons(wave: WaveInfo, at_gate: bool, locale: str = "en") -> list[Block]:
    wid, loc = str(wave.id), locale
    if at_gate:
        return [
            button(t("admin.wave.advance", loc), AdminAction.WAVE_ADVANCE, wid, style="primary"),
            button(t("admin.wave.extend", loc, days=EXTEND_DAYS), AdminAction.WAVE_EXTEND, f"{wid}:{EXTEND_DAYS}"),
            button(t("admin.wave.adjust", loc), AdminAction.WAVE_ADJUST, wid),
        ]
    edit = button(t("admin.wave.edit", loc), AdminAction.WAVE_EDIT, wid)
    by_state = {
        WaveState.DRAFT: [edit, button(t("admin.wave.start", loc), AdminAction.WAVE_START, wid, style="primary")],
        WaveState.SCHEDULED: [
            edit,
            button(t("admin.wave.start_now", loc), AdminAction.WAVE_START, wid, style="primary"),
        ],
        WaveState.ACTIVE: [edit, button(t("admin.wave.pause", loc), AdminAction.WAVE_PAUSE, wid, style="danger")],
        WaveState.PAUSED: [edit, button(t("admin.wave.resume", loc), AdminAction.WAVE_RESUME, wid, style="primary")],
    }
    return by_state.get(wave.state, [])


def _kpi_line(kpi: Scores, locale: str = "en") -> str:
    flag = ":red_circle: " if kpi.red else ":large_green_circle: "
    return t(
        "admin.kpi",
        locale,
        flag=flag,
        enrolled=f"{kpi.enrolled:,}",
        adoption=kpi.adoption,
        ignition=kpi.ignition,
        forecast=forecast_text(kpi, locale),
    )


def _numbers(summary: FeedbackSummary, locale: str = "en") -> str:
    """answered/asked · average · the 1–5 spread · comment count."""
    average = f"{summary.average:.1f}/5" if summary.average is not None else "–"
    spread = " ".join(f"{score}:{n}" for score, n in sorted(summary.distribution.items()))
    key = "admin.feedback.comment" if summary.comment_count == 1 else "admin.feedback.comments"
    return t(
        "admin.feedback.numbers",
        locale,
        answered=f"{summary.answered:,}",
        asked=f"{summary.asked:,}",
        average=average,
        spread=spread,
        comments=t(key, locale, n=f"{summary.comment_count:,}"),
    )


def _comment_lines(summary: FeedbackSummary, locale: str = "en") -> list[str]:
    """Up to five comments, quoted on one line each; a name only where the person agreed to show it."""
    lines = []
    for c in summary.comments:
        text = " ".join(c.text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        who = f"<@{c.slack_user_id}>" if c.slack_user_id else t("admin.feedback.anonymous", locale)
        lines.append(f"> {clip(text, COMMENT_SHOWN_CHARS)} — {who}")
    return lines


def _feedback_text(summary: FeedbackSummary, locale: str = "en") -> str:
    head = t("admin.feedback.round", locale, round=summary.round, numbers=_numbers(summary, locale))
    return clip("\n".join([head, *_comment_lines(summary, locale)]), 3000)


def _history_text(rounds: list[FeedbackSummary], *, earlier: int, with_comments: bool, locale: str = "en") -> str:
    """Earlier gate rounds, newest first; after the gate, the newest round's comments too."""
    lines = [t("admin.feedback.history", locale)]
    lines += [
        t("admin.feedback.history_row", locale, round=r.round, numbers=_numbers(r, locale))
        for r in rounds[:HISTORY_ROUNDS]
    ]
    earlier += max(0, len(rounds) - HISTORY_ROUNDS)
    if earlier:
        lines.append(t("admin.feedback.earlier_one" if earlier == 1 else "admin.feedback.earlier", locale, n=earlier))
    if with_comments:
        lines += _comment_lines(rounds[0], locale)
    return clip("\n".join(lines), 3000)


def stage_bars(stages: dict[int, int], locale: str = "en") -> str:
    """A text bar chart of the stage distribution (Maturity), in a code block so the bars line up."""
    total = sum(stages.values())
    if not total:
        return t("admin.stages.nobody", locale)
    lines = []
    for stage in range(0, max(stages) + 1):
        n = stages.get(stage, 0)
        filled = round(BAR_WIDTH * n / total)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        lines.append(f"{t('admin.stages.row', locale, n=stage)} {bar} {pct(n / total):>3}% {n:>7,}")
    return "```\n" + "\n".join(lines) + "\n```"


def insight_blocks(state: AdminHomeState) -> list[Block]:
    """The numbers: everyone enrolled, red departments, every department paged, help KPIs, training ratings."""
    return [
        header(t("admin.insights.title", state.locale)),
        *_overall(state),
        *_red_summary(state),
        *department_panels(state),
        *help_panel(state),
        *training_panel(state),
        *flagged_contacts_panel(state),
    ]


def _overall(state: AdminHomeState) -> list[Block]:
    overall, locale = state.overall, state.locale
    lines = [t("admin.insights.everyone", locale), *score_lines(overall, state.rules, locale, with_red=False)]
    stages = t("admin.insights.stages", locale) + "\n" + stage_bars(overall.stages, locale)
    when = (
        t("admin.insights.as_of", locale, at=f"{state.as_of:%Y-%m-%d %H:%M}")
        if state.as_of
        else t("admin.insights.live", locale)
    )
    return [section(clip("\n".join(lines), 3000)), section(clip(stages, 3000)), context(when)]


def _red_summary(state: AdminHomeState) -> list[Block]:
    red = [d for d in state.departments if d.red]
    if not red:
        return [section(t("admin.insights.none_red", state.locale))]
    lines = [
        f":red_circle: *{clip(d.key, 60)}* ({d.enrolled:,}): {reasons_text(d, state.rules, state.locale)}"
        for d in red[:RED_LISTED]
    ]
    if len(red) > RED_LISTED:
        lines.append(t("admin.insights.more_red", state.locale, n=len(red) - RED_LISTED))
    return [section(clip(t("admin.insights.red_title", state.locale) + "\n" + "\n".join(lines), 3000))]


def department_panels(state: AdminHomeState) -> list[Block]:
    """One section per department of the current page (red first), then the page's range and buttons."""
    if not state.departments:
        return []
    first = state.dept_page * DEPARTMENTS_PER_PAGE
    page = state.departments[first : first + DEPARTMENTS_PER_PAGE]
    blocks: list[Block] = []
    for n, d in enumerate(page, first):
        text = "\n".join([f"*{clip(d.key, 80)}* · {d.enrolled:,}", *score_lines(d, state.rules, state.locale)])
        blocks.append(section(clip(text, 3000), block_id=f"dept.{n}"))
    shown_to = first + len(page)
    return [
        *blocks,
        context(
            t("admin.insights.dept_range", state.locale, first=first + 1, last=shown_to, total=len(state.departments))
        ),
        *_page_buttons(state, waves=False, has_next=shown_to < len(state.departments)),
    ]


def _duration(value: timedelta, locale: str = "en") -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes >= 60:
        return t("admin.duration.hours", locale, h=minutes // 60, m=f"{minutes % 60:02d}")
    return t("admin.duration.minutes", locale, m=minutes)


def help_panel(state: AdminHomeState) -> list[Block]:
    """Help KPIs: median first response, share within SLA, satisfaction, the oldest open question."""
    if state.help is None:
        return []
    h, locale, dash = state.help, state.locale, "–"
    oldest = (
        t(
            "admin.insights.help_oldest",
            locale,
            topic=state.topic_titles.get(h.oldest_open.topic, h.oldest_open.topic),
            age=_duration(state.now - h.oldest_open.opened_at, locale),
        )
        if h.oldest_open
        else t("admin.insights.help_none_open", locale)
    )
    text = t(
        "admin.insights.help",
        locale,
        median=_duration(h.median_first_response, locale) if h.median_first_response is not None else dash,
        sla=f"{pct(h.share_within_sla)}%" if h.share_within_sla is not None else dash,
        satisfaction=f"{h.mean_satisfaction:.1f}/5" if h.mean_satisfaction is not None else dash,
        oldest=oldest,
    )
    return [section(clip(text, 3000), block_id="help.kpis")]


def training_panel(state: AdminHomeState) -> list[Block]:
    """Training ratings per use case (an average only from enough answers)."""
    if not state.training:
        return []
    lines = [t("admin.insights.training_title", state.locale, days=state.window_days)]
    for r in state.training[:TRAINING_SHOWN]:
        average = f"{r.average:.1f}/5" if r.average is not None else "–"
        lines.append(
            t("admin.insights.training_row", state.locale, title=clip(r.title, 60), average=average, n=r.answers)
        )
    if len(state.training) > TRAINING_SHOWN:
        lines.append(t("admin.insights.training_more", state.locale, n=len(state.training) - TRAINING_SHOWN))
    return [section(clip("\n".join(lines), 3000), block_id="training.ratings")]


def _audit_line(row: AuditRow) -> str:
    actor = f"<@{row.actor}>" if row.actor[:1] in ("U", "W") else row.actor
    return f"`{row.at:%Y-%m-%d %H:%M}` {actor} `{row.action}` `{row.target}`"


FLAGGED_SHOWN = 10


def flagged_contacts_panel(state: AdminHomeState) -> list[Block]:
    """Help contacts the evergreen check flagged (who, topics, why, since when): one section, the first
    FLAGGED_SHOWN lines and a count of the rest, so it is one block at any size; nothing when none is flagged."""
    if not state.flagged_contacts:
        return []
    locale = state.locale
    lines = [t("admin.insights.flagged_title", locale)]
    for c in state.flagged_contacts[:FLAGGED_SHOWN]:
        key = f"help.flag_reason.{c.reason}"
        reason = t(key, locale) if c.reason in ("deactivated", "unconfirmed", "declined") else c.reason or "?"
        topics = ", ".join(c.topics[:3]) + (f" +{len(c.topics) - 3}" if len(c.topics) > 3 else "")
        row = t(
            "admin.insights.flagged_row",
            locale,
            who=f"<@{c.user_id}>",
            topics=topics,
            reason=reason,
            since=f"{c.since:%Y-%m-%d}",
        )
        lines.append(clip(row, 280))
    if len(state.flagged_contacts) > FLAGGED_SHOWN:
        lines.append(t("admin.insights.flagged_more", locale, n=len(state.flagged_contacts) - FLAGGED_SHOWN))
    return [section(clip("\n".join(lines), 3000), block_id="help.flagged")]
