"""Helpers shared by the end-to-end tests: the test clock, a workspace with an audience, and
the Slack requests a person makes (slash commands, button clicks).

Time travel uses the app's test-only clock file (CHANGEPULSE_TEST_CLOCK_FILE, honoured only
with CHANGEPULSE_TESTING=1): it holds seconds to add to the real clock.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.fakeslack import FakeSlack
from tests.slackrig import TEAM_ID, RunningApp, SlackClient

ADMIN = "U0ADMIN1"
MONDAY = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)  # before Tuesday's scheduled opening


def app_settings(clock_file: Path) -> dict[str, str]:
    """Fast ticks and the test clock, as the check-in end-to-end tests run the app."""
    return {
        "CHANGEPULSE_ADMINS": ADMIN,
        "CHANGEPULSE_SEND_RATE": "50",
        "CHANGEPULSE_TICK_SECONDS": "0.5",
        "CHANGEPULSE_LEASE_SECONDS": "2",
        "CHANGEPULSE_TESTING": "1",
        "CHANGEPULSE_TEST_CLOCK_FILE": str(clock_file),
    }


def set_clock(path: Path, moment: datetime) -> None:
    path.write_text(str(moment.timestamp() - time.time()))


def audience_of(slack: FakeSlack, humans: list[str]) -> None:
    for user_id in humans:
        slack.add_user(user_id, tz="America/New_York")
    slack.add_user("U0ROBOT", is_bot=True)
    slack.add_user("U0LEFT", deleted=True)
    slack.add_channel("C0ROLLOUT", members=[*humans, "U0ROBOT", "U0LEFT", "USLACKBOT", "UBOT"])


def pulse_client(app: RunningApp, slack: FakeSlack) -> SlackClient:
    return SlackClient(app.url, response_url_base=f"{slack.origin}/_respond/")


def add_audience(client: SlackClient, slack: FakeSlack) -> None:
    client.command("/pulse", "audience add <#C0ROLLOUT|rollout>", user_id=ADMIN)
    slack.wait_for("response_url", timeout=15)
    slack.reset()


def send_now(client: SlackClient, slack: FakeSlack, *, user_id: str = ADMIN) -> str:
    before = len(slack.calls_to("response_url"))
    ack = client.command("/pulse", "send-now", user_id=user_id)
    assert ack.status_code == 200
    answers = slack.wait_for("response_url", count=before + 1, timeout=15)
    return str(answers[-1].params["text"])


def checkins_by_user(slack: FakeSlack) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for call in slack.calls_to("chat.postMessage", ok_only=True):
        if not str(call.params.get("text", "")).startswith("Reminder:"):
            found.setdefault(str(call.params["channel"]), []).append(call.params)
    return found


def wait_until(predicate: Callable[[], bool], *, timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.1)


def button(params: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in params["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no button {action_id}")


def click(
    client: SlackClient, *, user_id: str, element: dict[str, Any], ts: str = "1700000000.000100"
) -> httpx.Response:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": "A1",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.def",
        "response_url": f"{client.response_url_base}{uuid.uuid4().hex}",
        "container": {"type": "message", "channel_id": f"D{user_id}", "message_ts": ts},
        "channel": {"id": f"D{user_id}"},
        "message": {"ts": ts, "text": "", "blocks": []},
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": "b",
                "value": element.get("value", ""),
                "action_ts": str(time.time()),
            }
        ],
    }
    response = client.interactive(payload)
    assert response.status_code == 200
    return response
