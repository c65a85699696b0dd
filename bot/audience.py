"""The check-in audience: channels whose members, plus named users, minus bots and leavers."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError

from bot.services import Services
from storage import people

# Beyond this many unknown accounts one users.list sweep is cheaper than users.info each.
SYNC_THRESHOLD = 20


@dataclass(frozen=True)
class AudienceChange:
    channels: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    unreadable_channels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Audience:
    channels: list[str]
    users: list[str]
    members: list[str]
    excluded: int
    unreadable_channels: list[str]


def add(services: Services, *, channels: list[str], users: list[str]) -> AudienceChange:
    readable, unreadable = [], []
    for channel in channels:
        try:
            services.directory.channel_members(channel)
        except SlackApiError:
            unreadable.append(channel)
        else:
            readable.append(channel)
    with services.db.session() as session:
        people.add_audience_sources(session, kind="channel", refs=readable)
        people.add_audience_sources(session, kind="user", refs=users)
    return AudienceChange(channels=readable, users=users, unreadable_channels=unreadable)


def remove(services: Services, *, channels: list[str], users: list[str]) -> AudienceChange:
    with services.db.session() as session:
        people.remove_audience_sources(session, kind="channel", refs=channels)
        people.remove_audience_sources(session, kind="user", refs=users)
    return AudienceChange(channels=channels, users=users)


def resolve(services: Services) -> Audience:
    """Everyone who should get a check-in now, read fresh from Slack for channel sources."""
    with services.db.session() as session:
        sources = people.audience_sources(session)
    channels = [s.ref for s in sources if s.kind == "channel"]
    users = [s.ref for s in sources if s.kind == "user"]
    candidates = set(users)
    unreadable = []
    for channel in channels:
        try:
            candidates.update(services.directory.channel_members(channel))
        except SlackApiError:
            unreadable.append(channel)
    with services.db.session() as session:
        known = people.people_by_id(session, user_ids=candidates)
    unknown = [uid for uid in candidates if uid not in known or known[uid].synced_at is None]
    if len(unknown) > SYNC_THRESHOLD:
        services.directory.sync_users()
    else:
        for user_id in unknown:
            services.directory.user(user_id)
    with services.db.session() as session:
        known = people.people_by_id(session, user_ids=candidates)
    members = sorted(
        uid
        for uid in candidates
        if uid in known and not known[uid].is_bot and not known[uid].deleted and uid != "USLACKBOT"
    )
    return Audience(
        channels=channels,
        users=users,
        members=members,
        excluded=len(candidates) - len(members),
        unreadable_channels=unreadable,
    )
