"""Everything a database holds, as text, so anonymity tests can search it like an operator would."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text


def dump_database(url: str) -> str:
    engine = create_engine(url)
    parts: list[str] = []
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    parts.append(f"{table}: {tuple(row)!r}")
    finally:
        engine.dispose()
    if url.startswith("sqlite:///"):
        # The raw file and its WAL too: deleted or overwritten values can linger in pages.
        path = Path(url.removeprefix("sqlite:///"))
        for candidate in (path, Path(f"{path}-wal")):
            if candidate.exists():
                parts.append(candidate.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def count_rows(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    finally:
        engine.dispose()


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()
