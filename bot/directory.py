"""What the workspace says about people and channels, cached so we ask Slack sparingly."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from storage import people
from storage.db import Database

logger = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300


@dataclass(frozen=True)
class UserFacts:
    user_id: str
    tz: str | None
    is_bot: bool
    deleted: bool
    is_workspace_admin: bool

    @property
    def reachable(self) -> bool:
        """Whether this account is a human who can receive a check-in."""
        return not (self.is_bot or self.deleted or self.user_id == "USLACKBOT")


def facts_from_user(user: dict[str, Any]) -> UserFacts:
    return UserFacts(
        user_id=user["id"],
        tz=user.get("tz") or None,
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")),
        deleted=bool(user.get("deleted")),
        is_workspace_admin=bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        ),
    )


class Directory:
    """Reads users and channel members from Slack and caches what it learned in `person`."""

    def __init__(self, *, client: WebClient, db: Database, clock: Clock) -> None:
        self.client = client
        self.db = db
        self.clock = clock
        self._admin_cache: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def is_workspace_admin(self, user_id: str, *, fallback: bool = False) -> bool:
        """Slack workspace admins and owners, from users.info, cached for a few minutes.

        When Slack cannot answer, `fallback` (what the directory cache last knew) stands in:
        a role check must never turn a request into an error.
        """
        now = time.monotonic()
        with self._lock:
            cached = self._admin_cache.get(user_id)
        if cached is not None and now - cached[0] < ADMIN_CACHE_SECONDS:
            return cached[1]
        try:
            facts = self.user(user_id)
        except (SlackApiError, OSError):
            logger.warning("users.info failed; using the cached admin flag", exc_info=True)
            return fallback
        is_admin = facts.is_workspace_admin if facts is not None else False
        with self._lock:
            self._admin_cache[user_id] = (now, is_admin)
        return is_admin

    def user(self, user_id: str) -> UserFacts | None:
        try:
            response = self.client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return None
            raise
        facts = facts_from_user(response["user"])
        self._remember([facts])
        return facts

    def sync_users(self) -> int:
        """Refresh every user's facts from users.list (tz changes, leavers, new bots)."""
        batch: list[UserFacts] = []
        total = 0
        for user in self._paginate("users_list", "members"):
            batch.append(facts_from_user(user))
            total += 1
            if len(batch) >= 200:
                self._remember(batch)
                batch = []
        self._remember(batch)
        return total

    def channel_members(self, channel_id: str) -> list[str]:
        return list(self._paginate("conversations_members", "members", channel=channel_id))

    def _paginate(self, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
        cursor = None
        call = getattr(self.client, method)
        while True:
            response = call(cursor=cursor, limit=200, **kwargs)
            yield from response.get(key, [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def _remember(self, facts: list[UserFacts]) -> None:
        if not facts:
            return
        now = self.clock()
        with self.db.session() as session:
            for item in facts:
                people.upsert_directory_facts(
                    session,
                    user_id=item.user_id,
                    tz=item.tz,
                    is_bot=item.is_bot,
                    deleted=item.deleted,
                    is_workspace_admin=item.is_workspace_admin,
                    synced_at=now,
                )
