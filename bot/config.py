"""One settings object, read from the environment and an optional `.env`.

Anything missing or malformed stops start-up with one line naming the variable, because a
half-configured bot that fails on the first request is worse than one that never starts.
"""

from __future__ import annotations

import re
from typing import Annotated, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

HINTS = {
    "SLACK_BOT_TOKEN": "set it to the bot token from OAuth & Permissions (starts with xoxb-)",
    "SLACK_SIGNING_SECRET": "set it to the signing secret from Basic Information",
    "SLACK_APP_TOKEN": "set it to an app-level token with connections:write (starts with xapp-) "
    "or leave it unset for HTTP mode",
    "DATABASE_URL": "use sqlite:///path.db or postgresql+psycopg://user:pass@host/db",
    "SLACK_API_URL": "use an http(s) URL such as https://slack.com/api/",
    "PORT": "use a whole number from 1 to 65535",
    "CHANGEPULSE_ADMINS": "use comma-separated Slack user ids such as U012ABC,U034DEF",
    "LOG_LEVEL": "use DEBUG, INFO, WARNING or ERROR",
    "CHANGEPULSE_SEND_RATE": "use messages per second, a number above 0 and at most 100 "
    "(Slack's guidance for chat.postMessage is about 1)",
    "CHANGEPULSE_TICK_SECONDS": "use seconds between schedule checks, from 0.2 to 3600",
    "CHANGEPULSE_LEASE_SECONDS": "use seconds a sender's lease lasts, from 1 to 600",
    "CHANGEPULSE_TEST_CLOCK_FILE": "it is for the test suite only; unset it, or set "
    "CHANGEPULSE_TESTING=1 in a test environment",
}


class DatabaseSettings(BaseSettings):
    """Just where the database is: all that `python -m storage.migrate` needs."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///changepulse.db"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql")):
            raise ValueError("unsupported database")
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


class Settings(DatabaseSettings):
    """Process settings. Team settings (system name, schedule…) live in the database."""

    slack_bot_token: str
    slack_signing_secret: str = Field(min_length=8)
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    changepulse_admins: Annotated[tuple[str, ...], NoDecode] = ()
    log_level: str = "INFO"
    # Pacing of outgoing DMs; bursts of up to one second's worth (at least 1) are allowed.
    changepulse_send_rate: float = Field(default=1.0, gt=0, le=100)
    # How often the schedule is checked: cycles opened and closed, reminders queued.
    changepulse_tick_seconds: float = Field(default=60.0, ge=0.2, le=3600)
    # A sender that dies holds the send lease this long at most before another takes over.
    changepulse_lease_seconds: float = Field(default=30.0, ge=1, le=600)
    # Test seam: a file holding seconds to add to the real clock, so end-to-end tests can
    # jump to Tuesday morning in Auckland. Refused unless CHANGEPULSE_TESTING is set.
    changepulse_testing: bool = False
    changepulse_test_clock_file: str | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str) -> str:
        if not value.startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("changepulse_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            ids = tuple(part.strip() for part in value.split(",") if part.strip())
        elif isinstance(value, list | tuple):
            ids = tuple(str(part) for part in value)
        else:
            raise ValueError("not a list")
        for user_id in ids:
            if not USER_ID.match(user_id):
                raise ValueError(f"{user_id!r} is not a Slack user id")
        return ids

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("unknown level")
        return level

    @model_validator(mode="after")
    def _test_clock_only_in_tests(self) -> Settings:
        if self.changepulse_test_clock_file and not self.changepulse_testing:
            raise PydanticCustomError(
                "test_only", "CHANGEPULSE_TEST_CLOCK_FILE is set outside tests", {}
            )
        return self


S = TypeVar("S", bound=DatabaseSettings)


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


def load_settings() -> Settings:
    return _load(Settings)


def load_database_settings() -> DatabaseSettings:
    return _load(DatabaseSettings)


def _load(kind: type[S]) -> S:
    try:
        return kind()
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "test_only":
            name = "CHANGEPULSE_TEST_CLOCK_FILE"
        else:
            name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        problem = "is missing" if first["type"] == "missing" else f"is invalid ({first['msg']})"
        hint = HINTS.get(name, "check its value")
        raise SettingsError(f"Change Pulse cannot start: {name} {problem}; {hint}.") from None
