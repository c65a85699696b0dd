"""Alerts to the change lead: resistance in what people wrote, and trends after each cycle.

Both go out as outbox DMs with one dedupe key per lead, built by exactly one replica (the
claims are in storage/alerts.py), so no replica, restart or second tick sends one twice.

**Resistance alerts are batched.** A flagged text is claimed for the *next* batch boundary
(every `alert_batch_minutes`, counted from midnight UTC) and goes out at that boundary with
everything else flagged in the window. The time an alert arrives therefore says "some time in
the last hour", never "just now": a text flagged after its boundary has passed waits for the
next one rather than going out alone. Items are ordered most negative first, then by their
random id, never by arrival.

**Trend alerts** compare a cycle, once it has closed, with the closed cycle before it, for the
whole audience and each named group: mood average down by `alert_mood_drop`, participation
down by `alert_participation_drop` points, "No, I used the old way" up by `alert_old_way_rise`
points, and a theme in at least 3 texts (comments or `/feedback`) that never reached 3 in a
week of the previous 26 check-ins. A figure is compared only if the report shows it in both
weeks: mood and old-way need `min_group_size` respondents, participation that many people
asked (silence is the signal there, so it cannot also be the entry ticket).

**Muting.** A text whose themes are all muted is left out, unless it is strongly negative
(polarity ≤ -0.5, the scorer's own line): anger about a muted theme is still news. Muted
themes are dropped from an item's theme list and never trip the "new theme" trend rule.

**Anonymity.** An item carries the text (escaped by the builder), its themes, a tactic and
its source. The stakeholder group is named only if that group has at least `min_group_size`
members *now*. Trend figures come from `bot.reports.digest.cycle_figures`, so an alert shows
only cells the report itself may show.

Usage (the scheduler calls this every tick)::

    alerts.tick(services)
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlmodel import Session

from bot import messages
from bot.analysis import THEME_IDS, THEMES, tactic_for
from bot.analysis.sentiment import STRONG_NEGATIVE
from bot.blocks.alerts import resistance_alert_messages, trend_alert_message
from bot.reports import anonymity
from bot.reports.digest import CycleFigures, cycle_figures, week_window
from bot.services import Services
from storage import alerts as store
from storage import outbox, people
from storage import reports as report_store
from storage.alerts import FlaggedRow
from storage.models import TeamSettings
from storage.outbox import Outgoing
from storage.reports import CycleRef
from storage.team import get_team_settings

logger = logging.getLogger(__name__)

# A flagged text older than this is never alerted: naming a change lead (or deploying this)
# should not flood them with last quarter's feedback.
LOOKBACK = timedelta(days=14)
# Trends of a cycle that closed longer ago than this are old news; after downtime, skip them.
TREND_FRESH = timedelta(days=3)
# "First time" looks back this many check-ins (about half a year).
THEME_HISTORY_CYCLES = 26
NEW_THEME_TEXTS = 3


@dataclass(frozen=True)
class ThemeAdvice:
    id: str
    title: str
    tactic: str


@dataclass(frozen=True)
class FlaggedText:
    """One item of a resistance alert: raw text (the builder escapes it), nothing identifying."""

    text: str
    source: str  # "feedback" | "comment"
    group: str | None  # only a group with at least min_group_size members now
    themes: tuple[ThemeAdvice, ...]
    strongly_negative: bool


@dataclass(frozen=True)
class ResistanceAlert:
    items: tuple[FlaggedText, ...]
    muted: int  # flagged texts left out because all their themes are muted
    batch_minutes: int
    min_group_size: int


TrendKind = Literal["mood", "participation", "old_way", "new_theme"]


@dataclass(frozen=True)
class TrendChange:
    """What changed for one population: `before`/`after` are a mood (1-5) or a share (0-1);
    for a new theme, `after` is this week's count of texts and `before` the earlier peak."""

    kind: TrendKind
    before: float
    after: float
    tactic: str
    theme: ThemeAdvice | None = None  # the new theme, or the theme behind a mood tactic


@dataclass(frozen=True)
class PopulationTrend:
    group: str | None  # None: the whole audience
    changes: tuple[TrendChange, ...]


@dataclass(frozen=True)
class TrendAlert:
    week: date
    previous_week: date
    system_name: str
    populations: tuple[PopulationTrend, ...]
    min_group_size: int
    new_theme_texts: int = NEW_THEME_TEXTS

    @property
    def changes(self) -> int:
        return sum(len(p.changes) for p in self.populations)


@dataclass(frozen=True)
class Thresholds:
    """Alert when a change reaches these; `/pulse settings` edits them."""

    mood_drop: float  # mood points on the 1-5 scale
    participation_drop: float  # percentage points
    old_way_rise: float  # percentage points
    muted: frozenset[str]

    @classmethod
    def of(cls, settings: TeamSettings) -> Thresholds:
        return cls(
            mood_drop=settings.alert_mood_drop,
            participation_drop=settings.alert_participation_drop,
            old_way_rise=settings.alert_old_way_rise,
            muted=muted_themes(settings.muted_themes),
        )


def muted_themes(stored: str) -> frozenset[str]:
    """The stored comma list → known theme ids (an id dropped from the taxonomy is ignored)."""
    return frozenset(t for t in stored.split(",") if t in THEMES)


def next_boundary(now: datetime, *, minutes: int) -> datetime:
    """The first batch boundary strictly after `now`."""
    return last_boundary(now, minutes=minutes) + timedelta(minutes=minutes)


def last_boundary(now: datetime, *, minutes: int) -> datetime:
    """The latest batch boundary at or before `now`; boundaries count from midnight UTC."""
    step = minutes * 60
    return datetime.fromtimestamp(int(now.timestamp()) // step * step, UTC)


def alert_key(window_end: datetime, *, lead: str, part: int) -> str:
    """`alert:{window}:{lead}`, and `:{part}` for the second and later message of a batch."""
    key = f"alert:{window_end:%Y%m%dT%H%MZ}:{lead}"
    return key if part == 1 else f"{key}:{part}"


def trend_key(cycle_id: int, lead: str) -> str:
    return f"trend:{cycle_id}:{lead}"


# -- the job -----------------------------------------------------------------------------------


def tick(services: Services) -> None:
    """Claim new flagged texts, send a batch whose boundary passed, check a closed cycle.

    Idempotent and safe on several replicas at once.
    """
    now = services.clock()
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
        leads = people.change_lead_ids(session)
    if not leads:
        return  # nothing is claimed, so a lead named later still hears about recent texts
    queued = queue_resistance_alerts(services, now=now, settings=settings, leads=leads)
    queued += queue_trend_alert(services, now=now, settings=settings, leads=leads)
    with services.db.session() as session:
        store.forget_delivered(session)
    if queued:
        services.outbox.wake()


def queue_resistance_alerts(
    services: Services, *, now: datetime, settings: TeamSettings, leads: Sequence[str]
) -> int:
    """Claim flagged texts for the next boundary; build the batch of the last one. Returns
    how many DMs were queued."""
    minutes = settings.alert_batch_minutes
    with services.db.session() as session:
        store.claim_flagged(
            session, window_end=next_boundary(now, minutes=minutes), since=(now - LOOKBACK).date()
        )
    boundary = last_boundary(now, minutes=minutes)
    with services.db.session() as session:
        if not store.has_pending(session, up_to=boundary):
            return 0
    with services.db.session() as session:
        if not store.start_batch(session, window_end=boundary):
            return 0  # another replica built it
        rows = store.take_pending(session, up_to=boundary)
        sizes = {g: people.group_size(session, group=g) for g in {r.group for r in rows} if g}
        alert = resistance_alert(
            rows,
            muted=muted_themes(settings.muted_themes),
            group_sizes=sizes,
            minimum=anonymity.min_group_size(settings.min_group_size),
            batch_minutes=minutes,
        )
        if not alert.items:
            return 0
        payloads = resistance_alert_messages(alert)
        queued = outbox.enqueue(
            session,
            messages=[
                Outgoing(
                    kind="alert",
                    dedupe_key=alert_key(boundary, lead=lead, part=part),
                    recipient=lead,
                    due_at=boundary,
                    payload=payload,
                )
                for lead in leads
                for part, payload in enumerate(payloads, start=1)
            ],
        )
    logger.info("resistance alert: %d item(s) queued for %d lead(s)", len(alert.items), len(leads))
    return queued


def resistance_alert(
    rows: Iterable[FlaggedRow],
    *,
    muted: frozenset[str],
    group_sizes: Mapping[str, int],
    minimum: int,
    batch_minutes: int,
) -> ResistanceAlert:
    """Claimed rows → the alert: muted-only texts left out, small groups unnamed."""
    items: list[tuple[float, FlaggedText]] = []
    left_out = 0
    for row in rows:
        known = [t for t in row.themes if t in THEMES]
        shown = [t for t in known if t not in muted]
        strong = row.polarity <= STRONG_NEGATIVE
        if known and not shown:
            if not strong:
                left_out += 1
                continue
            shown = known  # strongly negative about a muted theme: still say what it is about
        group = row.group if row.group and group_sizes.get(row.group, 0) >= minimum else None
        item = FlaggedText(
            text=row.text,
            source=row.source,
            group=group,
            themes=tuple(_advice(t) for t in shown),
            strongly_negative=strong,
        )
        items.append((row.polarity, item))
    items.sort(key=lambda pair: pair[0])  # stable: ties keep the random-id order
    return ResistanceAlert(
        items=tuple(item for _, item in items),
        muted=left_out,
        batch_minutes=batch_minutes,
        min_group_size=minimum,
    )


def queue_trend_alert(
    services: Services, *, now: datetime, settings: TeamSettings, leads: Sequence[str]
) -> int:
    """Check the latest closed cycle once; one DM per lead if any rule tripped."""
    with services.db.session() as session:
        cycle = store.latest_closed_cycle(session, team_id=services.team_id)
    if cycle is None or cycle.checked or cycle.closed_at < now - TREND_FRESH:
        return 0
    with services.db.session() as session:
        if not store.start_trend_check(session, cycle_id=cycle.id):
            return 0
        alert = trend_alert(session, team_id=services.team_id, cycle_id=cycle.id, settings=settings)
        changes = alert.changes if alert is not None else 0
        store.record_trend_changes(session, cycle_id=cycle.id, changes=changes)
        if alert is None or not changes:
            return 0
        payload = trend_alert_message(alert)
        queued = outbox.enqueue(
            session,
            messages=[
                Outgoing(
                    kind="trend",
                    dedupe_key=trend_key(cycle.id, lead),
                    recipient=lead,
                    due_at=now,
                    payload=payload,
                )
                for lead in leads
            ],
        )
    logger.info("trend alert for week %s: %d change(s)", cycle.week, changes)
    return queued


# -- trends ------------------------------------------------------------------------------------


def trend_alert(
    session: Session, *, team_id: str, cycle_id: int, settings: TeamSettings
) -> TrendAlert | None:
    """The cycle against the one before it; None if there is no earlier closed cycle."""
    cycles = report_store.recent_cycles(session, team_id=team_id, limit=THEME_HISTORY_CYCLES + 1)
    if len(cycles) < 2 or cycles[0].id != cycle_id:
        return None
    current, previous = cycles[0], cycles[1]
    minimum = anonymity.min_group_size(settings.min_group_size)
    compared = [current.id, previous.id]
    answers = report_store.answer_counts(session, cycle_ids=compared)
    participation = report_store.participation_by_group(session, cycle_ids=compared)
    now_figures, before_figures = (
        cycle_figures(c, answers=answers, participation=participation, minimum=minimum)
        for c in (current, previous)
    )
    themes = _theme_counts(session, cycles)
    history = [themes.get(c.id, {}) for c in cycles[1:]]
    thresholds = Thresholds.of(settings)
    populations: list[PopulationTrend] = []
    for group in _compared_populations(now_figures, before_figures):
        changes = population_changes(
            now=_measures(now_figures, group),
            before=_measures(before_figures, group),
            themes_now=_themes_of(themes.get(current.id, {}), group),
            themes_before=[_themes_of(week, group) for week in history],
            thresholds=thresholds,
        )
        if changes:
            populations.append(PopulationTrend(group=group, changes=changes))
    return TrendAlert(
        week=current.week,
        previous_week=previous.week,
        system_name=current.system_name,
        populations=tuple(populations),
        min_group_size=minimum,
    )


@dataclass(frozen=True)
class Measures:
    """One population's shown figures in one cycle; None where the report would hide it."""

    mood: float | None
    participation: float | None
    old_way: float | None

    @property
    def has_respondents(self) -> bool:
        return self.mood is not None or self.old_way is not None


def population_changes(
    *,
    now: Measures,
    before: Measures,
    themes_now: Mapping[str, int],
    themes_before: Sequence[Mapping[str, int]],
    thresholds: Thresholds,
) -> tuple[TrendChange, ...]:
    """The four rules for one population; a figure hidden in either week is not compared."""
    changes: list[TrendChange] = []
    top = _top_theme(themes_now, muted=thresholds.muted)
    if (
        now.mood is not None
        and before.mood is not None
        and _reached(before.mood - now.mood, thresholds.mood_drop)
    ):
        changes.append(
            TrendChange(
                kind="mood",
                before=before.mood,
                after=now.mood,
                tactic=top.tactic if top else messages.TREND_MOOD_TACTIC,
                theme=top,
            )
        )
    if (
        now.participation is not None
        and before.participation is not None
        and _reached(
            (before.participation - now.participation) * 100, thresholds.participation_drop
        )
    ):
        changes.append(
            TrendChange(
                kind="participation",
                before=before.participation,
                after=now.participation,
                tactic=messages.TREND_PARTICIPATION_TACTIC,
            )
        )
    if (
        now.old_way is not None
        and before.old_way is not None
        and _reached((now.old_way - before.old_way) * 100, thresholds.old_way_rise)
    ):
        changes.append(
            TrendChange(
                kind="old_way",
                before=before.old_way,
                after=now.old_way,
                tactic=tactic_for("back_to_old_tools"),
            )
        )
    if now.has_respondents and before.has_respondents:
        for theme_id in THEME_IDS:
            count = themes_now.get(theme_id, 0)
            peak = max((week.get(theme_id, 0) for week in themes_before), default=0)
            if theme_id in thresholds.muted or count < NEW_THEME_TEXTS or peak >= NEW_THEME_TEXTS:
                continue
            advice = _advice(theme_id)
            changes.append(
                TrendChange(
                    kind="new_theme",
                    before=peak,
                    after=count,
                    tactic=advice.tactic,
                    theme=advice,
                )
            )
    return tuple(changes)


def _reached(change: float, threshold: float) -> bool:
    # Rounded so that 3.8 → 3.3 counts as the 0.5 drop it looks like, float noise aside.
    return round(change, 6) >= threshold


def _compared_populations(now: CycleFigures, before: CycleFigures) -> list[str | None]:
    """The whole audience, then named groups present in both cycles (the pool is no group)."""
    named_now = {g.group for g in now.groups if g.group is not None}
    named_before = {g.group for g in before.groups if g.group is not None}
    return [None, *sorted(named_now & named_before, key=str.casefold)]


def _measures(figures: CycleFigures, group: str | None) -> Measures:
    if group is None:
        participation, mood, adoption = figures.participation, figures.mood, figures.adoption
    else:
        row = next(g for g in figures.groups if g.group == group)
        participation, mood, adoption = row.participation, row.mood, row.adoption
    return Measures(
        mood=mood.average if mood else None,
        participation=participation.rate if participation else None,
        old_way=adoption.share("no") if adoption else None,
    )


def _theme_counts(
    session: Session, cycles: Sequence[CycleRef]
) -> dict[int, dict[str | None, dict[str, int]]]:
    """Texts per theme, per cycle and stakeholder group, in each cycle's week."""
    result: dict[int, dict[str | None, dict[str, int]]] = {}
    for cycle in cycles:
        start, end = week_window(cycle.week)
        counts = report_store.text_counts(session, start=start, end=end, theme_ids=THEME_IDS)
        result[cycle.id] = {c.group: c.themes for c in counts}
    return result


def _themes_of(week: Mapping[str | None, Mapping[str, int]], group: str | None) -> dict[str, int]:
    """One group's theme counts, or the whole audience's (every group and none) for None."""
    if group is not None:
        return dict(week.get(group, {}))
    totals: dict[str, int] = defaultdict(int)
    for counts in week.values():
        for theme_id, n in counts.items():
            totals[theme_id] += n
    return dict(totals)


def _top_theme(counts: Mapping[str, int], *, muted: frozenset[str]) -> ThemeAdvice | None:
    ranked = [t for t in THEME_IDS if counts.get(t, 0) > 0 and t not in muted]
    if not ranked:
        return None
    return _advice(max(ranked, key=lambda t: counts[t]))  # max keeps the first of a tie


def _advice(theme_id: str) -> ThemeAdvice:
    theme = THEMES[theme_id]
    return ThemeAdvice(id=theme_id, title=theme.title, tactic=theme.tactic)
