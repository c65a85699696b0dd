"""App Home by role and "you said, we did", end to end over HTTP against the fake Slack.

Home buttons arrive as Slack sends them from a home tab: a block action in a view, with no
response_url, so the app answers by publishing the home again with the outcome on top.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.dbdump import rows
from tests.e2e_rig import MONDAY, add_audience, app_settings, audience_of, pulse_client
from tests.fakeslack import FakeSlack
from tests.reports_rig import (
    CHAMPIONS,
    LEAD,
    name_roles,
    seed_closed_week,
    seed_people,
)
from tests.slackrig import TEAM_ID, RunningApp, SlackClient

PLAIN = "U0PLAIN"
LEAD_BUTTONS = ("home_post_update", "home_send_now", "home_digest_now", "home_export")
HOSTILE = "We fixed the export <!channel> & see <https://evil.example|the guide> <@U0D000>"


@pytest.fixture
def pulse(start_app: Callable[..., RunningApp], clock_file: Path, slack: FakeSlack) -> SlackClient:
    return pulse_client(start_app(**app_settings(clock_file)), slack)


def open_home(client: SlackClient, slack: FakeSlack, user_id: str) -> dict[str, Any]:
    """The view published after `user_id` opens the home tab."""
    before = len(published(slack, user_id))
    client.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    return latest_home(slack, user_id, count=before + 1)


def published(slack: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    calls = slack.calls_to("views.publish", ok_only=True)
    return [c.params["view"] for c in calls if c.params["user_id"] == user_id]


def latest_home(slack: FakeSlack, user_id: str, *, count: int) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while len(views := published(slack, user_id)) < count:
        assert time.monotonic() < deadline, f"no home published for {user_id}"
        time.sleep(0.05)
    return views[-1]


def home_click(client: SlackClient, *, user_id: str, action_id: str) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": "A1",
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.home",
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home", "callback_id": "", "state": {"values": {}}},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "lead_actions",
                "action_ts": str(time.time()),
            }
        ],
    }
    assert client.interactive(payload).status_code == 200


def action_ids(view: dict[str, Any]) -> set[str]:
    return {
        element["action_id"]
        for block in view["blocks"]
        for element in block.get("elements", [])
        if "action_id" in element
    }


def test_each_role_gets_its_own_home_and_the_lead_buttons_do_what_pulse_commands_do(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    name_roles(pulse, slack)
    slack.add_user(PLAIN)
    respondents = [f"U0S{i:03d}" for i in range(6)]
    seed_people(database_url, user_ids=respondents, group="ops")
    seed_closed_week(
        database_url,
        week=date(2025, 2, 24),
        closed_at=MONDAY - timedelta(days=8),
        respondents=respondents,
        group="ops",
        moods=["4", "4", "3", "5", "2", "4"],
    )

    participant = open_home(pulse, slack, PLAIN)
    champion = open_home(pulse, slack, CHAMPIONS[0])
    lead = open_home(pulse, slack, LEAD)
    for view in (participant, champion, lead):
        rendered = json.dumps(view)
        assert view["type"] == "home" and len(view["blocks"]) <= 100
        assert "home_open_feedback" in action_ids(view) and "You said, we did" in rendered
        assert "No check-in is open right now" in rendered
    assert "This week's pulse" not in json.dumps(participant)
    assert "Dashboard" not in json.dumps(participant) and not action_ids(participant) & set(
        LEAD_BUTTONS
    )
    assert "This week's pulse" in json.dumps(champion) and "Week of 24 Feb 2025" in json.dumps(
        champion
    )
    assert "Dashboard" not in json.dumps(champion) and not action_ids(champion) & set(LEAD_BUTTONS)
    assert "Dashboard" in json.dumps(lead) and "6 of 6 answered" in json.dumps(lead)
    assert set(LEAD_BUTTONS) | {"home_settings"} <= action_ids(lead)

    # A lead button does what its /pulse command does, and answers on the refreshed home.
    homes = len(published(slack, LEAD))
    home_click(pulse, user_id=LEAD, action_id="home_digest_now")
    notice = json.dumps(latest_home(slack, LEAD, count=homes + 1))
    assert "Sending the digest for the week of 24 February" in notice
    slack.wait_for("files.completeUploadExternal", count=3, ok_only=True, timeout=15)
    home_click(pulse, user_id=LEAD, action_id="home_digest_now")
    assert "already sent" in json.dumps(latest_home(slack, LEAD, count=homes + 2))
    home_click(pulse, user_id=LEAD, action_id="home_export")
    exported = json.dumps(latest_home(slack, LEAD, count=homes + 3))
    assert "Sent: the export is in your DM" in exported
    assert len(slack.calls_to("files.completeUploadExternal", ok_only=True)) == 4
    home_click(pulse, user_id=LEAD, action_id="home_settings")
    assert slack.wait_for("views.open")[0].params["view"]["callback_id"] == "pulse_settings"

    # Anyone can send an action id; a participant is refused and nothing happens.
    for action_id in (*LEAD_BUTTONS, "home_settings"):
        home_click(pulse, user_id=PLAIN, action_id=action_id)
    refused = latest_home(slack, PLAIN, count=1 + len(LEAD_BUTTONS) + 1)
    assert "That button is for the change lead and admins" in json.dumps(refused)
    assert len(slack.calls_to("views.open")) == 1
    assert len(slack.calls_to("files.completeUploadExternal", ok_only=True)) == 4
    assert rows(database_url, "SELECT count(*) FROM outbox") == [(3,)]


def test_you_said_we_did_is_stored_shown_escaped_and_sent_once_to_the_audience(
    pulse: SlackClient, slack: FakeSlack, database_url: str
) -> None:
    humans = [f"U0D{i:03d}" for i in range(4)]
    audience_of(slack, humans)
    add_audience(pulse, slack)
    name_roles(pulse, slack)
    home_click(pulse, user_id=LEAD, action_id="home_post_update")
    modal = slack.wait_for("views.open")[0].params["view"]
    assert modal["callback_id"] == "you_said_we_did" and len(modal["title"]["text"]) <= 24
    select = next(b for b in modal["blocks"] if b.get("block_id") == "theme")["element"]
    assert [o["value"] for o in select["options"]][-1] == "other"
    assert "old_way_faster" in [o["value"] for o in select["options"]]

    def submit(user_id: str, *, theme: str | None, text: str) -> dict[str, Any]:
        chosen = {"selected_option": {"value": theme}} if theme else {"selected_option": None}
        values = {"theme": {"value": chosen}, "text": {"value": {"value": text}}}
        answer = pulse.view_submission("you_said_we_did", values, user_id=user_id)
        assert answer.status_code == 200
        return dict(answer.json()) if answer.content else {}

    empty = submit(LEAD, theme=None, text="   ")
    assert empty["response_action"] == "errors" and set(empty["errors"]) == {"theme", "text"}
    too_long = submit(LEAD, theme="other", text="x" * 1001)
    assert "1,000" in too_long["errors"]["text"]
    refused = submit(humans[0], theme="other", text="I am not the lead")
    assert "Only the change lead" in refused["errors"]["text"]
    assert rows(database_url, "SELECT count(*) FROM you_said_we_did") == [(0,)]

    posted = submit(LEAD, theme="old_way_faster", text=HOSTILE)
    assert posted["response_action"] == "update"
    slack.wait_for("chat.postMessage", count=4, ok_only=True, timeout=15)
    time.sleep(1.5)  # the update tick runs every 0.5 s: a second DM would show by now
    dms = [c.params for c in slack.calls_to("chat.postMessage", ok_only=True)]
    assert sorted(str(d["channel"]) for d in dms) == humans  # once each, the lead is no member
    for dm in dms:
        shown = str(dm["text"]) + json.dumps(dm["blocks"])
        assert "Old way was faster" in shown and "&lt;!channel&gt; &amp; see" in shown
        assert "<!channel>" not in shown and "<https://evil" not in shown and "<@" not in shown
    assert rows(
        database_url,
        "SELECT theme, text, posted_by FROM you_said_we_did WHERE fanned_out_at IS NOT NULL",
    ) == [("old_way_faster", HOSTILE, LEAD)]

    home = json.dumps(open_home(pulse, slack, humans[1]))
    assert "Old way was faster" in home and "&lt;!channel&gt;" in home
    assert "<!channel>" not in home and "<https://evil" not in home
