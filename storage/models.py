"""SQLModel tables. Anonymous tables carry no user id, name, channel, trigger id or exact time.

Every datetime column is timezone-aware UTC. Anonymous rows use random string ids (never an
autoincrement) so their ids say nothing about the order in which people wrote.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, Index, TypeDecorator, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def tz_column(*, nullable: bool = True) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class TeamSettings(SQLModel, table=True):
    """What the change lead configures; one row per Slack team."""

    __tablename__ = "team_settings"

    team_id: str = Field(primary_key=True, max_length=32)
    system_name: str = Field(default="the new system", max_length=80)
    key_task: str = Field(default="your main task", max_length=120)
    checkin_weekday: int = Field(default=1)  # Monday is 0, as in datetime.weekday()
    checkin_time: str = Field(default="10:00", max_length=5)
    default_tz: str = Field(default="UTC", max_length=64)
    reminder_delay_hours: int = Field(default=24)
    cycle_days: int = Field(default=7)
    min_group_size: int = Field(default=5)
    alert_batch_minutes: int = Field(default=60)
    muted_themes: str = Field(default="", max_length=200)  # comma-separated theme ids
    alert_mood_drop: float = Field(default=0.5)  # mood points (1-5 scale)
    alert_participation_drop: int = Field(default=15)  # percentage points
    alert_old_way_rise: int = Field(default=15)  # percentage points
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class Person(SQLModel, table=True):
    """A Slack user the app knows about: roles, stakeholder group and cached directory facts.

    Never joined to anything anonymous: it holds who people are, never what they said.
    """

    __tablename__ = "person"

    user_id: str = Field(primary_key=True, max_length=32)
    is_change_lead: bool = Field(default=False)
    is_champion: bool = Field(default=False)
    stakeholder_group: str | None = Field(default=None, max_length=40, index=True)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    is_workspace_admin: bool = Field(default=False)
    synced_at: datetime | None = Field(default=None, sa_column=tz_column())


class AudienceSource(SQLModel, table=True):
    """A channel whose members, or a user, that belongs to the check-in audience."""

    __tablename__ = "audience_source"

    kind: str = Field(primary_key=True, max_length=8)  # "channel" | "user"
    ref: str = Field(primary_key=True, max_length=32)


class AnonymousFeedback(SQLModel, table=True):
    """Anonymous text: `/feedback` or a check-in comment. A day bucket, never a timestamp."""

    __tablename__ = "anonymous_feedback"
    __table_args__ = (
        Index("ix_anonymous_feedback_day", "day"),
        # The scoring worker's queue: only unscored rows, so finding them stays cheap however
        # many scored rows pile up before them.
        Index(
            "ix_anonymous_feedback_unscored",
            "day",
            sqlite_where=text("label IS NULL"),
            postgresql_where=text("label IS NULL"),
        ),
    )

    id: str = Field(primary_key=True, max_length=32)
    source: str = Field(max_length=16)  # "feedback" | "comment"
    text: str
    topic: str | None = Field(default=None, max_length=40)
    day: date
    stakeholder_group: str | None = Field(default=None, max_length=40)
    polarity: float | None = None
    label: str | None = Field(default=None, max_length=3)
    subjectivity: float | None = None
    themes: str | None = Field(default=None, max_length=200)  # comma-separated theme ids
    flagged: bool | None = None
    reason: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=8)
    confident: bool | None = None


class RequestReceipt(SQLModel, table=True):
    """A keyed hash of a Slack request already acted on, so Slack's retries store nothing twice.

    The key is an HMAC of the raw body: it carries no identity and cannot be reversed without
    the signing secret and the exact body (which holds a one-off trigger id).
    """

    __tablename__ = "request_receipt"

    key: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=tz_column(nullable=False))


class Cycle(SQLModel, table=True):
    """One weekly check-in round. The questions are frozen when it opens, so a rename mid-week
    never changes what people already answered."""

    __tablename__ = "cycle"
    __table_args__ = (UniqueConstraint("team_id", "week", name="uq_cycle_team_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    week: date  # the Monday of the week, on the team's calendar
    system_name: str = Field(max_length=80)
    key_task: str = Field(max_length=120)
    opened_at: datetime = Field(sa_column=tz_column(nullable=False))
    closes_at: datetime = Field(sa_column=tz_column(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=tz_column())
    # Frozen at close (answers to a closed cycle are refused), so reports read two numbers
    # instead of counting participation rows again for every week of a trend.
    sent_total: int | None = None
    answered_total: int | None = None


class Participation(SQLModel, table=True):
    """Whether a person answered a cycle: kept apart from what they answered.

    `answer_ref` is the only link to their `checkin_answer` rows, there so a second click
    replaces the first; it is set to NULL on both sides when the cycle closes.
    """

    __tablename__ = "participation"
    # Covers the reports' sent/answered counts per cycle (joined to a person's group by id).
    __table_args__ = (Index("ix_participation_report", "cycle_id", "answered", "user_id"),)

    cycle_id: int = Field(foreign_key="cycle.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=32)
    answered: bool = Field(default=False)
    answer_ref: str | None = Field(default=None, max_length=32)


class CycleGroupTotal(SQLModel, table=True):
    """Sent and answered per stakeholder group of a closed cycle, as the groups were that week.

    Recorded at close, so a person moved to another group later cannot make a past week's
    group figures change (which would tell whether they had answered).
    """

    __tablename__ = "cycle_group_total"
    __table_args__ = (Index("ix_cycle_group_total_cycle", "cycle_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    stakeholder_group: str | None = Field(default=None, max_length=40)
    sent: int
    answered: int


class CheckinAnswer(SQLModel, table=True):
    """One anonymous answer: no user id, no time, a random id.

    On SQLite the table has no rowid, so not even the storage order says who answered first.
    """

    __tablename__ = "checkin_answer"
    __table_args__ = (
        UniqueConstraint("answer_ref", "question", name="uq_checkin_answer_ref_question"),
        Index("ix_checkin_answer_cycle", "cycle_id"),
        # Covers the reports' GROUP BY cycle, question, group, value without reading the table.
        Index("ix_checkin_answer_report", "cycle_id", "question", "stakeholder_group", "value"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True, max_length=32)
    cycle_id: int = Field(foreign_key="cycle.id")
    question: str = Field(max_length=16)  # "mood" | "adoption"
    value: str = Field(max_length=16)
    stakeholder_group: str | None = Field(default=None, max_length=40)
    answer_ref: str | None = Field(default=None, max_length=32)


class OutboxMessage(SQLModel, table=True):
    """A DM the app owes someone. The unique `dedupe_key` is what makes "exactly once" hold
    across restarts and replicas; a sender claims a row before posting and marks it after.

    status: pending → sending → sent, or back to pending on a transient error; failed
    (Slack refused the recipient), expired (past its window), cancelled (no longer wanted).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_cycle_kind", "cycle_id", "kind", "recipient"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # checkin | reminder | alert | digest | update
    dedupe_key: str = Field(max_length=120, unique=True)
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id")
    recipient: str = Field(max_length=32)  # a user id: DMs post with channel=user id
    due_at: datetime = Field(sa_column=tz_column(nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=tz_column())
    payload: str  # JSON: {"text": ..., "blocks": [...]}
    status: str = Field(default="pending", max_length=16)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=tz_column())
    sent_at: datetime | None = Field(default=None, sa_column=tz_column())
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=64)
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)


class Lease(SQLModel, table=True):
    """A named lock with an expiry, held through the database so it works across replicas."""

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=tz_column(nullable=False))


class AlertItem(SQLModel, table=True):
    """A flagged text claimed for a resistance alert: the primary key makes the claim unique.

    `window_end` is the batch boundary the text waits for; it is cleared once the batch is
    built, so the table keeps no hour bucket next to a text after it was delivered (the
    anonymous row itself has only a day).
    """

    __tablename__ = "alert_item"
    __table_args__ = (Index("ix_alert_item_window_end", "window_end"),)

    feedback_id: str = Field(
        primary_key=True, max_length=32, foreign_key="anonymous_feedback.id", ondelete="CASCADE"
    )
    window_end: datetime | None = Field(default=None, sa_column=tz_column())


class AlertBatch(SQLModel, table=True):
    """One row per batch boundary that was built: whoever inserts it builds the batch."""

    __tablename__ = "alert_batch"

    window_end: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))


class AlertTrend(SQLModel, table=True):
    """A closed cycle whose trends were checked; inserted by the one replica that checks it."""

    __tablename__ = "alert_trend"

    cycle_id: int = Field(foreign_key="cycle.id", primary_key=True)
    changes: int = Field(default=0)  # how many rules tripped (0: nothing was sent)


class YouSaidWeDid(SQLModel, table=True):
    """An update from the change lead on what was done about the feedback ("you said, we did").

    Written under the lead's name, so unlike feedback it is not anonymous. `fanned_out_at` is
    set once its DMs are queued: a tick finishes any fan-out that a restart interrupted.
    """

    __tablename__ = "you_said_we_did"
    __table_args__ = (Index("ix_you_said_we_did_team_posted", "team_id", "posted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    theme: str = Field(max_length=40)  # a theme id, or "other"
    text: str = Field(max_length=1000)
    posted_by: str = Field(max_length=32)
    posted_at: datetime = Field(sa_column=tz_column(nullable=False))
    fanned_out_at: datetime | None = Field(default=None, sa_column=tz_column())
