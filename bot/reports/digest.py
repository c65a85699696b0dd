"""The weekly digest and the change-lead report, as plain data for the builders.

Everything here starts from the aggregates in `storage.reports` and passes every figure
through `bot.reports.anonymity` before it lands in a dataclass, so a builder can show whatever
it is handed: a suppressed cell arrives as `None` and can only render as "not enough
responses". Only closed cycles are reported (see the anonymity module for why).

Typical use, from a scheduled job or `/pulse digest-now`::

    with db.session() as session:
        digest = build_digest(session, team_id=team_id)
    if digest is not None:
        payload = champion_digest_message(digest)  # bot.blocks.digest
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.analysis import THEME_IDS, THEMES
from bot.reports import anonymity
from storage import reports as store
from storage.reports import AnswerCount, CycleRef, ParticipationCount, TextCount
from storage.team import get_team_settings

TREND_CYCLES = 8
TOP_THEMES = 5
MAX_QUOTES = 3
MAX_HELP_GROUPS = 3
MOOD_VALUES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
ADOPTION_VALUES = ("yes", "partly", "no")
# How check-ins store each adoption answer (bot/blocks/checkin.py) → the name reports use.
STORED_ADOPTION = {"yes": "yes", "partly": "partly", "no_old_way": "no"}


@dataclass(frozen=True)
class Participation:
    sent: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class Mood:
    respondents: int
    average: float


@dataclass(frozen=True)
class Adoption:
    yes: int
    partly: int
    no: int

    @property
    def respondents(self) -> int:
        return self.yes + self.partly + self.no

    def share(self, answer: str) -> float:
        count = {"yes": self.yes, "partly": self.partly, "no": self.no}[answer]
        return count / self.respondents if self.respondents else 0.0


@dataclass(frozen=True)
class GroupFigures:
    """One stakeholder group's row; `None` in a figure means suppressed.

    `group` is None for the pool of people in no group or in a group too small to name.
    """

    group: str | None
    participation: Participation | None
    mood: Mood | None
    adoption: Adoption | None


@dataclass(frozen=True)
class CycleFigures:
    cycle_id: int
    week: date
    system_name: str
    key_task: str
    participation: Participation | None
    mood: Mood | None
    adoption: Adoption | None
    groups: tuple[GroupFigures, ...]


@dataclass(frozen=True)
class TrendPoint:
    week: date
    participation: float | None
    mood: float | None
    yes_share: float | None


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str
    title: str
    tactic: str
    count: int


@dataclass(frozen=True)
class Quote:
    """A comment to show, raw: builders escape it, so it is escaped exactly once."""

    text: str
    theme_id: str
    theme_title: str
    source: str
    group: str | None


@dataclass(frozen=True)
class HelpNeeded:
    group: str
    mood: float | None
    yes_share: float | None
    theme: ThemeCount | None
    theme_from_group: bool  # False: the audience's top theme, the group wrote too little


@dataclass(frozen=True)
class Texts:
    """What people wrote in a cycle's week: counts, top themes, quotes."""

    count: int
    themes: tuple[ThemeCount, ...] | None  # None: too few texts to show counts
    flagged: int


@dataclass(frozen=True)
class Digest:
    """A cycle for champions; the change lead's digest also shows `cycle.groups` and
    `texts.flagged`, which champion builders leave out."""

    cycle: CycleFigures
    trend: tuple[TrendPoint, ...]  # oldest first, this cycle last
    texts: Texts
    quotes: tuple[Quote, ...]
    help_needed: tuple[HelpNeeded, ...]
    min_group_size: int


@dataclass(frozen=True)
class InProgress:
    """The open cycle: who has answered so far, never what (see the anonymity module)."""

    week: date
    participation: Participation | None


@dataclass(frozen=True)
class Report:
    current: CycleFigures | None
    previous: CycleFigures | None
    trend: tuple[TrendPoint, ...]
    texts: Texts | None
    in_progress: InProgress | None
    min_group_size: int


def week_window(week: date) -> tuple[date, date]:
    """The days [start, end) whose texts belong to the cycle of `week` (a Monday)."""
    return week, week + timedelta(days=7)


def build_digest(session: Session, *, team_id: str, cycle_id: int | None = None) -> Digest | None:
    """The digest of `cycle_id`, or of the latest closed cycle; None if there is none."""
    settings = get_team_settings(session, team_id=team_id)
    minimum = anonymity.min_group_size(settings.min_group_size)
    threshold = anonymity.comment_threshold(min_group_size=minimum)
    up_to = None
    if cycle_id is not None:
        ref = store.closed_cycle(session, team_id=team_id, cycle_id=cycle_id)
        if ref is None:
            return None
        up_to = ref.week
    cycles = store.recent_cycles(session, team_id=team_id, limit=TREND_CYCLES, up_to_week=up_to)
    if not cycles:
        return None
    current = cycles[0]
    ids = [c.id for c in cycles]
    answers = store.answer_counts(session, cycle_ids=ids)
    participation = store.participation_by_group(session, cycle_ids=[current.id])
    totals = store.participation_totals(session, cycle_ids=ids)
    start, end = week_window(current.week)
    counts = store.text_counts(session, start=start, end=end, theme_ids=THEME_IDS)

    figures = cycle_figures(current, answers=answers, participation=participation, minimum=minimum)
    texts = summarise_texts(counts, minimum=minimum)
    return Digest(
        cycle=figures,
        trend=trend(cycles, answers=answers, participation=totals, minimum=minimum),
        texts=texts,
        quotes=_quotes(session, week=current.week, texts=texts, counts=counts, threshold=threshold),
        help_needed=help_needed(figures, counts=counts, texts=texts, threshold=threshold),
        min_group_size=minimum,
    )


def build_report(session: Session, *, team_id: str) -> Report:
    """`/pulse report`: the latest closed cycle next to the one before, and the open one's
    progress."""
    settings = get_team_settings(session, team_id=team_id)
    minimum = anonymity.min_group_size(settings.min_group_size)
    cycles = store.recent_cycles(session, team_id=team_id, limit=TREND_CYCLES)
    ids = [c.id for c in cycles]
    answers = store.answer_counts(session, cycle_ids=ids)
    compared = cycles[:2]
    participation = store.participation_by_group(session, cycle_ids=[c.id for c in compared])
    totals = store.participation_totals(session, cycle_ids=ids)
    figures = [
        cycle_figures(c, answers=answers, participation=participation, minimum=minimum)
        for c in compared
    ]
    texts = None
    if cycles:
        start, end = week_window(cycles[0].week)
        counts = store.text_counts(session, start=start, end=end, theme_ids=THEME_IDS)
        texts = summarise_texts(counts, minimum=minimum)
    return Report(
        current=figures[0] if figures else None,
        previous=figures[1] if len(figures) > 1 else None,
        trend=trend(cycles, answers=answers, participation=totals, minimum=minimum),
        texts=texts,
        in_progress=_in_progress(session, team_id=team_id, minimum=minimum),
        min_group_size=minimum,
    )


def cycle_figures(
    cycle: CycleRef,
    *,
    answers: Iterable[AnswerCount],
    participation: Iterable[ParticipationCount],
    minimum: int,
) -> CycleFigures:
    """One cycle's totals and per-group rows, with every unsafe cell set to None.

    Each measure is its own table (total plus groups) because its respondents differ: someone
    may answer the mood question and skip adoption.
    """
    mood_n: dict[str | None, int] = defaultdict(int)
    mood_sum: dict[str | None, int] = defaultdict(int)
    adoption: dict[str | None, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(ADOPTION_VALUES, 0)
    )
    for row in answers:
        if row.cycle_id != cycle.id:
            continue
        if row.question == "mood" and row.value in MOOD_VALUES:
            mood_n[row.group] += row.count
            mood_sum[row.group] += MOOD_VALUES[row.value] * row.count
        elif row.question == "adoption" and row.value in STORED_ADOPTION:
            adoption[row.group][STORED_ADOPTION[row.value]] += row.count
    sent: dict[str | None, int] = defaultdict(int)
    answered: dict[str | None, int] = defaultdict(int)
    for p in participation:
        if p.cycle_id == cycle.id:
            sent[p.group] += p.sent
            answered[p.group] += p.answered

    mood_shown = anonymity.suppress_breakdown(mood_n, min_group_size=minimum)
    adoption_n = {g: sum(v.values()) for g, v in adoption.items()}
    adoption_shown = anonymity.suppress_breakdown(adoption_n, min_group_size=minimum)
    sent_shown = anonymity.suppress_breakdown(sent, min_group_size=minimum)

    def mood_of(groups: Iterable[str | None]) -> Mood:
        n = sum(mood_n[g] for g in groups)
        return Mood(respondents=n, average=sum(mood_sum[g] for g in groups) / n)

    def adoption_of(groups: Iterable[str | None]) -> Adoption:
        groups = list(groups)
        return Adoption(**{v: sum(adoption[g][v] for g in groups) for v in ADOPTION_VALUES})

    def participation_of(groups: Iterable[str | None]) -> Participation:
        groups = list(groups)
        return Participation(
            sent=sum(sent[g] for g in groups), answered=sum(answered[g] for g in groups)
        )

    names = set(mood_n) | set(adoption) | set(sent)
    rows = tuple(
        GroupFigures(
            group=g,
            participation=participation_of([g]) if sent_shown.shows(g) else None,
            mood=mood_of([g]) if mood_shown.shows(g) else None,
            adoption=adoption_of([g]) if adoption_shown.shows(g) else None,
        )
        for g in sorted(names, key=_group_order)
    )
    return CycleFigures(
        cycle_id=cycle.id,
        week=cycle.week,
        system_name=cycle.system_name,
        key_task=cycle.key_task,
        participation=participation_of(sent) if sent_shown.total else None,
        mood=mood_of(mood_n) if mood_shown.total else None,
        adoption=adoption_of(adoption) if adoption_shown.total else None,
        groups=rows,
    )


def trend(
    cycles: Sequence[CycleRef],
    *,
    answers: Iterable[AnswerCount],
    participation: Mapping[int, tuple[int, int]],
    minimum: int,
) -> tuple[TrendPoint, ...]:
    """Whole-audience figures per cycle, oldest first; a cycle too small to show is a gap.

    Each point is the total cell of that cycle's breakdown, which suppression shows exactly
    when it is large enough (`anonymity.total_shown`), so the trend and the breakdowns never
    disagree about what is visible.
    """
    mood_n: dict[int, int] = defaultdict(int)
    mood_sum: dict[int, int] = defaultdict(int)
    adoption: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ADOPTION_VALUES, 0))
    for row in answers:
        if row.question == "mood" and row.value in MOOD_VALUES:
            mood_n[row.cycle_id] += row.count
            mood_sum[row.cycle_id] += MOOD_VALUES[row.value] * row.count
        elif row.question == "adoption" and row.value in STORED_ADOPTION:
            adoption[row.cycle_id][STORED_ADOPTION[row.value]] += row.count
    points = []
    for cycle in reversed(cycles):
        sent, answered = participation.get(cycle.id, (0, 0))
        said = Adoption(**adoption[cycle.id])
        points.append(
            TrendPoint(
                week=cycle.week,
                participation=(
                    answered / sent if anonymity.total_shown(sent, min_group_size=minimum) else None
                ),
                mood=(
                    mood_sum[cycle.id] / mood_n[cycle.id]
                    if anonymity.total_shown(mood_n[cycle.id], min_group_size=minimum)
                    else None
                ),
                yes_share=(
                    said.share("yes")
                    if anonymity.total_shown(said.respondents, min_group_size=minimum)
                    else None
                ),
            )
        )
    return tuple(points)


def summarise_texts(counts: Iterable[TextCount], *, minimum: int) -> Texts:
    """Theme counts of the whole audience; shown only when enough people wrote."""
    counts = list(counts)
    total = sum(c.texts for c in counts)
    flagged = sum(c.flagged for c in counts)
    if total < minimum:
        return Texts(count=total, themes=None, flagged=flagged)
    by_theme = _theme_totals(counts)
    return Texts(count=total, themes=_top(by_theme, TOP_THEMES), flagged=flagged)


def help_needed(
    figures: CycleFigures, *, counts: Iterable[TextCount], texts: Texts, threshold: int
) -> tuple[HelpNeeded, ...]:
    """Named groups doing worse than the audience on mood or adoption, worst first.

    Only groups whose figures are shown qualify, so a champion is never pointed at a group
    too small to hide in. The tactic follows the group's own top theme when it wrote enough
    to be quoted, otherwise the audience's.
    """
    overall_mood = figures.mood.average if figures.mood else None
    overall_yes = figures.adoption.share("yes") if figures.adoption else None
    by_group = {c.group: c for c in counts}
    ranked: list[tuple[float, HelpNeeded]] = []
    for row in figures.groups:
        if row.group is None:
            continue
        mood = row.mood.average if row.mood else None
        yes = row.adoption.share("yes") if row.adoption else None
        # Mood spans 1-5 and shares 0-1: scale both gaps to a share of their range.
        gaps = []
        if mood is not None and overall_mood is not None:
            gaps.append((overall_mood - mood) / 4)
        if yes is not None and overall_yes is not None:
            gaps.append(overall_yes - yes)
        if not gaps or max(gaps) <= 0:
            continue
        own = by_group.get(row.group)
        theme: ThemeCount | None = None
        from_group = False
        if own is not None and anonymity.may_quote(own.texts, threshold=threshold):
            top = _top(own.themes, 1)
            if top:
                theme, from_group = top[0], True
        if theme is None and texts.themes:
            theme = texts.themes[0]
        ranked.append(
            (
                max(gaps),
                HelpNeeded(
                    group=row.group,
                    mood=mood,
                    yes_share=yes,
                    theme=theme,
                    theme_from_group=from_group,
                ),
            )
        )
    ranked.sort(key=lambda item: (-item[0], item[1].group))
    return tuple(h for _, h in ranked[:MAX_HELP_GROUPS])


def _quotes(
    session: Session, *, week: date, texts: Texts, counts: Sequence[TextCount], threshold: int
) -> tuple[Quote, ...]:
    """Up to three comments, each for a different top theme, from groups that wrote enough."""
    if not texts.themes:
        return ()
    eligible = [c.group for c in counts if anonymity.may_quote(c.texts, threshold=threshold)]
    named = [g for g in eligible if g is not None]
    if not eligible:
        return ()
    start, end = week_window(week)
    candidates = store.quote_candidates(
        session,
        start=start,
        end=end,
        theme_ids=[t.theme_id for t in texts.themes],
        groups=named,
        include_ungrouped=None in eligible,
        per_theme=1,
    )
    by_theme = {c.theme: c for c in candidates}
    chosen = [
        Quote(
            text=pick.text,
            theme_id=theme.theme_id,
            theme_title=theme.title,
            source=pick.source,
            group=pick.group,
        )
        for theme in texts.themes
        if (pick := by_theme.get(theme.theme_id)) is not None
    ]
    return tuple(chosen[:MAX_QUOTES])


def _in_progress(session: Session, *, team_id: str, minimum: int) -> InProgress | None:
    cycle = store.open_cycle(session, team_id=team_id)
    if cycle is None:
        return None
    sent, answered = store.participation_totals(session, cycle_ids=[cycle.id]).get(cycle.id, (0, 0))
    # No live count of flagged texts: it would rise the moment one is scored, and tell the
    # lead when it was written, which the batching of alerts exists to hide.
    return InProgress(
        week=cycle.week,
        participation=Participation(sent=sent, answered=answered) if sent >= minimum else None,
    )


def _theme_totals(counts: Iterable[TextCount]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for c in counts:
        for theme_id, n in c.themes.items():
            totals[theme_id] += n
    return totals


def _top(by_theme: Mapping[str, int], limit: int) -> tuple[ThemeCount, ...]:
    order = {theme_id: i for i, theme_id in enumerate(THEME_IDS)}
    ranked = sorted(
        (t for t, n in by_theme.items() if n > 0 and t in THEMES),
        key=lambda t: (-by_theme[t], order[t]),
    )
    return tuple(
        ThemeCount(theme_id=t, title=THEMES[t].title, tactic=THEMES[t].tactic, count=by_theme[t])
        for t in ranked[:limit]
    )


def _group_order(group: str | None) -> tuple[bool, str]:
    return group is None, (group or "").casefold()
