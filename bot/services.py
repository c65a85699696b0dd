"""What every listener and job needs, built once in app.py and handed to Bolt's context."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.outbox import OutboxSender
from bot.scoring import ScoringWorker
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    client: WebClient
    clock: Clock
    directory: Directory
    team_id: str
    scoring: ScoringWorker
    outbox: OutboxSender
    # Slack calls made after an ack (views.open, confirmation DMs) without holding the request.
    background: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=8, thread_name_prefix="after-ack")
    )

    def __deepcopy__(self, memo: dict[int, object]) -> Services:
        # Bolt deep-copies the context for lazy listeners; services are shared, never copied.
        return self


def build_services(
    *, settings: Settings, db: Database, client: WebClient, clock: Clock, team_id: str
) -> Services:
    """The one way services are put together, by app.py and by the in-process test rig."""
    from bot.slack_app import build_client

    return Services(
        settings=settings,
        db=db,
        client=client,
        clock=clock,
        directory=Directory(client=client, db=db, clock=clock),
        team_id=team_id,
        scoring=ScoringWorker(db=db),
        outbox=OutboxSender(
            db=db,
            # Its own client: the sender paces itself and handles 429 for the whole fan-out.
            client=build_client(settings, rate_limit_retries=0),
            clock=clock,
            rate=settings.changepulse_send_rate,
            lease_seconds=settings.changepulse_lease_seconds,
            poll_seconds=min(5.0, settings.changepulse_tick_seconds),
        ),
    )
