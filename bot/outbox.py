"""Sends what the outbox owes, at Slack's pace, exactly once across restarts and replicas.

How "exactly once" holds:

- every DM is a row with a unique dedupe key (`checkin:{cycle}:{user}`), so enqueueing twice,
  from two replicas or two ticks, stores it once;
- a sender claims a row (pending → sending, a conditional UPDATE) before posting and marks it
  sent after, so two senders never post the same row;
- only the holder of the `outbox` lease sends (one global pace), and it keeps the lease alive
  from a heartbeat thread while it works. A sender that dies stops renewing; the next holder
  puts its unfinished `sending` rows back to pending. The one message that was in flight at
  the crash may therefore arrive twice; nothing is ever lost.

A message may carry files (the digest's chart): they are uploaded into the DM the message
landed in, after the message is marked sent. A failed upload is logged and not retried, so
the message arrives text-only and a retry can never post it a second time.

Usage::

    sender = OutboxSender(db=db, client=client, clock=system_clock, rate=1.0, lease_seconds=30)
    sender.start()      # background thread; polls, or wakes on sender.wake()
    sender.stop()
"""

from __future__ import annotations

import base64
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from storage import outbox
from storage.db import Database
from storage.outbox import Delivery

logger = logging.getLogger(__name__)

LEASE = "outbox"
BATCH = 100
PROGRESS_EVERY = 10.0  # seconds between progress lines during a fan-out
MAX_BACKOFF = timedelta(minutes=10)
SLOW_DOWN = 0.95  # pace after each 429, as a share of the pace before it
MIN_PACE = 0.1  # never slower than this share of the configured rate

# Slack refuses these for this recipient or this payload; trying again would not help.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "channel_not_found",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "is_archived",
        "messages_tab_disabled",
        "not_in_channel",
        "invalid_blocks",
        "invalid_blocks_format",
        "no_text",
        "msg_too_long",
    }
)


def attachment(*, filename: str, title: str, alt_txt: str, content: bytes) -> dict[str, str]:
    """A file for an outbox payload's `files` list, stored with the row so a retry has it."""
    return {
        "filename": filename,
        "title": title,
        "alt_txt": alt_txt,
        "content_b64": base64.b64encode(content).decode("ascii"),
    }


class TokenBucket:
    """`rate` tokens a second, up to `capacity` saved for a burst, slowing down when told to.

    Slack asks for about one message a second, allowing short bursts; the same bucket serves
    the benchmark's 50/s by changing the rate. On a 429 the sender calls `back_off`: nothing
    for Retry-After seconds, then 5% slower and without a burst, because pacing at exactly
    Slack's limit with any jitter earns a 429 every second or so. `reset` restores full pace
    for the next fan-out.
    """

    def __init__(
        self,
        *,
        rate: float,
        capacity: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_rate = rate
        self.rate = rate
        self.capacity = capacity
        self.monotonic = monotonic
        self.tokens = capacity
        self.updated = monotonic()

    def wait_time(self) -> float:
        """Seconds until a token is there (0 if now), refilling first."""
        now = self.monotonic()
        if now < self.updated:  # paused by back_off
            return self.updated - now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, stop: threading.Event) -> bool:
        """Block until a token is spent; False if `stop` was set while waiting."""
        while (wait := self.wait_time()) > 0:
            if stop.wait(wait):
                return False
        self.tokens -= 1.0
        return True

    def back_off(self, seconds: float) -> None:
        self.rate = max(self.max_rate * MIN_PACE, self.rate * SLOW_DOWN)
        self.tokens = 0.0
        self.updated = self.monotonic() + seconds

    def reset(self) -> None:
        self.rate = self.max_rate


class OutboxSender:
    def __init__(
        self,
        *,
        db: Database,
        client: WebClient,
        clock: Clock,
        rate: float,
        lease_seconds: float,
        poll_seconds: float = 5.0,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.holder = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.bucket = TokenBucket(rate=rate, capacity=max(1.0, rate))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lease_lost = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for due messages now instead of at the next poll (after send-now, a tick)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain()
            except Exception:
                logger.exception("outbox pass failed; due messages stay queued for the next one")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    # -- one pass ------------------------------------------------------------------------------

    def drain(self) -> int:
        """Send everything due, if this process can hold the lease. Returns how many were sent."""
        with self.db.session() as session:
            now = self.clock()
            expired = outbox.expire_overdue(session, now=now)
            due = outbox.count_due(session, now=now)
        if expired:
            logger.warning("outbox: %d messages expired unsent (past their window)", expired)
        if not due or not self._acquire_lease():
            return 0
        self._lease_lost.clear()
        done = threading.Event()
        heartbeat = threading.Thread(
            target=self._keep_lease, args=(done,), name="outbox-lease", daemon=True
        )
        heartbeat.start()
        try:
            with self.db.session() as session:
                orphans = outbox.requeue_orphans(session, holder=self.holder)
            if orphans:
                logger.warning(
                    "outbox: %d messages a stopped sender left half-done, requeued", orphans
                )
            return self._send_due()
        finally:
            done.set()
            heartbeat.join()
            with self.db.session() as session:
                outbox.release_lease(session, name=LEASE, holder=self.holder, now=self.clock())

    def _send_due(self) -> int:
        self.bucket.reset()
        progress = _Progress(self.db, self.clock)
        while not (self._stop.is_set() or self._lease_lost.is_set()):
            with self.db.session() as session:
                ids = outbox.due_ids(session, now=self.clock(), limit=BATCH)
            if not ids:
                break
            for message_id in ids:
                if self._stop.is_set() or self._lease_lost.is_set():
                    break
                if not self.bucket.take(self._stop):
                    break
                with self.db.session() as session:
                    delivery = outbox.claim(
                        session, message_id=message_id, holder=self.holder, now=self.clock()
                    )
                if delivery is not None and self._post(delivery):
                    progress.sent += 1
                progress.maybe_log()
        progress.finish()
        return progress.sent

    def _post(self, delivery: Delivery) -> bool:
        payload = delivery.payload
        try:
            response = self.client.chat_postMessage(
                channel=delivery.recipient, text=payload["text"], blocks=payload.get("blocks")
            )
        except SlackApiError as error:
            self._failed(delivery, error)
            return False
        except Exception as error:  # connection reset, timeout: Slack may be fine in a minute
            logger.warning(
                "outbox: %s #%d not sent (%s); will retry",
                delivery.kind,
                delivery.id,
                error.__class__.__name__,
            )
            self._retry(delivery, error.__class__.__name__, after=_backoff(delivery.attempts))
            return False
        with self.db.session() as session:
            outbox.mark_sent(
                session,
                message_id=delivery.id,
                holder=self.holder,
                now=self.clock(),
                channel=response.get("channel"),
                message_ts=response.get("ts"),
            )
        files = payload.get("files")
        channel = response.get("channel")
        if files and channel:
            self._upload(delivery, channel=str(channel), files=files)
        return True

    def _upload(self, delivery: Delivery, *, channel: str, files: list[dict[str, str]]) -> None:
        """Share the message's files in its DM; the message itself is already marked sent."""
        for item in files:
            try:
                self.client.files_upload_v2(
                    channel=channel,
                    content=base64.b64decode(item["content_b64"]),
                    filename=item["filename"],
                    title=item.get("title") or item["filename"],
                    alt_txt=item.get("alt_txt"),
                )
            except Exception:
                logger.exception(
                    "outbox: %s #%d was sent without its file; the upload failed",
                    delivery.kind,
                    delivery.id,
                )

    def _failed(self, delivery: Delivery, error: SlackApiError) -> None:
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        if code in PERMANENT_ERRORS:
            logger.warning(
                "outbox: %s #%d refused by Slack (%s); not retried",
                delivery.kind,
                delivery.id,
                code,
            )
            with self.db.session() as session:
                outbox.mark_failed(session, message_id=delivery.id, holder=self.holder, error=code)
            return
        if error.response.status_code == 429:
            # Our client does not retry 429s itself: the whole sender pauses for exactly
            # Retry-After (not just this message), then goes on a little slower.
            wait = _retry_after(error.response.headers)
            self.bucket.back_off(wait)
            logger.info(
                "outbox: Slack asked us to wait %.0fs; pacing at %.2f/s", wait, self.bucket.rate
            )
            self._retry(delivery, code, after=timedelta(seconds=wait))
            return
        logger.warning("outbox: %s #%d not sent (%s); will retry", delivery.kind, delivery.id, code)
        self._retry(delivery, code, after=_backoff(delivery.attempts))

    def _retry(self, delivery: Delivery, error: str, *, after: timedelta) -> None:
        with self.db.session() as session:
            outbox.retry_later(
                session,
                message_id=delivery.id,
                holder=self.holder,
                retry_at=self.clock() + after,
                error=error,
            )

    # -- the lease -----------------------------------------------------------------------------

    def _acquire_lease(self) -> bool:
        with self.db.session() as session:
            now = self.clock()
            return outbox.acquire_lease(
                session,
                name=LEASE,
                holder=self.holder,
                now=now,
                expires_at=now + timedelta(seconds=self.lease_seconds),
            )

    def _keep_lease(self, done: threading.Event) -> None:
        """Renew while the pass runs, so a slow send (429 back-off) never lets the lease lapse."""
        while not done.wait(self.lease_seconds / 3):
            try:
                held = self._acquire_lease()
            except Exception:
                logger.exception("outbox: lease renewal failed")
                held = False
            if not held:
                logger.warning("outbox: lost the send lease; another replica carries on")
                self._lease_lost.set()
                return


class _Progress:
    """Sent/total and an ETA every few seconds: counts only, never who."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.sent = 0
        self.started = time.monotonic()
        self.logged = self.started

    def maybe_log(self) -> None:
        if time.monotonic() - self.logged >= PROGRESS_EVERY:
            self._log()

    def finish(self) -> None:
        if self.sent:
            self._log()

    def _log(self) -> None:
        self.logged = time.monotonic()
        with self.db.session() as session:
            left = outbox.count_due(session, now=self.clock())
        elapsed = max(self.logged - self.started, 1e-6)
        rate = self.sent / elapsed
        eta = f"{left / rate:.0f}s" if rate > 0 and left else "0s"
        logger.info("outbox: sent %d/%d (%.1f/s, ETA %s)", self.sent, self.sent + left, rate, eta)


def _backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(seconds=5 * 2 ** min(attempts, 10)))


def _retry_after(headers: Mapping[str, object]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(1.0, float(str(raw)))
            except ValueError:
                break
    return 1.0
