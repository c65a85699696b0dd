"""Alerts end to end: two replicas of the real app over HTTP, one database, the fake Slack.

Time travel uses the app's test-only clock file (see tests/test_checkins_e2e.py): the clock
is put a few minutes before a batch boundary, then moved past it while both replicas tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.dbdump import rows
from tests.e2e_rig import ADMIN, app_settings, pulse_client, set_clock, wait_until
from tests.fakeslack import FakeSlack
from tests.slackrig import RunningApp, SlackClient

LEADS = ["U0LEAD1", "U0LEAD2"]
MANAGERS = [f"U0MGR{i}" for i in range(5)]
EXECS = ["U0EXEC1", "U0EXEC2"]
BEFORE = datetime(2025, 3, 10, 13, 50, tzinfo=UTC)
BOUNDARY = datetime(2025, 3, 10, 14, 0, 1, tzinfo=UTC)


@pytest.fixture
def clock_file(tmp_path: Path) -> Path:
    path = tmp_path / "clock"
    set_clock(path, BEFORE)
    return path


@pytest.fixture
def replicas(
    start_app: Callable[..., RunningApp], clock_file: Path
) -> tuple[RunningApp, RunningApp]:
    settings = app_settings(clock_file)
    return start_app(**settings), start_app(**settings)


def lead_dms(slack: FakeSlack) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for call in slack.calls_to("chat.postMessage", ok_only=True):
        if call.params["channel"] in LEADS:
            found.setdefault(str(call.params["channel"]), []).append(call.params)
    return found


def say(client: SlackClient, text: str) -> str:
    answer = client.command("/pulse", text, user_id=ADMIN)
    assert answer.status_code == 200
    return str(answer.json()["text"])


def test_two_replicas_send_one_batched_anonymous_alert_per_lead_at_the_boundary(
    replicas: tuple[RunningApp, RunningApp],
    slack: FakeSlack,
    database_url: str,
    clock_file: Path,
) -> None:
    for user_id in [*LEADS, *MANAGERS, *EXECS]:
        slack.add_user(user_id, real_name=f"Real {user_id}")
    first, second = (pulse_client(app, slack) for app in replicas)
    assert "Change lead" in say(first, f"lead <@{LEADS[0]}> <@{LEADS[1]}|lead2>")
    say(first, "group set managers " + " ".join(f"<@{u}>" for u in MANAGERS))
    say(first, "group set executives " + " ".join(f"<@{u}>" for u in EXECS))

    texts = {
        MANAGERS[0]: "The new tool is slower and keeps crashing <!channel>",
        EXECS[0]: "Nobody asked us, why did we change?",
        MANAGERS[1]: "Love the new dashboards!",
    }
    for n, (author, text) in enumerate(texts.items()):
        client = (first, second)[n % 2]
        assert client.command("/feedback", text, user_id=author).status_code == 200
    flagged = "SELECT count(*) FROM anonymous_feedback WHERE flagged"
    wait_until(lambda: rows(database_url, flagged) == [(2,)], timeout=30, what="scoring")
    claimed = "SELECT count(*) FROM alert_item WHERE window_end IS NOT NULL"
    wait_until(lambda: rows(database_url, claimed) == [(2,)], what="claims")
    time.sleep(1.0)  # both replicas tick every 0.5 s: an early alert would show by now
    assert lead_dms(slack) == {}

    set_clock(clock_file, BOUNDARY)
    slack.wait_for("chat.postMessage", count=2, ok_only=True, timeout=15)
    time.sleep(1.5)  # ticks of both replicas: a duplicate would arrive now
    dms = lead_dms(slack)
    assert sorted(dms) == LEADS and all(len(v) == 1 for v in dms.values())
    message = dms[LEADS[0]][0]
    shown = str(message["text"]) + repr(message["blocks"])
    # The command turned the mention into the plain "@channel" the person typed; inert.
    assert "keeps crashing @channel" in shown and "<!channel>" not in shown
    assert "Nobody asked us" in shown and "dashboards" not in shown
    assert "Route to IT support" in shown  # the tactic of the technical-problem theme
    assert "group *managers*" in shown and "executives" not in shown  # 2 members: unnamed
    for author in texts:
        assert author not in shown and f"Real {author}" not in shown
    assert rows(database_url, "SELECT count(*) FROM alert_batch") == [(1,)]


def test_a_lead_mutes_a_theme_and_sets_thresholds_in_pulse_settings(
    replicas: tuple[RunningApp, RunningApp], slack: FakeSlack, database_url: str
) -> None:
    client = pulse_client(replicas[0], slack)
    say(client, f"lead <@{LEADS[0]}>")
    client.command("/pulse", "settings", user_id=LEADS[0])
    view = slack.wait_for("views.open")[0].params["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["muted_themes"]["type"] == "multi_static_select"
    values: dict[str, dict[str, dict[str, Any]]] = {
        name: {"value": {"value": element.get("initial_value")}} for name, element in inputs.items()
    }
    values["muted_themes"] = {
        "value": {
            "type": "multi_static_select",
            "selected_options": [{"value": "technical_problem"}, {"value": "double_work"}],
        }
    }
    values["alert_mood_drop"]["value"]["value"] = "9"
    refused = client.view_submission("pulse_settings", values, user_id=LEADS[0]).json()
    assert refused["response_action"] == "errors" and set(refused["errors"]) == {"alert_mood_drop"}
    values["alert_mood_drop"]["value"]["value"] = "0.8"
    values["alert_old_way_rise"]["value"]["value"] = "25"
    saved = client.view_submission("pulse_settings", values, user_id=LEADS[0]).json()
    assert saved["response_action"] == "update"
    assert rows(
        database_url,
        "SELECT muted_themes, alert_mood_drop, alert_participation_drop, alert_old_way_rise "
        "FROM team_settings",
    ) == [("double_work,technical_problem", 0.8, 15, 25)]
