"""Digests, the report and the export end to end: the real app over HTTP, the fake Slack.

The scheduled digest is driven the way production gets there (check-ins answered, the clock
moved past the close); digest-now, the report and the export read closed weeks seeded into
the database, closed long enough ago that no scheduled digest interferes.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.dbdump import rows
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
)
from tests.fakeslack import FakeSlack
from tests.reports_rig import (
    CHAMPIONS,
    LEAD,
    name_roles,
    say,
    seed_closed_week,
    seed_people,
    slow_answer,
)
from tests.slackrig import RunningApp, SlackClient

PNG = b"\x89PNG\r\n\x1a\n"
DIGEST_TEXT = "Weekly pulse for"


@pytest.fixture
def launch(start_app: Callable[..., RunningApp], clock_file: Path) -> Callable[[], RunningApp]:
    return lambda: start_app(**app_settings(clock_file))


def digests(slack: FakeSlack) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for call in slack.calls_to("chat.postMessage", ok_only=True):
        if str(call.params.get("text", "")).startswith(DIGEST_TEXT):
            found.setdefault(str(call.params["channel"]), []).append(call.params)
    return found


def charts_by_channel(slack: FakeSlack) -> dict[str, list[bytes]]:
    """Uploaded files per DM channel, as completeUploadExternal shared them."""
    shared: dict[str, list[bytes]] = {}
    for call in slack.calls_to("files.completeUploadExternal", ok_only=True):
        for item in call.params["files"]:
            shared.setdefault(str(call.params["channel_id"]), []).append(slack.uploads[item["id"]])
    return shared


def with_roles_and_respondents(
    launch: Callable[[], RunningApp], slack: FakeSlack, database_url: str
) -> tuple[RunningApp, SlackClient, list[str]]:
    """The app running with a lead and champions named, a plain user, and six people in "ops"."""
    app = launch()
    client = pulse_client(app, slack)
    name_roles(client, slack)
    slack.add_user("U0PLAIN")
    respondents = [f"U0S{i:03d}" for i in range(6)]
    seed_people(database_url, user_ids=respondents, group="ops")
    return app, client, respondents


def test_two_replicas_send_each_champion_and_lead_one_digest_with_its_chart_after_the_close(
    launch: Callable[[], RunningApp],
    slack: FakeSlack,
    clock_file: Path,
) -> None:
    humans = [f"U0D{i:03d}" for i in range(6)]
    audience_of(slack, humans)
    launch()  # a second replica ticks too: the digest still goes out once per person
    client = pulse_client(launch(), slack)
    add_audience(client, slack)
    name_roles(client, slack)
    send_now(client, slack)
    slack.wait_for("chat.postMessage", count=6, ok_only=True, timeout=15)
    message = checkins_by_user(slack)[humans[0]][0]
    for n, user_id in enumerate(humans[:5]):
        click(client, user_id=user_id, element=button(message, f"checkin_mood_{3 + n % 3}"))
        click(client, user_id=user_id, element=button(message, "checkin_adoption_yes"))
    assert digests(slack) == {}  # nothing before the close

    set_clock(clock_file, MONDAY + timedelta(days=7, hours=1))
    slack.wait_for("files.completeUploadExternal", count=3, ok_only=True, timeout=20)
    time.sleep(1.5)  # both replicas tick every 0.5 s: a second digest would show by now
    sent = digests(slack)
    assert sorted(sent) == sorted([LEAD, *CHAMPIONS]) and all(len(v) == 1 for v in sent.values())
    lead_digest = str(sent[LEAD][0]["blocks"])
    assert "digest for change lead" in lead_digest and "By stakeholder group" in lead_digest
    champion_digest = str(sent[CHAMPIONS[0]][0]["blocks"])
    assert "digest for champions" in champion_digest and "By stakeholder group" not in (
        champion_digest
    )
    assert "5 of 6 answered" in lead_digest
    charts = charts_by_channel(slack)
    assert sorted(charts) == sorted(f"D{u}" for u in [LEAD, *CHAMPIONS])
    assert all(len(files) == 1 and files[0].startswith(PNG) for files in charts.values())
    asked = slack.calls_to("files.getUploadURLExternal")[0].params
    assert asked["filename"].endswith(".png") and "Mood" in asked["alt_txt"]

    # digest-now for the same week sends nothing more: one digest per person per week.
    answer = slow_answer(client, slack, "digest-now", user_id=LEAD)
    assert "already sent to all 3" in answer
    time.sleep(1.0)
    assert all(len(v) == 1 for v in digests(slack).values())


def test_digest_now_once_per_person_and_text_only_when_the_upload_fails(
    launch: Callable[[], RunningApp],
    slack: FakeSlack,
    database_url: str,
) -> None:
    app, client, respondents = with_roles_and_respondents(launch, slack, database_url)
    seed_closed_week(
        database_url,
        week=date(2025, 2, 24),
        closed_at=MONDAY - timedelta(days=8),
        respondents=respondents,
        group="ops",
        moods=["4", "4", "3", "5", "2", "4"],
    )
    assert "is for the change lead and admins" in say(client, "digest-now", user_id="U0PLAIN")

    slack.fail("files.getUploadURLExternal")  # the first chart upload fails
    answer = slow_answer(client, slack, "digest-now", user_id=LEAD)
    assert "Sending the digest for the week of 24 February" in answer and "to 3 people" in answer
    slack.wait_for("files.completeUploadExternal", count=2, ok_only=True, timeout=20)
    time.sleep(1.0)
    sent = digests(slack)
    assert sorted(sent) == sorted([LEAD, *CHAMPIONS]) and all(len(v) == 1 for v in sent.values())
    charts = charts_by_channel(slack)
    assert len(charts) == 2 and all(files[0].startswith(PNG) for files in charts.values())
    assert "was sent without its file" in app.logs()  # logged, with its traceback
    assert rows(database_url, "SELECT status, count(*) FROM outbox GROUP BY status") == [
        ("sent", 3)
    ]

    again = slow_answer(client, slack, "digest-now", user_id=ADMIN)
    assert "already sent" in again
    time.sleep(1.0)
    assert all(len(v) == 1 for v in digests(slack).values())
    for text in ("Weekly pulse", "HYPERLINK"):
        assert text not in app.logs()  # no digest or comment text in the logs


def test_report_for_leads_and_export_as_two_csv_files_by_dm(
    launch: Callable[[], RunningApp],
    slack: FakeSlack,
    database_url: str,
) -> None:
    app, client, respondents = with_roles_and_respondents(launch, slack, database_url)
    for n, week in enumerate((date(2025, 2, 17), date(2025, 2, 24))):
        seed_closed_week(
            database_url,
            week=week,
            closed_at=datetime.combine(week + timedelta(days=7), MONDAY.timetz()),
            respondents=respondents,
            group="ops",
            moods=["4", "3", "3", "5", "2", str(2 + n)],
        )

    refused = say(client, "report", user_id="U0PLAIN")
    assert "is for the change lead and admins" in refused
    assert "is for the change lead and admins" in say(client, "export", user_id="U0PLAIN")
    report = slow_answer(client, slack, "report", user_id=LEAD)
    assert "Change Pulse report" in report and "week of 24 Feb 2025" in report
    assert "compared with the week of 17 Feb 2025" in report and "Top themes" in report

    answer = slow_answer(client, slack, "export", user_id=LEAD)
    assert "I'll DM you the export" in answer and "Sent: the export is in your DM" in answer
    shared = slack.wait_for("files.completeUploadExternal", ok_only=True)[0].params
    assert shared["channel_id"] == f"D{LEAD}" and len(shared["files"]) == 2
    assert "anonymised comments" in shared["initial_comment"]
    files = {item["title"]: slack.uploads[item["id"]] for item in shared["files"]}
    weekly = next(v for k, v in files.items() if "weekly" in k).decode("utf-8-sig")
    comments = next(v for k, v in files.items() if "comments" in k).decode("utf-8-sig")
    weekly_rows = list(csv.DictReader(io.StringIO(weekly)))
    assert [r["week"] for r in weekly_rows if r["group"] == "(everyone)"] == [
        "2025-02-17",
        "2025-02-24",
    ]
    comment_rows = list(csv.DictReader(io.StringIO(comments)))
    assert len(comment_rows) == 12
    assert any(r["text"].startswith("'=HYPERLINK") for r in comment_rows)  # formula defused
    everything = weekly + comments
    for user_id in [*respondents, LEAD, *CHAMPIONS, "U0PLAIN"]:
        assert user_id not in everything

    slack.fail("files.completeUploadExternal")
    failed = slow_answer(client, slack, "export", user_id=LEAD)
    assert "couldn't deliver the export" in failed
    assert "export could not be delivered" in app.logs()
