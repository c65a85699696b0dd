"""Anonymous feedback rows and the request receipts that keep Slack retries from storing twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from storage.models import AnonymousFeedback, RequestReceipt


def add_feedback_once(
    session: Session,
    *,
    feedback: AnonymousFeedback,
    receipt_key: str | None,
    receipt_expires_at: datetime,
) -> bool:
    """Insert the feedback unless this request was already acted on. False means duplicate.

    The receipt and the feedback are flushed in one transaction, so a retry that races the
    original either sees the receipt or fails on its primary key; it never stores a second row.
    """
    if receipt_key is not None:
        if session.get(RequestReceipt, receipt_key) is not None:
            return False
        session.add(RequestReceipt(key=receipt_key, expires_at=receipt_expires_at))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return False
    session.add(feedback)
    session.flush()
    return True


def purge_receipts(session: Session, *, now: datetime) -> int:
    result = session.exec(
        delete(RequestReceipt).where(col(RequestReceipt.expires_at) < now)
    )
    return int(result.rowcount or 0)


def unscored_feedback_ids(session: Session, *, limit: int = 500) -> list[str]:
    rows = session.exec(
        select(AnonymousFeedback.id).where(col(AnonymousFeedback.label).is_(None)).limit(limit)
    )
    return list(rows)


def get_feedback(session: Session, *, feedback_id: str) -> AnonymousFeedback | None:
    return session.get(AnonymousFeedback, feedback_id)


def count_feedback(session: Session, *, since: date | None = None) -> int:
    query = select(func.count()).select_from(AnonymousFeedback)
    if since is not None:
        query = query.where(col(AnonymousFeedback.day) >= since)
    return int(session.exec(query).one())


def store_analysis(
    session: Session,
    *,
    row: AnonymousFeedback,
    polarity: float,
    label: str,
    subjectivity: float,
    themes: list[str],
    flagged: bool,
    reason: str,
    language: str,
    confident: bool,
) -> None:
    row.polarity = polarity
    row.label = label
    row.subjectivity = subjectivity
    row.themes = ",".join(themes)
    row.flagged = flagged
    row.reason = reason[:200]
    row.language = language[:8]
    row.confident = confident
    session.add(row)
