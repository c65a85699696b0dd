"""Team settings: one row per Slack team, created with defaults on first use."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import TeamSettings


def get_team_settings(session: Session, *, team_id: str) -> TeamSettings:
    row = session.get(TeamSettings, team_id)
    if row is not None:
        return row
    row = TeamSettings(team_id=team_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another replica created it between our read and our insert.
        existing = session.get(TeamSettings, team_id)
        assert existing is not None
        return existing
    return row
