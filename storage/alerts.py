"""Claims and batches behind the change lead's alerts: every "only once" is a unique key.

- A flagged text is claimed by inserting its id into `alert_item` (primary key), stamped with
  the batch boundary it waits for; two replicas claiming at once store one claim.
- A batch is built by whoever inserts its boundary into `alert_batch` first; on PostgreSQL a
  second inserter waits for the first to commit and then finds the row, so it builds nothing.
- A cycle's trends are checked by whoever inserts it into `alert_trend` first, the same way.

Each insert that decides "who does it" is the first statement of its transaction, so on
SQLite the transaction holds the write lock from its start and cannot be overtaken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVarTuple, cast

from sqlalchemy import (
    CursorResult,
    Select,
    Table,
    exists,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from storage import outbox
from storage.db import insert_ignoring_conflicts
from storage.models import (
    AlertBatch,
    AlertItem,
    AlertTrend,
    AnonymousFeedback,
    Cycle,
    OutboxMessage,
    UTCDateTime,
)

_Ts = TypeVarTuple("_Ts")

# What a delivered resistance alert's payload becomes: the lead has it in Slack, and the
# database should not keep texts next to the hour they were sent.
FORGOTTEN_PAYLOAD = '{"text":""}'


@dataclass(frozen=True)
class FlaggedRow:
    """One claimed text with its scores; no id, no time."""

    text: str
    source: str
    group: str | None
    polarity: float
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ClosedCycle:
    id: int
    week: date
    closed_at: datetime
    checked: bool


def claim_flagged(session: Session, *, window_end: datetime, since: date) -> int:
    """Claim every flagged text from `since` on that no batch has claimed, for `window_end`.

    Returns how many were newly claimed. One INSERT … SELECT, ordered by id so two replicas
    take row locks in the same order and cannot deadlock each other on PostgreSQL.
    """
    claimed = exists().where(col(AlertItem.feedback_id) == col(AnonymousFeedback.id))
    source = (
        select(col(AnonymousFeedback.id), literal(window_end, UTCDateTime()))
        .where(
            col(AnonymousFeedback.flagged).is_(True),
            col(AnonymousFeedback.day) >= since,
            ~claimed,
        )
        .order_by(col(AnonymousFeedback.id))
    )
    return _insert_selected(
        session, _table(AlertItem), columns=["feedback_id", "window_end"], source=source
    )


def has_pending(session: Session, *, up_to: datetime) -> bool:
    """Whether claimed texts wait for a boundary at or before `up_to`."""
    query = select(col(AlertItem.feedback_id)).where(
        col(AlertItem.window_end).is_not(None), col(AlertItem.window_end) <= up_to
    )
    return session.connection().execute(query.limit(1)).first() is not None


def start_batch(session: Session, *, window_end: datetime) -> bool:
    """Take the right to build the batch of `window_end`; False if another replica has it."""
    return insert_ignoring_conflicts(session, AlertBatch, [{"window_end": window_end}]) == 1


def take_pending(session: Session, *, up_to: datetime) -> list[FlaggedRow]:
    """The texts waiting for a boundary at or before `up_to`, taken out of the queue.

    Their boundary is cleared in the same UPDATE that picks them (RETURNING), so a text is
    in exactly one batch even if a lagging replica builds an older boundary at the same time.
    Rows come back ordered by their random id: the order says nothing about who wrote first.
    """
    taken = session.execute(
        update(AlertItem)
        .where(col(AlertItem.window_end).is_not(None), col(AlertItem.window_end) <= up_to)
        .values(window_end=None)
        .returning(col(AlertItem.feedback_id))
    )
    ids = sorted(str(i) for i in taken.scalars())
    rows: list[FlaggedRow] = []
    for start in range(0, len(ids), 500):
        query = (
            select(
                col(AnonymousFeedback.text),
                col(AnonymousFeedback.source),
                col(AnonymousFeedback.stakeholder_group),
                col(AnonymousFeedback.polarity),
                col(AnonymousFeedback.themes),
            )
            .where(col(AnonymousFeedback.id).in_(ids[start : start + 500]))
            .order_by(col(AnonymousFeedback.id))
        )
        rows.extend(
            FlaggedRow(
                text=text,
                source=source,
                group=group,
                polarity=float(polarity or 0.0),
                themes=tuple(t for t in (themes or "").split(",") if t),
            )
            for text, source, group, polarity, themes in session.connection().execute(query)
        )
    return rows


def forget_delivered(session: Session) -> int:
    """Blank the payload of resistance alerts that are sent, failed, expired or cancelled."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.cycle_id).is_(None),
            col(OutboxMessage.kind) == "alert",
            col(OutboxMessage.status).in_(
                [outbox.SENT, outbox.FAILED, outbox.EXPIRED, outbox.CANCELLED]
            ),
            col(OutboxMessage.payload) != FORGOTTEN_PAYLOAD,
        )
        .values(payload=FORGOTTEN_PAYLOAD)
    )
    return int(result.rowcount or 0)


def latest_closed_cycle(session: Session, *, team_id: str) -> ClosedCycle | None:
    """The team's latest closed cycle, with whether its trends were checked."""
    checked = exists().where(col(AlertTrend.cycle_id) == col(Cycle.id))
    query = (
        select(col(Cycle.id), col(Cycle.week), col(Cycle.closed_at), checked)
        .where(col(Cycle.team_id) == team_id, col(Cycle.closed_at).is_not(None))
        .order_by(col(Cycle.week).desc())
        .limit(1)
    )
    for cycle_id, week, closed_at, was_checked in session.connection().execute(query):
        if cycle_id is not None and closed_at is not None:
            return ClosedCycle(
                id=cycle_id, week=week, closed_at=closed_at, checked=bool(was_checked)
            )
    return None


def start_trend_check(session: Session, *, cycle_id: int) -> bool:
    """Take the right to check (and alert on) this cycle's trends; False if already taken."""
    row = {"cycle_id": cycle_id, "changes": 0}
    return insert_ignoring_conflicts(session, AlertTrend, [row]) == 1


def record_trend_changes(session: Session, *, cycle_id: int, changes: int) -> None:
    session.exec(
        update(AlertTrend).where(col(AlertTrend.cycle_id) == cycle_id).values(changes=changes)
    )


def _insert_selected(
    session: Session, table: Table, *, columns: list[str], source: Select[*_Ts]
) -> int:
    """INSERT … SELECT … ON CONFLICT DO NOTHING; returns how many rows were new.

    The SELECT has a WHERE clause, which SQLite needs to tell its ON CONFLICT from a join's ON.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .from_select(columns, source)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount or 0)


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, inspect(model).local_table)
