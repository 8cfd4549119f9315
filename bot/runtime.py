"""Starting the app in either mode, with the database ready first."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import CoachApp, build_app
from bot.db import schema_behind, upgrade_to_head
from bot.deps import Deps, build_deps
from bot.reachability import wait_for_database
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> Deps:
    """Build dependencies; an embedded SQLite database is migrated to head on every start."""
    _check_sqlite_directory(settings.database_url)
    wait_for_database(settings.database_url, say=log.warning)  # PostgreSQL may still be starting
    if settings.database_url.startswith("sqlite"):
        # Replicas on PostgreSQL migrate once, explicitly (`coach migrate`), never racing at start-up.
        upgrade_to_head(settings.database_url)
    deps = build_deps(settings)
    try:
        with deps.engine.connect() as conn:
            behind = schema_behind(conn, settings.database_url)
    except OperationalError as exc:
        deps.engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise SettingsError(f"cannot use the database in DATABASE_URL: {reason}") from None
    if behind:
        deps.engine.dispose()
        raise SettingsError(f"{behind}; run `coach migrate` first, then start Coach again")
    return deps


def _check_sqlite_directory(database_url: str) -> None:
    """A SQLite file in a missing directory is a one-line settings error, not an OperationalError traceback."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).expanduser().resolve().parent
    if not folder.is_dir():
        raise SettingsError(f"DATABASE_URL points into {folder}, which does not exist; create it or fix the path")


def start_scheduler(deps: Deps) -> BackgroundScheduler:
    """Start the ticks in background threads; `stop_scheduler` lets a running job finish its rows."""
    from nudges.scheduler import build_scheduler

    scheduler = build_scheduler(deps)
    scheduler.start()
    return scheduler


def stop_scheduler(scheduler: BackgroundScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=True)


def stop_on_sigterm() -> None:
    """A container stop (SIGTERM) unwinds like Ctrl-C, so acked events and claimed nudges are finished first."""

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def wait_for_signal() -> None:
    """Block until SIGINT/SIGTERM (a worker process with nothing else to do)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


class CoachSocketModeHandler(SocketModeHandler):
    app: CoachApp


def socket_mode_handler(deps: Deps) -> CoachSocketModeHandler:
    """Socket Mode over the gateway's WebClient, so apps.connections.open honours SLACK_API_URL."""
    app = build_app(deps, socket_mode=True)
    return CoachSocketModeHandler(app, app_token=deps.settings.app_token)
