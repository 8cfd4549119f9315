"""`coach ambassadors list|add|remove`: appoint department ambassadors (and, with --sponsor, executive
sponsors) from the command line; every change is audited like one made in the Home tab."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from bot.cli.common import actor, friendly_errors, session_for_command
from bot.deps import Deps
from bot.services import appointments
from bot.services.people import get_person, upsert_person
from bot.slack.gateway import SlackError

USER = re.compile(r"^<?@?([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>?$")


@contextmanager
def _session() -> Iterator[tuple[Deps, Session]]:
    """The command's session; a refused role change is reported as the one reason, nothing saved."""
    try:
        with session_for_command() as (deps, session):
            yield deps, session
    except appointments.RoleChangeError as exc:
        raise click.ClickException(str(exc)) from exc


def _user_id(value: str) -> str:
    match = USER.match(value.strip())
    if not match:
        raise click.BadParameter(f"{value!r} is not a Slack user id such as U0123ABCD")
    return match.group(1)


def _fetch_if_unknown(deps: Deps, session: Session, user_id: str) -> None:
    """Look a person up in Slack when Coach has not synced them yet (needs SLACK_BOT_TOKEN)."""
    if get_person(session, user_id) is not None or deps.settings.slack_bot_token is None:
        return
    try:
        upsert_person(session, deps.slack.user_info(user_id))
    except SlackError as exc:
        raise click.ClickException(f"Slack could not find {user_id}: {exc.code}") from exc


def _role(sponsor: bool) -> str:
    return "sponsor" if sponsor else "ambassador"


@click.group("ambassadors")
def ambassadors() -> None:
    """Department ambassadors and executive sponsors."""


@ambassadors.command("list")
@click.option("--sponsor", is_flag=True, help="list sponsors only")
@friendly_errors
def list_command(sponsor: bool) -> None:
    """Everyone holding an ambassador or sponsor role."""
    with _session() as (_, session):
        rows = appointments.list_roles(session, role="sponsor" if sponsor else None)
    if not rows:
        click.echo("No ambassadors or sponsors yet: `coach ambassadors add USER DEPARTMENT`.")
    for row in rows:
        where = row.department or "(whole company)"
        flag = "  [deactivated]" if row.deactivated else ""
        click.echo(f"{row.role:<11} {where:<30} {row.user_id:<12} {row.name}{flag}")


@ambassadors.command("add")
@click.argument("user")
@click.argument("department", required=False, nargs=-1)
@click.option("--sponsor", is_flag=True, help="appoint an executive sponsor (department optional)")
@friendly_errors
def add_command(user: str, department: tuple[str, ...], sponsor: bool) -> None:
    """Appoint USER (a Slack id) as ambassador of DEPARTMENT, or as sponsor with --sponsor."""
    user_id, dept = _user_id(user), " ".join(department) or None
    with _session() as (deps, session):
        _fetch_if_unknown(deps, session, user_id)
        added = appointments.appoint(
            session, actor=actor(), user_id=user_id, role=_role(sponsor), department=dept, now=deps.clock.now()
        )
        known = dept is None or appointments.department_known(session, dept)
    click.echo(f"{user_id} is {'now' if added else 'already'} {_role(sponsor)}" + (f" of {dept}" if dept else ""))
    if not known:
        click.echo(f"note: nobody is in department {dept!r} yet; check the spelling", err=True)


@ambassadors.command("remove")
@click.argument("user")
@click.argument("department", required=False, nargs=-1)
@click.option("--sponsor", is_flag=True, help="remove a sponsor role")
@friendly_errors
def remove_command(user: str, department: tuple[str, ...], sponsor: bool) -> None:
    """Take the ambassador role for DEPARTMENT (or, with --sponsor, the sponsor role) from USER."""
    user_id, dept = _user_id(user), " ".join(department) or None
    with _session() as (deps, session):
        removed = appointments.remove(
            session, actor=actor(), user_id=user_id, role=_role(sponsor), department=dept, now=deps.clock.now()
        )
    click.echo(
        f"{user_id} {'is no longer' if removed else 'was not'} {_role(sponsor)}" + (f" of {dept}" if dept else "")
    )
