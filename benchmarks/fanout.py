"""Fan-out of one check-in cycle to 5,000 people through a rate-limited fake Slack.

Starts the fake Slack standalone (`tests/fakeslack.py --rate-limit chat.postMessage=R`, 429 +
Retry-After past R a second) and the real app (`python app.py`, SQLite, sending at R a
second), puts N people in the audience, runs `/pulse send-now`, and reports the achieved
send rate as a fraction of R, duplicates, missing people, 429s and the app's peak memory.
Then N people answer at concurrency 32 (signed block_actions over HTTP) and it reports the
ack latency. Prints a markdown table.

    .venv/bin/python benchmarks/fanout.py [--users 5000] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import post_signed  # noqa: E402
from tests.slackrig import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, free_port, sign  # noqa: E402

ADMIN = "U0BENCHADM"
CONCURRENCY = 32


def start_fake(rate: float) -> tuple[subprocess.Popen[str], str]:
    fake = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "fakeslack.py"),
            "--port",
            "0",
            "--rate-limit",
            f"chat.postMessage={rate:g}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    line = fake.stdout.readline().strip()
    if not line.startswith("FAKESLACK_URL="):
        raise RuntimeError(f"fake Slack did not start: {line!r}")
    return fake, line.removeprefix("FAKESLACK_URL=")


def start_app(*, base_url: str, workdir: Path, rate: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHANGEPULSE"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=base_url,
        DATABASE_URL=f"sqlite:///{workdir / 'changepulse.db'}",
        PORT=str(port),
        CHANGEPULSE_ADMINS=ADMIN,
        CHANGEPULSE_SEND_RATE=f"{rate:g}",
        LOG_LEVEL="INFO",
    )
    log = (workdir / "app.log").open("wb")
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=workdir, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return app, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the app did not become healthy; see app.log")


def command_body(text: str, origin: str) -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": ADMIN,
            "user_name": "admin",
            "command": "/pulse",
            "text": text,
            "api_app_id": "A1",
            "response_url": f"{origin}/_respond/{uuid.uuid4().hex}",
            "trigger_id": f"{int(time.time())}.1.abc",
        }
    )


def answer_body(user_id: str, value: str) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "api_app_id": "A1",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.b",
        "container": {"type": "message", "channel_id": f"D{user_id}", "message_ts": "1.1"},
        "actions": [{"type": "button", "action_id": "checkin_mood_4", "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)})


def post(url: str, body: str) -> httpx.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    return httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=30)


def wait_for_calls(origin: str, method: str, count: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        calls = httpx.get(f"{origin}/_calls", params={"method": method}, timeout=60).json()
        if len(calls) >= count or time.monotonic() > deadline:
            return list(calls)
        time.sleep(0.5)


def sent_count(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as connection:
        return int(
            connection.execute("SELECT count(*) FROM outbox WHERE status='sent'").fetchone()[0]
        )


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def answer_all(url: str, bodies: list[str]) -> tuple[list[float], float]:
    return await post_signed(
        url, bodies, concurrency=CONCURRENCY, content_type="application/x-www-form-urlencoded"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=50.0, help="R: Slack's limit, and ours")
    args = parser.parse_args()
    users = [f"U{i:07d}" for i in range(args.users)]

    workdir = Path(tempfile.mkdtemp(prefix="changepulse-fanout-"))
    fake, base_url = start_fake(args.rate)
    origin = base_url.removesuffix("/api/")
    app: subprocess.Popen[bytes] | None = None
    try:
        zones = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Auckland"]
        config = {
            "add_user": [{"user_id": u, "tz": zones[i % 4]} for i, u in enumerate(users)],
            "add_channel": {"channel_id": "C0BENCH", "members": users},
        }
        httpx.post(f"{origin}/_config", json=config, timeout=120).raise_for_status()
        app, url = start_app(base_url=base_url, workdir=workdir, rate=args.rate)
        post(url, command_body("audience add <#C0BENCH|bench>", origin)).raise_for_status()
        wait_for_calls(origin, "response_url", 1, timeout=300)
        httpx.post(f"{origin}/_reset", timeout=30).raise_for_status()

        started = time.time()
        post(url, command_body("send-now", origin)).raise_for_status()
        db = workdir / "changepulse.db"
        deadline = time.monotonic() + args.users / args.rate * 3 + 120
        while sent_count(db) < args.users and time.monotonic() < deadline:
            time.sleep(1.0)
        time.sleep(2.0)  # anything extra (a duplicate) would arrive now
        calls = wait_for_calls(origin, "chat.postMessage", 0, timeout=0)
        ok = [c for c in calls if c["status"] == 200 and c["error"] is None]
        limited = sum(1 for c in calls if c["status"] == 429)
        per_user: dict[str, int] = {}
        for call in ok:
            per_user[call["params"]["channel"]] = per_user.get(call["params"]["channel"], 0) + 1
        duplicates = sum(n - 1 for n in per_user.values() if n > 1)
        missing = len(set(users) - set(per_user))
        first, last = min(c["at"] for c in ok), max(c["at"] for c in ok)
        steady = (len(ok) - 1) / (last - first) if last > first else float("nan")
        overall = len(ok) / (last - started)
        fanout_memory = peak_memory_mb(app.pid)

        with sqlite3.connect(db) as connection:
            cycle_id = connection.execute("SELECT max(id) FROM cycle").fetchone()[0]
        bodies = [answer_body(u, f"{cycle_id}:4") for u in users]
        latencies, elapsed = asyncio.run(answer_all(url, bodies))
        time.sleep(1.0)
        with sqlite3.connect(db) as connection:
            stored = connection.execute(
                "SELECT count(*) FROM checkin_answer WHERE cycle_id = ?", (cycle_id,)
            ).fetchone()[0]
        memory = peak_memory_mb(app.pid)
    finally:
        if app is not None:
            app.terminate()
            app.wait(30)
        fake.terminate()
        fake.wait(30)

    rows = [
        ("R (fake Slack limit = app pace), chat.postMessage/s", f"{args.rate:g}"),
        ("audience", f"{args.users:,}"),
        ("achieved rate, first → last DM", f"{steady:.1f}/s = **{steady / args.rate:.2f} R**"),
        ("achieved rate, send-now → last DM", f"{overall:.1f}/s = {overall / args.rate:.2f} R"),
        ("fan-out time, send-now → last DM", f"{last - started:.1f} s"),
        ("duplicates", str(duplicates)),
        ("missing", str(missing)),
        ("429s answered by the fake", str(limited)),
        ("app peak memory (VmHWM) after fan-out", f"{fanout_memory:.0f} MB"),
        (
            f"{args.users:,} answers at concurrency {CONCURRENCY}",
            f"{elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s), {stored:,} stored",
        ),
        (
            "answer ack p50 / p99",
            f"{statistics.median(latencies):.1f} ms / {percentile(latencies, 0.99):.1f} ms",
        ),
        ("app peak memory (VmHWM) after answers", f"{memory:.0f} MB"),
    ]
    print("| measure | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0 if duplicates == 0 and missing == 0 and stored == args.users else 1


if __name__ == "__main__":
    sys.exit(main())
