"""Due-time arithmetic: each person's wall-clock time in their own zone, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import (
    LOCAL_SPREAD,
    checkin_due,
    cycle_opens,
    local_instant,
    next_checkin,
    parse_clock_time,
    parse_weekday,
    reminder_due,
    scheduled_week,
    week_of,
    zone,
)

TUESDAY, TEN = 1, time(10, 0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "week", "expected"),
    [
        # New York springs forward on Sunday 9 March 2025: EST (-5) one week, EDT (-4) the next.
        ("America/New_York", date(2025, 3, 3), utc(2025, 3, 4, 15, 0)),
        ("America/New_York", date(2025, 3, 10), utc(2025, 3, 11, 14, 0)),
        # Berlin springs forward on 30 March 2025 (CET +1 → CEST +2).
        ("Europe/Berlin", date(2025, 3, 24), utc(2025, 3, 25, 9, 0)),
        ("Europe/Berlin", date(2025, 3, 31), utc(2025, 4, 1, 8, 0)),
        # Kolkata has no DST and a half-hour offset: always 04:30 UTC.
        ("Asia/Kolkata", date(2025, 3, 3), utc(2025, 3, 4, 4, 30)),
        ("Asia/Kolkata", date(2025, 3, 10), utc(2025, 3, 11, 4, 30)),
        # Auckland falls back on 6 April 2025 (NZDT +13 → NZST +12); its Tuesday is Monday UTC.
        ("Pacific/Auckland", date(2025, 3, 31), utc(2025, 3, 31, 21, 0)),
        ("Pacific/Auckland", date(2025, 4, 7), utc(2025, 4, 7, 22, 0)),
    ],
)
def test_checkin_is_ten_local_in_every_zone_across_dst(
    tz: str, week: date, expected: datetime
) -> None:
    due = checkin_due(week=week, weekday=TUESDAY, at=TEN, tz=ZoneInfo(tz))
    assert due == expected
    assert due.astimezone(ZoneInfo(tz)).strftime("%a %H:%M") == "Tue 10:00"
    # The cycle opens before anyone's check-in is due, and nobody waits more than 26 hours.
    opens = cycle_opens(week=week, weekday=TUESDAY, at=TEN)
    assert opens <= due <= opens + LOCAL_SPREAD


def test_wall_times_skipped_or_repeated_by_dst_are_resolved_like_a_wall_clock() -> None:
    new_york = ZoneInfo("America/New_York")
    # 02:30 does not exist on 9 March 2025: it lands at 03:30 EDT, right after the jump.
    skipped = local_instant(date(2025, 3, 9), time(2, 30), new_york)
    assert skipped == utc(2025, 3, 9, 7, 30)
    assert skipped.astimezone(new_york).strftime("%H:%M %Z") == "03:30 EDT"
    # 01:30 happens twice on 2 November 2025: the first (EDT) one is used.
    repeated = local_instant(date(2025, 11, 2), time(1, 30), new_york)
    assert repeated == utc(2025, 11, 2, 5, 30)


def test_the_scheduled_week_turns_when_the_first_zone_reaches_the_time() -> None:
    tz = ZoneInfo("UTC")
    week = date(2025, 3, 10)
    opens = cycle_opens(week=week, weekday=TUESDAY, at=TEN)
    assert opens == utc(2025, 3, 10, 20, 0)  # Tuesday 10:00 at UTC+14
    before = scheduled_week(now=opens - timedelta(seconds=1), weekday=TUESDAY, at=TEN, tz=tz)
    after = scheduled_week(now=opens, weekday=TUESDAY, at=TEN, tz=tz)
    assert (before, after) == (week - timedelta(days=7), week)
    # A Monday-00:30 schedule opens on Sunday UTC, for the week that starts the next day.
    sunday = utc(2025, 3, 16, 11, 0)
    assert scheduled_week(now=sunday, weekday=0, at=time(0, 30), tz=tz) == date(2025, 3, 17)


def test_reminders_never_land_on_the_local_weekend() -> None:
    new_york = ZoneInfo("America/New_York")
    friday_ten = local_instant(date(2025, 3, 14), TEN, new_york)
    due = reminder_due(checkin_sent=friday_ten, delay=timedelta(hours=24), tz=new_york)
    assert due.astimezone(new_york).strftime("%a %d %H:%M") == "Mon 17 09:00"
    tuesday = local_instant(date(2025, 3, 11), TEN, new_york)
    weekday_due = reminder_due(checkin_sent=tuesday, delay=timedelta(hours=24), tz=new_york)
    assert weekday_due == tuesday + timedelta(hours=24)
    # Friday evening in UTC is already Saturday in Auckland: pushed to its Monday.
    auckland = ZoneInfo("Pacific/Auckland")
    late = reminder_due(
        checkin_sent=utc(2025, 3, 13, 12, 0), delay=timedelta(hours=24), tz=auckland
    )
    assert late.astimezone(auckland).strftime("%a %H:%M") == "Mon 09:00"


def test_next_checkin_is_in_the_persons_own_time() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    now = utc(2025, 3, 11, 5, 0)  # Tuesday 10:30 in Kolkata: this week's has passed
    upcoming = next_checkin(now=now, weekday=TUESDAY, at=TEN, tz=kolkata)
    assert upcoming.astimezone(kolkata) == datetime(2025, 3, 18, 10, 0, tzinfo=kolkata)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("tue", 1), ("Tuesday", 1), ("TUES", 1), ("th", 3), ("sun", 6), ("t", None), ("x", None)],
)
def test_weekdays_are_understood_in_short_and_long_form(word: str, expected: int | None) -> None:
    assert parse_weekday(word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10:00", time(10, 0)), ("9:30", time(9, 30)), ("17.45", time(17, 45)), ("25:00", None)],
)
def test_clock_times(text: str, expected: time | None) -> None:
    assert parse_clock_time(text) == expected


def test_unknown_zones_fall_back_to_the_team_zone() -> None:
    assert zone(None, fallback="Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert zone("Mars/Olympus", fallback="Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    assert week_of(utc(2025, 3, 16, 23, 0), ZoneInfo("Europe/Berlin")) == date(2025, 3, 17)
