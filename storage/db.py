"""The engine, the session scope and migrations: the one place that opens connections."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """Owns the engine. `session()` is the unit of work: commit on success, roll back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # hide_parameters: an error message must never carry what someone wrote into the logs.
        kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_timeout=5)
        self.engine: Engine = create_engine(url, **kwargs)
        # SQLite allows one writer; when two threads collide, its busy handler sleeps in steps
        # of 1-100 ms. Taking turns in-process instead costs microseconds. PostgreSQL needs no
        # such turn-taking, so there the lock is a no-op.
        self._writer_lock = threading.Lock() if self.is_sqlite else None
        self._writer: AbstractContextManager[object] = self._writer_lock or nullcontext()
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._writer, Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def writer_busy(self) -> bool:
        """Is another thread in a SQLite session right now? (Never, on PostgreSQL.)"""
        return self._writer_lock is not None and self._writer_lock.locked()

    def migrate(self) -> None:
        """Bring the schema to head. On PostgreSQL an advisory lock keeps replicas in line."""
        with self.engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(8151001)"))
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            logger.warning("database ping failed", exc_info=True)
            return False

    def forget_overwritten(self) -> None:
        """Push overwritten values out of SQLite's write-ahead log after an anonymising update.

        Until a checkpoint, the WAL file still holds the pages as they were before the update
        (for example the answer references a cycle close just cleared). Best effort: a busy
        reader postpones it to the next checkpoint. PostgreSQL keeps dead row versions until
        VACUUM instead; README says so.
        """
        if not self.is_sqlite:
            return
        try:
            # Under the writer lock, so a /feedback write on the event loop sees it is busy.
            with self._writer, self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:
            logger.warning("WAL checkpoint postponed", exc_info=True)

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignoring_conflicts(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]]
) -> int:
    """INSERT rows, skipping any that hit a unique constraint; returns how many were new.

    This is how "exactly once" is enforced for cycles, check-ins and leases: two replicas may
    both try, the database keeps one. Works the same on SQLite and PostgreSQL. Keep batches
    to a few hundred rows (SQLite caps the number of bound parameters).
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__  # type: ignore[attr-defined]
    # One multi-row VALUES statement (executemany's row count is not exact on psycopg), and
    # SQLAlchemy only reports an INSERT's row count when asked to keep it.
    statement = (
        insert(table)
        .values(rows)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount or 0)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted or overwritten content is zeroed, not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
