"""The inline-dispatch predicate and the scoring worker's wait for a quiet moment."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from slack_bolt import BoltRequest

from bot import scoring
from bot.server import is_command
from storage.db import Database


def _command(name: str) -> BoltRequest:
    return BoltRequest(body=f"command={name}&text=hi", headers={})


def test_inline_only_for_the_named_command_and_not_while_the_writer_is_busy() -> None:
    busy = threading.Event()
    inline = is_command("/feedback", unless=busy.is_set)
    assert inline(_command("/feedback"))
    assert not inline(_command("/pulse"))
    busy.set()
    assert not inline(_command("/feedback"))


def test_writer_busy_reflects_an_open_sqlite_session(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        assert not db.writer_busy()
        with db.session():
            assert db.writer_busy()
        assert not db.writer_busy()
    finally:
        db.dispose()


def test_scoring_waits_for_a_quiet_moment_and_stops_waiting_on_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    db.migrate()
    worker = scoring.ScoringWorker(db=db)
    try:
        # Asked again and again (a burst): the drain has not reached the database yet.
        started = time.monotonic()
        deadline = started + 5
        waiter = threading.Thread(target=worker._wait_for_quiet, args=(deadline,))
        waiter.start()
        for _ in range(8):
            worker._last_ask = time.monotonic()
            time.sleep(scoring.QUIET_SECONDS / 4)
        assert waiter.is_alive()
        # Then quiet: it goes ahead about QUIET_SECONDS after the last ask.
        waiter.join(timeout=scoring.QUIET_SECONDS * 4)
        assert not waiter.is_alive()
        # A shutdown cuts a wait short: with a 30 s quiet period, only the stop can end it.
        monkeypatch.setattr(scoring, "QUIET_SECONDS", 30.0)
        worker._last_ask = time.monotonic()
        waiter = threading.Thread(target=worker._wait_for_quiet, args=(time.monotonic() + 60,))
        waiter.start()
        time.sleep(0.3)
        assert waiter.is_alive()
        worker.shutdown()
        waiter.join(timeout=2)
        assert not waiter.is_alive()
        # ...and a drain asked for after the stop leaves the rows for the next start.
        assert worker.drain() == 0
    finally:
        db.dispose()


def _gone(pid: int) -> bool:
    """Exited (reaped, or a zombie waiting for an init that does not reap)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_scoring_process_exits_when_the_app_is_killed_outright(tmp_path: Path) -> None:
    """kill -9 of the app tells the scoring process nothing; it must not wait for ever."""
    import os
    import signal
    import subprocess
    import sys

    app = (
        "import os, signal, sys\n"
        "from bot.scoring import ScoringWorker\n"
        "worker = ScoringWorker(db=None)\n"
        "worker._score([('1', 'the new system keeps crashing')])\n"
        "print(*worker._scorer._processes, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", app], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    (child,) = (int(pid) for pid in done.stdout.split())
    deadline = time.monotonic() + 10 * scoring.PARENT_CHECK_SECONDS
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert _gone(child), "the scoring process outlived the app"
    finally:
        if not _gone(child):
            os.kill(child, signal.SIGKILL)
