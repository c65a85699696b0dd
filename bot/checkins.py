"""Weekly check-ins: cycles open on schedule (or on send-now), fan out through the outbox,
collect anonymous answers, send one reminder, and close.

Everything here is safe to run on several replicas at once: a cycle is unique per team and
week, a check-in per cycle and person, and both are created with inserts that ignore a
conflict. Times come from `services.clock`, so tests can stand anywhere in the calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum

from sqlmodel import Session

from bot import audience, feedback
from bot.blocks.checkin import QUESTIONS, checkin_message
from bot.schedule import (
    LOCAL_SPREAD,
    checkin_due,
    cycle_opens,
    next_checkin,
    parse_clock_time,
    reminder_due,
    scheduled_week,
    week_of,
    zone,
)
from bot.services import Services
from storage import checkins as store
from storage import outbox, people
from storage.models import Cycle, TeamSettings
from storage.outbox import Outgoing
from storage.team import get_team_settings, update_team_settings

logger = logging.getLogger(__name__)

# A check-in that could not go out at its time (the app was down) still goes out this long
# after; later than that it would land in someone's evening, so it is dropped for the week.
GRACE = timedelta(hours=12)
DEFAULT_TIME = time(10, 0)


class CycleClosed(Exception):
    """The cycle an answer points at has closed (or never existed)."""


class Outcome(Enum):
    RECORDED = "recorded"
    CLOSED = "closed"
    INVALID = "invalid"


@dataclass(frozen=True)
class Fanout:
    cycle_id: int
    week: date
    recipients: int
    queued: int
    created: bool


@dataclass(frozen=True)
class SendNow:
    fanout: Fanout | None
    problem: str | None = None  # "no_audience" | "closed"


@dataclass(frozen=True)
class CheckinCard:
    """What one person's check-in message shows: the questions and their own answers."""

    cycle_id: int
    system: str
    key_task: str
    closes_on: date
    is_open: bool
    answers: dict[str, str]


@dataclass(frozen=True)
class PersonalStatus:
    week: date | None  # the open cycle's week; None when no check-in is open
    received: bool
    answered: bool
    next_checkin: datetime  # in the person's own timezone


@dataclass(frozen=True)
class CycleCounts:
    week: date
    closes_at: datetime
    people: int
    answered: int
    sent: int
    waiting: int
    undeliverable: int
    reminders_sent: int
    # Fewer people than the minimum group size: the answered count is not shown.
    answered_hidden: bool = False


def checkin_key(cycle_id: int, user_id: str) -> str:
    return f"checkin:{cycle_id}:{user_id}"


def reminder_key(cycle_id: int, user_id: str) -> str:
    return f"reminder:{cycle_id}:{user_id}"


# -- the schedule ------------------------------------------------------------------------------


def tick(services: Services) -> None:
    """The every-minute job: close what is due, open this week's cycle, queue reminders.

    Idempotent: running it twice, late, or on two replicas changes nothing the second time.
    """
    now = services.clock()
    settings = _team_settings(services)
    close_due_cycles(services, now=now)
    open_scheduled_cycle(services, now=now, settings=settings)
    queue_reminders(services, now=now, settings=settings)
    services.outbox.wake()


def close_due_cycles(services: Services, *, now: datetime) -> int:
    with services.db.session() as session:
        due = [
            c.id
            for c in store.open_cycles(session, team_id=services.team_id)
            if c.closes_at <= now and c.id is not None
        ]
    closed = 0
    for cycle_id in due:
        with services.db.session() as session:
            closed += store.close_cycle(session, cycle_id=cycle_id, now=now)
    if closed:
        services.db.forget_overwritten()
        logger.info(
            "closed %d check-in cycle(s); answers can no longer be linked to people", closed
        )
    return closed


def open_scheduled_cycle(
    services: Services, *, now: datetime, settings: TeamSettings
) -> Fanout | None:
    """Open the week's cycle once the first timezone reaches the check-in time.

    After downtime this still opens it, and each person's check-in goes out if their local
    time passed less than GRACE ago; past that, the week is skipped rather than sent at night.
    """
    at = parse_clock_time(settings.checkin_time) or DEFAULT_TIME
    team_tz = zone(settings.default_tz, fallback="UTC")
    week = scheduled_week(now=now, weekday=settings.checkin_weekday, at=at, tz=team_tz)
    opens = cycle_opens(week=week, weekday=settings.checkin_weekday, at=at)
    if now > opens + LOCAL_SPREAD + GRACE:
        return None
    with services.db.session() as session:
        latest = store.latest_cycle(session, team_id=services.team_id)
        has_audience = bool(people.audience_sources(session))
    if not has_audience or (latest is not None and latest.week >= week):
        return None
    members = audience.resolve(services).members
    if not members:
        logger.warning("check-in of week %s not opened: the audience has nobody reachable", week)
        return None

    def due_for(tz_name: str | None) -> datetime:
        tz = zone(tz_name, fallback=settings.default_tz)
        return checkin_due(week=week, weekday=settings.checkin_weekday, at=at, tz=tz)

    return _open(services, week=week, now=now, settings=settings, members=members, due_for=due_for)


def send_now(services: Services) -> SendNow:
    """Start this week's cycle now for the whole audience (or hurry the open one along)."""
    now = services.clock()
    settings = _team_settings(services)
    week = week_of(now, zone(settings.default_tz, fallback="UTC"))
    with services.db.session() as session:
        latest = store.latest_cycle(session, team_id=services.team_id)
    if latest is not None and latest.week >= week:
        week = latest.week
        if latest.closed_at is not None or latest.closes_at <= now:
            return SendNow(None, "closed")
    members = audience.resolve(services).members
    if not members:
        return SendNow(None, "no_audience")
    fanout = _open(
        services, week=week, now=now, settings=settings, members=members, due_for=lambda _: now
    )
    with services.db.session() as session:
        outbox.bring_forward(session, cycle_id=fanout.cycle_id, kind="checkin", now=now)
    services.outbox.wake()
    return SendNow(fanout)


def _open(
    services: Services,
    *,
    week: date,
    now: datetime,
    settings: TeamSettings,
    members: list[str],
    due_for: Callable[[str | None], datetime],
) -> Fanout:
    closed_older = False
    with services.db.session() as session:
        for older in store.open_cycles(session, team_id=services.team_id):
            if older.week < week and older.id is not None:
                closed_older |= store.close_cycle(session, cycle_id=older.id, now=now)
        cycle, created = store.create_cycle(
            session,
            team_id=services.team_id,
            week=week,
            system_name=settings.system_name,
            key_task=settings.key_task,
            opened_at=now,
            closes_at=now + timedelta(days=settings.cycle_days),
        )
    if closed_older:
        services.db.forget_overwritten()
    assert cycle.id is not None
    with services.db.session() as session:
        known = people.people_by_id(session, user_ids=members)
    payload = checkin_message(
        cycle_id=cycle.id,
        system=cycle.system_name,
        key_task=cycle.key_task,
        closes_on=_local_date(cycle.closes_at, settings),
    )
    messages = []
    for user_id in members:
        person = known.get(user_id)
        due = due_for(person.tz if person is not None else None)
        messages.append(
            Outgoing(
                kind="checkin",
                dedupe_key=checkin_key(cycle.id, user_id),
                cycle_id=cycle.id,
                recipient=user_id,
                due_at=due,
                expires_at=due + GRACE,
                payload=payload,
            )
        )
    with services.db.session() as session:
        store.add_participants(session, cycle_id=cycle.id, user_ids=members)
        queued = outbox.enqueue(session, messages=messages)
    logger.info(
        "check-in of week %s: %d of %d people newly queued%s",
        week,
        queued,
        len(members),
        "" if created else " (cycle already open)",
    )
    return Fanout(
        cycle_id=cycle.id, week=week, recipients=len(members), queued=queued, created=created
    )


def queue_reminders(services: Services, *, now: datetime, settings: TeamSettings) -> int:
    """One reminder per cycle to each person who has not answered `reminder_delay_hours` after
    their check-in arrived, moved off their weekend; answering before it goes cancels it."""
    delay = timedelta(hours=settings.reminder_delay_hours)
    with services.db.session() as session:
        candidates = store.reminder_candidates(
            session, team_id=services.team_id, sent_before=now - delay
        )
        if not candidates:
            return 0
        cycles = {c.cycle_id: store.get_cycle(session, cycle_id=c.cycle_id) for c in candidates}
        known = people.people_by_id(session, user_ids=[c.user_id for c in candidates])
    payloads = {
        cycle_id: checkin_message(
            cycle_id=cycle_id,
            system=cycle.system_name,
            key_task=cycle.key_task,
            closes_on=_local_date(cycle.closes_at, settings),
            reminder=True,
        )
        for cycle_id, cycle in cycles.items()
        if cycle is not None
    }
    messages = []
    for candidate in candidates:
        person = known.get(candidate.user_id)
        tz = zone(person.tz if person else None, fallback=settings.default_tz)
        messages.append(
            Outgoing(
                kind="reminder",
                dedupe_key=reminder_key(candidate.cycle_id, candidate.user_id),
                cycle_id=candidate.cycle_id,
                recipient=candidate.user_id,
                due_at=reminder_due(checkin_sent=candidate.checkin_sent_at, delay=delay, tz=tz),
                expires_at=candidate.closes_at,
                payload=payloads[candidate.cycle_id],
            )
        )
    with services.db.session() as session:
        queued = outbox.enqueue(session, messages=messages)
    if queued:
        logger.info("queued %d reminder(s)", queued)
    return queued


# -- answers -----------------------------------------------------------------------------------


def record_answer(
    services: Services, *, cycle_id: int, user_id: str, question: str, value: str
) -> Outcome:
    """Store (or replace) one answer without storing who gave it or when."""
    if value not in QUESTIONS.get(question, {}):
        return Outcome.INVALID
    try:
        with services.db.session() as session:
            now = services.clock()
            if not store.lock_open_cycle(session, cycle_id=cycle_id, user_id=user_id, now=now):
                raise CycleClosed
            group = feedback.visible_group(session, team_id=services.team_id, user_id=user_id)
            store.record_answer(
                session,
                cycle_id=cycle_id,
                user_id=user_id,
                question=question,
                value=value,
                stakeholder_group=group,
            )
            outbox.cancel(session, dedupe_keys=[reminder_key(cycle_id, user_id)])
    except CycleClosed:
        return Outcome.CLOSED
    return Outcome.RECORDED


def record_comment(
    services: Services, *, cycle_id: int, user_id: str, text: str, receipt: str | None
) -> feedback.FeedbackResult:
    """A check-in comment is anonymous feedback (source "comment") bucketed by the cycle's
    week; it also counts as taking part, so no reminder follows.

    Raises:
        CycleClosed: the cycle has closed; nothing was stored.
        feedback.FeedbackRefused: the text is empty, too long or only mentions.
    """
    with services.db.session() as session:
        cycle = store.get_cycle(session, cycle_id=cycle_id)
    if cycle is None or not _is_open(cycle, services.clock()):
        raise CycleClosed
    result = feedback.submit(
        db=services.db,
        clock=services.clock,
        team_id=services.team_id,
        author_id=user_id,
        text=text,
        topic=None,
        receipt=receipt,
        source="comment",
        day=cycle.week,
    )
    try:
        with services.db.session() as session:
            if not store.lock_open_cycle(
                session, cycle_id=cycle_id, user_id=user_id, now=services.clock()
            ):
                raise CycleClosed
            store.mark_answered(session, cycle_id=cycle_id, user_id=user_id)
            outbox.cancel(session, dedupe_keys=[reminder_key(cycle_id, user_id)])
    except CycleClosed:
        pass  # closed a moment ago: the comment is kept, attendance no longer matters
    if not result.duplicate:
        services.scoring.submit_pending()
    return result


def card(services: Services, *, cycle_id: int, user_id: str) -> CheckinCard | None:
    """The check-in as this person should now see it; None if the cycle does not exist."""
    settings = _team_settings(services)
    with services.db.session() as session:
        cycle = store.get_cycle(session, cycle_id=cycle_id)
        if cycle is None:
            return None
        is_open = _is_open(cycle, services.clock())
        answers = store.own_answers(session, cycle_id=cycle_id, user_id=user_id) if is_open else {}
    return CheckinCard(
        cycle_id=cycle_id,
        system=cycle.system_name,
        key_task=cycle.key_task,
        closes_on=_local_date(cycle.closes_at, settings),
        is_open=is_open,
        answers=answers,
    )


# -- status and schedule -----------------------------------------------------------------------


def status(
    services: Services, *, user_id: str, with_counts: bool
) -> tuple[PersonalStatus, CycleCounts | None]:
    now = services.clock()
    settings = _team_settings(services)
    with services.db.session() as session:
        cycle = _current_cycle(session, services.team_id, now)
        person = people.get_person(session, user_id=user_id)
        taking_part = (
            store.participation(session, cycle_id=cycle.id, user_id=user_id)
            if cycle is not None and cycle.id is not None
            else None
        )
        counts = _counts(session, cycle) if with_counts and cycle is not None else None
    tz = zone(person.tz if person else None, fallback=settings.default_tz)
    at = parse_clock_time(settings.checkin_time) or DEFAULT_TIME
    if counts is not None:
        counts = replace(
            counts,
            closes_at=counts.closes_at.astimezone(tz),
            answered_hidden=counts.people < max(3, settings.min_group_size),
        )
    personal = PersonalStatus(
        week=cycle.week if cycle is not None else None,
        received=taking_part is not None,
        answered=bool(taking_part and taking_part.answered),
        next_checkin=next_checkin(
            now=now, weekday=settings.checkin_weekday, at=at, tz=tz
        ).astimezone(tz),
    )
    return personal, counts


def set_schedule(services: Services, *, weekday: int, at: time, user_id: str) -> datetime:
    """Save the weekly time; returns the caller's next check-in, in their own timezone."""
    now = services.clock()
    with services.db.session() as session:
        settings = update_team_settings(
            session,
            team_id=services.team_id,
            changes={"checkin_weekday": weekday, "checkin_time": at.strftime("%H:%M")},
            now=now,
        )
        person = people.get_person(session, user_id=user_id)
    tz = zone(person.tz if person else None, fallback=settings.default_tz)
    return next_checkin(now=now, weekday=weekday, at=at, tz=tz).astimezone(tz)


def _current_cycle(session: Session, team_id: str, now: datetime) -> Cycle | None:
    cycles = [c for c in store.open_cycles(session, team_id=team_id) if _is_open(c, now)]
    return cycles[-1] if cycles else None


def _counts(session: Session, cycle: Cycle) -> CycleCounts:
    assert cycle.id is not None
    total, answered = store.counts(session, cycle_id=cycle.id)
    checkins = outbox.status_counts(session, cycle_id=cycle.id, kind="checkin")
    reminders = outbox.status_counts(session, cycle_id=cycle.id, kind="reminder")
    return CycleCounts(
        week=cycle.week,
        closes_at=cycle.closes_at,
        people=total,
        answered=answered,
        sent=checkins.get(outbox.SENT, 0),
        waiting=checkins.get(outbox.PENDING, 0) + checkins.get(outbox.SENDING, 0),
        undeliverable=checkins.get(outbox.FAILED, 0) + checkins.get(outbox.EXPIRED, 0),
        reminders_sent=reminders.get(outbox.SENT, 0),
    )


def _is_open(cycle: Cycle, now: datetime) -> bool:
    return cycle.closed_at is None and cycle.closes_at > now


def _local_date(moment: datetime, settings: TeamSettings) -> date:
    return moment.astimezone(zone(settings.default_tz, fallback="UTC")).date()


def _team_settings(services: Services) -> TeamSettings:
    with services.db.session() as session:
        return get_team_settings(session, team_id=services.team_id)
