"""reports and App Home: covering indexes for report aggregates, "you said, we did" updates

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_answer_report",
            ["cycle_id", "question", "stakeholder_group", "value"],
            unique=False,
        )
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participation_report", ["cycle_id", "answered", "user_id"], unique=False
        )
    op.create_table(
        "you_said_we_did",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("posted_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fanned_out_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("you_said_we_did", schema=None) as batch_op:
        batch_op.create_index(
            "ix_you_said_we_did_team_posted", ["team_id", "posted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("you_said_we_did", schema=None) as batch_op:
        batch_op.drop_index("ix_you_said_we_did_team_posted")
    op.drop_table("you_said_we_did")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index("ix_participation_report")
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_answer_report")
