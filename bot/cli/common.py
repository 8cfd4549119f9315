"""The one way every `coach` sub-command gets settings, dependencies and a session, and fails in one line."""

from __future__ import annotations

import getpass
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.deps import Deps
from bot.playbook import PlaybookInvalid
from bot.reachability import unreachable_reason
from bot.settings import Settings, SettingsError, get_settings
from bot.slack.gateway import SlackError


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A bad setting or an unreachable Slack ends the command with one clear line, not a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SettingsError as exc:
            click.echo(f"coach: {exc}", err=True)
            sys.exit(2)
        except PlaybookInvalid as exc:
            click.echo("coach: the playbook has errors, so Coach will not start:", err=True)
            for error in exc.errors:
                click.echo(f"  {error}", err=True)
            sys.exit(2)
        except SlackError as exc:
            click.echo(
                f"coach: Slack refused {exc.method}: {exc.code}. Run `coach doctor` for what to fix.",
                err=True,
            )
            sys.exit(3)
        except OSError as exc:  # urllib's URLError, timeouts, refused connections: the network, not a token
            offline = unreachable_reason(exc)
            if offline is None:
                raise
            click.echo(f"coach: cannot reach Slack: {offline}. Check the network or proxy, then try again.", err=True)
            sys.exit(3)

    return wrapper


def settings_for_command(*required: str) -> Settings:
    """Settings with the variables this command needs, and logging configured from them."""
    settings = get_settings()
    settings.require(*required)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A tick every second would fill the log; job failures are still logged at ERROR by nudges.scheduler.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    return settings


def deps_for_command(*required: str) -> Deps:
    """Dependencies as the app builds them: `bot.runtime.prepare` decides whether the database is migrated."""
    from bot.runtime import prepare  # the app's start-up; imported late so `coach --help` stays quick

    return prepare(settings_for_command(*required))


@contextmanager
def session_for_command(*required: str) -> Iterator[tuple[Deps, Session]]:
    """One transaction for the whole command (committed if it returns, rolled back if it raises)."""
    deps = deps_for_command(*required)
    try:
        with session_scope(deps.session_factory) as session:
            yield deps, session
    finally:
        deps.engine.dispose()


def actor() -> str:
    """Who the audit log records for a change made from this shell."""
    try:
        return f"cli:{getpass.getuser()}"[:32]
    except (OSError, KeyError):
        return "cli"
