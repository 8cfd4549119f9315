"""The fake workspace's identity, matching the bot identity used in Slack's own test payloads."""

from __future__ import annotations

from dataclasses import dataclass

TEAM_ID = "T111"
TEAM_NAME = "Test Workspace"
TEAM_DOMAIN = "testworkspace"
APP_ID = "A111"
# auth.test.success_with_bot_token.json (docs) and bolt-python's mock server use this bot identity.
BOT_USER_ID = "W23456789"
BOT_ID = "BZYBOTHED"
BOT_NAME = "adoption_coach"
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-A111-fake-app-token"
SIGNING_SECRET = "fake-signing-secret"


@dataclass(frozen=True)
class Identity:
    """Who the fake Slack says the app and its workspace are."""

    team_id: str = TEAM_ID
    team_name: str = TEAM_NAME
    team_domain: str = TEAM_DOMAIN
    app_id: str = APP_ID
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    bot_name: str = BOT_NAME

    @property
    def url(self) -> str:
        """The workspace URL auth.test reports."""
        return f"https://{self.team_domain}.slack.com/"
