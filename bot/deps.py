"""What every handler, service and job needs, built once at start-up (never at import)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.db import make_engine, make_session_factory
from bot.playbook import Playbook, default_playbook_path, load_playbook
from bot.services.channels import ChannelNames
from bot.settings import Settings
from bot.slack.gateway import SlackGateway, make_web_client


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
        slack=SlackGateway(client),
        clock=clock or SystemClock(),
        playbook=playbook,
    )
