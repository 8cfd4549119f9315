"""Shared by every `coach` sub-command: settings for a command, and errors as one clear line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from bot.playbook import PlaybookInvalid
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

    return wrapper


def settings_for_command(*required: str) -> Settings:
    settings = get_settings()
    settings.require(*required)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A tick every second would fill the log; job failures are still logged at ERROR by nudges.scheduler.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    return settings
