"""A closed cycle records its sent/answered totals; reports read them instead of recounting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import checkins, people, reports
from storage.db import Database


def test_close_records_totals_that_reports_then_use(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    now = datetime(2026, 3, 3, 10, tzinfo=UTC)
    with db.session() as session:
        cycle, _ = checkins.create_cycle(
            session,
            team_id="T1",
            week=date(2026, 3, 2),
            system_name="Workday",
            key_task="log hours",
            opened_at=now,
            closes_at=now + timedelta(days=7),
        )
        assert cycle.id is not None
        cycle_id = cycle.id
        people.set_group(session, user_ids=["U1", "U2"], group="nurses")
        checkins.add_participants(session, cycle_id=cycle_id, user_ids=["U1", "U2", "U3"])
        checkins.mark_answered(session, cycle_id=cycle_id, user_id="U2")
    with db.session() as session:
        # Open: counted from participation rows.
        assert reports.participation_totals(session, cycle_ids=[cycle_id]) == {cycle_id: (3, 1)}
        assert checkins.close_cycle(session, cycle_id=cycle_id, now=now + timedelta(days=7))
    with db.session() as session:
        closed = checkins.get_cycle(session, cycle_id=cycle_id)
        assert closed is not None and (closed.sent_total, closed.answered_total) == (3, 1)
        # Closed: the recorded totals are what reports read, even if rows were to go.
        checkins.add_participants(session, cycle_id=cycle_id, user_ids=["U9"])
        assert reports.participation_totals(session, cycle_ids=[cycle_id]) == {cycle_id: (3, 1)}
        # Moving someone to another group later cannot change a closed week's group figures
        # (which would tell whether they had answered).
        people.set_group(session, user_ids=["U2"], group="porters")
    with db.session() as session:
        by_group = reports.participation_by_group(session, cycle_ids=[cycle_id])
        assert sorted((c.group or "", c.sent, c.answered) for c in by_group) == [
            ("", 1, 0),
            ("nurses", 2, 1),
        ]
    db.dispose()
