"""`coach audit` and `coach waves export/import FILE.yaml`: the rollout plan as reviewable, versioned config.

Import validates the whole file first and reports every problem as `file:line: reason` (the playbook
loader's `PlaybookError`); nothing is saved unless the whole file is valid. Each changed wave is saved through the same
service as the Home tab, so it is audited the same way. A wave's state is exported for the reader but
never changed by an import: starting, pausing and advancing happen on the Home tab.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from bot.cli.common import actor, friendly_errors, session_for_command
from bot.domain.waves import PhaseSchedule, TransitionError, WaveForm
from bot.flows.user_ids import Lookup, check_user_ids, wave_field_errors
from bot.i18n import t
from bot.playbook.loader import PlaybookError, line_of
from bot.services import audit as audit_log
from bot.services import rollout

FIELD_KEYS = {
    "name": ("name",),
    "goal": ("goal",),
    "sponsor_user_id": ("sponsor",),
    "purpose_message": ("purpose_message",),
    "goal_ja": ("goal_ja",),
    "purpose_message_ja": ("purpose_message_ja",),
    "members": ("members",),
    "users": ("members", "users"),
    "start_date": ("start_date",),
    "unfreeze": ("schedule", "unfreeze"),
    "change": ("schedule", "change"),
    "refreeze": ("schedule", "refreeze"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MembersSpec(_Strict):
    departments: list[str] = Field(default_factory=list)
    usergroups: list[str] = Field(default_factory=list)
    users: list[str] = Field(default_factory=list)


class ScheduleSpec(_Strict):
    unfreeze: int = PhaseSchedule().unfreeze
    change: int = PhaseSchedule().change
    refreeze: int = PhaseSchedule().refreeze


class WaveSpec(_Strict):
    name: str
    state: str | None = None  # informational only
    goal: str = ""
    sponsor: str | None = None
    purpose_message: str = ""
    goal_ja: str = ""  # the goal and purpose message in Japanese (members read their own language's)
    purpose_message_ja: str = ""
    start_date: date | None = None
    schedule: ScheduleSpec = Field(default_factory=ScheduleSpec)
    members: MembersSpec = Field(default_factory=MembersSpec)

    def form(self) -> WaveForm:
        return WaveForm(
            name=self.name,
            goal=self.goal,
            sponsor_user_id=self.sponsor,
            purpose_message=self.purpose_message,
            goal_ja=self.goal_ja,
            purpose_message_ja=self.purpose_message_ja,
            departments=tuple(self.members.departments),
            usergroups=tuple(self.members.usergroups),
            users=tuple(self.members.users),
            start_date=self.start_date,
            schedule=PhaseSchedule(self.schedule.unfreeze, self.schedule.change, self.schedule.refreeze),
        )


class PlanFile(_Strict):
    waves: list[WaveSpec] = Field(default_factory=list)


def spec_of(wave: rollout.WaveInfo) -> dict[str, Any]:
    """One wave as it is written in the plan file."""
    return {
        "name": wave.name,
        "state": wave.state.value,
        "goal": wave.goal,
        "sponsor": wave.sponsor_user_id,
        "purpose_message": wave.purpose_message,
        "goal_ja": wave.goal_ja,
        "purpose_message_ja": wave.purpose_message_ja,
        "start_date": wave.start_date,
        "schedule": wave.schedule.to_dict(),
        "members": {k: list(wave.selectors.get(k, [])) for k in ("departments", "usergroups", "users")},
    }


def export_plan(session: Session) -> str:
    """Every wave as YAML, in rollout order."""
    body = yaml.safe_dump(
        {"waves": [spec_of(w) for w in rollout.list_waves(session)]}, sort_keys=False, allow_unicode=True
    )
    return "# Adoption Coach rollout plan. Edit, review, then: coach waves import FILE\n" + body


class _PlanLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic judges them and a bad one gets its line, not a crash."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_plan(path: Path) -> tuple[PlanFile | None, yaml.Node | None, list[PlaybookError]]:
    """Read and shape-check a plan file; errors carry the line they are on."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_PlanLoader)  # a SafeLoader subclass: no arbitrary objects
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [PlaybookError(file, 1, f"cannot read the file: {exc}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, None, [PlaybookError(file, (mark.line + 1) if mark else 1, f"not valid YAML: {exc.problem}")]
    if node is None or not isinstance(data, dict):
        return None, None, [PlaybookError(file, 1, 'the plan must be a set of fields with a "waves" list')]
    try:
        return PlanFile.model_validate(data), node, []
    except ValidationError as exc:
        errors = [
            PlaybookError(file, line_of(node, tuple(e["loc"])), f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
            for e in exc.errors()
        ]
        return None, node, sorted(set(errors))


def import_plan(
    session: Session, path: Path, *, actor: str, now: datetime, lookup: Lookup | None = None
) -> tuple[list[str], list[PlaybookError]]:
    """Save every changed wave of the file; (what changed, errors). The caller rolls back on errors.

    Every sponsor and person id is checked (`bot.flows.user_ids`): its format, and with `lookup` (users.info)
    that Slack knows an active human by it; each refused id gets its own `file:line: reason`.
    """
    plan, node, errors = parse_plan(path)
    if plan is None or node is None:
        return [], errors
    file = str(path)
    ids = check_user_ids(
        [uid for spec in plan.waves for uid in ([spec.sponsor] if spec.sponsor else []) + spec.members.users], lookup
    )
    existing = {w.name: w for w in rollout.list_waves(session)}
    seen: dict[str, int] = {}
    changed: list[str] = []
    for i, spec in enumerate(plan.waves):
        at = ("waves", i)
        if spec.name in seen:
            errors.append(PlaybookError(str(path), line_of(node, (*at, "name")), f'wave "{spec.name}" appears twice'))
            continue
        seen[spec.name] = i
        id_errors = wave_field_errors(ids, sponsor=spec.sponsor, users=spec.members.users, locale="en")
        if spec.sponsor in ids.bad:
            reason = t("waves.user_id.sponsor", "en", reason=ids.reason(spec.sponsor, "en"))
            errors.append(PlaybookError(file, line_of(node, (*at, "sponsor")), f'wave "{spec.name}": {reason}'))
        for j, uid in enumerate(spec.members.users):
            if uid in ids.bad:
                where = line_of(node, (*at, "members", "users", j))
                errors.append(PlaybookError(file, where, f'wave "{spec.name}": {ids.reason(uid, "en")}'))
        before = existing.get(spec.name)
        if before is not None and before.form() == spec.form() and not id_errors:
            continue
        try:
            rollout.save_wave(
                session,
                actor=actor,
                form=spec.form(),
                now=now,
                wave_id=before.id if before else None,
                id_errors=id_errors,
            )
        except rollout.WaveFormInvalid as exc:
            errors += [
                PlaybookError(file, line_of(node, (*at, *FIELD_KEYS.get(k, ()))), f'wave "{spec.name}": {reason}')
                for k, reason in exc.errors.items()
                if k not in id_errors  # those ids were named one line each above
            ]
            continue
        except TransitionError as exc:
            errors.append(PlaybookError(str(path), line_of(node, at), f'wave "{spec.name}": {exc}'))
            continue
        changed.append(f"{'updated' if before else 'created'} {spec.name}")
    if ids.unchecked:  # Slack could not be asked: not a reason to refuse the plan
        changed.insert(0, "warning: " + t("waves.user_id.unchecked", "en", code=ids.unchecked))
    return changed, sorted(errors)


def _describe(row: audit_log.AuditRow) -> str:
    changes = audit_log.changed_fields(row.before, row.after)
    if row.before is None and row.after is not None and row.action.endswith("create"):
        return "created"
    return "; ".join(f"{k}: {b!r} → {a!r}" for k, (b, a) in changes.items())


@click.command(help="Print the audit log of admin changes (oldest first).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="only entries from this day")
@friendly_errors
def audit(since: datetime | None) -> None:
    with session_for_command() as (_, session):
        start = since.replace(tzinfo=UTC) if since else None
        count = 0
        for row in audit_log.iter_entries(session, since=start):
            click.echo(
                f"{row.at:%Y-%m-%d %H:%M:%S}Z  {row.actor:<12} {row.action:<14} {row.target:<10} {_describe(row)}"
            )
            count += 1
        if not count:
            click.echo("no audit entries yet")


@click.group(help="The rollout plan as a YAML file: export it, review it, import it.")
def waves() -> None:
    pass


@waves.command("export", help="Write every wave to FILE (YAML).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@friendly_errors
def export_cmd(file: Path) -> None:
    with session_for_command() as (_, session):
        text = export_plan(session)
    file.write_text(text, encoding="utf-8")
    click.echo(f"wrote {text.count('- name:')} waves to {file}")


@waves.command("import", help="Create or update waves from FILE; nothing is saved if any wave is invalid.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", "who", default=None, help="who to record in the audit log (default: cli:<login>)")
@friendly_errors
def import_cmd(file: Path, who: str | None) -> None:
    who = (who or actor())[:32]
    errors: list[PlaybookError] = []

    class _Invalid(Exception):
        pass

    try:
        with session_for_command() as (deps, session):
            lookup = deps.slack.user_info if deps.settings.bot_token else None  # existence needs a token
            changed, errors = import_plan(session, file, actor=who, now=deps.clock.now(), lookup=lookup)
            if errors:
                raise _Invalid  # roll the whole import back
    except _Invalid:
        click.echo(f"coach: {file} has errors, nothing was imported:", err=True)
        for error in errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)
    for line in changed or ["nothing to change"]:
        click.echo(line)
