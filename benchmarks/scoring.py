"""Throughput of bot.analysis.analyze on one core, in texts per second.

Scoring runs on every comment and on back-fills of thousands of rows, so it has a budget
(>= 5,000 texts/s). Distinct texts are used throughout: repeating a handful of strings
would measure caches, not the scorer. The shared development data is used when it is next to
the repository (read in place); otherwise realistic comments are generated.

Run: `.venv/bin/python benchmarks/scoring.py [--data-dir DIR] [--limit N] [--repeat R]`
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.analysis import analyze  # noqa: E402

_OPENERS = [
    "honestly",
    "tbh",
    "ok so",
    "quick one:",
    "",
    "",
    "not gonna lie,",
    "fwiw",
    "Update:",
]
_SUBJECTS = [
    "the new CRM",
    "the scheduling app",
    "the handheld scanner",
    "month-end in the ERP",
    "the ticket queue",
    "the mobile app",
    "the rota tool",
    "the reporting dashboard",
    "the login page",
    "the approval flow",
    "the timesheet screen",
    "the booking system",
]
_PREDICATES = [
    "is slower than what we had before",
    "keeps crashing when I attach photos",
    "is honestly a big improvement",
    "saves me about an hour a week",
    "means I type everything twice",
    "still needs a spreadsheet on the side",
    "makes no sense to me, nobody explained why we switched",
    "works fine since the update",
    "doesn't let us split a job between two people anymore",
    "is fine, still getting used to it",
    "logs me out every twenty minutes",
    "has a lovely search",
    "is confusing and I'm scared to break something",
    "took three times as long as the old way this week",
]
_TAILS = [
    "",
    "",
    ".",
    "!",
    " :(",
    " 🙃",
    " :tada:",
    "... anyone else?",
    " Can IT take a look?",
    " Otherwise no complaints.",
    " Would love a quick how-to.",
]


def generated_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts: set[str] = set()
    while len(texts) < n:
        parts = [rng.choice(_OPENERS), rng.choice(_SUBJECTS), rng.choice(_PREDICATES)]
        if rng.random() < 0.4:
            parts += ["and", rng.choice(_SUBJECTS), rng.choice(_PREDICATES)]
        text = " ".join(p for p in parts if p) + rng.choice(_TAILS)
        texts.add(f"{text} #{len(texts)}" if text in texts else text)
    return list(texts)


def shared_texts(data_dir: Path) -> list[str]:
    files = sorted((data_dir / "sentiment" / "dev").glob("*.jsonl"))
    rollout = data_dir / "rollout" / "dev.jsonl"
    if rollout.is_file():
        files.append(rollout)
    seen: dict[str, None] = {}
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    seen.setdefault(json.loads(line)["text"], None)
    return list(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description="analyze() throughput on one core")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=20000, help="at most this many texts")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; best is reported")
    parser.add_argument("--generated", action="store_true", help="ignore the shared data")
    args = parser.parse_args()

    texts = [] if args.generated else shared_texts(args.data_dir)
    source = f"shared data in {args.data_dir}"
    if not texts:
        texts = generated_texts(args.limit)
        source = "generated comments"
    rng = random.Random(1)
    rng.shuffle(texts)
    texts = texts[: args.limit]

    analyze("warm up the lexicons")
    rates = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for text in texts:
            analyze(text)
        rates.append(len(texts) / (time.perf_counter() - started))
    mean_len = statistics.mean(len(t) for t in texts)
    print(
        f"analyze(): {max(rates):,.0f} texts/s on one core (best of {args.repeat}; "
        f"median {statistics.median(rates):,.0f}) over {len(texts):,} distinct texts, "
        f"mean {mean_len:.0f} chars, from {source}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
