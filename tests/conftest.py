"""Fixtures: a fake Slack, databases on SQLite and PostgreSQL, and the real app running."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e_rig import MONDAY, set_clock
from tests.fakeslack import FakeSlack
from tests.pgserver import LocalCluster, create_database, wait_ready
from tests.slackrig import RunningApp, SlackClient

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        wait_ready(url)
        yield url
        return
    cluster = LocalCluster()
    try:
        url = cluster.start()
        wait_ready(url)
    except Exception as error:  # noqa: BLE001 - any failure means "no server here"
        cluster.stop()
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here but could not start: {error}")
        pytest.skip(f"skipped: no PostgreSQL ({error})")
    yield url
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'changepulse.db'}"
    admin = request.getfixturevalue("postgres_admin_url")
    return create_database(admin)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def start_app(
    slack: FakeSlack, database_url: str, tmp_path: Path
) -> Iterator[Callable[..., RunningApp]]:
    """Start `python app.py` (as README does); call again to start a second replica."""
    started: list[RunningApp] = []

    def start(**env: str) -> RunningApp:
        app = RunningApp(
            database_url=database_url,
            slack_api_url=slack.base_url,
            workdir=tmp_path,
            env_extra=env,
        ).start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.kill()


@pytest.fixture
def app(start_app: Callable[..., RunningApp]) -> RunningApp:
    return start_app()


@pytest.fixture
def client(app: RunningApp, slack: FakeSlack) -> SlackClient:
    return SlackClient(app.url, response_url_base=f"{slack.origin}/_respond/")


@pytest.fixture
def clock_file(tmp_path: Path) -> Path:
    """The app's test clock, set to MONDAY; tests move it with `set_clock`."""
    path = tmp_path / "clock"
    set_clock(path, MONDAY)
    return path
