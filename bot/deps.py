"""What every handler, service and job needs, built once at start-up (never at import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.db import make_engine, make_session_factory
from bot.playbook import Playbook, default_playbook_path, load_playbook
from bot.settings import Settings
from bot.slack.gateway import SlackGateway, make_web_client


class ChannelNames:
    """An in-process id → name cache, owned by the app's `Deps` (each app, and each test, has its own)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._lock = Lock()

    def get(self, channel_id: str) -> str | None:
        with self._lock:
            return self._names.get(channel_id)

    def put(self, channel_id: str, name: str) -> None:
        with self._lock:
            self._names[channel_id] = name


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    slack: SlackGateway
    clock: Clock
    playbook: Playbook
    channel_names: ChannelNames = field(default_factory=ChannelNames)  # this app's channel id → name cache


def build_deps(settings: Settings, *, clock: Clock | None = None, playbook: Playbook | None = None) -> Deps:
    """Wire engine, sessions, the Slack gateway, the clock and the playbook from settings.

    An invalid playbook raises `PlaybookInvalid` here, so the app never starts with one.
    """
    playbook = playbook or load_playbook(settings.coach_playbook or default_playbook_path())
    engine = make_engine(settings.database_url)
    client = make_web_client(settings.bot_token, settings.slack_api_url)
    return Deps(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        slack=SlackGateway(client, profile_rate=settings.slack_profile_rate),
        clock=clock or SystemClock(),
        playbook=playbook,
    )
