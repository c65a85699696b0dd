"""What the report, digest, App Home and update tests share: the app's test settings, /pulse
helpers, and closed check-in weeks written straight into a running app's database (the rows
the check-in and feedback paths would have left once a cycle closed: answers with a group and
no user id, participation apart)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from storage.db import Database
from storage.models import AnonymousFeedback, CheckinAnswer, Cycle, Participation, Person
from tests.e2e_rig import ADMIN
from tests.fakeslack import FakeSlack
from tests.slackrig import TEAM_ID, SlackClient

LEAD = "U0LEAD1"
CHAMPIONS = ["U0CHAMP1", "U0CHAMP2"]


def say(client: SlackClient, text: str, *, user_id: str = ADMIN) -> str:
    answer = client.command("/pulse", text, user_id=user_id)
    assert answer.status_code == 200
    if answer.headers.get("content-type", "").startswith("application/json"):
        return str(answer.json()["text"])
    return answer.text  # a slow subcommand acks with plain text


def slow_answer(client: SlackClient, slack: FakeSlack, text: str, *, user_id: str) -> str:
    """A slow /pulse subcommand: the ack, then what arrives at the response_url."""
    before = len(slack.calls_to("response_url"))
    acked = say(client, text, user_id=user_id)
    answered = slack.wait_for("response_url", count=before + 1, timeout=15)[-1].params
    return acked + "\n" + str(answered["text"]) + str(answered.get("blocks", ""))


def name_roles(client: SlackClient, slack: FakeSlack) -> None:
    """LEAD is the change lead, CHAMPIONS are champions (named by the env admin)."""
    for user_id in [LEAD, *CHAMPIONS]:
        slack.add_user(user_id)
    assert "Change lead" in say(client, f"lead <@{LEAD}>")
    assert "champions" in say(client, "champion add " + " ".join(f"<@{c}>" for c in CHAMPIONS))


COMMENTS = (
    "The new tool is slower than the old way for month-end",
    "I still have to email my status to the manager too",
    "Went back to the spreadsheet for the weekly numbers",
    "Login fails every morning",
    '=HYPERLINK("https://evil.example") nobody asked us',
    "Training helped a lot, thanks",
)


def seed_people(database_url: str, *, user_ids: list[str], group: str | None) -> None:
    db = Database(database_url)
    try:
        with db.session() as session:
            for user_id in user_ids:
                person = session.get(Person, user_id) or Person(user_id=user_id)
                person.stakeholder_group = group
                session.add(person)
    finally:
        db.dispose()


def seed_closed_week(
    database_url: str,
    *,
    week: date,
    closed_at: datetime,
    respondents: list[str],
    group: str | None,
    moods: list[str],
    comments: int = len(COMMENTS),
) -> int:
    """One closed cycle: everyone in `respondents` was sent it and answered mood and
    adoption ("yes" for the first half); `comments` texts scored on the Tuesday of the week."""
    db = Database(database_url)
    try:
        with db.session() as session:
            opened = datetime.combine(week, time(10), UTC)
            cycle = Cycle(
                team_id=TEAM_ID,
                week=week,
                system_name="Atlas CRM",
                key_task="log a call",
                opened_at=opened,
                closes_at=min(closed_at, opened + timedelta(days=7)),
                closed_at=closed_at,
            )
            session.add(cycle)
            session.flush()
            assert cycle.id is not None
            session.add_all(
                Participation(cycle_id=cycle.id, user_id=u, answered=True) for u in respondents
            )
            for n, mood in enumerate(moods):
                adoption = "yes" if n < len(moods) // 2 else "no_old_way"
                session.add_all(
                    CheckinAnswer(
                        id=uuid.uuid4().hex,
                        cycle_id=cycle.id,
                        question=question,
                        value=value,
                        stakeholder_group=group,
                    )
                    for question, value in (("mood", mood), ("adoption", adoption))
                )
            session.add_all(
                AnonymousFeedback(
                    id=uuid.uuid4().hex,
                    source="comment",
                    text=COMMENTS[i % len(COMMENTS)],
                    day=week + timedelta(days=1),
                    stakeholder_group=group,
                    polarity=-0.4,
                    label="neg",
                    themes="old_way_faster" if i % 2 else "double_work",
                    flagged=False,
                )
                for i in range(comments)
            )
            return cycle.id
    finally:
        db.dispose()
