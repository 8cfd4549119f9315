"""`coach doctor`: checks the installation and says what to fix, in plain words."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from slack_sdk import WebClient
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.cli.common import friendly_errors, settings_for_command
from bot.db import make_engine, make_session_factory, session_scope
from bot.manifest import bot_scopes, load_manifest
from bot.playbook import Playbook, check_playbook, default_playbook_path, load_playbook
from bot.reachability import unreachable_reason
from bot.services import setup
from bot.services.people import department_rule, resolve_field_ids
from bot.settings import Settings
from bot.slack.gateway import SlackError, SlackGateway, make_web_client
from bot.views.home import EmployeeHomeState, employee_home
from models import SetupState


@click.command(help="Check tokens, scopes and the Home tab, and print what to fix.")
@friendly_errors
def doctor() -> None:
    settings = settings_for_command()
    gateway = SlackGateway(make_web_client(settings.bot_token, settings.slack_api_url, retries=1))
    playbook_path = settings.coach_playbook or default_playbook_path()
    errors = check_playbook(playbook_path)
    for error in errors:
        click.echo(click.style("FIX ", fg="red") + f" playbook: {error}")
    with stored_setup(settings) as session:
        checks = run_checks(settings, gateway, None if errors else load_playbook(playbook_path), session)
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FIX ", fg="red")
        if check.warning:
            mark = click.style("warn", fg="yellow")
        click.echo(f"{mark} {check.name}: {check.detail}")
        if (not check.ok or check.warning) and check.fix:
            click.echo(f"     → {check.fix}")
    sys.exit(0 if all(c.ok for c in checks) and not errors else 1)


@contextmanager
def stored_setup(settings: Settings) -> Iterator[Session | None]:
    """A session on Coach's database for what the Home tab stored, or None when there is none yet (a
    SQLite file not created, a database never migrated) or it cannot be read: doctor checks Slack anyway."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        yield None
        return
    engine = make_engine(settings.database_url)
    try:
        try:
            migrated = inspect(engine).has_table(SetupState.__tablename__)
        except (OperationalError, OSError) as exc:
            click.echo(click.style("warn", fg="yellow") + f" database: cannot read the stored setup ({exc})"[:300])
            migrated = False
        if not migrated:
            yield None
            return
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # fine to run with, but a feature is off: printed as "warn"


def run_checks(
    settings: Settings, gateway: SlackGateway, playbook: Playbook | None = None, session: Session | None = None
) -> list[Check]:
    """Token, scopes (required and optional), Home tab, Socket Mode token, the playbook's channels and the
    people the stored setup, playbook and settings name, each as one check."""
    checks: list[Check] = []
    if not settings.bot_token:
        return [Check("bot token", False, "SLACK_BOT_TOKEN is not set", "copy the Bot User OAuth Token into .env")]
    try:
        resp = gateway.client.auth_test()
    except Exception as exc:
        offline = unreachable_reason(exc)
        if offline is not None:
            return [
                Check(
                    "slack",
                    False,
                    f"cannot reach Slack at {gateway.client.base_url}: {offline} (the token was not checked)",
                    "check the network, proxy (HTTPS_PROXY) or SLACK_API_URL, then run coach doctor again",
                )
            ]
        code = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error") or type(exc).__name__
        return [
            Check(
                "bot token",
                False,
                f"auth.test failed: {code}",
                "reinstall the app and copy the new xoxb- token",
            )
        ]
    checks.append(
        Check("bot token", True, f"bot {resp.get('user_id')} in team {resp.get('team')} ({resp.get('team_id')})")
    )
    granted = resp.headers.get("x-oauth-scopes") or resp.headers.get("X-OAuth-Scopes")
    checks.append(_scopes_check(granted))
    checks += _optional_scope_checks(granted)
    checks.append(_home_tab_check(settings, gateway))
    checks.append(_app_token_check(settings, gateway))
    checks.append(_analytics_check(settings, gateway))
    checks.append(privacy_key_check(settings))
    if playbook is not None:
        checks.append(_channels_check(playbook, gateway))
        checks.append(_people_check(named_people(playbook, settings, session), gateway))
        checks.append(_profile_fields_check(playbook, gateway))
    checks.append(_sync_check(session, settings))
    return checks


def privacy_key_check(settings: Settings) -> Check:
    """A warning while COACH_PRIVACY_KEY is unset: the "do not track" hashes then use a key everyone has."""
    if settings.privacy_key_secret is not None:
        return Check("privacy key", True, "COACH_PRIVACY_KEY is set")
    return Check(
        "privacy key",
        True,
        'COACH_PRIVACY_KEY is unset: "do not track" markers are hashed with a fixed app key, so anyone with the '
        "database and the member list can tell who opted out",
        "set COACH_PRIVACY_KEY in .env to a long random secret (e.g. `openssl rand -hex 32`) and keep it stable",
        warning=True,
    )


def _profile_fields_check(playbook: Playbook, gateway: SlackGateway) -> Check:
    """The custom profile fields the playbook names (departments, locations) exist in the workspace."""
    refs = department_rule(playbook).custom_refs()
    if not refs:
        return Check("profile fields", True, "the playbook names no custom profile field")
    try:
        ids, missing = resolve_field_ids(refs, gateway.team_profile_fields(fresh=True))
    except SlackError as exc:
        return Check("profile fields", False, setup.describe_problem(f"profile_error:{exc.code}"))
    if missing:
        return Check(
            "profile fields",
            False,
            "; ".join(setup.describe_problem(f"missing_field:{name}") for name in missing),
            "name a field that exists (by label or id) under departments.field or locations in the playbook",
        )
    return Check("profile fields", True, ", ".join(f"{ref} is {field_id}" for ref, field_id in ids.items()))


def _sync_check(session: Session | None, settings: Settings) -> Check:
    """When people were last synced and what it changed; a sync that stopped half-way; what it could not do."""
    fix = "press Sync people in the Home tab's setup checklist, or run coach sync-people"
    status = setup.sync_status(session) if session is not None else None
    if status is None or status.synced_at is None:
        never = "people were never synced from Slack (the scheduled sync runs within an hour of Coach starting)"
        return Check("people sync", True, never, fix, warning=True)
    changes = f"{status.added} added, {status.updated} updated, {status.deactivated} deactivated"
    detail = f"last sync {status.synced_at:%Y-%m-%d %H:%M} UTC"
    if status.started_at is None:
        detail += f": {changes}; next within {settings.people_sync_hours:g} hours"
    if status.problems:
        problems = "; ".join(setup.describe_problem(code) for code in status.problems)
        return Check("people sync", False, f"{detail}; {problems}", "fix the playbook or scope, then " + fix)
    if status.started_at is not None:
        return Check(
            "people sync",
            True,
            f"{detail}; a sync started {status.started_at:%Y-%m-%d %H:%M} UTC has not finished ({changes} so far)",
            "it resumes where it stopped at the next scheduled sync (hourly check), or " + fix,
            warning=True,
        )
    return Check("people sync", True, detail)


def named_people(playbook: Playbook, settings: Settings | None, session: Session | None = None) -> dict[str, list[str]]:
    """Every Slack user id the stored setup, the playbook and settings name → where (bot.services.setup)."""
    return setup.named_people(session, playbook, settings)


def _people_check(named: dict[str, list[str]], gateway: SlackGateway) -> Check:
    """Each named person exists, is active, is a person (users.info); the bundled placeholders are named as such."""
    problems: list[str] = []
    for user, where in sorted(named.items()):
        places = ", ".join(where)
        problem = setup.person_problem(user, None) if user in setup.bundled_placeholders() else None
        if problem is None:
            try:
                problem = setup.person_problem(user, gateway.user_info(user))
            except SlackError as exc:
                problem = setup.person_problem(user, None, exc.code)
                if problem == "unreachable":
                    problems.append(f"{user} ({places}) users.info: {exc.code}")
                    continue
        if problem:
            problems.append(f"{user} ({places}) {setup.PROBLEMS[problem]}")
    if problems:
        return Check(
            "people",
            False,
            "; ".join(problems),
            "pick real, active people in the Home tab's setup checklist, or put their Slack ids in the playbook "
            "(profile → ⋮ → Copy member ID) or COACH_ADMINS",
        )
    return Check("people", True, f"all {len(named)} people the setup, playbook and settings name are active members")


def _channels_check(playbook: Playbook, gateway: SlackGateway) -> Check:
    """The bot only sees events in channels it is in: every playbook channel (or pattern) needs one."""
    try:
        joined = {c.get("name", "") for c in gateway.iter_channels() if c.get("is_member")}
    except SlackError as exc:
        return Check("channels", False, f"conversations.list failed: {exc.code}", "grant channels:read")
    missing = setup.missing_channels(playbook, joined)
    if missing:
        return Check(
            "channels",
            False,
            f"Coach is not in {', '.join(missing)}",
            "invite @Coach: /invite @Coach in each channel (for #proj-* style patterns, in each matching channel)",
        )
    return Check("channels", True, f"Coach is in all {len(playbook.channels)} playbook channels")


def _scopes_check(granted_header: str | None) -> Check:
    granted = setup.parse_scopes(granted_header)
    if granted is None:
        return Check("scopes", False, "Slack did not report granted scopes", "reinstall the app from app.manifest.yaml")
    manifest = bot_scopes(load_manifest())
    missing = setup.missing_required_scopes(granted, manifest)
    if missing:
        return Check(
            "scopes",
            False,
            f"missing: {', '.join(missing)}",
            "add them under OAuth & Permissions (or recreate from app.manifest.yaml) and reinstall",
        )
    needed = len(set(manifest) - setup.optional_scope_names())
    return Check("scopes", True, f"all {needed} scopes Coach needs are granted")


def _optional_scope_checks(granted_header: str | None) -> list[Check]:
    """One line per optional scope (bot.services.setup.OPTIONAL_SCOPES): granted, or which feature is off."""
    granted = setup.parse_scopes(granted_header) or set()
    return [
        Check(f"scope {o.scope}", True, f"granted: {o.feature}")
        if o.scope in granted
        else Check(
            f"scope {o.scope}",
            True,
            f"not granted: no {o.feature}",
            f"to turn it on, add {o.scope} under OAuth & Permissions and reinstall",
            warning=True,
        )
        for o in setup.OPTIONAL_SCOPES
    ]


def _home_tab_check(settings: Settings, gateway: SlackGateway) -> Check:
    if not settings.coach_admins:
        return Check("home tab", False, "cannot check: no COACH_ADMINS set", "set COACH_ADMINS=U… (your user id)")
    admin = settings.coach_admins[0]
    view = employee_home(EmployeeHomeState(locale="en", name=admin, stage_number=0, stage_total=0, stage_title=""))
    try:
        gateway.publish_home(admin, view)
    except SlackError as exc:
        if exc.code == "not_enabled":
            return Check("home tab", False, "the Home tab is off", "App Home → Show Tabs → enable Home Tab")
        return Check("home tab", False, f"views.publish failed: {exc.code}", "see the error above")
    return Check("home tab", True, f"published a Home tab for {admin}")


def _app_token_check(settings: Settings, gateway: SlackGateway) -> Check:
    if not settings.app_token:
        return Check("socket mode", True, "no SLACK_APP_TOKEN: fine for HTTP mode (coach serve)")
    client = WebClient(base_url=gateway.client.base_url)
    try:
        client.apps_connections_open(app_token=settings.app_token)
    except Exception as exc:
        offline = unreachable_reason(exc)
        if offline is not None:
            return Check("socket mode", False, f"cannot reach Slack: {offline}", "check the network, then try again")
        return Check(
            "socket mode",
            False,
            "the app-level token was refused",
            "Basic Information → App-Level Tokens: create one with connections:write",
        )
    return Check("socket mode", True, "app-level token can open Socket Mode connections")


ANALYTICS_SCOPE = "admin.analytics:read"


def _analytics_check(settings: Settings, gateway: SlackGateway) -> Check:
    """Whether `coach analytics fetch` can work: a user token (SLACK_USER_TOKEN) holding admin.analytics:read."""
    if not settings.user_token:
        return Check(
            "analytics",
            True,
            "SLACK_USER_TOKEN is not set: `coach analytics fetch` is off (Enterprise organisations: a user token "
            f"with {ANALYTICS_SCOPE}); `coach analytics import FILE` works without it",
        )
    try:
        resp = gateway.client.auth_test(token=settings.user_token)
    except Exception as exc:
        code = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error") or type(exc).__name__
        return Check("analytics", False, f"the user token was refused: {code}", "copy a valid xoxp- token into .env")
    granted = {s.strip() for s in str(resp.headers.get("x-oauth-scopes") or "").split(",") if s.strip()}
    if ANALYTICS_SCOPE not in granted:
        return Check(
            "analytics",
            False,
            f"the user token lacks {ANALYTICS_SCOPE}: `coach analytics fetch` cannot work",
            f"add the user scope {ANALYTICS_SCOPE} (an Org admin installs the app at the organisation) and reinstall",
        )
    return Check("analytics", True, f"available: the user token has {ANALYTICS_SCOPE} (`coach analytics fetch`)")
