"""Scores anonymous texts off the ack path: a single background worker drains unscored rows.

Rows are stored unscored first, so a crash between storing and scoring loses nothing: the
worker picks up every row whose label is still empty when the process starts again.

The scoring itself (pure Python, ~0.3 ms a text) runs in a child process, so it never takes
the GIL from the threads that answer Slack within its 3-second deadline.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from storage import feedback as feedback_store
from storage.db import Database

logger = logging.getLogger(__name__)

BATCH = 200
COALESCE_SECONDS = 0.2
# Scoring yields to a burst of feedback: it starts once no new text has arrived for
# QUIET_SECONDS, or at the latest MAX_DEFER_SECONDS after it was asked for (alerts are batched
# hourly, so a few seconds never matter; the writer and the CPU go to the acks meanwhile).
QUIET_SECONDS = 0.5
MAX_DEFER_SECONDS = 30.0
# How often the scoring process checks that the app that started it is still there.
PARENT_CHECK_SECONDS = 1.0


class ScoringWorker:
    def __init__(self, *, db: Database) -> None:
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring")
        self._scorer: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._queued: Future[int] | None = None
        self._last_ask = time.monotonic()
        self._stopping = threading.Event()

    def submit_pending(self) -> Future[int]:
        """Ask for a drain; many asks while one is queued collapse into that one."""
        with self._lock:
            self._last_ask = time.monotonic()
            waiting = self._queued
            if waiting is not None and not waiting.running() and not waiting.done():
                return waiting  # it has not started yet, so it will see the new row too
            self._queued = self._executor.submit(self.drain)
            return self._queued

    def _wait_for_quiet(self, deadline: float) -> None:
        while (now := time.monotonic()) < deadline:
            quiet_for = now - self._last_ask
            if quiet_for >= QUIET_SECONDS:
                return
            if self._stopping.wait(min(QUIET_SECONDS - quiet_for, deadline - now)):
                return

    def drain(self) -> int:
        scored = 0
        time.sleep(COALESCE_SECONDS)  # let a burst of new rows arrive and score them as one batch
        deadline = time.monotonic() + MAX_DEFER_SECONDS
        try:
            while True:
                self._wait_for_quiet(deadline)
                if self._stopping.is_set():
                    return scored  # unscored rows are picked up when the process starts again
                with self.db.session() as session:
                    batch = feedback_store.unscored_feedback(session, limit=BATCH)
                if not batch:
                    return scored
                scores = self._score(batch)
                with self.db.session() as session:
                    feedback_store.store_analyses(session, scores=scores)
                scored += len(scores)
        except Exception:
            logger.exception("scoring stopped; unscored rows are retried on the next drain")
            return scored

    def _score(self, batch: list[tuple[str, str]]) -> list[dict[str, Any]]:
        if self._scorer is None:
            # spawn, not fork: this process has threads, and a forked copy could inherit a
            # lock held by one of them.
            context = multiprocessing.get_context("spawn")
            self._scorer = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_scorer_started,
                initargs=(os.getpid(),),
            )
        return self._scorer.submit(score_batch, batch).result(timeout=300)

    def shutdown(self) -> None:
        self._stopping.set()
        self._executor.shutdown(wait=True, cancel_futures=False)
        if self._scorer is not None:
            self._scorer.shutdown(wait=True)


def _scorer_started(parent: int) -> None:
    """Runs first in the scoring process. Niced: scoring can wait, the threads answering
    Slack within 3 s cannot. And it must not outlive the app: if the app is killed outright
    (kill -9, out of memory), nothing tells this process, which would otherwise wait for work
    for ever, holding its memory."""
    os.nice(15)
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def score_batch(batch: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Runs in the scoring process: (id, text) in, one dict of score columns per row out."""
    from bot.analysis import analyze

    scores = []
    for feedback_id, text in batch:
        result = analyze(text)
        scores.append(
            {
                "id": feedback_id,
                "polarity": result.polarity,
                "label": result.label,
                "subjectivity": result.subjectivity,
                "themes": ",".join(result.themes),
                "flagged": result.flagged,
                "reason": result.reason[:200],
                "language": result.language[:8],
                "confident": result.confident,
            }
        )
    return scores
