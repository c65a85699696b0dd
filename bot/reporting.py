"""Digests, the report and the export, wired to people: who gets what, when, and how.

The figures themselves come from `bot.reports` (which applies every anonymity rule); this
module decides the audience and the delivery.

- The **weekly digest** goes out right after a cycle closes (the tick notices the close) and
  on `/pulse digest-now`. Each champion gets the champion digest and each change lead the
  lead's superset, through the outbox under `digest:{cycle_id}:{user_id}`, so one person gets
  one digest per cycle however many replicas tick or how often digest-now is run. A person
  named champion after the digest went out gets it on the next digest-now.
- The chart travels in the outbox row (see `bot.outbox.attachment`) and is uploaded into the
  DM after the digest message, so a failed upload leaves a text-only digest, never two.
- The **export** is a reply to one person's request, not a fan-out: it is built and uploaded
  into their DM straight away, after the ack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from bot import messages
from bot.blocks.digest import champion_digest_message, lead_digest_message
from bot.outbox import attachment
from bot.reports.chart import chart_alt_text, trend_chart_png
from bot.reports.digest import Digest, Report, build_digest, build_report
from bot.reports.export import build_export
from bot.schedule import zone
from bot.services import Services
from storage import outbox, people
from storage import reports as report_store
from storage.outbox import Outgoing
from storage.team import get_team_settings

logger = logging.getLogger(__name__)

# A cycle that closed longer ago than this gets no scheduled digest: after a long outage the
# team hears about the next cycle rather than a stale one (digest-now can still send it).
DIGEST_FRESH = timedelta(days=2)
# A digest Slack could not take for this long is dropped: by then the next one is near.
DIGEST_EXPIRES = timedelta(days=3)


@dataclass(frozen=True)
class DigestRun:
    """What a digest run did: `recipients` 0 when there is no champion or lead to send to,
    `week` None when no check-in has closed yet (nothing was queued in either case)."""

    week: date | None
    recipients: int
    queued: int  # newly queued now; the others already had this cycle's digest

    @property
    def already_sent(self) -> int:
        return self.recipients - self.queued


@dataclass(frozen=True)
class ExportResult:
    delivered: bool
    filenames: tuple[str, ...]


def digest_key(cycle_id: int, user_id: str) -> str:
    return f"digest:{cycle_id}:{user_id}"


def tick(services: Services) -> None:
    """Queue the digest of a cycle that closed recently, once. Safe on several replicas:
    two that race both build it, and the outbox keeps one row per person."""
    now = services.clock()
    with services.db.session() as session:
        latest = report_store.latest_closed_at(session, team_id=services.team_id)
        if latest is None or latest[1] < now - DIGEST_FRESH:
            return
        cycle_id = latest[0]
        if outbox.status_counts(session, cycle_id=cycle_id, kind="digest"):
            return
    run = send_digests(services, cycle_id=cycle_id)
    if run.queued:
        logger.info("weekly digest of week %s queued for %d people", run.week, run.queued)


def send_digests(services: Services, *, cycle_id: int | None = None) -> DigestRun:
    """Queue the digest of `cycle_id` (default: the latest closed cycle) for every champion
    and change lead who has not had it yet."""
    now = services.clock()
    with services.db.session() as session:
        leads = people.change_lead_ids(session)
        champions = [c for c in people.champion_ids(session) if c not in leads]
        recipients = len(leads) + len(champions)
        if not recipients:
            return DigestRun(week=None, recipients=0, queued=0)
        digest = build_digest(session, team_id=services.team_id, cycle_id=cycle_id)
    if digest is None:
        return DigestRun(week=None, recipients=recipients, queued=0)
    chart = _chart(digest)
    lead_payload = {**lead_digest_message(digest), "files": [chart]}
    champion_payload = {**champion_digest_message(digest), "files": [chart]}
    rows = [
        Outgoing(
            kind="digest",
            dedupe_key=digest_key(digest.cycle.cycle_id, user_id),
            cycle_id=digest.cycle.cycle_id,
            recipient=user_id,
            due_at=now,
            expires_at=now + DIGEST_EXPIRES,
            payload=payload,
        )
        for users, payload in ((leads, lead_payload), (champions, champion_payload))
        for user_id in users
    ]
    with services.db.session() as session:
        queued = outbox.enqueue(session, messages=rows)
    if queued:
        services.outbox.wake()
    return DigestRun(week=digest.cycle.week, recipients=recipients, queued=queued)


def _chart(digest: Digest) -> dict[str, str]:
    week = digest.cycle.week
    return attachment(
        filename=f"changepulse-trend-{week.isoformat()}.png",
        title=f"Mood and adoption up to the week of {week.day} {week:%b %Y}",
        alt_txt=chart_alt_text(digest.trend),
        content=trend_chart_png(digest.trend),
    )


def latest_digest(services: Services) -> Digest | None:
    """The latest closed cycle's digest, for a champion's App Home."""
    with services.db.session() as session:
        return build_digest(session, team_id=services.team_id)


def report(services: Services) -> Report:
    with services.db.session() as session:
        return build_report(session, team_id=services.team_id)


def send_export(services: Services, *, user_id: str) -> ExportResult:
    """Build both CSV files and upload them into the person's DM with the app.

    The DM channel comes from conversations.open: uploads need a channel id, and a user id
    is not one. Failures are logged and reported as not delivered; nothing is retried, as the
    person is told and can simply ask again.
    """
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
        today = services.clock().astimezone(zone(settings.default_tz, fallback="UTC")).date()
        files = build_export(session, team_id=services.team_id, today=today)
    names = tuple(f.filename for f in files)
    try:
        opened = services.client.conversations_open(users=user_id)
        channel = str(opened["channel"]["id"])
        services.client.files_upload_v2(
            channel=channel,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.filename} for f in files
            ],
            initial_comment=messages.EXPORT_COMMENT,
        )
    except Exception:
        logger.exception("export could not be delivered")
        return ExportResult(delivered=False, filenames=names)
    return ExportResult(delivered=True, filenames=names)
