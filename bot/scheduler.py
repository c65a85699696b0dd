"""Background jobs on APScheduler 3.x. Jobs have explicit ids and coalesce after downtime.

Every job is safe to run on several replicas at once: the work it does is claimed through the
database, never through this process's memory.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot import alerts, checkins, reporting, updates
from bot.services import Services
from storage import feedback as feedback_store

logger = logging.getLogger(__name__)


def purge_expired_receipts(services: Services) -> None:
    with services.db.session() as session:
        feedback_store.purge_receipts(session, now=services.clock())


def sync_directory(services: Services) -> None:
    try:
        count = services.directory.sync_users()
        logger.info("directory synced: %d accounts", count)
    except Exception:
        logger.exception("directory sync failed; will retry on the next run")


def checkin_tick(services: Services) -> None:
    try:
        checkins.tick(services)
    except Exception:
        logger.exception("check-in tick failed; the next tick picks up where this one stopped")


def alerts_tick(services: Services) -> None:
    try:
        alerts.tick(services)
    except Exception:
        logger.exception("alerts tick failed; claimed texts wait for the next tick")


def digest_tick(services: Services) -> None:
    try:
        reporting.tick(services)
    except Exception:
        logger.exception("digest tick failed; the next tick tries again")


def updates_tick(services: Services) -> None:
    try:
        updates.tick(services)
    except Exception:
        logger.exception("update fan-out failed; the next tick tries again")


def build_scheduler(services: Services) -> BackgroundScheduler:
    """Jobs with explicit ids, coalesced after downtime, with a grace window of hours.

    The job store is memory on purpose: the schedule itself lives in the database (team
    settings and the cycle table), and every job is idempotent, so a restart neither loses
    nor repeats a check-in. The tick also runs at start, to catch up after downtime at once.
    """
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    # Every tick runs at start too, to catch up after downtime at once. The digest follows a
    # cycle's close, which the check-in tick makes; a tick apart is soon enough, and it keeps
    # a slow digest build from delaying check-ins.
    for tick in (checkin_tick, alerts_tick, digest_tick, updates_tick):
        scheduler.add_job(
            tick,
            "interval",
            seconds=services.settings.changepulse_tick_seconds,
            args=[services],
            id=tick.__name__,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )
    scheduler.add_job(
        purge_expired_receipts,
        "interval",
        minutes=30,
        args=[services],
        id="purge_receipts",
        replace_existing=True,
    )
    scheduler.add_job(
        sync_directory,
        "interval",
        hours=12,
        args=[services],
        id="sync_directory",
        replace_existing=True,
    )
    scheduler.add_job(
        services.scoring.submit_pending,
        "interval",
        minutes=5,
        id="score_pending",
        replace_existing=True,
    )
    return scheduler
