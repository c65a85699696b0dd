"""In-process Change Pulse for check-in tests: real storage, real Slack client against the
fake Slack, and a clock the test moves by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from bot import audience
from bot.config import Settings
from bot.services import Services, build_services
from bot.slack_app import build_client
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.slackrig import BOT_TOKEN, SIGNING_SECRET, TEAM_ID


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def in_process(
    *,
    database_url: str,
    slack: FakeSlack,
    clock: FakeClock,
    rate: float = 100.0,
) -> Iterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
        database_url=database_url,
        changepulse_send_rate=rate,
    )
    db = Database(settings.database_url)
    db.migrate()
    client = build_client(settings)
    services = build_services(settings=settings, db=db, client=client, clock=clock, team_id=TEAM_ID)
    try:
        yield services
    finally:
        services.scoring.shutdown()
        services.background.shutdown(wait=True)
        db.dispose()


def workspace(slack: FakeSlack, services: Services, people: dict[str, str]) -> None:
    """Put `people` (user id → timezone) in a channel that is the check-in audience."""
    for user_id, tz in people.items():
        slack.add_user(user_id, tz=tz)
    slack.add_channel("C0ROLLOUT", members=list(people))
    audience.add(services, channels=["C0ROLLOUT"], users=[])


def delivered(slack: FakeSlack, *, reminders: bool = False) -> dict[str, int]:
    """Successful check-in DMs (or reminders) per recipient."""
    counts: dict[str, int] = {}
    for call in slack.calls_to("chat.postMessage", ok_only=True):
        if str(call.params.get("text", "")).startswith("Reminder:") != reminders:
            continue
        channel = str(call.params["channel"])
        counts[channel] = counts.get(channel, 0) + 1
    return counts
