"""Check-in cycles in-process, on SQLite and PostgreSQL, with a clock the test moves.

The real storage, the real Slack client (against the fake Slack) and the real sender; only
time is ours, so a week of schedule, downtime and reminders runs in a second.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot import checkins
from bot.services import Services
from storage.outbox import PENDING
from tests.checkin_rig import FakeClock, delivered, in_process, workspace
from tests.dbdump import rows
from tests.fakeslack import FakeSlack

PEOPLE = {
    "U0NEWYORK": "America/New_York",
    "U0BERLIN": "Europe/Berlin",
    "U0KOLKATA": "Asia/Kolkata",
    "U0AUCKLAND": "Pacific/Auckland",
}
# Monday 10 March 2025, the week after New York springs forward. Check-ins: Tuesday 10:00.
MONDAY = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DUE = {
    "U0AUCKLAND": datetime(2025, 3, 10, 21, 0, tzinfo=UTC),
    "U0KOLKATA": datetime(2025, 3, 11, 4, 30, tzinfo=UTC),
    "U0BERLIN": datetime(2025, 3, 11, 9, 0, tzinfo=UTC),
    "U0NEWYORK": datetime(2025, 3, 11, 14, 0, tzinfo=UTC),
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


@pytest.fixture
def pulse(database_url: str, slack: FakeSlack, clock: FakeClock) -> Iterator[Services]:
    with in_process(database_url=database_url, slack=slack, clock=clock) as services:
        workspace(slack, services, PEOPLE)
        yield services


def run_at(pulse: Services, clock: FakeClock, moment: datetime) -> None:
    clock.set(moment)
    checkins.tick(pulse)
    pulse.outbox.drain()


def test_each_person_gets_the_checkin_at_ten_their_time(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    run_at(pulse, clock, MONDAY)
    assert rows(database_url, "SELECT count(*) FROM cycle") == [(0,)]  # not yet
    sent_at: dict[str, datetime] = {}
    for moment in sorted(DUE.values()):
        run_at(pulse, clock, moment - timedelta(minutes=1))
        run_at(pulse, clock, moment)
        for user_id in delivered(slack):
            sent_at.setdefault(user_id, moment)
    assert sent_at == DUE
    assert delivered(slack) == dict.fromkeys(PEOPLE, 1)
    run_at(pulse, clock, MONDAY + timedelta(days=2))
    assert delivered(slack) == dict.fromkeys(PEOPLE, 1)


def test_downtime_within_the_grace_window_sends_once_and_later_is_skipped(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    # The app is down from Monday noon until Tuesday 16:00 UTC: 2 h after New York's time,
    # 11.5 h after Kolkata's, 19 h after Auckland's.
    back = datetime(2025, 3, 11, 16, 0, tzinfo=UTC)
    run_at(pulse, clock, back)
    run_at(pulse, clock, back + timedelta(minutes=1))
    assert delivered(slack) == {"U0NEWYORK": 1, "U0BERLIN": 1, "U0KOLKATA": 1}
    assert rows(database_url, "SELECT status FROM outbox WHERE recipient = 'U0AUCKLAND'") == [
        ("expired",)
    ]
    # Restarts and more ticks never send anything twice.
    for minutes in (2, 30, 600):
        run_at(pulse, clock, back + timedelta(minutes=minutes))
    assert delivered(slack) == {"U0NEWYORK": 1, "U0BERLIN": 1, "U0KOLKATA": 1}


def test_one_reminder_only_to_people_who_have_not_answered(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    tuesday = datetime(2025, 3, 11, 14, 0, tzinfo=UTC)
    for moment in sorted(DUE.values()):
        run_at(pulse, clock, moment)
    cycle_id = rows(database_url, "SELECT id FROM cycle")[0][0]
    assert isinstance(cycle_id, int)
    for user_id in ("U0BERLIN", "U0KOLKATA"):
        outcome = checkins.record_answer(
            pulse, cycle_id=cycle_id, user_id=user_id, question="mood", value="4"
        )
        assert outcome is checkins.Outcome.RECORDED
    slack.reset()
    run_at(pulse, clock, tuesday + timedelta(hours=23))
    assert delivered(slack, reminders=True) == {"U0AUCKLAND": 1}  # its check-in came Monday
    for hours in (24, 26, 48, 72):
        run_at(pulse, clock, tuesday + timedelta(hours=hours, minutes=1))
    assert delivered(slack, reminders=True) == {"U0AUCKLAND": 1, "U0NEWYORK": 1}
    assert delivered(slack) == {}
    reminder = slack.calls_to("chat.postMessage")[0].params
    assert reminder["text"].startswith("Reminder:")


def test_answering_before_the_reminder_cancels_it(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    friday = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)  # a send-now on Friday
    clock.set(friday)
    result = checkins.send_now(pulse)
    assert result.fanout is not None and result.fanout.recipients == 4
    pulse.outbox.drain()
    slack.reset()
    run_at(pulse, clock, friday + timedelta(hours=25))  # Saturday: reminders wait for Monday
    assert delivered(slack, reminders=True) == {}
    queued = rows(database_url, "SELECT recipient FROM outbox WHERE kind = 'reminder'")
    assert len(queued) == 4
    checkins.record_answer(
        pulse,
        cycle_id=result.fanout.cycle_id,
        user_id="U0BERLIN",
        question="adoption",
        value="partly",
    )
    run_at(pulse, clock, datetime(2025, 3, 17, 16, 0, tzinfo=UTC))  # Monday 09:00+ everywhere
    run_at(pulse, clock, datetime(2025, 3, 17, 16, 1, tzinfo=UTC))
    assert delivered(slack, reminders=True) == {"U0NEWYORK": 1, "U0KOLKATA": 1, "U0AUCKLAND": 1}
    assert rows(
        database_url, "SELECT status FROM outbox WHERE kind = 'reminder' AND recipient = 'U0BERLIN'"
    ) == [("cancelled",)]


def test_re_answer_replaces_and_closing_unlinks_answers_from_people(
    pulse: Services, clock: FakeClock, database_url: str
) -> None:
    clock.set(MONDAY)
    result = checkins.send_now(pulse)
    assert result.fanout is not None
    cycle_id = result.fanout.cycle_id
    for value in ("2", "5"):
        checkins.record_answer(
            pulse, cycle_id=cycle_id, user_id="U0NEWYORK", question="mood", value=value
        )
    checkins.record_answer(
        pulse, cycle_id=cycle_id, user_id="U0NEWYORK", question="adoption", value="no_old_way"
    )
    assert (
        checkins.record_answer(
            pulse, cycle_id=cycle_id, user_id="U0NEWYORK", question="mood", value="9"
        )
        is checkins.Outcome.INVALID
    )
    answers = rows(database_url, "SELECT question, value FROM checkin_answer ORDER BY question")
    assert answers == [("adoption", "no_old_way"), ("mood", "5")]
    card = checkins.card(pulse, cycle_id=cycle_id, user_id="U0NEWYORK")
    assert card is not None and card.answers == {"mood": "5", "adoption": "no_old_way"}
    linked = rows(
        database_url,
        "SELECT count(*) FROM participation p JOIN checkin_answer a ON a.answer_ref = p.answer_ref",
    )
    assert linked == [(2,)]  # while open, the link is what lets a re-answer replace

    clock.advance(days=8)
    checkins.tick(pulse)
    assert rows(
        database_url, "SELECT count(*) FROM participation WHERE answer_ref IS NOT NULL"
    ) == [(0,)]
    assert rows(
        database_url, "SELECT count(*) FROM checkin_answer WHERE answer_ref IS NOT NULL"
    ) == [(0,)]
    answered = rows(
        database_url,
        f"SELECT answered FROM participation WHERE user_id = 'U0NEWYORK' AND cycle_id = {cycle_id}",
    )
    assert [bool(a) for (a,) in answered] == [True]
    late = checkins.record_answer(
        pulse, cycle_id=cycle_id, user_id="U0BERLIN", question="mood", value="1"
    )
    assert late is checkins.Outcome.CLOSED
    assert rows(database_url, "SELECT count(*) FROM checkin_answer") == [(2,)]
    left = f"SELECT count(*) FROM outbox WHERE status = 'pending' AND cycle_id = {cycle_id}"
    assert rows(database_url, left) == [(0,)]


def test_send_now_after_the_schedule_queued_brings_everyone_forward(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    opened = datetime(2025, 3, 10, 20, 30, tzinfo=UTC)  # opened; only Auckland is close
    run_at(pulse, clock, opened)
    assert rows(database_url, f"SELECT count(*) FROM outbox WHERE status = '{PENDING}'") == [(4,)]
    result = checkins.send_now(pulse)
    assert result.fanout is not None and not result.fanout.created
    pulse.outbox.drain()
    assert delivered(slack) == dict.fromkeys(PEOPLE, 1)
    assert rows(database_url, "SELECT count(*) FROM cycle") == [(1,)]


def test_429s_pause_the_sender_and_lose_nobody(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    slack.rate_limit("chat.postMessage", retry_after=1, times=2)
    checkins.send_now(pulse)
    started = time.monotonic()
    pulse.outbox.drain()
    assert time.monotonic() - started >= 2.0  # Retry-After honoured, twice
    assert len(delivered(slack)) == 2  # the two refused ones wait for their Retry-After
    assert pulse.outbox.bucket.rate < pulse.outbox.bucket.max_rate
    clock.advance(seconds=2)
    pulse.outbox.drain()
    assert delivered(slack) == dict.fromkeys(PEOPLE, 1)
    assert pulse.outbox.bucket.rate == pulse.outbox.bucket.max_rate  # full pace next fan-out
