"""a partial index of unscored anonymous texts, the scoring worker's queue

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_anonymous_feedback_unscored",
        "anonymous_feedback",
        ["day"],
        sqlite_where=sa.text("label IS NULL"),
        postgresql_where=sa.text("label IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_anonymous_feedback_unscored", table_name="anonymous_feedback")
