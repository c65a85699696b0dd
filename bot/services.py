"""What every listener and job needs, built once in app.py and handed to Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
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

    def __deepcopy__(self, memo: dict[int, object]) -> Services:
        # Bolt deep-copies the context for lazy listeners; services are shared, never copied.
        return self
