"""Who may do what. Admins come from CHANGEPULSE_ADMINS and from Slack's own admins/owners."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.services import Services
from storage import people

DIRECTORY_FRESH = timedelta(hours=24)
GROUP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_GROUPS = ("executive", "manager", "end_user", "it_support")


@dataclass(frozen=True)
class Caller:
    user_id: str
    is_admin: bool
    is_change_lead: bool
    is_champion: bool

    @property
    def can_manage(self) -> bool:
        return self.is_admin or self.is_change_lead


def identify(services: Services, *, user_id: str) -> Caller:
    with services.db.session() as session:
        person = people.get_person(session, user_id=user_id)
        is_lead = bool(person and person.is_change_lead)
        is_champion = bool(person and person.is_champion)
        known_admin = bool(person and person.is_workspace_admin)
        synced_at = person.synced_at if person else None
    is_admin = user_id in services.settings.changepulse_admins
    if not is_admin and not is_lead:
        fresh = synced_at is not None and services.clock() - synced_at < DIRECTORY_FRESH
        # The directory sync (every 12 h) keeps this fresh, so the ack seldom waits on Slack;
        # only an unknown or stale account is looked up, and a failed look-up falls back.
        is_admin = (
            known_admin
            if fresh
            else services.directory.is_workspace_admin(user_id, fallback=known_admin)
        )
    return Caller(user_id, is_admin=is_admin, is_change_lead=is_lead, is_champion=is_champion)


def name_change_leads(services: Services, *, user_ids: list[str]) -> None:
    with services.db.session() as session:
        people.set_change_leads(session, user_ids=user_ids)


def change_leads(services: Services) -> list[str]:
    with services.db.session() as session:
        return people.change_lead_ids(session)


def set_champions(services: Services, *, user_ids: list[str], champion: bool) -> None:
    with services.db.session() as session:
        people.set_champion(session, user_ids=user_ids, champion=champion)


def champions(services: Services) -> list[str]:
    with services.db.session() as session:
        return people.champion_ids(session)


def normalise_group(name: str) -> str | None:
    """Group names are short slugs ("end user" becomes end_user); None when unusable."""
    slug = re.sub(r"[\s]+", "_", name.strip().lower())
    return slug if GROUP_NAME.match(slug) else None


def set_group(services: Services, *, group: str | None, user_ids: list[str]) -> None:
    with services.db.session() as session:
        people.set_group(session, user_ids=user_ids, group=group)


def groups(services: Services) -> dict[str, list[str]]:
    with services.db.session() as session:
        return people.group_members(session)
