"""Ack latency of `/feedback <text>` (stored durably before the ack) against an ack-only floor.

Starts the real app (`python app.py`, SQLite) and `benchmarks/bare_app.py` on the same HTTP
stack, both pointed at the in-process fake Slack, then sends N signed slash commands at
concurrency 1, 16 and 64 to each and prints p50/p99 latency and throughput as a markdown table.

    .venv/bin/python benchmarks/ack_latency.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import post_signed  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slackrig import RunningApp, SlackClient  # noqa: E402

CONCURRENCY = (1, 16, 64)


async def run_load(url: str, bodies: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies, elapsed = await post_signed(
        url, bodies, concurrency=concurrency, content_type="application/x-www-form-urlencoded"
    )
    return latencies, len(bodies) / elapsed


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def measure(app: RunningApp, requests: int, label: str) -> dict[int, tuple[float, float, float]]:
    maker = SlackClient(app.url, response_url_base="http://127.0.0.1:9/")
    results = {}
    # Warm-up: first requests pay for imports and connection set-up.
    warm = [maker.command_body("/feedback", f"warm-up {i}") for i in range(50)]
    asyncio.run(run_load(app.url, warm, 4))
    for concurrency in CONCURRENCY:
        bodies = [
            maker.command_body("/feedback", f"{label} c{concurrency} the export takes ages {i}")
            for i in range(requests)
        ]
        latencies, throughput = asyncio.run(run_load(app.url, bodies, concurrency))
        results[concurrency] = (
            statistics.median(latencies),
            percentile(latencies, 99),
            throughput,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="changepulse-bench-"))
    with FakeSlack() as slack:
        bare = RunningApp(
            database_url=f"sqlite:///{workdir / 'unused.db'}",
            slack_api_url=slack.base_url,
            workdir=workdir,
        )
        bare_results = measure_app(bare, args.requests, "bare", script="benchmarks/bare_app.py")
        ours = RunningApp(
            database_url=f"sqlite:///{workdir / 'changepulse.db'}",
            slack_api_url=slack.base_url,
            workdir=workdir,
        )
        our_results = measure_app(ours, args.requests, "ours", script="app.py")
    print(
        f"\n/feedback ack latency, {args.requests} signed requests per row, SQLite, "
        f"{os.cpu_count()} cores\n"
    )
    print(
        "| concurrency | ack-only Bolt p50 / p99 (ms) | /feedback p50 / p99 (ms) "
        "| p99 ratio | ack-only req/s | /feedback req/s |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for concurrency in CONCURRENCY:
        b50, b99, bthr = bare_results[concurrency]
        o50, o99, othr = our_results[concurrency]
        print(
            f"| {concurrency} | {b50:.2f} / {b99:.2f} | {o50:.2f} / {o99:.2f} "
            f"| {o99 / b99:.2f}× | {bthr:,.0f} | {othr:,.0f} |"
        )


def measure_app(
    app: RunningApp, requests: int, label: str, *, script: str
) -> dict[int, tuple[float, float, float]]:
    app.script = script
    app.start()
    try:
        return measure(app, requests, label)
    finally:
        app.stop()


if __name__ == "__main__":
    main()
