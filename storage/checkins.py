"""Cycles, who took part, and the anonymous answers, kept in separate tables on purpose.

`participation` knows people; `checkin_answer` knows values. The only bridge is a random
`answer_ref`, present on both sides while a cycle is open and cleared from both when it closes.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, insert, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import outbox
from storage.db import insert_ignoring_conflicts
from storage.models import (
    CheckinAnswer,
    Cycle,
    CycleGroupTotal,
    OutboxMessage,
    Participation,
    Person,
)


@dataclass(frozen=True)
class ReminderCandidate:
    cycle_id: int
    user_id: str
    checkin_sent_at: datetime
    closes_at: datetime


def get_cycle(session: Session, *, cycle_id: int) -> Cycle | None:
    return session.get(Cycle, cycle_id)


def cycle_for_week(session: Session, *, team_id: str, week: date) -> Cycle | None:
    query = select(Cycle).where(col(Cycle.team_id) == team_id, col(Cycle.week) == week)
    return session.exec(query).first()


def latest_cycle(session: Session, *, team_id: str) -> Cycle | None:
    query = select(Cycle).where(col(Cycle.team_id) == team_id).order_by(col(Cycle.week).desc())
    return session.exec(query).first()


def open_cycles(session: Session, *, team_id: str) -> list[Cycle]:
    query = (
        select(Cycle)
        .where(col(Cycle.team_id) == team_id, col(Cycle.closed_at).is_(None))
        .order_by(col(Cycle.week))
    )
    return list(session.exec(query))


def create_cycle(
    session: Session,
    *,
    team_id: str,
    week: date,
    system_name: str,
    key_task: str,
    opened_at: datetime,
    closes_at: datetime,
) -> tuple[Cycle, bool]:
    """The cycle of `week`, created unless a replica (or an earlier send-now) already did."""
    row = {
        "team_id": team_id,
        "week": week,
        "system_name": system_name,
        "key_task": key_task,
        "opened_at": opened_at,
        "closes_at": closes_at,
    }
    created = insert_ignoring_conflicts(session, Cycle, [row]) == 1
    cycle = cycle_for_week(session, team_id=team_id, week=week)
    assert cycle is not None
    return cycle, created


def close_cycle(session: Session, *, cycle_id: int, now: datetime) -> bool:
    """Close once and cut the link between people and answers. False if already closed."""
    result = session.exec(
        update(Cycle)
        .where(col(Cycle.id) == cycle_id, col(Cycle.closed_at).is_(None))
        .values(closed_at=now)
    )
    if result.rowcount != 1:
        return False
    session.exec(
        update(Participation).where(col(Participation.cycle_id) == cycle_id).values(answer_ref=None)
    )
    session.exec(
        update(CheckinAnswer).where(col(CheckinAnswer.cycle_id) == cycle_id).values(answer_ref=None)
    )
    outbox.cancel_for_cycle(session, cycle_id=cycle_id)
    record_cycle_totals(session, cycle_ids=[cycle_id])
    return True


def record_cycle_totals(session: Session, *, cycle_ids: Sequence[int]) -> None:
    """Store how many were sent the check-in and how many answered, in all and per group, once
    the cycle closed. Call it once per cycle (close_cycle does, in its own transaction)."""
    if not cycle_ids:
        return
    sent = (
        select(func.count()).where(col(Participation.cycle_id) == col(Cycle.id)).scalar_subquery()
    )
    answered = (
        select(func.count())
        .where(col(Participation.cycle_id) == col(Cycle.id), col(Participation.answered))
        .scalar_subquery()
    )
    closed = list(cycle_ids)
    session.exec(
        update(Cycle)
        .where(col(Cycle.id).in_(closed), col(Cycle.closed_at).is_not(None))
        .values(sent_total=sent, answered_total=answered)
    )
    by_group = (
        select(
            col(Participation.cycle_id),
            col(Person.stakeholder_group),
            func.count(),
            func.sum(case((col(Participation.answered), 1), else_=0)),
        )
        .select_from(Participation)
        .join(Cycle, col(Cycle.id) == col(Participation.cycle_id))
        .outerjoin(Person, col(Person.user_id) == col(Participation.user_id))
        .where(col(Participation.cycle_id).in_(closed), col(Cycle.closed_at).is_not(None))
        .group_by(col(Participation.cycle_id), col(Person.stakeholder_group))
    )
    session.exec(
        insert(CycleGroupTotal).from_select(
            ["cycle_id", "stakeholder_group", "sent", "answered"], by_group
        )
    )


def add_participants(session: Session, *, cycle_id: int, user_ids: Iterable[str]) -> int:
    rows = [{"cycle_id": cycle_id, "user_id": u, "answered": False} for u in user_ids]
    added = 0
    for start in range(0, len(rows), 500):
        added += insert_ignoring_conflicts(
            session,
            Participation,
            rows[start : start + 500],
        )
    return added


def lock_open_cycle(session: Session, *, cycle_id: int, user_id: str, now: datetime) -> bool:
    """Start an answer: True if the cycle is open, holding it open until we commit.

    The first statement writes (so SQLite takes its write lock on a fresh snapshot), the
    second takes a share lock on the cycle row on PostgreSQL, which a concurrent close has to
    wait for. Either way no answer can slip in after a close has cleared the references.
    """
    add_participants(session, cycle_id=cycle_id, user_ids=[user_id])
    query = select(Cycle).where(col(Cycle.id) == cycle_id).with_for_update(read=True)
    cycle = session.exec(query).first()
    return cycle is not None and cycle.closed_at is None and cycle.closes_at > now


def record_answer(
    session: Session,
    *,
    cycle_id: int,
    user_id: str,
    question: str,
    value: str,
    stakeholder_group: str | None,
) -> None:
    """Store or replace this person's answer to `question`. Call after `lock_open_cycle`."""
    session.exec(
        update(Participation)
        .where(
            col(Participation.cycle_id) == cycle_id,
            col(Participation.user_id) == user_id,
            col(Participation.answer_ref).is_(None),
        )
        .values(answer_ref=secrets.token_hex(16))
    )
    session.exec(
        update(Participation)
        .where(col(Participation.cycle_id) == cycle_id, col(Participation.user_id) == user_id)
        .values(answered=True)
    )
    ref = _answer_ref(session, cycle_id=cycle_id, user_id=user_id)
    replace = (
        update(CheckinAnswer)
        .where(col(CheckinAnswer.answer_ref) == ref, col(CheckinAnswer.question) == question)
        .values(value=value, stakeholder_group=stakeholder_group)
    )
    if session.exec(replace).rowcount == 1:
        return
    row = {
        "id": uuid.uuid4().hex,
        "cycle_id": cycle_id,
        "question": question,
        "value": value,
        "stakeholder_group": stakeholder_group,
        "answer_ref": ref,
    }
    if insert_ignoring_conflicts(session, CheckinAnswer, [row]) == 0:
        session.exec(replace)  # a double click inserted first; ours is the later value


def mark_answered(session: Session, *, cycle_id: int, user_id: str) -> None:
    session.exec(
        update(Participation)
        .where(col(Participation.cycle_id) == cycle_id, col(Participation.user_id) == user_id)
        .values(answered=True)
    )


def own_answers(session: Session, *, cycle_id: int, user_id: str) -> dict[str, str]:
    """What this person answered in an open cycle, to show back to them alone."""
    ref = _answer_ref(session, cycle_id=cycle_id, user_id=user_id)
    if ref is None:
        return {}
    query = select(CheckinAnswer.question, CheckinAnswer.value).where(
        col(CheckinAnswer.answer_ref) == ref
    )
    return {question: value for question, value in session.exec(query)}


def participation(session: Session, *, cycle_id: int, user_id: str) -> Participation | None:
    return session.get(Participation, (cycle_id, user_id))


def counts(session: Session, *, cycle_id: int) -> tuple[int, int]:
    """(people in the cycle, people who answered)."""
    query = select(func.count(), func.count().filter(col(Participation.answered))).where(
        col(Participation.cycle_id) == cycle_id
    )
    total, answered = session.exec(query).one()
    return int(total), int(answered)


def reminder_candidates(
    session: Session, *, team_id: str, sent_before: datetime
) -> list[ReminderCandidate]:
    """People in open cycles who got the check-in before `sent_before`, have not answered and
    have no reminder yet."""
    checkin = aliased(OutboxMessage)
    reminder = aliased(OutboxMessage)
    query = (
        select(Participation.cycle_id, Participation.user_id, checkin.sent_at, Cycle.closes_at)
        .join(Cycle, col(Cycle.id) == col(Participation.cycle_id))
        .join(
            checkin,
            and_(
                col(checkin.cycle_id) == col(Participation.cycle_id),
                col(checkin.kind) == "checkin",
                col(checkin.recipient) == col(Participation.user_id),
            ),
        )
        .outerjoin(
            reminder,
            and_(
                col(reminder.cycle_id) == col(Participation.cycle_id),
                col(reminder.kind) == "reminder",
                col(reminder.recipient) == col(Participation.user_id),
            ),
        )
        .where(
            col(Cycle.team_id) == team_id,
            col(Cycle.closed_at).is_(None),
            col(Participation.answered).is_(False),
            col(checkin.status) == outbox.SENT,
            col(checkin.sent_at) <= sent_before,
            col(reminder.id).is_(None),
        )
    )
    return [
        ReminderCandidate(cycle_id=c, user_id=u, checkin_sent_at=s, closes_at=e)
        for c, u, s, e in session.exec(query)
        if s is not None
    ]


def _answer_ref(session: Session, *, cycle_id: int, user_id: str) -> str | None:
    query = select(Participation.answer_ref).where(
        col(Participation.cycle_id) == cycle_id, col(Participation.user_id) == user_id
    )
    return session.exec(query).first()
