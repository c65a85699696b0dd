"""The process keeps its promises when things around it misbehave."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.dbdump import count_rows
from tests.fakeslack import FakeSlack
from tests.slackrig import RunningApp, SlackClient


def test_sigterm_lets_in_flight_requests_finish(app: RunningApp, slack: FakeSlack) -> None:
    client = SlackClient(app.url, response_url_base=f"{slack.origin}/_respond/")
    real_user = slack.add_user("U0SLOWADM", is_admin=True)

    def slow_users_info(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(1.5)  # the admin check waits on Slack while SIGTERM arrives
        return {"user": real_user}

    slack.handle("users.info", slow_users_info)
    answers: list[httpx.Response] = []
    request = threading.Thread(
        target=lambda: answers.append(client.command("/pulse", "champions", user_id="U0SLOWADM"))
    )
    request.start()
    time.sleep(0.5)
    assert app.process is not None
    app.process.send_signal(signal.SIGTERM)
    request.join(timeout=10)
    assert app.process.wait(timeout=30) == 0
    assert answers and answers[0].status_code == 200
    assert "Champions" in answers[0].json()["text"]
    assert "stopped" in app.logs()


def test_unknown_payloads_and_garbage_do_not_hurt_the_process(
    app: RunningApp, client: SlackClient
) -> None:
    garbage = client.post("payload=%7Bnot-json", content_type="application/x-www-form-urlencoded")
    assert garbage.status_code == 400
    unknown = client.block_action("no_such_action")
    assert unknown.status_code in (200, 404)
    odd = client.command("/feedback", "\U0001f643 caf\u00e9 \u202eevil\u202c \x00 na\u0308ive")
    assert odd.status_code == 200 and "recorded" in odd.json()["text"]
    assert "\u202e" not in odd.text and "\\u202e" not in odd.text
    assert httpx.get(f"{app.url}/healthz").status_code == 200


def test_database_briefly_down_loses_nothing_acknowledged(
    start_app: Callable[..., RunningApp],
    slack: FakeSlack,
    database_url: str,
    postgres_admin_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a server we can take away: PostgreSQL leg only")
    app = start_app()
    client = SlackClient(app.url, response_url_base=f"{slack.origin}/_respond/")
    assert "recorded" in client.command("/feedback", "before the outage").json()["text"]
    name = database_url.rsplit("/", 1)[1]
    admin = postgres_admin_url.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
    try:
        down = client.command("/feedback", "during the outage")
        assert down.status_code == 200
        assert "nothing was stored" in down.json()["text"]
        assert "during the outage" in down.text  # shown back so the writer can resend it
        assert httpx.get(f"{app.url}/healthz").status_code == 503
        pulse = client.command("/pulse", "status")  # its role check reads the database
        assert pulse.status_code == 200
        assert "can't reach its database" in pulse.json()["text"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    after = client.command("/feedback", "after the outage")
    assert "recorded" in after.json()["text"]
    assert httpx.get(f"{app.url}/healthz").status_code == 200
    assert count_rows(database_url, "anonymous_feedback") == 2
    # The failure is logged, but never with the words that failed to store.
    assert "feedback not stored: database unavailable" in app.logs()
    assert "during the outage" not in app.logs()


def test_web_api_calls_wait_out_rate_limits(client: SlackClient, slack: FakeSlack) -> None:
    """The app's client honours 429 + Retry-After (slack_sdk's retry handler) and succeeds."""
    slack.rate_limit("views.open", retry_after=1, times=2)
    response = client.command("/feedback", "")
    assert response.status_code == 200
    calls = slack.wait_for("views.open", count=3, timeout=10)
    assert [c.status for c in calls] == [429, 429, 200]
    assert calls[1].at - calls[0].at >= 0.9  # it waited as Slack asked
