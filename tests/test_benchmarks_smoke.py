"""The README's benchmark commands still run (tiny sizes): figures in README stay reproducible.

Not timed: performance goals live in the benchmarks themselves, not in assertions here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.slackrig import ROOT


def bench(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run.stdout


def test_ack_latency_benchmark_runs() -> None:
    out = bench("benchmarks/ack_latency.py", "--requests", "30")
    assert "| 64 |" in out and "p99 ratio" in out


def test_fanout_benchmark_runs_without_duplicates_or_losses() -> None:
    out = bench("benchmarks/fanout.py", "--users", "30", "--rate", "50")
    assert "| duplicates | 0 |" in out and "| missing | 0 |" in out


@pytest.mark.parametrize("backend", ["sqlite"])
def test_report_benchmark_runs(backend: str) -> None:
    out = bench(
        "benchmarks/report.py", "--backends", backend, "--answers", "4000", "--comments", "400",
        "--repeat", "1",
    )  # fmt: skip
    assert "| SQLite | as migrated |" in out


def test_scoring_benchmark_runs() -> None:
    out = bench("benchmarks/scoring.py", "--generated", "--limit", "300", "--repeat", "1")
    assert "texts/s on one core" in out
