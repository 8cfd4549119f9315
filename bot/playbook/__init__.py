"""The playbook: stages of use cases, help routing, cadence, templates and wave phases, as validated YAML."""

from bot.playbook.loader import (
    PlaybookError,
    PlaybookInvalid,
    check_playbook,
    default_playbook_path,
    load_playbook,
)
from bot.playbook.schema import Playbook, UseCase

__all__ = [
    "Playbook",
    "PlaybookError",
    "PlaybookInvalid",
    "UseCase",
    "check_playbook",
    "default_playbook_path",
    "load_playbook",
]
