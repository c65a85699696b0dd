""" "You said, we did": the change lead tells everyone what was done about their feedback.

Closing the loop is what keeps people answering: feedback that seems to vanish is the
surest way to silence. An update is stored, shown on every App Home (the latest few), and
sent once to each member of the audience through the outbox under `update:{id}:{user}`.
The fan-out runs right after the lead submits, and the tick finishes any that a restart
interrupted; replicas racing on it are harmless, as the outbox keeps one row per key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from bot import audience
from bot.analysis import THEME_IDS, THEMES
from bot.blocks.updates import update_message
from bot.schedule import zone
from bot.services import Services
from storage import outbox
from storage import updates as store
from storage.outbox import Outgoing
from storage.team import get_team_settings
from storage.updates import StoredUpdate

logger = logging.getLogger(__name__)

OTHER = "other"
OTHER_TITLE = "Something else"
TEXT_LIMIT = 1000
SHOWN_ON_HOME = 3


@dataclass(frozen=True)
class Update:
    """An update as people see it; `text` is raw, builders escape it."""

    id: int
    theme_id: str
    theme_title: str
    text: str
    posted_on: date


def theme_choices() -> list[tuple[str, str]]:
    """(id, title) for the modal: every resistance theme, then "something else"."""
    return [(t, THEMES[t].title) for t in THEME_IDS] + [(OTHER, OTHER_TITLE)]


def update_key(update_id: int, user_id: str) -> str:
    return f"update:{update_id}:{user_id}"


Validated = tuple[tuple[str, str] | None, dict[str, str]]


def validate(*, theme: str | None, text: str | None) -> Validated:
    """Form values → ((theme id, text), no errors) or (None, errors by block id)."""
    errors: dict[str, str] = {}
    cleaned = (text or "").strip()
    if theme not in THEMES and theme != OTHER:
        errors["theme"] = "Pick what the feedback was about."
    if not cleaned:
        errors["text"] = "Say what was done, in a sentence or two."
    elif len(cleaned) > TEXT_LIMIT:
        errors["text"] = f"At most {TEXT_LIMIT:,} characters, please ({len(cleaned):,} now)."
    if errors or theme is None:
        return None, errors
    return (theme, cleaned), {}


def post(services: Services, *, user_id: str, theme: str, text: str) -> int:
    """Store a validated update; `fan_out` sends it."""
    with services.db.session() as session:
        return store.add_update(
            session,
            team_id=services.team_id,
            theme=theme,
            text=text,
            posted_by=user_id,
            now=services.clock(),
        )


def fan_out(services: Services, *, update_id: int) -> int:
    """Queue the update for everyone in the audience; returns how many were newly queued."""
    with services.db.session() as session:
        stored = store.get_update(session, update_id=update_id)
        settings = get_team_settings(session, team_id=services.team_id)
    if stored is None:
        return 0
    members = audience.resolve(services).members
    now = services.clock()
    payload = update_message(
        update=_shown(stored, tz_name=settings.default_tz), system_name=settings.system_name
    )
    rows = [
        Outgoing(
            kind="update",
            dedupe_key=update_key(update_id, user_id),
            recipient=user_id,
            due_at=now,
            payload=payload,
        )
        for user_id in members
    ]
    with services.db.session() as session:
        queued = outbox.enqueue(session, messages=rows)
        store.mark_fanned_out(session, update_id=update_id, now=now)
    services.outbox.wake()
    logger.info("update #%d queued for %d of %d people", update_id, queued, len(members))
    return queued


def tick(services: Services) -> None:
    """Finish fan-outs a restart interrupted (the update was stored, its DMs not queued)."""
    with services.db.session() as session:
        waiting = store.not_fanned_out(session, team_id=services.team_id)
    for update_id in waiting:
        fan_out(services, update_id=update_id)


def recent(services: Services, *, limit: int = SHOWN_ON_HOME) -> list[Update]:
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
        rows = store.recent_updates(session, team_id=services.team_id, limit=limit)
    return [_shown(row, tz_name=settings.default_tz) for row in rows]


def _shown(row: StoredUpdate, *, tz_name: str) -> Update:
    title = THEMES[row.theme].title if row.theme in THEMES else OTHER_TITLE
    return Update(
        id=row.id,
        theme_id=row.theme,
        theme_title=title,
        text=row.text,
        posted_on=row.posted_at.astimezone(zone(tz_name, fallback="UTC")).date(),
    )
