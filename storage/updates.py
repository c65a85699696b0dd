""" "You said, we did" updates from the change lead, and which have been sent to the audience."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import YouSaidWeDid


@dataclass(frozen=True)
class StoredUpdate:
    id: int
    theme: str
    text: str
    posted_at: datetime


def add_update(
    session: Session, *, team_id: str, theme: str, text: str, posted_by: str, now: datetime
) -> int:
    row = YouSaidWeDid(team_id=team_id, theme=theme, text=text, posted_by=posted_by, posted_at=now)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def get_update(session: Session, *, update_id: int) -> StoredUpdate | None:
    row = session.get(YouSaidWeDid, update_id)
    return _stored(row) if row is not None else None


def recent_updates(session: Session, *, team_id: str, limit: int) -> list[StoredUpdate]:
    query = (
        select(YouSaidWeDid)
        .where(col(YouSaidWeDid.team_id) == team_id)
        .order_by(col(YouSaidWeDid.posted_at).desc(), col(YouSaidWeDid.id).desc())
        .limit(limit)
    )
    return [_stored(row) for row in session.exec(query)]


def not_fanned_out(session: Session, *, team_id: str) -> list[int]:
    query = (
        select(YouSaidWeDid.id)
        .where(col(YouSaidWeDid.team_id) == team_id, col(YouSaidWeDid.fanned_out_at).is_(None))
        .order_by(col(YouSaidWeDid.id))
    )
    return [int(i) for i in session.exec(query) if i is not None]


def mark_fanned_out(session: Session, *, update_id: int, now: datetime) -> None:
    session.exec(
        update(YouSaidWeDid)
        .where(col(YouSaidWeDid.id) == update_id, col(YouSaidWeDid.fanned_out_at).is_(None))
        .values(fanned_out_at=now)
    )


def _stored(row: YouSaidWeDid) -> StoredUpdate:
    assert row.id is not None
    return StoredUpdate(id=row.id, theme=row.theme, text=row.text, posted_at=row.posted_at)
