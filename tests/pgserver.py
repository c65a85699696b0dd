"""A throwaway PostgreSQL for the Postgres leg of the tests.

CI exports TEST_POSTGRES_URL (a server it started). Locally, if the server binaries are
installed, we start a private cluster in a temp dir on a free port; if neither works, the
Postgres leg is skipped with a visible reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class LocalCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="changepulse-pg-"))
        self.port = 0
        self.bin: Path | None = None

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            # The server refuses to run as root; run it as the postgres user.
            shutil.chown(self.dir, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self.bin = _binaries()
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server binaries")
        from tests.slackrig import free_port

        self.port = free_port()
        data = self.dir / "data"
        os.makedirs(data, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust")
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.dir / "server.log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200",
            "-w",
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.bin is not None:
            try:
                self._run(
                    str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"
                )
            except Exception:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_ready(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    plain = url.replace("+psycopg", "")
    while True:
        try:
            with psycopg.connect(plain, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def create_database(admin_url: str) -> str:
    """A fresh database on the server; returns its SQLAlchemy URL."""
    name = "cp_" + uuid.uuid4().hex[:12]
    plain = admin_url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"
