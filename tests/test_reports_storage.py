"""Report aggregates, digest, report and export against real SQLite and PostgreSQL.

Rows are seeded directly, as the check-in and feedback paths would have stored them, so
these tests pin down what the reports read without depending on how answers arrive.
"""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.analysis import THEME_IDS
from bot.reports.anonymity import SUPPRESSED
from bot.reports.digest import build_digest, build_report
from bot.reports.export import EVERYONE, OTHER_GROUPS, build_export
from storage import reports
from storage.db import Database
from storage.models import (
    AnonymousFeedback,
    CheckinAnswer,
    Cycle,
    Participation,
    Person,
    TeamSettings,
)

TEAM = "T1"
WEEK0 = date(2025, 3, 3)  # a Monday


@dataclass
class Seeder:
    """Writes rows the way the app stores them: answers with a group, never a user id."""

    db: Database
    _users: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def people(self, group: str | None, count: int) -> list[str]:
        ids = [f"U{next(self._users):05d}" for _ in range(count)]
        with self.db.session() as session:
            session.add_all(Person(user_id=u, stakeholder_group=group) for u in ids)
        return ids

    def cycle(self, week: date, *, closed: bool = True) -> int:
        opened = datetime.combine(week, datetime.min.time(), UTC) + timedelta(hours=10)
        with self.db.session() as session:
            cycle = Cycle(
                team_id=TEAM,
                week=week,
                system_name="Workday",
                key_task="log <your> hours",
                opened_at=opened,
                closes_at=opened + timedelta(days=6),
                closed_at=opened + timedelta(days=6) if closed else None,
            )
            session.add(cycle)
            session.flush()
            assert cycle.id is not None
            return cycle.id

    def sent(self, cycle_id: int, users: list[str], *, answered: int) -> None:
        with self.db.session() as session:
            session.add_all(
                Participation(cycle_id=cycle_id, user_id=u, answered=i < answered)
                for i, u in enumerate(users)
            )

    def answers(
        self, cycle_id: int, *, group: str | None, question: str, values: list[str]
    ) -> None:
        with self.db.session() as session:
            session.add_all(
                CheckinAnswer(
                    id=uuid.uuid4().hex,
                    cycle_id=cycle_id,
                    question=question,
                    value=v,
                    stakeholder_group=group,
                )
                for v in values
            )

    def texts(
        self,
        day: date,
        *,
        group: str | None,
        count: int,
        themes: str = "",
        text: str = "The new tool is slower than the old way for {i}",
        source: str = "comment",
        polarity: float = -0.5,
        flagged: bool = False,
        scored: bool = True,
    ) -> None:
        with self.db.session() as session:
            session.add_all(
                AnonymousFeedback(
                    id=uuid.uuid4().hex,
                    source=source,
                    text=text.format(i=i),
                    day=day,
                    stakeholder_group=group,
                    polarity=polarity if scored else None,
                    label=("neg" if polarity < 0 else "pos") if scored else None,
                    themes=themes if scored else None,
                    flagged=flagged if scored else None,
                )
                for i in range(count)
            )


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    with database.session() as session:
        session.add(TeamSettings(team_id=TEAM, min_group_size=5))
    yield database
    database.dispose()


@pytest.fixture
def seed(db: Database) -> Seeder:
    return Seeder(db)


def test_answer_counts_group_by_cycle_group_question_and_value(db: Database, seed: Seeder) -> None:
    cycle = seed.cycle(WEEK0)
    seed.answers(cycle, group="managers", question="mood", values=["4", "4", "5"])
    seed.answers(cycle, group=None, question="mood", values=["1"])
    seed.answers(cycle, group="managers", question="adoption", values=["yes", "no_old_way"])
    other = seed.cycle(WEEK0 + timedelta(weeks=1))
    seed.answers(other, group="managers", question="mood", values=["2"])
    with db.session() as session:
        rows = reports.answer_counts(session, cycle_ids=[cycle])
    got = {(r.group, r.question, r.value): r.count for r in rows}
    assert got == {
        ("managers", "mood", "4"): 2,
        ("managers", "mood", "5"): 1,
        (None, "mood", "1"): 1,
        ("managers", "adoption", "yes"): 1,
        ("managers", "adoption", "no_old_way"): 1,
    }


def test_participation_joins_the_persons_group_and_counts_answered(
    db: Database, seed: Seeder
) -> None:
    cycle = seed.cycle(WEEK0)
    seed.sent(cycle, seed.people("managers", 6), answered=4)
    seed.sent(cycle, seed.people(None, 3), answered=1)
    with db.session() as session:
        rows = reports.participation_by_group(session, cycle_ids=[cycle])
        totals = reports.participation_totals(session, cycle_ids=[cycle])
    assert {(r.group, r.sent, r.answered) for r in rows} == {("managers", 6, 4), (None, 3, 1)}
    assert totals == {cycle: (9, 5)}


def test_theme_counts_match_whole_ids_only_and_skip_unscored_texts(
    db: Database, seed: Seeder
) -> None:
    seed.texts(WEEK0, group="ops", count=2, themes="double_work,technical_problem", flagged=True)
    seed.texts(WEEK0 + timedelta(days=6), group="ops", count=1, themes="technical_problem")
    seed.texts(WEEK0, group="ops", count=1, themes="xdouble_work_")  # not a real id: must not count
    seed.texts(WEEK0, group="ops", count=4, scored=False)
    seed.texts(WEEK0 + timedelta(days=7), group="ops", count=3, themes="double_work")  # next week
    seed.texts(WEEK0, group=None, count=1, themes="double_work")
    with db.session() as session:
        rows = reports.text_counts(
            session, start=WEEK0, end=WEEK0 + timedelta(days=7), theme_ids=THEME_IDS
        )
    by_group = {r.group: r for r in rows}
    assert by_group["ops"].texts == 4
    assert by_group["ops"].flagged == 2
    assert by_group["ops"].themes["double_work"] == 2
    assert by_group["ops"].themes["technical_problem"] == 3
    assert by_group[None].themes["double_work"] == 1


def test_quote_candidates_come_only_from_allowed_groups_and_readable_lengths(
    db: Database, seed: Seeder
) -> None:
    seed.texts(
        WEEK0, group="ops", count=3, themes="double_work", text="I enter everything twice, case {i}"
    )
    seed.texts(
        WEEK0, group="execs", count=3, themes="double_work", text="Executives double entry {i} here"
    )
    seed.texts(WEEK0, group="ops", count=1, themes="double_work", text="short")
    seed.texts(
        WEEK0,
        group="ops",
        count=2,
        themes="double_work,technical_problem",
        text="Twice the work and it crashes {i}",
        polarity=-0.9,
    )
    seed.texts(
        WEEK0, group="ops", count=1, themes="technical_problem", text="It crashes on every save!"
    )
    with db.session() as session:
        found = reports.quote_candidates(
            session,
            start=WEEK0,
            end=WEEK0 + timedelta(days=7),
            theme_ids=["technical_problem", "double_work"],
            groups=["ops"],
            include_ungrouped=False,
            per_theme=2,
        )
    assert all(q.group == "ops" for q in found)
    by_theme: dict[str, list[str]] = {}
    for q in found:
        by_theme.setdefault(q.theme, []).append(q.text)
    # The two texts with both themes stand for the first theme asked for, most negative first.
    assert sorted(by_theme["technical_problem"]) == [
        "Twice the work and it crashes 0",
        "Twice the work and it crashes 1",
    ]
    assert len(by_theme["double_work"]) == 2
    assert all("twice, case" in text for text in by_theme["double_work"])


def _seed_closed_week(seed: Seeder, week: date, *, managers_mood: list[str], execs: int = 2) -> int:
    """A realistic week: two named groups large enough, and a few executives."""
    cycle = seed.cycle(week)
    seed.sent(cycle, seed.people("managers", 12), answered=len(managers_mood))
    seed.sent(cycle, seed.people("end users", 30), answered=25)
    seed.sent(cycle, seed.people("execs", 3), answered=execs)
    seed.answers(cycle, group="managers", question="mood", values=managers_mood)
    seed.answers(cycle, group="end users", question="mood", values=["2"] * 15 + ["3"] * 10)
    seed.answers(cycle, group="execs", question="mood", values=["5"] * execs)
    seed.answers(cycle, group="managers", question="adoption", values=["yes"] * len(managers_mood))
    seed.answers(
        cycle,
        group="end users",
        question="adoption",
        values=["yes"] * 5 + ["partly"] * 10 + ["no_old_way"] * 10,
    )
    seed.answers(cycle, group="execs", question="adoption", values=["yes"] * execs)
    return cycle


def test_digest_hides_small_groups_and_their_complement(db: Database, seed: Seeder) -> None:
    _seed_closed_week(seed, WEEK0, managers_mood=["4"] * 8)
    with db.session() as session:
        digest = build_digest(session, team_id=TEAM)
    assert digest is not None
    groups = {g.group: g for g in digest.cycle.groups}
    assert digest.cycle.mood is not None and digest.cycle.mood.respondents == 35
    assert groups["execs"].mood is None, "two executives are too few"
    assert groups["managers"].mood is None, "else total minus end users gives the executives"
    assert groups["end users"].mood is not None
    # Participation: 3 executives sent, so the same complement applies there.
    assert groups["execs"].participation is None
    assert groups["managers"].participation is None
    # Whatever the lead sees, nothing computable covers fewer than five people.
    shown = [g.mood for g in digest.cycle.groups if g.mood is not None]
    hidden = digest.cycle.mood.respondents - sum(m.respondents for m in shown)
    assert hidden == 0 or hidden >= 5


def test_digest_trend_quotes_themes_and_help(db: Database, seed: Seeder) -> None:
    for i in range(9):
        _seed_closed_week(seed, WEEK0 + timedelta(weeks=i), managers_mood=["4"] * 8, execs=5)
    week = WEEK0 + timedelta(weeks=8)
    seed.texts(
        week, group="end users", count=6, themes="old_way_faster", text="Old way was faster {i}!!"
    )
    seed.texts(
        week, group="end users", count=2, themes="double_work", text="Entering it all twice {i}!!"
    )
    seed.texts(
        week, group="managers", count=3, themes="double_work", text="Managers still email {i}!!!"
    )
    seed.texts(
        week, group=None, count=1, themes="technical_problem", text="It <!channel> crashes a lot"
    )
    seed.texts(
        week,
        group="end users",
        count=1,
        flagged=True,
        themes="technical_problem",
        text="Login fails",
    )
    with db.session() as session:
        digest = build_digest(session, team_id=TEAM)
    assert digest is not None
    assert len(digest.trend) == 8
    assert digest.trend[-1].week == week
    assert digest.texts.count == 13
    assert digest.texts.flagged == 1
    assert digest.texts.themes is not None
    assert [t.theme_id for t in digest.texts.themes][:2] == ["old_way_faster", "double_work"]
    # Quotes only from "end users" (9 texts); managers wrote 3 and the pool of small groups 1.
    assert digest.quotes
    assert all(q.group == "end users" for q in digest.quotes)
    assert len({q.theme_id for q in digest.quotes}) == len(digest.quotes)
    assert "<!channel>" not in "".join(q.text for q in digest.quotes)
    assert [h.group for h in digest.help_needed] == ["end users"]
    help_row = digest.help_needed[0]
    assert help_row.theme is not None and help_row.theme.theme_id == "old_way_faster"
    assert help_row.theme_from_group


def test_digest_of_a_named_cycle_and_of_nothing(db: Database, seed: Seeder) -> None:
    with db.session() as session:
        assert build_digest(session, team_id=TEAM) is None
    first = _seed_closed_week(seed, WEEK0, managers_mood=["4"] * 8)
    _seed_closed_week(seed, WEEK0 + timedelta(weeks=1), managers_mood=["3"] * 8)
    open_id = seed.cycle(WEEK0 + timedelta(weeks=2), closed=False)
    with db.session() as session:
        digest = build_digest(session, team_id=TEAM, cycle_id=first)
        assert build_digest(session, team_id=TEAM, cycle_id=open_id) is None
    assert digest is not None and digest.cycle.cycle_id == first
    assert len(digest.trend) == 1


def test_report_reading_an_open_cycle_twice_reveals_nothing_about_new_answers(
    db: Database, seed: Seeder
) -> None:
    """The "Monday vs Tuesday" differencing attack: the open cycle shows no answer figures."""
    _seed_closed_week(seed, WEEK0, managers_mood=["4"] * 8)
    open_id = seed.cycle(WEEK0 + timedelta(weeks=1), closed=False)
    people = seed.people("managers", 10)
    seed.sent(open_id, people, answered=8)
    seed.answers(open_id, group="managers", question="mood", values=["4"] * 8)
    with db.session() as session:
        before = build_report(session, team_id=TEAM)
    seed.answers(open_id, group="managers", question="mood", values=["1", "1"])
    with db.session() as session:
        after = build_report(session, team_id=TEAM)
    assert before.current is not None and before.current.week == WEEK0
    assert before.current == after.current
    assert before.trend == after.trend
    assert after.in_progress is not None and after.in_progress.participation is not None
    assert after.in_progress.participation.answered == 8


def test_report_compares_the_last_two_closed_cycles(db: Database, seed: Seeder) -> None:
    _seed_closed_week(seed, WEEK0, managers_mood=["4"] * 8, execs=5)
    _seed_closed_week(seed, WEEK0 + timedelta(weeks=1), managers_mood=["2"] * 8, execs=5)
    with db.session() as session:
        report = build_report(session, team_id=TEAM)
    assert report.current is not None and report.previous is not None
    assert report.current.week == WEEK0 + timedelta(weeks=1)
    managers = {g.group: g for g in report.current.groups}["managers"]
    assert managers.mood is not None and managers.mood.average == 2
    assert report.in_progress is None


def test_export_marks_suppressed_cells_and_holds_no_identity(db: Database, seed: Seeder) -> None:
    _seed_closed_week(seed, WEEK0, managers_mood=["4"] * 8)
    seed.texts(WEEK0, group="end users", count=5, themes="double_work", text="=HYPERLINK(evil) {i}")
    seed.texts(WEEK0, group="managers", count=2, themes="double_work", text="we managers {i}")
    seed.texts(
        WEEK0 + timedelta(weeks=1), group="end users", count=5, text="this week, not yet {i}"
    )
    with db.session() as session:
        weekly, comments = build_export(session, team_id=TEAM, today=WEEK0 + timedelta(days=9))
    rows = list(csv.DictReader(io.StringIO(weekly.content.decode("utf-8-sig"))))
    by_group = {r["group"]: r for r in rows}
    assert by_group[EVERYONE]["mood_respondents"] == "35"
    assert by_group["execs"]["mood_average"] == SUPPRESSED
    assert by_group["managers"]["mood_average"] == SUPPRESSED
    assert by_group["end users"]["mood_average"] == "2.4"
    assert OTHER_GROUPS not in by_group

    text = comments.content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == 7, "the week in progress is left out"
    assert {r["week"] for r in lines} == {WEEK0.isoformat()}
    assert all(r["text"].startswith("'=") for r in lines if "HYPERLINK" in r["text"])
    assert {r["group"] for r in lines if "managers" in r["text"]} == {""}
    assert {r["group"] for r in lines if "HYPERLINK" in r["text"]} == {"end users"}
    with db.session() as session:
        user_ids = list(session.exec(select(Person.user_id)))
    assert not any(u in text or u in weekly.content.decode() for u in user_ids)
