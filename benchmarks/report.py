"""Digest and report computation at company scale, next to the GROUP BY they rest on.

Seeds 1,000,000 check-in answers (500,000 people-answers over 52 weekly cycles, mood and
adoption each), the participation rows behind them (~10,000 people a week), and 100,000
scored comments across 20 stakeholder groups; then times `build_digest`, `build_report` and
the bare `GROUP BY` over the same eight cycles, on SQLite and PostgreSQL, without and with
the two covering indexes for reports (migration 0004 creates them; they are dropped for the
first leg and created again for the second). Goal: each within 2x of the bare query, and
under 1 s on SQLite.

    .venv/bin/python benchmarks/report.py [--backends sqlite,postgres] [--repeat 7]

PostgreSQL: TEST_POSTGRES_URL if set, otherwise a throwaway local cluster as the tests use.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis import THEME_IDS  # noqa: E402
from bot.reports.digest import TREND_CYCLES, build_digest, build_report  # noqa: E402
from storage.checkins import record_cycle_totals  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.pgserver import LocalCluster, create_database, wait_ready  # noqa: E402

TEAM = "T0BENCH"
FIRST_WEEK = date(2024, 1, 1)
CYCLES = 52
GROUPS = [f"group {i:02d}" for i in range(19)]  # plus a pool of small groups (NULL)
AUDIENCE = 10_000
REPORT_INDEXES_DROPPED = (
    "DROP INDEX ix_checkin_answer_report",
    "DROP INDEX ix_participation_report",
)
REPORT_INDEXES = (
    "CREATE INDEX ix_checkin_answer_report "
    "ON checkin_answer (cycle_id, question, stakeholder_group, value)",
    "CREATE INDEX ix_participation_report ON participation (cycle_id, answered, user_id)",
)
WORDS = (
    "the new system is slower than the old way and I still have to enter everything twice "
    "nobody told us why we changed my team went back to the spreadsheet login fails again "
    "training helped a lot the export works now"
).split()


@dataclass(frozen=True)
class Sizes:
    answers: int
    comments: int


def seed(db: Database, *, sizes: Sizes, rng: random.Random) -> None:
    """Bulk-load through the driver: executemany on SQLite, COPY on PostgreSQL."""
    people = [(f"U{i:07d}", _group_of(i)) for i in range(AUDIENCE)]
    respondents = sizes.answers // 2
    per_cycle = [
        respondents // CYCLES + (1 if c < respondents % CYCLES else 0) for c in range(CYCLES)
    ]
    cycles = []
    for c in range(CYCLES):
        week = FIRST_WEEK + timedelta(weeks=c)
        opened = datetime.combine(week, datetime.min.time(), UTC) + timedelta(hours=10)
        closed = opened + timedelta(days=6)
        cycles.append((c + 1, TEAM, week, "Workday", "log hours", opened, closed, closed))

    def participation() -> Iterator[tuple[Any, ...]]:
        for c in range(CYCLES):
            for i, (user, _) in enumerate(people):
                yield (c + 1, user, i < per_cycle[c], None)

    def answers() -> Iterator[tuple[Any, ...]]:
        for c in range(CYCLES):
            for i in range(per_cycle[c]):
                group = people[i][1]
                lean = hash(group) % 3 - 1  # some groups happier than others
                mood = min(5, max(1, round(rng.gauss(3.2 + lean * 0.4 + c / 100, 1))))
                weights = (5 + c // 10, 3, 2 - lean)
                adoption = rng.choices(("yes", "partly", "no_old_way"), weights)[0]
                yield (f"{rng.getrandbits(128):032x}", c + 1, "mood", str(mood), group, None)
                yield (f"{rng.getrandbits(128):032x}", c + 1, "adoption", adoption, group, None)

    def comments() -> Iterator[tuple[Any, ...]]:
        for n in range(sizes.comments):
            # In the order they arrive, week by week, as the app inserts them.
            week = FIRST_WEEK + timedelta(weeks=n * CYCLES // sizes.comments)
            themes = ",".join(sorted(rng.sample(THEME_IDS, rng.choice((0, 1, 1, 2)))))
            polarity = round(rng.uniform(-1, 1), 3)
            label = "neg" if polarity < -0.1 else "pos" if polarity > 0.1 else "neu"
            text = " ".join(rng.choices(WORDS, k=rng.randint(5, 30)))
            yield (
                f"{rng.getrandbits(128):032x}",
                rng.choice(("comment", "feedback")),
                text,
                week + timedelta(days=rng.randint(0, 6)),
                _group_of(rng.randrange(AUDIENCE)),
                polarity,
                label,
                0.5,
                themes,
                polarity < -0.6,
            )

    tables: list[tuple[str, tuple[str, ...], Iterator[tuple[Any, ...]] | list[Any]]] = [
        ("team_settings", ("team_id", "system_name", "key_task", "checkin_weekday",
                           "checkin_time", "default_tz", "reminder_delay_hours", "cycle_days",
                           "min_group_size", "alert_batch_minutes", "updated_at"),
         [(TEAM, "Workday", "log hours", 1, "10:00", "UTC", 24, 7, 5, 60, datetime.now(UTC))]),
        ("person", ("user_id", "stakeholder_group", "is_change_lead", "is_champion", "is_bot",
                    "deleted", "is_workspace_admin"),
         [(u, g, False, False, False, False, False) for u, g in people]),
        ("cycle", ("id", "team_id", "week", "system_name", "key_task", "opened_at",
                   "closes_at", "closed_at"), cycles),
        ("participation", ("cycle_id", "user_id", "answered", "answer_ref"), participation()),
        ("checkin_answer", ("id", "cycle_id", "question", "value", "stakeholder_group",
                            "answer_ref"), answers()),
        ("anonymous_feedback", ("id", "source", "text", "day", "stakeholder_group", "polarity",
                                "label", "subjectivity", "themes", "flagged"), comments()),
    ]  # fmt: skip
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, rows in tables:
            if db.is_sqlite:
                marks = ",".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})"
                cursor.executemany(sql, [_sqlite_value_row(r) for r in rows])
            else:
                with cursor.copy(f"COPY {table} ({','.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        if not db.is_sqlite:
            cursor.execute("SELECT setval('cycle_id_seq', %s)", (CYCLES,))
        raw.commit()
    finally:
        raw.close()
    with db.session() as session:
        # What closing each cycle records (storage.checkins.close_cycle), for the seeded ones.
        record_cycle_totals(session, cycle_ids=[c[0] for c in cycles])
    _maintain(db)


def _sqlite_value_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # SQLAlchemy stores aware datetimes on SQLite as naive UTC text; match it.
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") if isinstance(v, datetime)
        else v.isoformat() if isinstance(v, date)
        else v
        for v in row
    )  # fmt: skip


def _group_of(i: int) -> str | None:
    return None if i % 100 == 99 else GROUPS[i % len(GROUPS)]


def _maintain(db: Database) -> None:
    """Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would leave them."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE" if db.is_sqlite else "VACUUM ANALYZE")


def interleaved_medians(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each run, taking turns so that load from elsewhere on the machine
    falls on all of them alike; one warm-up round first, as a running app would be warm."""
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(repeat + 1):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            if round_:
                timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def captured_sql(db: Database, run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements `run` sends to the database, with their driver-ready parameters."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def replay(db: Database, statements: list[tuple[str, Any]]) -> Callable[[], object]:
    """Run captured statements straight on the driver: the SQL floor, no Python on top."""

    def run() -> object:
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            raw.rollback()
        finally:
            raw.close()
        return None

    return run


def measure(db: Database, repeat: int) -> dict[str, float]:
    def digest() -> object:
        with db.session() as session:
            result = build_digest(session, team_id=TEAM)
        assert result is not None and result.cycle.mood is not None
        return result

    def report() -> object:
        with db.session() as session:
            return build_report(session, team_id=TEAM)

    digest_sql = captured_sql(db, digest)
    report_sql = captured_sql(db, report)
    group_by = [s for s in digest_sql if "FROM checkin_answer" in s[0]]
    assert len(group_by) == 1, "the digest reads the answers in one GROUP BY"
    return interleaved_medians(
        {
            "bare": replay(db, group_by),
            "digest sql": replay(db, digest_sql),
            "digest": digest,
            "report sql": replay(db, report_sql),
            "report": report,
        },
        repeat,
    )


def run_backend(name: str, *, url: str, sizes: Sizes, repeat: int) -> list[str]:
    db = Database(url)
    db.migrate()
    with db.engine.begin() as connection:
        for statement in REPORT_INDEXES_DROPPED:
            connection.exec_driver_sql(statement)
    started = time.perf_counter()
    seed(db, sizes=sizes, rng=random.Random(7))
    print(f"{name}: seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows = []
    for indexes in ("without report indexes", "as migrated"):
        if indexes == "as migrated":
            with db.engine.begin() as connection:
                for statement in REPORT_INDEXES:
                    connection.exec_driver_sql(statement)
            _maintain(db)
        t = {k: v * 1000 for k, v in measure(db, repeat).items()}
        rows.append(
            f"| {name} | {indexes} | {t['bare']:.0f} ms "
            f"| {t['digest sql']:.0f} ms | {t['digest']:.0f} ms | {t['digest'] / t['bare']:.2f}x "
            f"| {t['report sql']:.0f} ms | {t['report']:.0f} ms | {t['report'] / t['bare']:.2f}x |"
        )
    db.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sizes = Sizes(answers=args.answers, comments=args.comments)
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="changepulse-bench-") as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                rows += run_backend(
                    "SQLite", url=f"sqlite:///{tmp}/report.db", sizes=sizes, repeat=args.repeat
                )
            elif backend == "postgres":
                rows += _with_postgres(
                    lambda url: run_backend("PostgreSQL", url=url, sizes=sizes, repeat=args.repeat)
                )
            else:
                parser.error(f"unknown backend {backend!r}")
    print(
        f"{sizes.answers:,} answers, {sizes.comments:,} comments, {CYCLES} cycles, "
        f"{len(GROUPS) + 1} groups; median of {args.repeat}. Bare GROUP BY: the digest's query "
        f'over the answers of its {TREND_CYCLES} cycles, run on the driver alone; "SQL, bare": '
        "every statement the digest or report sends, run the same way.\n"
    )
    print(
        "| backend | indexes | bare GROUP BY | digest's SQL, bare | digest | digest ÷ GROUP BY "
        "| report's SQL, bare | report | report ÷ GROUP BY |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


def _with_postgres(run: Callable[[str], list[str]]) -> list[str]:
    admin = os.environ.get("TEST_POSTGRES_URL")
    cluster = None
    if not admin:
        cluster = LocalCluster()
        admin = cluster.start()
    try:
        wait_ready(admin)
        return run(create_database(admin))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
