"""When check-ins and reminders are due: pure calendar arithmetic, no clock and no I/O.

Every function takes the instant it reasons about, so tests can ask "what happens in
Auckland the week New York springs forward" without waiting for it. Wall-clock times are
turned into instants with zoneinfo, which follows each zone's daylight-saving rules:
10:00 in New York is 15:00 UTC one Tuesday and 14:00 UTC the next.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# The first and last places on Earth to reach a given wall-clock time (Kiribati, UTC+14, and
# Baker Island, UTC-12). A cycle opens when the earliest of them reaches the check-in time,
# so every recipient's local due time falls inside the 26 hours after that.
EARLIEST_ZONE = timezone(timedelta(hours=14))
LOCAL_SPREAD = timedelta(hours=26)

REMINDER_MORNING = time(9, 0)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def parse_weekday(word: str) -> int | None:
    """`tue`, `Tues`, `tuesday` → 1 (Monday is 0, as in `date.weekday()`); None if unknown."""
    word = word.strip().lower().rstrip(".")
    if len(word) < 2:
        return None
    matches = [index for index, name in enumerate(WEEKDAYS) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def parse_clock_time(text: str) -> time | None:
    """`10:00`, `9:30`, `17.45`, `9h30` → a time; None for anything else (no 12-hour clock)."""
    match = _TIME.match(text.strip().lower())
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def zone(name: str | None, *, fallback: str) -> ZoneInfo:
    """The person's zone, or the team's when Slack gave none or one zoneinfo does not know."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def week_of(moment: datetime, tz: ZoneInfo) -> date:
    """The Monday of the week `moment` falls in, on the calendar of `tz`."""
    day = moment.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, as aware UTC.

    A wall time that does not exist (skipped by a spring-forward) lands an hour later, the
    way a wall clock reads right after the jump; one that happens twice (fall-back) is the
    first. Both are zoneinfo's fold=0 rules.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def checkin_due(*, week: date, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """When a person in `tz` should get the check-in of `week`."""
    return local_instant(week + timedelta(days=weekday), at, tz)


def cycle_opens(*, week: date, weekday: int, at: time) -> datetime:
    """The first instant anyone on Earth reaches the check-in time of `week`."""
    return datetime.combine(week + timedelta(days=weekday), at, tzinfo=EARLIEST_ZONE).astimezone(
        UTC
    )


def scheduled_week(*, now: datetime, weekday: int, at: time, tz: ZoneInfo) -> date:
    """The latest week whose cycle should have opened by `now`."""
    this_week = week_of(now, tz)
    for week in (this_week + timedelta(days=7), this_week, this_week - timedelta(days=7)):
        if cycle_opens(week=week, weekday=weekday, at=at) <= now:
            return week
    return this_week - timedelta(days=14)


def next_checkin(*, now: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The next time a person in `tz` gets a check-in, for "/pulse schedule" to confirm."""
    week = week_of(now, tz)
    for candidate in (week, week + timedelta(days=7), week + timedelta(days=14)):
        due = checkin_due(week=candidate, weekday=weekday, at=at, tz=tz)
        if due > now:
            return due
    raise AssertionError("a weekly time always recurs within two weeks")


def reminder_due(*, checkin_sent: datetime, delay: timedelta, tz: ZoneInfo) -> datetime:
    """`delay` after the check-in arrived, moved off the person's weekend to Monday morning."""
    due = checkin_sent + delay
    local = due.astimezone(tz)
    if local.weekday() < 5:
        return due
    monday = local.date() + timedelta(days=7 - local.weekday())
    return local_instant(monday, REMINDER_MORNING, tz)
