"""Digest and update delivery in-process, on SQLite and PostgreSQL, with a clock the test moves.

The real outbox sender and Slack client against the fake Slack: what happens when a post or
an upload fails, when the digest tick runs again and again, and when an update's fan-out was
interrupted by a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import reporting, roles, updates
from bot.outbox import attachment
from bot.services import Services
from storage import outbox
from storage.outbox import Outgoing
from tests.checkin_rig import FakeClock, in_process, workspace
from tests.dbdump import rows
from tests.fakeslack import FakeSlack
from tests.reports_rig import seed_closed_week, seed_people

NOW = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\nnot really a chart"
LEAD = "U0LEAD1"
CHAMPION = "U0CHAMP1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def pulse(database_url: str, slack: FakeSlack, clock: FakeClock) -> Iterator[Services]:
    with in_process(database_url=database_url, slack=slack, clock=clock) as services:
        yield services


def queue_digest(pulse: Services, *, key: str) -> None:
    payload = {
        "text": "Weekly pulse (test)",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Weekly pulse"}}],
        "files": [attachment(filename="trend.png", title="Trend", alt_txt="A chart", content=PNG)],
    }
    with pulse.db.session() as session:
        outbox.enqueue(
            session,
            messages=[
                Outgoing(kind="digest", dedupe_key=key, recipient=LEAD, due_at=NOW, payload=payload)
            ],
        )


def test_a_digest_whose_post_failed_is_posted_once_with_its_chart_on_retry(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    queue_digest(pulse, key="digest:1:U0LEAD1")
    slack.fail("chat.postMessage")
    assert pulse.outbox.drain() == 0
    assert slack.calls_to("files.getUploadURLExternal") == []  # no file without its message
    clock.advance(minutes=1)
    assert pulse.outbox.drain() == 1
    clock.advance(minutes=10)
    assert pulse.outbox.drain() == 0
    assert len(slack.calls_to("chat.postMessage", ok_only=True)) == 1
    shared = slack.calls_to("files.completeUploadExternal", ok_only=True)
    assert len(shared) == 1 and shared[0].params["channel_id"] == f"D{LEAD}"
    assert list(slack.uploads.values()) == [PNG]


def test_a_failed_upload_is_not_retried_and_never_posts_the_digest_again(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    queue_digest(pulse, key="digest:2:U0LEAD1")
    slack.fail("files.completeUploadExternal")
    assert pulse.outbox.drain() == 1
    clock.advance(hours=1)
    assert pulse.outbox.drain() == 0
    assert len(slack.calls_to("chat.postMessage", ok_only=True)) == 1
    assert len(slack.calls_to("files.completeUploadExternal")) == 1
    assert rows(pulse.db.url, "SELECT status FROM outbox") == [("sent",)]


def test_the_digest_tick_queues_a_fresh_close_once_and_a_stale_one_never(
    pulse: Services, database_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    for user_id in (LEAD, CHAMPION):
        slack.add_user(user_id)
    roles.name_change_leads(pulse, user_ids=[LEAD])
    roles.set_champions(pulse, user_ids=[LEAD, CHAMPION], champion=True)  # the lead is both
    respondents = [f"U0S{i:03d}" for i in range(5)]
    seed_people(database_url, user_ids=respondents, group=None)
    seed_closed_week(
        database_url,
        week=date(2025, 2, 24),
        closed_at=NOW - reporting.DIGEST_FRESH - timedelta(minutes=1),
        respondents=respondents,
        group=None,
        moods=["3", "4", "4", "5", "2"],
    )
    reporting.tick(pulse)
    assert rows(database_url, "SELECT count(*) FROM outbox") == [(0,)]  # too old to send

    seed_closed_week(
        database_url,
        week=date(2025, 3, 3),
        closed_at=NOW - timedelta(hours=1),
        respondents=respondents,
        group=None,
        moods=["3", "4", "4", "5", "2"],
    )
    reporting.tick(pulse)
    reporting.tick(pulse)
    queued = rows(database_url, "SELECT recipient, dedupe_key, payload FROM outbox ORDER BY 1")
    assert [(r, k.split(":")[0]) for r, k, _ in queued] == [
        (CHAMPION, "digest"),
        (LEAD, "digest"),  # once, with the lead's digest, though also a champion
    ]
    assert "digest for change lead" in str(queued[1][2])
    assert "digest for champions" in str(queued[0][2])
    run = reporting.send_digests(pulse)
    assert (run.week, run.recipients, run.queued, run.already_sent) == (date(2025, 3, 3), 2, 0, 2)


def test_an_interrupted_update_fan_out_is_finished_by_the_tick_once(
    pulse: Services, database_url: str, slack: FakeSlack
) -> None:
    people = {f"U0P{i:03d}": "Europe/Berlin" for i in range(3)}
    workspace(slack, pulse, people)
    update_id = updates.post(pulse, user_id=LEAD, theme="technical_problem", text="Login fixed")
    updates.tick(pulse)  # the process died before its own fan-out: the tick does it
    updates.tick(pulse)
    assert updates.fan_out(pulse, update_id=update_id) == 0  # a late duplicate adds nothing
    assert sorted(r for (r,) in rows(database_url, "SELECT recipient FROM outbox")) == sorted(
        people
    )
    assert pulse.outbox.drain() == 3
    shown = updates.recent(pulse)
    assert [(u.theme_title, u.text) for u in shown] == [("Technical problem", "Login fixed")]
