"""Settings from the environment and `.env`.

Precedence (pydantic-settings): real environment variables win over `.env`, which wins over defaults.
Secrets are optional at load time because each mode needs a different set: Socket Mode needs the app
token, HTTP mode the signing secret. `require()` checks the ones a mode needs, so a missing variable is
reported as one clear line naming it instead of a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, cast

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SLACK_API_DEFAULT = "https://slack.com/api/"
DEFAULT_PRIVACY_KEY = b"adoption-coach/do-not-track/v1"
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and what to do."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    # A user token (xoxp-) with admin.analytics:read, only for `coach analytics fetch` (Enterprise organisations)
    slack_user_token: SecretStr | None = Field(default=None, alias="SLACK_USER_TOKEN")
    slack_api_url: str = Field(default=SLACK_API_DEFAULT, alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///coach.db", alias="DATABASE_URL")
    coach_playbook: Path | None = Field(default=None, alias="COACH_PLAYBOOK")
    coach_admins: Annotated[tuple[str, ...], NoDecode] = Field(default=(), alias="COACH_ADMINS")
    slash_command: str = Field(default="/coach", alias="COACH_SLASH_COMMAND")
    log_level: str = Field(default="INFO", alias="COACH_LOG_LEVEL")
    # chat.postMessage calls per second for all replicas together (shared in PostgreSQL); unset: only Slack's 429s pace
    slack_post_rate: float | None = Field(default=None, alias="COACH_SLACK_POST_RATE", gt=0)
    # users.profile.get calls per minute during a people sync (custom profile fields: departments, country,
    # office). Slack's Tier 4 allows 100+ per minute (bot/simslack/data/web-api/rate-limits.selected.DERIVED.json);
    # the default stays under it so the sync never meets a 429.
    slack_profile_rate: float = Field(default=80.0, alias="COACH_SLACK_PROFILE_RATE", gt=0)
    # Hours between scheduled incremental people syncs (users.list walk; profiles re-read only when changed)
    people_sync_hours: float = Field(default=24.0, alias="COACH_PEOPLE_SYNC_HOURS", gt=0)
    # Key of the "do not track" hashes (docs/privacy.md); unset: a fixed app key (see `privacy_key`)
    privacy_key_secret: SecretStr | None = Field(default=None, alias="COACH_PRIVACY_KEY")
    # Days after a help request closes (or a comment is given) that its free text is kept
    text_retention_days: int = Field(default=90, alias="COACH_TEXT_RETENTION_DAYS", ge=1)

    @field_validator(
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_user_token",
        "coach_playbook",
        "privacy_key_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        # `.env.example` leaves values empty; an empty value means "not set", not "set to nothing".
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb- (OAuth & Permissions page)")
        return v

    @field_validator("slack_user_token")
    @classmethod
    def _user_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxp-"):
            raise ValueError("must be a user token starting with xoxp- (OAuth & Permissions, User OAuth Token)")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp- (Basic Information page)")
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk joins method names with urljoin: without the slash the last path segment is lost.
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, v: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(v)
        except ArgumentError as exc:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///coach.db") from exc
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("only sqlite:// and postgresql:// databases are supported")
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return v

    @field_validator("coach_playbook")
    @classmethod
    def _playbook_exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"file {v} does not exist")
        return v

    @field_validator("coach_admins", mode="before")
    @classmethod
    def _split_admins(cls, v: object) -> tuple[str, ...]:
        items = (
            [s.strip() for s in v.replace(";", ",").split(",")]
            if isinstance(v, str)
            else [str(s) for s in cast(Iterable[object], v or ())]
        )
        ids = tuple(s for s in items if s)
        bad = [s for s in ids if not USER_ID.match(s)]
        if bad:
            raise ValueError(f"{', '.join(bad)} is not a Slack user id (like U012AB3CD), comma-separated")
        return ids

    def require(self, *names: str) -> None:
        """Stop with a clear message if a variable a mode needs is not set."""
        hints = {
            "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
            "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode",
            "SLACK_SIGNING_SECRET": "the Signing Secret from Basic Information, for HTTP mode",
            "SLACK_USER_TOKEN": "a user token (xoxp-…) with admin.analytics:read (Enterprise organisations)",
        }
        for name in names:
            field = next(f for f, info in type(self).model_fields.items() if info.alias == name)
            if getattr(self, field) is None:
                raise SettingsError(f"{name} is not set: put {hints.get(name, 'a value')} in .env")

    @property
    def bot_token(self) -> str:
        return self.slack_bot_token.get_secret_value() if self.slack_bot_token else ""

    @property
    def signing_secret(self) -> str:
        return self.slack_signing_secret.get_secret_value() if self.slack_signing_secret else ""

    @property
    def user_token(self) -> str:
        return self.slack_user_token.get_secret_value() if self.slack_user_token else ""

    @property
    def app_token(self) -> str:
        return self.slack_app_token.get_secret_value() if self.slack_app_token else ""

    @property
    def privacy_key(self) -> bytes:
        """The HMAC key of "do not track" markers: COACH_PRIVACY_KEY, else a fixed app key.

        With the fixed key a marker is still one-way, but whoever holds both the database and the
        workspace's member list could hash every id and find who opted out; a secret kept outside the
        database closes that. It must stay the same: a new key forgets every marker.
        """
        if self.privacy_key_secret is not None:
            return self.privacy_key_secret.get_secret_value().encode()
        return DEFAULT_PRIVACY_KEY


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one line that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        info = Settings.model_fields.get(field)
        name = info.alias if info and info.alias else field
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} is malformed: {reason}") from None


@lru_cache
def get_settings() -> Settings:
    """Process-wide settings; tests call `get_settings.cache_clear()`."""
    return load_settings()
