"""An injectable clock, so "this week", schedules and windows can be tested at any instant."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def shifted_clock(path: str) -> Clock:
    """Real time plus the seconds written in the file at `path`, re-read when it changes.

    Only for the end-to-end tests (Settings refuses it unless CHANGEPULSE_TESTING is set):
    they write "86400" to be a day later without restarting the app. Time keeps flowing, so
    pacing, leases and timeouts behave as they do in production.
    """
    cache: dict[str, float] = {"mtime": -1.0, "offset": 0.0}

    def now() -> datetime:
        try:
            mtime = os.stat(path).st_mtime_ns
            if mtime != cache["mtime"]:
                with open(path) as handle:
                    cache["offset"] = float(handle.read().strip() or 0)
                cache["mtime"] = mtime
        except (OSError, ValueError):
            pass  # mid-write or removed: keep the last offset
        return datetime.now(UTC) + timedelta(seconds=cache["offset"])

    return now
