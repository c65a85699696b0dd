"""Aggregates for digests, reports and exports: every count is a SQL GROUP BY.

Rows never travel to Python to be counted; what comes back is at most one row per cycle,
stakeholder group and answer value, so a year of a large company's answers costs the same
round trip as a week of a small team's. Grouped columns come back as stored: a NULL
stakeholder group means "no group, or a group too small to name" and is kept as `None`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVarTuple

from sqlalchemy import Date, Row, Select, String, bindparam, case, func, literal, or_, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlmodel import Session, col

from storage.models import (
    AnonymousFeedback,
    CheckinAnswer,
    Cycle,
    CycleGroupTotal,
    Participation,
    Person,
)

_Ts = TypeVarTuple("_Ts")


@dataclass(frozen=True)
class CycleRef:
    id: int
    week: date
    system_name: str
    key_task: str


@dataclass(frozen=True)
class ParticipationCount:
    cycle_id: int
    group: str | None
    sent: int
    answered: int


@dataclass(frozen=True)
class AnswerCount:
    cycle_id: int
    group: str | None
    question: str
    value: str
    count: int


@dataclass(frozen=True)
class TextCount:
    """Scored texts of one stakeholder group in a day window, and how many carry each theme."""

    group: str | None
    texts: int
    flagged: int
    themes: dict[str, int]


@dataclass(frozen=True)
class QuoteCandidate:
    text: str
    source: str
    group: str | None
    polarity: float
    theme: str  # the theme it stands for


@dataclass(frozen=True)
class ExportedText:
    day: date
    source: str
    group: str | None
    polarity: float | None
    label: str | None
    themes: tuple[str, ...]
    flagged: bool
    text: str


def recent_cycles(
    session: Session, *, team_id: str, limit: int, up_to_week: date | None = None
) -> list[CycleRef]:
    """The latest closed cycles (up to `up_to_week`, if given), newest first.

    Closed only: the figures of an open cycle move answer by answer, and two looks at them
    would tell the few answers in between apart (see bot/reports/anonymity.py).
    """
    query = (
        select(col(Cycle.id), col(Cycle.week), col(Cycle.system_name), col(Cycle.key_task))
        .where(col(Cycle.team_id) == team_id, col(Cycle.closed_at).is_not(None))
        .order_by(col(Cycle.week).desc())
        .limit(limit)
    )
    if up_to_week is not None:
        query = query.where(col(Cycle.week) <= up_to_week)
    return [
        CycleRef(id=i, week=w, system_name=s, key_task=k)
        for i, w, s, k in _rows(session, query)
        if i is not None
    ]


def latest_closed_at(session: Session, *, team_id: str) -> tuple[int, datetime] | None:
    """The latest closed cycle's id and when it closed: the weekly digest follows the close."""
    query = (
        select(col(Cycle.id), col(Cycle.closed_at))
        .where(col(Cycle.team_id) == team_id, col(Cycle.closed_at).is_not(None))
        .order_by(col(Cycle.week).desc())
        .limit(1)
    )
    for cycle_id, closed_at in _rows(session, query):
        if cycle_id is not None and closed_at is not None:
            return cycle_id, closed_at
    return None


def closed_cycle(session: Session, *, team_id: str, cycle_id: int) -> CycleRef | None:
    query = select(
        col(Cycle.id), col(Cycle.week), col(Cycle.system_name), col(Cycle.key_task)
    ).where(
        col(Cycle.id) == cycle_id,
        col(Cycle.team_id) == team_id,
        col(Cycle.closed_at).is_not(None),
    )
    for i, w, s, k in _rows(session, query):
        if i is not None:
            return CycleRef(id=i, week=w, system_name=s, key_task=k)
    return None


def open_cycle(session: Session, *, team_id: str) -> CycleRef | None:
    query = (
        select(col(Cycle.id), col(Cycle.week), col(Cycle.system_name), col(Cycle.key_task))
        .where(col(Cycle.team_id) == team_id, col(Cycle.closed_at).is_(None))
        .order_by(col(Cycle.week).desc())
        .limit(1)
    )
    for i, w, s, k in _rows(session, query):
        if i is not None:
            return CycleRef(id=i, week=w, system_name=s, key_task=k)
    return None


def participation_by_group(
    session: Session, *, cycle_ids: Sequence[int]
) -> list[ParticipationCount]:
    """Check-ins sent and answered per cycle and stakeholder group: as recorded at close (the
    groups of that week), or for a cycle still open, counted now with today's groups."""
    if not cycle_ids:
        return []
    counts = [
        ParticipationCount(cycle_id=c, group=g, sent=int(n), answered=int(a))
        for c, g, n, a in _rows(session, _RECORDED_BY_GROUP, cycle_ids=list(cycle_ids))
    ]
    recorded = {count.cycle_id for count in counts}
    uncounted = [c for c in cycle_ids if c not in recorded]
    if uncounted:
        counts.extend(
            ParticipationCount(cycle_id=c, group=g, sent=int(n), answered=int(a or 0))
            for c, g, n, a in _rows(session, _PARTICIPATION_BY_GROUP, cycle_ids=uncounted)
        )
    return counts


def participation_totals(
    session: Session, *, cycle_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """(sent, answered) per cycle, without the join to person that a breakdown needs.

    A closed cycle carries its totals (recorded at close); only cycles without them are
    counted from participation rows.
    """
    if not cycle_ids:
        return {}
    totals = {
        c: (int(n), int(a))
        for c, n, a in _rows(session, _RECORDED_TOTALS, cycle_ids=list(cycle_ids))
        if c is not None and n is not None and a is not None
    }
    uncounted = [c for c in cycle_ids if c not in totals]
    if uncounted:
        rows = _rows(session, _PARTICIPATION_TOTALS, cycle_ids=uncounted)
        totals.update({c: (int(n), int(a or 0)) for c, n, a in rows})
    return totals


def answer_counts(session: Session, *, cycle_ids: Sequence[int]) -> list[AnswerCount]:
    """How many gave each answer, per cycle, stakeholder group and question.

    Counts per value carry both the mood average and the adoption shares, so one scan of
    `checkin_answer` serves every figure of a report.
    """
    if not cycle_ids:
        return []
    return [
        AnswerCount(cycle_id=c, group=g, question=q, value=v, count=int(n))
        for c, g, q, v, n in _rows(session, _ANSWER_COUNTS, cycle_ids=list(cycle_ids))
    ]


def text_counts(
    session: Session, *, start: date, end: date, theme_ids: Sequence[str]
) -> list[TextCount]:
    """Scored texts per stakeholder group for days in [start, end), with theme counts.

    `themes` is a comma list; wrapping it in commas and testing `LIKE '%,id,%'` per known id
    counts themes in the same scan on SQLite and PostgreSQL alike.
    """
    themes = tuple(theme_ids)
    result: list[TextCount] = []
    for row in _rows(session, _text_counts_query(themes), start=start, end=end):
        group, texts, flags, *counts = row
        result.append(
            TextCount(
                group=group,
                texts=int(texts),
                flagged=int(flags or 0),
                themes={t: int(n or 0) for t, n in zip(themes, counts, strict=True)},
            )
        )
    return result


def text_counts_by_day(
    session: Session, *, start: date, end: date
) -> list[tuple[date, str | None, int]]:
    """(day, stakeholder group, scored texts) for days in [start, end): export needs weeks."""
    query = (
        select(col(AnonymousFeedback.day), col(AnonymousFeedback.stakeholder_group), func.count())
        .where(*_SCORED_IN_WINDOW)
        .group_by(col(AnonymousFeedback.day), col(AnonymousFeedback.stakeholder_group))
    )
    return [(d, g, int(n)) for d, g, n in _rows(session, query, start=start, end=end)]


def quote_candidates(
    session: Session,
    *,
    start: date,
    end: date,
    theme_ids: Sequence[str],
    groups: Sequence[str],
    include_ungrouped: bool,
    per_theme: int,
) -> list[QuoteCandidate]:
    """Up to `per_theme` scored texts for each of `theme_ids`, most negative first, from the
    allowed groups, in one scan of the week.

    A text tagged with several of the themes stands for the first of them, so no text is a
    candidate twice. Only the few the digest may quote leave the database; the length bounds
    keep a one-word or pasted-log comment from standing for a theme.
    """
    if not theme_ids or not (groups or include_ungrouped):
        return []
    query = _quote_query(tuple(theme_ids), named=bool(groups), ungrouped=include_ungrouped)
    return [
        QuoteCandidate(
            text=text, source=source, group=group, polarity=float(polarity or 0.0), theme=theme
        )
        for text, source, group, polarity, theme in _rows(
            session, query, start=start, end=end, groups=list(groups), per_theme=per_theme
        )
    ]


def exported_texts(session: Session, *, start: date, end: date) -> Iterator[ExportedText]:
    """Every text in [start, end) with its scores, streamed; the random id stays behind."""
    query = (
        select(
            col(AnonymousFeedback.day),
            col(AnonymousFeedback.source),
            col(AnonymousFeedback.stakeholder_group),
            col(AnonymousFeedback.polarity),
            col(AnonymousFeedback.label),
            col(AnonymousFeedback.themes),
            col(AnonymousFeedback.flagged),
            col(AnonymousFeedback.text),
        )
        .where(col(AnonymousFeedback.day) >= start, col(AnonymousFeedback.day) < end)
        .order_by(col(AnonymousFeedback.day), col(AnonymousFeedback.id))
    )
    streamed = session.connection().execution_options(yield_per=1000).execute(query)
    for day, source, group, polarity, label, themes, flagged, text in streamed:
        yield ExportedText(
            day=day,
            source=source,
            group=group,
            polarity=polarity,
            label=label,
            themes=_split(themes),
            flagged=bool(flagged),
            text=text,
        )


def _rows(session: Session, query: Select[*_Ts], **params: Any) -> Sequence[Row[*_Ts]]:
    """Core rows straight from the connection: aggregates need none of the ORM's bookkeeping."""
    return session.connection().execute(query, params).all()


def _has_theme(theme_id: str) -> ColumnElement[bool]:
    padded = (
        literal(",", String)
        .concat(func.coalesce(col(AnonymousFeedback.themes), ""))
        .concat(literal(",", String))
    )
    # One bound pattern (not a concatenation the database rebuilds per row); "_" escaped.
    pattern = "%," + theme_id.replace("/", "//").replace("%", "/%").replace("_", "/_") + ",%"
    return padded.like(pattern, escape="/")


def _split(themes: str | None) -> tuple[str, ...]:
    return tuple(t for t in (themes or "").split(",") if t)


# Statements are built once and run with bound parameters: building a SELECT costs more
# Python than SQLite takes to run the small ones, and a digest runs seven of them.
_CYCLE_IDS: BindParameter[Any] = bindparam("cycle_ids", expanding=True)
_ANSWERED = func.sum(case((col(Participation.answered), 1), else_=0))
_SCORED_IN_WINDOW = (
    col(AnonymousFeedback.day) >= bindparam("start", type_=Date),
    col(AnonymousFeedback.day) < bindparam("end", type_=Date),
    col(AnonymousFeedback.label).is_not(None),
)

_ANSWER_COUNTS = (
    select(
        col(CheckinAnswer.cycle_id),
        col(CheckinAnswer.stakeholder_group),
        col(CheckinAnswer.question),
        col(CheckinAnswer.value),
        func.count(),
    )
    .where(col(CheckinAnswer.cycle_id).in_(_CYCLE_IDS))
    .group_by(
        col(CheckinAnswer.cycle_id),
        col(CheckinAnswer.question),
        col(CheckinAnswer.stakeholder_group),
        col(CheckinAnswer.value),
    )
)

_PARTICIPATION_BY_GROUP = (
    select(col(Participation.cycle_id), col(Person.stakeholder_group), func.count(), _ANSWERED)
    .select_from(Participation)
    .outerjoin(Person, col(Person.user_id) == col(Participation.user_id))
    .where(col(Participation.cycle_id).in_(_CYCLE_IDS))
    .group_by(col(Participation.cycle_id), col(Person.stakeholder_group))
)

_RECORDED_TOTALS = select(col(Cycle.id), col(Cycle.sent_total), col(Cycle.answered_total)).where(
    col(Cycle.id).in_(_CYCLE_IDS)
)

_RECORDED_BY_GROUP = select(
    col(CycleGroupTotal.cycle_id),
    col(CycleGroupTotal.stakeholder_group),
    col(CycleGroupTotal.sent),
    col(CycleGroupTotal.answered),
).where(col(CycleGroupTotal.cycle_id).in_(_CYCLE_IDS))

_PARTICIPATION_TOTALS = (
    select(col(Participation.cycle_id), func.count(), _ANSWERED)
    .where(col(Participation.cycle_id).in_(_CYCLE_IDS))
    .group_by(col(Participation.cycle_id))
)


@lru_cache(maxsize=16)
def _text_counts_query(theme_ids: tuple[str, ...]) -> Select[*tuple[Any, ...]]:
    columns = [
        func.sum(case((_has_theme(theme_id), 1), else_=0)).label(theme_id) for theme_id in theme_ids
    ]
    flagged = func.sum(case((col(AnonymousFeedback.flagged).is_(True), 1), else_=0))
    return (
        select(col(AnonymousFeedback.stakeholder_group), func.count(), flagged, *columns)
        .where(*_SCORED_IN_WINDOW)
        .group_by(col(AnonymousFeedback.stakeholder_group))
    )


@lru_cache(maxsize=64)
def _quote_query(
    theme_ids: tuple[str, ...], *, named: bool, ungrouped: bool
) -> Select[str, str, str | None, float | None, str]:
    allowed: list[ColumnElement[bool]] = []
    if named:
        allowed.append(
            col(AnonymousFeedback.stakeholder_group).in_(bindparam("groups", expanding=True))
        )
    if ungrouped:
        allowed.append(col(AnonymousFeedback.stakeholder_group).is_(None))
    length = func.length(col(AnonymousFeedback.text))
    theme = case(*((_has_theme(t), literal(t, String)) for t in theme_ids)).label("theme")
    matching = (
        select(
            col(AnonymousFeedback.text),
            col(AnonymousFeedback.source),
            col(AnonymousFeedback.stakeholder_group),
            col(AnonymousFeedback.polarity),
            theme,
            func.row_number()
            .over(
                partition_by=theme,
                order_by=(col(AnonymousFeedback.polarity), col(AnonymousFeedback.id)),
            )
            .label("rank"),
        )
        .where(
            *_SCORED_IN_WINDOW,
            or_(*(_has_theme(t) for t in theme_ids)),
            or_(*allowed),
            length >= 20,
            length <= 400,
        )
        .subquery()
    )
    return (
        select(
            matching.c.text,
            matching.c.source,
            matching.c.stakeholder_group,
            matching.c.polarity,
            matching.c.theme,
        )
        .where(matching.c.rank <= bindparam("per_theme"))
        .order_by(matching.c.theme, matching.c.rank)
    )
