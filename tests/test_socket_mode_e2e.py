"""Socket Mode: with SLACK_APP_TOKEN set, the app connects out and serves Slack over the socket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.dbdump import rows
from tests.fakeslack import FakeSlack
from tests.fakesocket import FakeSocketMode
from tests.slackrig import RunningApp


@pytest.fixture
def socket_mode(slack: FakeSlack) -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode().start()
    slack.handle("apps.connections.open", lambda params: {"url": fake.url})
    yield fake
    fake.stop()


def test_feedback_over_socket_mode_is_stored_and_acked(
    start_app: Callable[..., RunningApp],
    slack: FakeSlack,
    socket_mode: FakeSocketMode,
    database_url: str,
) -> None:
    start_app(SLACK_APP_TOKEN="xapp-1-test")
    assert socket_mode.connected.wait(15), "the app never opened the socket"
    opened = slack.wait_for("apps.connections.open")[0]
    assert "xapp-1-test" in str(opened.headers) + str(opened.params)
    payload: dict[str, Any] = {
        "token": "legacy",
        "team_id": "T1",
        "user_id": "U0SOCK",
        "user_name": "sockuser",
        "channel_id": "C0GENERAL",
        "command": "/feedback",
        "text": "works over the socket too",
        "response_url": f"{slack.origin}/_respond/x",
        "trigger_id": "1.2.3",
        "api_app_id": "A1",
    }
    ack = socket_mode.wait_ack(socket_mode.send("slash_commands", payload))
    assert "recorded" in ack["text"]
    assert rows(database_url, "SELECT text FROM anonymous_feedback") == [
        ("works over the socket too",)
    ]
