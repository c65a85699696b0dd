"""resistance and trend alerts: claims, batches, checked cycles, alert settings

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_batch",
        sa.Column("window_end", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("window_end"),
    )
    op.create_table(
        "alert_item",
        sa.Column("feedback_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("window_end", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["feedback_id"], ["anonymous_feedback.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("feedback_id"),
    )
    with op.batch_alter_table("alert_item", schema=None) as batch_op:
        batch_op.create_index("ix_alert_item_window_end", ["window_end"], unique=False)

    op.create_table(
        "alert_trend",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.PrimaryKeyConstraint("cycle_id"),
    )
    # Existing teams get the defaults the model has for new ones.
    with op.batch_alter_table("team_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "muted_themes",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("alert_mood_drop", sa.Float(), nullable=False, server_default="0.5")
        )
        batch_op.add_column(
            sa.Column("alert_participation_drop", sa.Integer(), nullable=False, server_default="15")
        )
        batch_op.add_column(
            sa.Column("alert_old_way_rise", sa.Integer(), nullable=False, server_default="15")
        )


def downgrade() -> None:
    with op.batch_alter_table("team_settings", schema=None) as batch_op:
        batch_op.drop_column("alert_old_way_rise")
        batch_op.drop_column("alert_participation_drop")
        batch_op.drop_column("alert_mood_drop")
        batch_op.drop_column("muted_themes")

    op.drop_table("alert_trend")
    with op.batch_alter_table("alert_item", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_item_window_end")

    op.drop_table("alert_item")
    op.drop_table("alert_batch")
