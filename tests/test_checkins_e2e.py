"""Weekly check-ins end to end: the real app over HTTP, against the fake Slack.

Time travel uses the app's test-only clock file (CHANGEPULSE_TEST_CLOCK_FILE, honoured only
with CHANGEPULSE_TESTING=1): it holds seconds to add to the real clock, so the app can be put
on a Monday morning in March 2025 and moved a day or a week on while it runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.dbdump import dump_database, rows
from tests.e2e_rig import (
    ADMIN,
    MONDAY,
    add_audience,
    app_settings,
    audience_of,
    button,
    checkins_by_user,
    click,
    pulse_client,
    send_now,
    set_clock,
    wait_until,
)
from tests.fakeslack import FakeSlack
from tests.slackrig import RunningApp

HUMANS = [f"U0H{i:03d}" for i in range(6)]


@pytest.fixture
def launch(start_app: Callable[..., RunningApp], clock_file: Path) -> Callable[..., RunningApp]:
    def launch(**env: str) -> RunningApp:
        return start_app(**{**app_settings(clock_file), **env})

    return launch


def updates_for(slack: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return [c.params for c in slack.calls_to("chat.update") if c.params["channel"] == f"D{user_id}"]


def test_send_now_answers_replace_and_status(
    launch: Callable[..., RunningApp], slack: FakeSlack, database_url: str
) -> None:
    audience_of(slack, HUMANS)
    app = launch()
    client = pulse_client(app, slack)
    add_audience(client, slack)
    assert "6" in send_now(client, slack)
    slack.wait_for("chat.postMessage", count=6, ok_only=True, timeout=15)
    time.sleep(0.5)  # anything extra would have arrived by now
    sent = checkins_by_user(slack)
    assert sorted(sent) == HUMANS and all(len(v) == 1 for v in sent.values())
    assert slack.calls_to("conversations.open") == []  # DMs go to the user id
    message = sent["U0H000"][0]
    assert "How is the switch to *the new system* going" in str(message["blocks"])
    assert message["text"]  # fallback text for notifications
    values = [button(message, f"checkin_mood_{n}")["value"] for n in range(1, 6)]
    assert all(":" in v and "U0H" not in v for v in values)  # cycle id, never the user

    click(client, user_id="U0H000", element=button(message, "checkin_mood_4"))
    update = slack.wait_for("chat.update")[0].params
    assert update["channel"] == "DU0H000" and update["ts"] == "1700000000.000100"
    assert button(update, "checkin_mood_4").get("style") == "primary"
    assert "Recorded anonymously" in str(update["blocks"]) and "4/5" in str(update["blocks"])
    click(client, user_id="U0H000", element=button(message, "checkin_mood_2"))
    click(client, user_id="U0H000", element=button(message, "checkin_adoption_partly"))
    slack.wait_for("chat.update", count=3)
    assert sorted(rows(database_url, "SELECT question, value FROM checkin_answer")) == [
        ("adoption", "partly"),
        ("mood", "2"),
    ]

    # The comment button opens a modal; submitting stores anonymous feedback for the week.
    click(client, user_id="U0H001", element=button(message, "checkin_comment"))
    opened = slack.wait_for("views.open")[0].params
    assert opened["view"]["callback_id"] == "checkin_comment_modal"
    submitted = client.view_submission(
        "checkin_comment_modal",
        {
            "checkin_comment_text": {
                "text": {"type": "plain_text_input", "value": "Too slow <!here>"}
            }
        },
        user_id="U0H001",
        private_metadata=opened["view"]["private_metadata"],
    )
    assert submitted.status_code == 200
    assert rows(database_url, "SELECT source, text, day FROM anonymous_feedback") == [
        ("comment", "Too slow <!here>", rows(database_url, "SELECT week FROM cycle")[0][0])
    ]
    wait_until(lambda: bool(updates_for(slack, "U0H001")), what="comment confirmation")
    assert "recorded anonymously" in str(updates_for(slack, "U0H001")[-1]["blocks"])

    def status(user_id: str) -> str:
        answer = client.command("/pulse", "status", user_id=user_id).json()
        return str(answer["text"]) + str(answer.get("blocks"))

    assert "You have answered" in status("U0H000")
    assert "You have answered" in status("U0H001")  # a comment counts as taking part
    assert "haven't answered" in status("U0H002") and "sent to" not in status("U0H002")
    lead_view = status(ADMIN)
    assert "sent to *6* of 6" in lead_view and "answered: *2* (33%)" in lead_view
    # A second send-now reuses the open cycle: nobody gets a second check-in.
    assert "already open" in send_now(client, slack)
    time.sleep(0.5)
    assert all(len(v) == 1 for v in checkins_by_user(slack).values())
    assert rows(database_url, "SELECT count(*) FROM cycle") == [(1,)]


def test_reminder_stale_button_and_nothing_links_answers_to_people_after_close(
    launch: Callable[..., RunningApp], slack: FakeSlack, database_url: str, clock_file: Path
) -> None:
    humans = HUMANS[:4]
    audience_of(slack, humans)
    app = launch()
    client = pulse_client(app, slack)
    add_audience(client, slack)
    send_now(client, slack)
    slack.wait_for("chat.postMessage", count=4, ok_only=True, timeout=15)
    message = checkins_by_user(slack)[humans[0]][0]
    click(client, user_id=humans[0], element=button(message, "checkin_mood_5"))
    click(client, user_id=humans[1], element=button(message, "checkin_adoption_no_old_way"))
    refs = [r for (r,) in rows(database_url, "SELECT answer_ref FROM participation") if r]
    assert len(refs) == 2

    # A day later (Tuesday, a weekday in New York): one reminder, only to the other two.
    slack.reset()
    set_clock(clock_file, MONDAY + timedelta(hours=25))
    reminders = slack.wait_for("chat.postMessage", count=2, ok_only=True, timeout=15)
    time.sleep(1.0)  # ticks every 0.5 s: a wrong or second reminder would show by now
    assert sorted(c.params["channel"] for c in slack.calls_to("chat.postMessage")) == humans[2:]
    assert all(c.params["text"].startswith("Reminder:") for c in reminders)

    # A week on, the cycle has closed and the next one opened.
    set_clock(clock_file, MONDAY + timedelta(days=8, hours=1))
    wait_until(
        lambda: (
            rows(database_url, "SELECT count(*) FROM cycle WHERE closed_at IS NOT NULL") == [(1,)]
        ),
        what="the first cycle to close",
    )
    wait_until(lambda: rows(database_url, "SELECT count(*) FROM cycle") == [(2,)], what="next")
    slack.reset()
    click(client, user_id=humans[2], element=button(message, "checkin_mood_1"))
    closed = slack.wait_for("chat.update")[0].params
    assert "has closed" in closed["text"] and "checkin_mood" not in str(closed["blocks"])
    newest = rows(database_url, "SELECT max(id) FROM cycle")[0][0]
    assert rows(database_url, f"SELECT count(*) FROM checkin_answer WHERE cycle_id = {newest}") == [
        (0,)
    ]
    assert rows(database_url, "SELECT count(*) FROM checkin_answer") == [(2,)]

    # Anonymity: answers hold no user id, and after the close nothing joins them to people.
    app.stop()
    logs = app.logs()
    assert "action checkin_mood " in logs  # one line per click, without the answer in it
    assert "checkin_mood_5" not in logs and "no_old_way" not in logs
    assert not [user_id for user_id in humans if user_id in logs]
    answers = rows(database_url, "SELECT * FROM checkin_answer") + rows(
        database_url, "SELECT * FROM anonymous_feedback"
    )
    for user_id in humans:
        assert user_id not in repr(answers)
    assert rows(database_url, "SELECT count(*) FROM participation WHERE answer_ref IS NOT NULL")[
        0
    ] == (0,)
    assert rows(database_url, "SELECT count(*) FROM checkin_answer WHERE answer_ref IS NOT NULL")[
        0
    ] == (0,)
    if database_url.startswith("sqlite"):
        everything = dump_database(database_url)  # the raw file and WAL too
        assert not [ref for ref in refs if ref in everything]


def test_kill_mid_fanout_and_restart_sends_everyone_once(
    launch: Callable[..., RunningApp], slack: FakeSlack
) -> None:
    humans = [f"U0K{i:03d}" for i in range(30)]
    audience_of(slack, humans)
    app = launch(CHANGEPULSE_SEND_RATE="10")
    client = pulse_client(app, slack)
    add_audience(client, slack)
    send_now(client, slack)
    slack.wait_for("chat.postMessage", count=8, ok_only=True, timeout=15)
    app.kill()  # SIGKILL mid fan-out: no clean-up of any kind
    got = checkins_by_user(slack)
    assert 8 <= len(got) < 30
    launch(CHANGEPULSE_SEND_RATE="10")
    wait_until(lambda: len(checkins_by_user(slack)) == 30, timeout=30, what="everyone")
    time.sleep(1.0)
    counts = [len(v) for v in checkins_by_user(slack).values()]
    assert counts.count(1) >= 29 and max(counts) <= 2


def test_two_replicas_both_told_to_send_send_each_checkin_once(
    launch: Callable[..., RunningApp], slack: FakeSlack, database_url: str
) -> None:
    humans = [f"U0R{i:03d}" for i in range(20)]
    audience_of(slack, humans)
    first, second = launch(), launch()
    add_audience(pulse_client(first, slack), slack)
    clients = [pulse_client(first, slack), pulse_client(second, slack)]
    acks: list[int] = []
    threads = [
        threading.Thread(
            target=lambda c=c: acks.append(
                c.command("/pulse", "send-now", user_id=ADMIN).status_code
            )
        )
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert acks == [200, 200]
    slack.wait_for("chat.postMessage", count=20, ok_only=True, timeout=20)
    time.sleep(1.5)  # both replicas keep ticking and draining; nothing more may arrive
    sent = checkins_by_user(slack)
    assert sorted(sent) == humans and all(len(v) == 1 for v in sent.values())
    assert rows(database_url, "SELECT count(*) FROM cycle") == [(1,)]
    answers = [str(c.params["text"]) for c in slack.calls_to("response_url")]
    assert len(answers) == 2 and all("20" in a for a in answers)


def test_slack_answering_429_for_a_while_loses_nobody(
    launch: Callable[..., RunningApp], slack: FakeSlack, database_url: str
) -> None:
    humans = [f"U0L{i:03d}" for i in range(25)]
    audience_of(slack, humans)
    app = launch(CHANGEPULSE_SEND_RATE="50")
    client = pulse_client(app, slack)
    add_audience(client, slack)
    slack.rate_limit_per_second("chat.postMessage", 8)  # far below what the app tries
    send_now(client, slack)
    slack.wait_for("chat.postMessage", count=25, ok_only=True, timeout=30)
    limited = [c for c in slack.calls_to("chat.postMessage") if c.status == 429]
    assert limited, "the fake should have pushed back"
    time.sleep(1.0)
    sent = checkins_by_user(slack)
    assert sorted(sent) == humans and all(len(v) == 1 for v in sent.values())
    assert rows(database_url, "SELECT status, count(*) FROM outbox GROUP BY status") == [
        ("sent", 25)
    ]


def test_schedule_and_settings_are_for_leads_and_validated(
    launch: Callable[..., RunningApp], slack: FakeSlack, database_url: str
) -> None:
    slack.add_user("U0PLAIN", tz="Asia/Kolkata")
    slack.add_user(ADMIN, tz="Europe/Berlin")
    app = launch()
    client = pulse_client(app, slack)

    def say(text: str, user_id: str = ADMIN) -> str:
        return str(client.command("/pulse", text, user_id=user_id).json()["text"])

    assert "is for the change lead and admins" in say("schedule wed 09:00", "U0PLAIN")
    assert "Usage" in say("schedule someday 09:00")
    assert "Usage" in say("schedule wed 9am")
    confirmed = say("schedule Wednesday 9:30")
    assert "Wednesday at 09:30" in confirmed
    assert rows(database_url, "SELECT checkin_weekday, checkin_time FROM team_settings") == [
        (2, "09:30")
    ]
    assert "/pulse send-now" in say("help") and "/pulse send-now" not in say("help", "U0PLAIN")

    client.command("/pulse", "settings", user_id=ADMIN)
    view = slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "pulse_settings" and len(view["title"]["text"]) <= 24

    def submit(**fields: str) -> httpx.Response:
        values = {
            block["block_id"]: {"value": {"value": block["element"].get("initial_value")}}
            for block in view["blocks"]
            if block["type"] == "input"
        }
        for name, value in fields.items():
            values[name]["value"]["value"] = value
        return client.view_submission("pulse_settings", values, user_id=ADMIN)

    refused = submit(min_group_size="2", system_name=" ").json()
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"min_group_size", "system_name"}
    saved = submit(system_name="Atlas CRM", key_task="log a call", reminder_delay_hours="30")
    assert saved.json()["response_action"] == "update"
    assert rows(
        database_url, "SELECT system_name, key_task, reminder_delay_hours FROM team_settings"
    ) == [("Atlas CRM", "log a call", 30)]
    json.dumps(view)  # the modal is plain JSON


def test_app_down_at_send_time_sends_once_when_back_within_the_grace_window(
    launch: Callable[..., RunningApp], slack: FakeSlack, clock_file: Path, database_url: str
) -> None:
    audience_of(slack, HUMANS[:3])
    app = launch()
    add_audience(pulse_client(app, slack), slack)
    app.stop()  # down over Tuesday 10:00 in New York (14:00 UTC)
    set_clock(clock_file, datetime(2025, 3, 11, 16, 0, tzinfo=UTC))
    app = launch()
    slack.wait_for("chat.postMessage", count=3, ok_only=True, timeout=15)
    app.stop()
    launch()  # and once more: a restart repeats nothing
    time.sleep(1.5)
    sent = checkins_by_user(slack)
    assert sorted(sent) == HUMANS[:3] and all(len(v) == 1 for v in sent.values())
    due = rows(database_url, "SELECT DISTINCT due_at FROM outbox")
    assert len(due) == 1 and "14:00" in str(due[0][0])  # their own 10:00, not the restart time
