"""Anonymous feedback rows and the request receipts that keep Slack retries from storing twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, inspect, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from storage.models import AnonymousFeedback, RequestReceipt

# Built once: compiling a statement costs more than running it on the /feedback hot path.
_INSERT_RECEIPT = insert(cast(Table, inspect(RequestReceipt).local_table))
_INSERT_FEEDBACK = insert(cast(Table, inspect(AnonymousFeedback).local_table))


def add_feedback_once(
    session: Session,
    *,
    feedback_id: str,
    source: str,
    text: str,
    topic: str | None,
    day: date,
    stakeholder_group: str | None,
    receipt_key: str | None,
    receipt_expires_at: datetime,
) -> bool:
    """Insert the feedback unless this request was already acted on. False means duplicate.

    The receipt and the feedback go in one transaction: a retry that races the original fails
    on the receipt's primary key and stores nothing. Core statements keep this off the ORM's
    bookkeeping, because it runs on every `/feedback` before the ack.
    """
    connection = session.connection()
    if receipt_key is not None:
        try:
            connection.execute(
                _INSERT_RECEIPT, {"key": receipt_key, "expires_at": receipt_expires_at}
            )
        except IntegrityError:
            session.rollback()
            return False
    connection.execute(
        _INSERT_FEEDBACK,
        {
            "id": feedback_id,
            "source": source,
            "text": text,
            "topic": topic,
            "day": day,
            "stakeholder_group": stakeholder_group,
        },
    )
    return True


def purge_receipts(session: Session, *, now: datetime) -> int:
    result = session.exec(delete(RequestReceipt).where(col(RequestReceipt.expires_at) < now))
    return int(result.rowcount or 0)


def unscored_feedback(session: Session, *, limit: int = 500) -> list[tuple[str, str]]:
    """(id, text) of rows not scored yet, oldest day first."""
    query = (
        select(AnonymousFeedback.id, AnonymousFeedback.text)
        .where(col(AnonymousFeedback.label).is_(None))
        .order_by(col(AnonymousFeedback.day))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in session.exec(query)]


def count_feedback(session: Session, *, since: date | None = None) -> int:
    query = select(func.count()).select_from(AnonymousFeedback)
    if since is not None:
        query = query.where(col(AnonymousFeedback.day) >= since)
    return int(session.exec(query).one())


def store_analyses(session: Session, *, scores: list[dict[str, object]]) -> None:
    """Write many scores in one statement; each dict has `id` plus the score columns.

    Executed on the connection (Core executemany): through the ORM session, SQLAlchemy takes
    an UPDATE with a list of parameters as an ORM bulk update and refuses its WHERE clause.
    """
    if not scores:
        return
    statement = update(AnonymousFeedback).where(col(AnonymousFeedback.id) == bindparam("row_id"))
    session.connection().execute(
        statement.values(
            polarity=bindparam("polarity"),
            label=bindparam("label"),
            subjectivity=bindparam("subjectivity"),
            themes=bindparam("themes"),
            flagged=bindparam("flagged"),
            reason=bindparam("reason"),
            language=bindparam("language"),
            confident=bindparam("confident"),
        ),
        [
            {"row_id": score["id"], **{k: v for k, v in score.items() if k != "id"}}
            for score in scores
        ],
    )
