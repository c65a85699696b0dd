"""initial schema

Revision ID: 0001
Revises: none
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anonymous_feedback",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stakeholder_group", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("polarity", sa.Float(), nullable=True),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("subjectivity", sa.Float(), nullable=True),
        sa.Column("themes", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("confident", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("anonymous_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_anonymous_feedback_day", ["day"], unique=False)

    op.create_table(
        "audience_source",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ref"),
    )
    op.create_table(
        "person",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("is_change_lead", sa.Boolean(), nullable=False),
        sa.Column("is_champion", sa.Boolean(), nullable=False),
        sa.Column("stakeholder_group", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("tz", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("is_workspace_admin", sa.Boolean(), nullable=False),
        sa.Column("synced_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("user_id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_stakeholder_group"), ["stakeholder_group"], unique=False
        )

    op.create_table(
        "request_receipt",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "team_settings",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("system_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("key_task", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("checkin_weekday", sa.Integer(), nullable=False),
        sa.Column("checkin_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("default_tz", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reminder_delay_hours", sa.Integer(), nullable=False),
        sa.Column("cycle_days", sa.Integer(), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("alert_batch_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )


def downgrade() -> None:
    op.drop_table("team_settings")
    op.drop_table("request_receipt")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_stakeholder_group"))

    op.drop_table("person")
    op.drop_table("audience_source")
    with op.batch_alter_table("anonymous_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_anonymous_feedback_day")

    op.drop_table("anonymous_feedback")
