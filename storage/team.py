"""Team settings: one row per Slack team, created with defaults on first use."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

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


def update_team_settings(
    session: Session, *, team_id: str, changes: Mapping[str, object], now: datetime
) -> TeamSettings:
    """Apply already-validated changes (field name → value) to the team's settings."""
    row = get_team_settings(session, team_id=team_id)
    for field, value in changes.items():
        if field not in TeamSettings.model_fields or field in ("team_id", "updated_at"):
            raise ValueError(f"not a team setting: {field}")
        setattr(row, field, value)
    row.updated_at = now
    session.add(row)
    return row
