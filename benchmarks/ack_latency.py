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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slackrig import RunningApp, SlackClient, sign  # noqa: E402

CONCURRENCY = (1, 16, 64)


async def run_load(url: str, bodies: list[str], concurrency: int) -> tuple[list[float], float]:
    """Keep-alive HTTP/1.1 over raw asyncio streams: a client light enough not to be the floor."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    pending = list(reversed(bodies))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while pending:
                body = pending.pop()
                data = body.encode()
                head = "".join(f"{k}: {v}\r\n" for k, v in sign(body).items())
                request = (
                    f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(data)}\r\n{head}\r\n"
                ).encode() + data
                started = time.perf_counter()
                writer.write(request)
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                if b" 200 " not in status:
                    raise RuntimeError(f"unexpected answer: {status!r}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, len(bodies) / (time.perf_counter() - started)


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
