"""The outbox of DMs owed to people, and the lease that lets one replica send at a time.

Every state change is a conditional UPDATE whose row count says whether this caller won, so
two replicas racing for the same row can never both believe they own it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from storage.db import insert_ignoring_conflicts
from storage.models import Lease, OutboxMessage

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, EXPIRED, CANCELLED = "failed", "expired", "cancelled"


@dataclass(frozen=True)
class Delivery:
    """One DM to post: what a sender needs, detached from the session."""

    id: int
    kind: str
    recipient: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Outgoing:
    kind: str
    dedupe_key: str
    recipient: str
    due_at: datetime
    payload: dict[str, Any]
    expires_at: datetime | None = None
    cycle_id: int | None = None


def enqueue(session: Session, *, messages: Iterable[Outgoing]) -> int:
    """Add messages; one whose dedupe key is already there is skipped. Returns how many new."""
    rows = [
        {
            "kind": m.kind,
            "dedupe_key": m.dedupe_key,
            "cycle_id": m.cycle_id,
            "recipient": m.recipient,
            "due_at": m.due_at,
            "expires_at": m.expires_at,
            "payload": json.dumps(m.payload, separators=(",", ":")),
            "status": PENDING,
            "attempts": 0,
        }
        for m in messages
    ]
    added = 0
    for start in range(0, len(rows), 500):
        added += insert_ignoring_conflicts(
            session,
            OutboxMessage,
            rows[start : start + 500],
        )
    return added


def due_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(col(OutboxMessage.status) == PENDING, col(OutboxMessage.due_at) <= now)
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        .limit(limit)
    )
    return [int(i) for i in session.exec(query) if i is not None]


def count_due(session: Session, *, now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.status) == PENDING, col(OutboxMessage.due_at) <= now)
    )
    return int(session.exec(query).one())


def claim(session: Session, *, message_id: int, holder: str, now: datetime) -> Delivery | None:
    """Take one due row for sending; None if another sender got it first."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == PENDING,
            col(OutboxMessage.due_at) <= now,
        )
        .values(status=SENDING, claimed_by=holder, claimed_at=now)
    )
    if result.rowcount != 1:
        return None
    row = session.get(OutboxMessage, message_id)
    assert row is not None and row.id is not None
    return Delivery(
        id=row.id,
        kind=row.kind,
        recipient=row.recipient,
        payload=json.loads(row.payload),
        attempts=row.attempts,
    )


def mark_sent(
    session: Session,
    *,
    message_id: int,
    holder: str,
    now: datetime,
    channel: str | None,
    message_ts: str | None,
) -> None:
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == holder)
        .values(
            status=SENT,
            sent_at=now,
            attempts=OutboxMessage.attempts + 1,
            channel=channel,
            message_ts=message_ts,
            last_error=None,
        )
    )


def retry_later(
    session: Session, *, message_id: int, holder: str, retry_at: datetime, error: str
) -> None:
    """Back to pending after a transient failure: nobody is dropped for Slack having a bad day."""
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == holder)
        .values(
            status=PENDING,
            due_at=retry_at,
            claimed_by=None,
            claimed_at=None,
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:64],
        )
    )


def mark_failed(session: Session, *, message_id: int, holder: str, error: str) -> None:
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == holder)
        .values(status=FAILED, attempts=OutboxMessage.attempts + 1, last_error=error[:64])
    )


def requeue_orphans(session: Session, *, holder: str) -> int:
    """Rows another sender claimed but never finished: it lost the lease, so it is gone.

    Only the lease holder sends, so when we hold it any row still 'sending' under another
    name was in flight when that sender died. At most that one message may have reached
    Slack already; it is sent again rather than risk never sending it.
    """
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == SENDING, col(OutboxMessage.claimed_by) != holder)
        .values(status=PENDING, claimed_by=None, claimed_at=None)
    )
    return int(result.rowcount or 0)


def expire_overdue(session: Session, *, now: datetime) -> int:
    """Pending rows past their window (a check-in 12 h late would land at night)."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.status) == PENDING,
            col(OutboxMessage.expires_at).is_not(None),
            col(OutboxMessage.expires_at) < now,
        )
        .values(status=EXPIRED)
    )
    return int(result.rowcount or 0)


def cancel(session: Session, *, dedupe_keys: list[str]) -> int:
    if not dedupe_keys:
        return 0
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.dedupe_key).in_(dedupe_keys), col(OutboxMessage.status) == PENDING)
        .values(status=CANCELLED)
    )
    return int(result.rowcount or 0)


def cancel_for_cycle(session: Session, *, cycle_id: int) -> int:
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.cycle_id) == cycle_id, col(OutboxMessage.status) == PENDING)
        .values(status=CANCELLED)
    )
    return int(result.rowcount or 0)


def bring_forward(session: Session, *, cycle_id: int, kind: str, now: datetime) -> int:
    """Make a cycle's pending messages due now (send-now after the schedule enqueued them)."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.cycle_id) == cycle_id,
            col(OutboxMessage.kind) == kind,
            col(OutboxMessage.status) == PENDING,
            col(OutboxMessage.due_at) > now,
        )
        .values(due_at=now)
    )
    return int(result.rowcount or 0)


def status_counts(session: Session, *, cycle_id: int, kind: str) -> dict[str, int]:
    query = (
        select(OutboxMessage.status, func.count())
        .where(col(OutboxMessage.cycle_id) == cycle_id, col(OutboxMessage.kind) == kind)
        .group_by(col(OutboxMessage.status))
    )
    return {status: int(count) for status, count in session.exec(query)}


def acquire_lease(
    session: Session, *, name: str, holder: str, now: datetime, expires_at: datetime
) -> bool:
    """Take or renew `name` if it is free, expired or already ours. Atomic on both backends."""
    renewed = session.exec(
        update(Lease)
        .where(
            col(Lease.name) == name,
            or_(col(Lease.holder) == holder, col(Lease.expires_at) < now),
        )
        .values(holder=holder, expires_at=expires_at)
    )
    if renewed.rowcount == 1:
        return True
    row = {"name": name, "holder": holder, "expires_at": expires_at}
    return insert_ignoring_conflicts(session, Lease, [row]) == 1


def release_lease(session: Session, *, name: str, holder: str, now: datetime) -> None:
    session.exec(
        update(Lease)
        .where(and_(col(Lease.name) == name, col(Lease.holder) == holder))
        .values(expires_at=now)
    )
