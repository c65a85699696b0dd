"""Resistance and trend alerts in-process, on SQLite and PostgreSQL, with a clock the test moves.

Real storage, the real sender and the real Slack client against the fake Slack. Texts are
stored through the same functions `/feedback` and check-in comments use; their scores are
written directly where a test needs a particular polarity or theme, so a change to the scorer's
rules cannot change what these tests mean.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot import alerts, checkins, feedback, roles, team_settings
from bot.scoring import score_batch
from bot.services import Services
from storage import feedback as feedback_store
from tests.checkin_rig import FakeClock, in_process, workspace
from tests.dbdump import rows
from tests.fakeslack import FakeSlack

LEADS = ["U0LEAD1", "U0LEAD2"]
MANAGERS = [f"U0MGR{i}" for i in range(6)]
USERS = [f"U0END{i}" for i in range(6)]
EXECS = ["U0EXEC1", "U0EXEC2"]
# Monday 10 March 2025, 13:20 UTC: the next hourly boundary is 14:00.
NOW = datetime(2025, 3, 10, 13, 20, tzinfo=UTC)
BOUNDARY = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def pulse(database_url: str, slack: FakeSlack, clock: FakeClock) -> Iterator[Services]:
    with in_process(database_url=database_url, slack=slack, clock=clock) as services:
        people = {u: "Europe/Berlin" for u in [*MANAGERS, *USERS, *EXECS]}
        workspace(slack, services, people)
        for user_id in people:
            slack.add_user(user_id, real_name=f"Person {user_id[-4:]}", tz="Europe/Berlin")
        roles.name_change_leads(services, user_ids=LEADS)
        roles.set_group(services, group="managers", user_ids=MANAGERS)
        roles.set_group(services, group="end_users", user_ids=USERS)
        roles.set_group(services, group="executives", user_ids=EXECS)
        yield services


def write(pulse: Services, author: str, text: str, *, day: date | None = None) -> None:
    """Store a text the way `/feedback` does (the author's id only picks the group)."""
    feedback.submit(
        db=pulse.db,
        clock=pulse.clock,
        team_id=pulse.team_id,
        author_id=author,
        text=text,
        topic=None,
        receipt=None,
        day=day,
    )


def score_now(pulse: Services, **forced: Any) -> None:
    """Score unscored texts as the worker would; `forced` overrides score columns."""
    with pulse.db.session() as session:
        batch = feedback_store.unscored_feedback(session)
    scores = [{**score, **forced} for score in score_batch(batch)]
    with pulse.db.session() as session:
        feedback_store.store_analyses(session, scores=scores)


def add_scored(
    pulse: Services,
    text: str,
    *,
    themes: tuple[str, ...],
    polarity: float = -0.3,
    author: str = "U0NOBODY",
    day: date | None = None,
) -> None:
    write(pulse, author, text, day=day)
    score_now(pulse, polarity=polarity, themes=",".join(themes), flagged=True, label="neg")


def run_at(pulse: Services, clock: FakeClock, moment: datetime) -> None:
    clock.set(moment)
    alerts.tick(pulse)
    pulse.outbox.drain()


def alert_dms(slack: FakeSlack, prefix: str = "") -> dict[str, list[dict[str, Any]]]:
    """Alert DMs delivered, per lead (check-in DMs go to other people)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for call in slack.calls_to("chat.postMessage", ok_only=True):
        if call.params["channel"] in LEADS and str(call.params["text"]).startswith(prefix):
            found.setdefault(str(call.params["channel"]), []).append(call.params)
    return found


def shown(params: dict[str, Any]) -> str:
    return str(params["text"]) + repr(params["blocks"])


# -- resistance alerts -------------------------------------------------------------------------


def test_flagged_texts_of_one_window_arrive_together_at_the_boundary(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    write(pulse, MANAGERS[0], "The new tool is slower and keeps crashing <!channel>")
    clock.advance(minutes=25)
    write(pulse, USERS[0], "Now I enter everything twice and still email the status report")
    write(pulse, USERS[1], "Love the new dashboards!")
    score_now(pulse)
    for minute in (46, 50, 59):
        run_at(pulse, clock, NOW.replace(minute=minute))
    run_at(pulse, clock, BOUNDARY - timedelta(seconds=1))
    assert alert_dms(slack) == {}  # nothing before the boundary, however often it ticks
    assert rows(database_url, "SELECT count(*) FROM outbox WHERE kind = 'alert'") == [(0,)]

    run_at(pulse, clock, BOUNDARY)
    dms = alert_dms(slack)
    assert sorted(dms) == LEADS and all(len(v) == 1 for v in dms.values())
    message = shown(dms[LEADS[0]][0])
    assert "keeps crashing &lt;!channel&gt;" in message and "<!channel>" not in message
    assert "enter everything twice" in message and "Love the new dashboards" not in message
    assert "Technical problem" in message and "Route to IT support" in message
    assert "Double work" in message and "Retire the old report" in message
    assert "group *managers*" in message and "anonymous feedback" in message
    assert len(dms[LEADS[0]][0]["blocks"]) <= 50
    assert dms[LEADS[0]][0]["text"].startswith("2 comments flagged as possible resistance")

    # The rest of the hour sends nothing more; a text flagged now waits for 15:00.
    slack.reset()
    write(pulse, USERS[2], "The old system was faster")
    score_now(pulse)
    for minute in (1, 30, 59):
        run_at(pulse, clock, BOUNDARY + timedelta(minutes=minute))
    assert alert_dms(slack) == {}
    run_at(pulse, clock, BOUNDARY + timedelta(hours=1, seconds=20))
    dms = alert_dms(slack)
    assert sorted(dms) == LEADS and all(len(v) == 1 for v in dms.values())
    assert "The old system was faster" in shown(dms[LEADS[1]][0])
    assert "2 comments" not in shown(dms[LEADS[1]][0])


def test_a_text_scored_after_the_boundary_waits_for_the_next_one(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    write(pulse, USERS[0], "The old system was faster")
    run_at(pulse, clock, BOUNDARY - timedelta(seconds=5))  # not scored yet: nothing to claim
    clock.set(BOUNDARY + timedelta(seconds=10))
    score_now(pulse)
    run_at(pulse, clock, BOUNDARY + timedelta(seconds=10))
    run_at(pulse, clock, BOUNDARY + timedelta(minutes=30))
    assert alert_dms(slack) == {}  # sent now, its arrival would point at its author
    run_at(pulse, clock, BOUNDARY + timedelta(hours=1))
    assert sorted(alert_dms(slack)) == LEADS


def test_alerts_carry_no_identity_and_small_groups_stay_unnamed(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    # Executives had five members when these were written, then three moved on: the alert
    # goes by who is in the group now, so it may not name it.
    roles.set_group(pulse, group="executives", user_ids=[*EXECS, *USERS[3:]])
    write(pulse, EXECS[0], "Nobody asked us, why did we change?")
    roles.set_group(pulse, group="end_users", user_ids=USERS[3:])
    write(pulse, MANAGERS[1], "I went back to the spreadsheet, using Excel again")
    cycle = checkins.send_now(pulse).fanout
    assert cycle is not None
    checkins.record_comment(
        pulse,
        cycle_id=cycle.cycle_id,
        user_id=USERS[0],
        text="I dont know how to do anything and I am afraid to break something",
        receipt=None,
    )
    score_now(pulse)
    written = "SELECT stakeholder_group FROM anonymous_feedback WHERE text LIKE 'Nobody%'"
    assert rows(database_url, written) == [("executives",)]
    run_at(pulse, clock, NOW)
    run_at(pulse, clock, BOUNDARY)
    dms = alert_dms(slack)
    assert sorted(dms) == LEADS
    message = shown(dms[LEADS[0]][0])
    assert "Nobody asked us" in message and "executives" not in message
    assert "group *managers*" in message
    assert "a check-in comment" in message and "afraid to break something" in message

    authors = [*EXECS, *MANAGERS, *USERS]
    names = [f"Person {a[-4:]}" for a in authors] + [a.lower() for a in authors]
    for params in (p for dm in dms.values() for p in dm):
        for secret in [*authors, *names]:
            assert secret not in shown(params)
    stored = repr(rows(database_url, "SELECT * FROM alert_item"))
    stored += repr(rows(database_url, "SELECT * FROM alert_batch"))
    stored += repr(rows(database_url, "SELECT payload FROM outbox WHERE kind = 'alert'"))
    for secret in [*authors, *names]:
        assert secret not in stored
    # Delivered: the next tick forgets the texts and the hour they waited for.
    run_at(pulse, clock, BOUNDARY + timedelta(minutes=1))
    assert rows(database_url, "SELECT count(*) FROM alert_item WHERE window_end IS NOT NULL") == [
        (0,)
    ]
    assert {
        p for (p,) in rows(database_url, "SELECT payload FROM outbox WHERE kind = 'alert'")
    } == {'{"text":""}'}


def test_muted_themes_are_left_out_unless_strongly_negative(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    changes, errors = team_settings.validate(
        {
            **team_settings.current(pulse),
            "muted_themes": "back_to_old_tools,technical_problem",
        }
    )
    assert errors == {}
    team_settings.save(pulse, changes=changes)
    add_scored(pulse, "Back to my spreadsheet again.", themes=("back_to_old_tools",))
    add_scored(
        pulse, "It crashed and I lost an hour!!", themes=("technical_problem",), polarity=-0.9
    )
    add_scored(
        pulse,
        "Typing it all twice, then back to Excel.",
        themes=("double_work", "back_to_old_tools"),
    )
    run_at(pulse, clock, NOW)
    run_at(pulse, clock, BOUNDARY)
    message = shown(alert_dms(slack)[LEADS[0]][0])
    assert "Back to my spreadsheet" not in message
    assert "It crashed and I lost an hour" in message and "Technical problem" in message
    assert "Typing it all twice" in message and "Double work" in message
    assert "Back to old tools" not in message
    assert "1 more about muted themes" in message
    assert message.index("It crashed") < message.index("Typing it all twice")  # worst first

    # Nothing left after muting: nothing is sent at all.
    slack.reset()
    add_scored(pulse, "Excel is still easier.", themes=("back_to_old_tools",))
    run_at(pulse, clock, BOUNDARY + timedelta(minutes=1))
    run_at(pulse, clock, BOUNDARY + timedelta(hours=1))
    assert alert_dms(slack) == {}


def test_no_lead_means_nothing_is_claimed_until_one_is_named(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    roles.name_change_leads(pulse, user_ids=[])
    add_scored(pulse, "Back to my spreadsheet again.", themes=("back_to_old_tools",))
    run_at(pulse, clock, BOUNDARY)
    assert rows(database_url, "SELECT count(*) FROM alert_item") == [(0,)]
    roles.name_change_leads(pulse, user_ids=LEADS[:1])
    run_at(pulse, clock, BOUNDARY + timedelta(minutes=5))
    run_at(pulse, clock, BOUNDARY + timedelta(hours=1))
    assert list(alert_dms(slack)) == LEADS[:1]


def test_two_replicas_racing_send_one_dm_per_lead_per_window(
    database_url: str, slack: FakeSlack, clock: FakeClock
) -> None:
    with (
        in_process(database_url=database_url, slack=slack, clock=clock) as first,
        in_process(database_url=database_url, slack=slack, clock=clock) as second,
    ):
        assert first.outbox.holder != second.outbox.holder
        roles.name_change_leads(first, user_ids=LEADS)
        for n in range(12):
            add_scored(first, f"Entering it twice, day {n}.", themes=("double_work",))
        errors: list[BaseException] = []

        def replica(services: Services, start: threading.Barrier) -> None:
            try:
                start.wait()
                for _ in range(4):
                    alerts.tick(services)
                    services.outbox.drain()
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)

        for moment in (NOW, BOUNDARY, BOUNDARY + timedelta(seconds=30)):
            clock.set(moment)
            start = threading.Barrier(2)
            threads = [
                threading.Thread(target=replica, args=(services, start))
                for services in (first, second)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
    dms = alert_dms(slack)
    assert sorted(dms) == LEADS and all(len(v) == 1 for v in dms.values())
    assert shown(dms[LEADS[0]][0]).count("Entering it twice") == 12
    assert rows(database_url, "SELECT count(*) FROM alert_batch") == [(1,)]
    assert rows(database_url, "SELECT count(*) FROM outbox WHERE kind = 'alert'") == [(2,)]


# -- trend alerts ------------------------------------------------------------------------------

WEEK1 = date(2025, 3, 3)
WEEK2 = date(2025, 3, 10)
MONDAY_NOON = timedelta(hours=12)


def open_week(pulse: Services, clock: FakeClock, week: date) -> int:
    """Open the week's check-in on Monday noon (closing the one before, as the schedule does)."""
    clock.set(datetime.combine(week, datetime.min.time(), UTC) + MONDAY_NOON)
    fanout = checkins.send_now(pulse).fanout
    assert fanout is not None
    alerts.tick(pulse)  # the next tick checks the cycle this closed
    return fanout.cycle_id


def answer(pulse: Services, cycle_id: int, people: list[str], *, mood: str, adoption: str) -> None:
    for user_id in people:
        for question, value in (("mood", mood), ("adoption", adoption)):
            outcome = checkins.record_answer(
                pulse, cycle_id=cycle_id, user_id=user_id, question=question, value=value
            )
            assert outcome is checkins.Outcome.RECORDED


def comments(pulse: Services, author: str, week: date, theme: str, count: int) -> None:
    for n in range(count):
        add_scored(
            pulse, f"{theme} comment {n} of {week}", themes=(theme,), author=author, day=week
        )


def close_and_check(pulse: Services, clock: FakeClock, week: date) -> None:
    """A week after opening, the cycle closes; the next alerts tick checks its trends."""
    moment = datetime.combine(week, datetime.min.time(), UTC) + timedelta(days=7, hours=12)
    clock.set(moment)
    assert checkins.close_due_cycles(pulse, now=moment) == 1
    run_at(pulse, clock, moment + timedelta(minutes=1))


def trend_dms(slack: FakeSlack) -> dict[str, list[dict[str, Any]]]:
    return alert_dms(slack, prefix="Trend alert")


def two_weeks(pulse: Services, clock: FakeClock) -> None:
    """Managers turn sour in week 2: mood 4 → 2, one stops answering, 3 of 5 use the old way,
    and double work is raised three times; end users stay as they were."""
    first = open_week(pulse, clock, WEEK1)
    answer(pulse, first, MANAGERS, mood="4", adoption="yes")
    answer(pulse, first, USERS, mood="4", adoption="yes")
    comments(pulse, MANAGERS[0], WEEK1, "double_work", 1)
    comments(pulse, USERS[0], WEEK1, "technical_problem", 3)
    second = open_week(pulse, clock, WEEK2)
    answer(pulse, second, MANAGERS[:2], mood="2", adoption="yes")
    answer(pulse, second, MANAGERS[2:5], mood="2", adoption="no_old_way")
    answer(pulse, second, USERS, mood="4", adoption="yes")
    comments(pulse, MANAGERS[0], WEEK2, "double_work", 3)
    comments(pulse, USERS[0], WEEK2, "technical_problem", 3)


def test_trend_alert_after_the_cycle_says_what_changed_by_how_much_and_what_to_do(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    two_weeks(pulse, clock)
    assert rows(database_url, "SELECT changes FROM alert_trend") == [(0,)]  # week 1: no baseline
    assert trend_dms(slack) == {}
    close_and_check(pulse, clock, WEEK2)
    dms = trend_dms(slack)
    assert sorted(dms) == LEADS and all(len(v) == 1 for v in dms.values())
    message = shown(dms[LEADS[0]][0])
    audience, managers = message.split("*Group managers*")
    assert "*Whole audience*" in audience
    assert "Mood fell from 4.0 to 3.1 (−0.9 on the 1–5 scale)" in audience
    assert "rose from 0% to 27% (+27 points)" in audience  # 3 of 11 used the old way
    assert "Participation fell" not in audience  # 12 of 14 → 11 of 14: 7 points
    assert "New theme: *Double work* in 3 texts" in audience
    assert "Mood fell from 4.0 to 2.0 (−2.0" in managers
    assert "Participation fell from 100% to 83% (−17 points)" in managers
    assert "rose from 0% to 60% (+60 points)" in managers
    assert "Find what the old tool did better" in managers  # the old-way tactic
    assert "top theme this week: Double work" in managers and "Retire the old report" in managers
    assert "New theme: *Double work*" in managers
    assert "New theme: *Technical problem*" not in message  # three a week already before
    assert "end_users" not in message and "executives" not in message
    assert len(dms[LEADS[0]][0]["blocks"]) <= 50
    # Ticking on, or a second replica, sends nothing more.
    for minutes in (2, 30, 600):
        run_at(pulse, clock, clock.now + timedelta(minutes=minutes))
    assert all(len(v) == 1 for v in trend_dms(slack).values())
    assert rows(database_url, "SELECT count(*) FROM outbox WHERE kind = 'trend'") == [(2,)]


def test_trend_thresholds_and_muted_themes_come_from_settings(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    changes, errors = team_settings.validate(
        {
            **team_settings.current(pulse),
            "alert_mood_drop": "1.0",
            "alert_participation_drop": "20",
            "alert_old_way_rise": "30",
            "muted_themes": "double_work",
        }
    )
    assert errors == {}
    team_settings.save(pulse, changes=changes)
    two_weeks(pulse, clock)
    close_and_check(pulse, clock, WEEK2)
    message = shown(trend_dms(slack)[LEADS[0]][0])
    assert "*Whole audience*" not in message  # −0.9 mood and +27 points: under the thresholds
    assert "Mood fell from 4.0 to 2.0" in message and "rose from 0% to 60%" in message
    assert "Participation fell" not in message
    assert "Double work" not in message  # muted: no new-theme line, no tactic from it
    assert "top theme this week" not in message and "what changed this week" in message


def test_a_group_under_the_minimum_in_either_week_is_not_compared(
    pulse: Services, slack: FakeSlack, clock: FakeClock
) -> None:
    first = open_week(pulse, clock, WEEK1)
    answer(pulse, first, MANAGERS, mood="4", adoption="yes")
    answer(pulse, first, USERS, mood="5", adoption="yes")
    answer(pulse, first, EXECS, mood="5", adoption="yes")
    second = open_week(pulse, clock, WEEK2)
    answer(pulse, second, MANAGERS, mood="4", adoption="yes")
    answer(pulse, second, USERS[:3], mood="1", adoption="no_old_way")  # only 3 answered
    answer(pulse, second, EXECS, mood="1", adoption="no_old_way")  # a group of 2
    close_and_check(pulse, clock, WEEK2)
    message = shown(trend_dms(slack)[LEADS[0]][0])
    assert "*Whole audience*" in message and "Mood fell from 4.6 to 2.6 (−2.0" in message
    assert "end_users" not in message and "executives" not in message
    assert "*Group " not in message


def test_nothing_tripped_sends_nothing(
    pulse: Services, slack: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    for week in (WEEK1, WEEK2):
        cycle_id = open_week(pulse, clock, week)
        answer(pulse, cycle_id, [*MANAGERS, *USERS], mood="4", adoption="partly")
    close_and_check(pulse, clock, WEEK2)
    assert trend_dms(slack) == {}
    assert rows(database_url, "SELECT changes FROM alert_trend ORDER BY cycle_id") == [(0,), (0,)]
