"""`/pulse export`: weekly aggregates and anonymised comments as two CSV files.

The files leave Slack (they are downloaded, forwarded, opened in spreadsheets), so they hold
no more than a report would show: suppressed cells say "suppressed", comments carry a week
rather than a day, a stakeholder group only where that group wrote enough that week to hide
in, and never a user id or the random row id. Cells that a spreadsheet would run as a
formula are defused (see `spreadsheet_safe`).

The week in progress is left out of the comments: two exports a day apart would otherwise
show which comments arrived in between, and with their group, roughly who wrote them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.reports import anonymity
from bot.reports.digest import ADOPTION_VALUES, CycleFigures, GroupFigures, cycle_figures
from storage import reports as store
from storage.reports import ExportedText
from storage.team import get_team_settings

EXPORT_WEEKS = 52
EVERYONE = "(everyone)"
OTHER_GROUPS = "(other or small groups)"
AGGREGATE_COLUMNS = (
    "week",
    "group",
    "sent",
    "answered",
    "participation",
    "mood_respondents",
    "mood_average",
    "adoption_respondents",
    "adoption_yes",
    "adoption_partly",
    "adoption_no",
    "adoption_yes_share",
)
COMMENT_COLUMNS = ("week", "source", "group", "polarity", "label", "themes", "flagged", "text")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


def build_export(
    session: Session, *, team_id: str, today: date, weeks: int = EXPORT_WEEKS
) -> tuple[ExportFile, ExportFile]:
    """(weekly aggregates, comments) for the last `weeks` weeks before `today`'s week."""
    settings = get_team_settings(session, team_id=team_id)
    minimum = anonymity.min_group_size(settings.min_group_size)
    threshold = anonymity.comment_threshold(min_group_size=minimum)

    cycles = store.recent_cycles(session, team_id=team_id, limit=weeks)
    ids = [c.id for c in cycles]
    answers = store.answer_counts(session, cycle_ids=ids)
    participation = store.participation_by_group(session, cycle_ids=ids)
    figures = [
        cycle_figures(c, answers=answers, participation=participation, minimum=minimum)
        for c in reversed(cycles)
    ]

    end = _monday(today)
    start = end - timedelta(weeks=weeks)
    per_week: dict[tuple[date, str | None], int] = defaultdict(int)
    for day, group, n in store.text_counts_by_day(session, start=start, end=end):
        per_week[(_monday(day), group)] += n
    texts = store.exported_texts(session, start=start, end=end)
    stamp = today.isoformat()
    return (
        ExportFile(f"changepulse-weekly-{stamp}.csv", aggregates_csv(figures)),
        ExportFile(
            f"changepulse-comments-{stamp}.csv",
            comments_csv(texts, texts_per_group_week=per_week, threshold=threshold),
        ),
    )


def aggregates_csv(figures: Iterable[CycleFigures]) -> bytes:
    """One row for everyone and one per group, per cycle, oldest first."""
    rows: list[Sequence[Cell]] = []
    for cycle in figures:
        week = cycle.week.isoformat()
        everyone = GroupFigures(
            group=None,
            participation=cycle.participation,
            mood=cycle.mood,
            adoption=cycle.adoption,
        )
        rows.append([week, EVERYONE, *_figures_cells(everyone)])
        for group in cycle.groups:
            name = OTHER_GROUPS if group.group is None else group.group
            rows.append([week, name, *_figures_cells(group)])
    return _csv(AGGREGATE_COLUMNS, rows)


def comments_csv(
    texts: Iterable[ExportedText],
    *,
    texts_per_group_week: dict[tuple[date, str | None], int],
    threshold: int,
) -> bytes:
    """Comments by week; within a week in text order, so the row order says nothing of
    when each was written."""
    by_week: dict[date, list[Sequence[Cell]]] = defaultdict(list)
    for text in texts:
        week = _monday(text.day)
        stratum = texts_per_group_week.get((week, text.group), 0)
        named = text.group is not None and anonymity.may_quote(stratum, threshold=threshold)
        by_week[week].append(
            [
                week.isoformat(),
                text.source,
                text.group if named and text.group is not None else "",
                "" if text.polarity is None else round(text.polarity, 3),
                text.label or "",
                ",".join(text.themes),
                "yes" if text.flagged else "no",
                text.text,
            ]
        )
    rows = [
        row
        for week in sorted(by_week)
        for row in sorted(by_week[week], key=lambda r: (str(r[7]).casefold(), str(r[1])))
    ]
    return _csv(COMMENT_COLUMNS, rows)


def spreadsheet_safe(value: Cell) -> Cell:
    """Prefix a text cell that a spreadsheet would evaluate (=, +, -, @, tab, CR) with a quote.

    Numbers we produce stay numbers; anything a person typed, and group names, are text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _figures_cells(row: GroupFigures) -> list[Cell]:
    cells: list[Cell] = []
    if row.participation is None:
        cells += [anonymity.SUPPRESSED] * 3
    else:
        p = row.participation
        cells += [p.sent, p.answered, round(p.rate, 3)]
    if row.mood is None:
        cells += [anonymity.SUPPRESSED] * 2
    else:
        cells += [row.mood.respondents, round(row.mood.average, 2)]
    if row.adoption is None:
        cells += [anonymity.SUPPRESSED] * 5
    else:
        a = row.adoption
        cells += [
            a.respondents,
            *(getattr(a, v) for v in ADOPTION_VALUES),
            round(a.share("yes"), 3),
        ]
    return cells


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    # A byte order mark, so Excel opens the UTF-8 file with accents and emoji intact.
    return buffer.getvalue().encode("utf-8-sig")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
