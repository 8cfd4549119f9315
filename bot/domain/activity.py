# What Coach can observe about a person, normalised away from Slack's payload shapes.
#
# The handler layer turns each Slack event into at most a few `Activity` values; everything
# downstream (progression, daily counters) works on these and never sees Slack types.
#
# Observable events are exactly the bot events the app subscribes to (see the manifest) that
# describe something a person did, plus events the handler layer derives:
#
#   message               a message in a channel the bot is in (message.channels / message.groups),
#                         or a DM to the bot itself (message.im). Coach never sees anyone else's DMs.
#   reaction_added        an emoji reaction on a message in a channel the bot is in
#   member_joined_channel the person joined a channel the bot is in
#   file_shared           the person shared a file in a channel the bot is in
#   app_mention           the person mentioned Coach in a channel
#   app_home_opened       the person opened Coach (its Home or Messages tab)
#   app_used      derived: the person interacted with another app or a workflow. The handler emits it
#                 when (a) a message is posted on the person's behalf by an app (the event has both the
#                 person's `user` and a `bot_id`/`app_id`; `from_app` is true), (b) the person's message
#                 mentions another app's bot user, or (c) an app or workflow replies in a thread the person
#                 started. A bot message that merely names the person is NOT counted: it proves nothing
#                 about what the person did.
#   help_requested derived: the person opened Coach's help (the "I need help" button, `/coach help`, or
#                  asking Coach in DM) and so saw who answers which kind of question.
#
# `reaction_removed`, `member_left_channel` and friends are not subscribed: criteria cannot use them.

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

SUBSCRIBED_EVENTS: Final = frozenset(
    {
        "message",
        "reaction_added",
        "member_joined_channel",
        "file_shared",
        "app_mention",
        "app_home_opened",
    }
)
DERIVED_EVENTS: Final = frozenset({"app_used", "help_requested"})
OBSERVABLE_EVENTS: Final = SUBSCRIBED_EVENTS | DERIVED_EVENTS

ChannelType = Literal["channel", "group", "im", "mpim"]
CHANNEL_TYPES: Final = frozenset({"channel", "group", "im", "mpim"})

# Channel types a playbook criterion may ask for: the bot only sees its *own* DMs, so "im"/"mpim"
# would say something about people's private conversations that Coach can never observe.
CRITERIA_CHANNEL_TYPES: Final = frozenset({"channel", "group"})

# Which criterion filters make sense for which event (anything else is a playbook error).
_CHANNEL_FILTERS: Final = frozenset({"channel", "channel_type"})
EVENT_FILTERS: Final[dict[str, frozenset[str]]] = {
    "message": _CHANNEL_FILTERS | {"thread_reply", "mentions_user", "from_app"},
    "reaction_added": _CHANNEL_FILTERS,
    "member_joined_channel": _CHANNEL_FILTERS,
    "file_shared": _CHANNEL_FILTERS,
    "app_mention": _CHANNEL_FILTERS | {"thread_reply"},
    "app_home_opened": frozenset(),
    "app_used": _CHANNEL_FILTERS,
    "help_requested": frozenset(),
}

Counter = Literal["messages", "replies", "reactions", "files", "apps", "bot_dms"]
COUNTERS: Final = ("messages", "replies", "reactions", "files", "apps", "bot_dms")


@dataclass(frozen=True, slots=True)
class Activity:
    """One thing a person did, as seen by Coach; `event_id` is the dedupe key across Slack retries."""

    event: str
    user_id: str
    event_id: str
    occurred_at: datetime
    channel_id: str | None = None
    channel_name: str | None = None
    channel_type: ChannelType | None = None
    thread_reply: bool = False
    mentions_user: bool = False
    from_app: bool = False

    def __post_init__(self) -> None:
        if self.event not in OBSERVABLE_EVENTS:
            raise ValueError(f"Coach does not observe event {self.event!r}")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        if self.channel_type is not None and self.channel_type not in CHANNEL_TYPES:
            raise ValueError(f"unknown channel_type {self.channel_type!r}")
        if not self.user_id or not self.event_id:
            raise ValueError("user_id and event_id are required")


def classify_counter(activity: Activity) -> Counter | None:
    """Name the daily counter this activity bumps, so metrics never need message text."""
    match activity.event:
        case "message":
            if activity.channel_type == "im":
                return "bot_dms"
            return "replies" if activity.thread_reply else "messages"
        case "reaction_added":
            return "reactions"
        case "file_shared":
            return "files"
        case "app_used":
            return "apps"
        case _:
            # app_mention also arrives as a `message` event, so counting it would double count;
            # joins, Home visits and help requests are not usage volume.
            return None
