"""Scores anonymous texts off the ack path: a single background worker drains unscored rows.

Rows are stored unscored first, so a crash between storing and scoring loses nothing: the
worker picks up every row whose label is still empty when the process starts again.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from storage import feedback as feedback_store
from storage.db import Database

logger = logging.getLogger(__name__)


class ScoringWorker:
    def __init__(self, *, db: Database) -> None:
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring")
        self._lock = threading.Lock()
        self._queued: Future[int] | None = None

    def submit_pending(self) -> Future[int]:
        """Ask for a drain; many asks while one is queued collapse into that one."""
        with self._lock:
            waiting = self._queued
            if waiting is not None and not waiting.running() and not waiting.done():
                return waiting  # it has not started yet, so it will see the new row too
            self._queued = self._executor.submit(self.drain)
            return self._queued

    def drain(self) -> int:
        from bot.analysis import analyze  # loads the lexicons once, off the start-up path

        scored = 0
        try:
            while True:
                with self.db.session() as session:
                    ids = feedback_store.unscored_feedback_ids(session, limit=200)
                if not ids:
                    return scored
                for feedback_id in ids:
                    with self.db.session() as session:
                        row = feedback_store.get_feedback(session, feedback_id=feedback_id)
                        if row is None or row.label is not None:
                            continue
                        result = analyze(row.text)
                        feedback_store.store_analysis(
                            session,
                            row=row,
                            polarity=result.polarity,
                            label=result.label,
                            subjectivity=result.subjectivity,
                            themes=list(result.themes),
                            flagged=result.flagged,
                            reason=result.reason,
                            language=result.language,
                            confident=result.confident,
                        )
                        scored += 1
        except Exception:
            logger.exception("scoring stopped; unscored rows are retried on the next drain")
            return scored

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=False)
