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
