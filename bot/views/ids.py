"""Every action_id, callback_id and block_id the app uses; handlers register against these."""

from __future__ import annotations

from enum import StrEnum


class HomeAction(StrEnum):
    DID_IT = "home.did_it"
    NEED_HELP = "home.need_help"
    SNOOZE = "home.snooze"
    WHAT_YOU_KNOW = "home.what_you_know"
    DELETE_MY_DATA = "home.delete_my_data"
