"""cycle totals, in all and per group, recorded at close

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_total", sa.Integer(), nullable=True))
    op.create_table(
        "cycle_group_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=40), nullable=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cycle_group_total_cycle", "cycle_group_total", ["cycle_id"])
    # Cycles closed before this revision get their totals now, as a close would record them
    # (per group with today's groups: the best that can be known after the fact).
    op.execute(
        "UPDATE cycle SET "
        "sent_total = (SELECT count(*) FROM participation p WHERE p.cycle_id = cycle.id), "
        "answered_total = (SELECT count(*) FROM participation p "
        "WHERE p.cycle_id = cycle.id AND p.answered) "
        "WHERE closed_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO cycle_group_total (cycle_id, stakeholder_group, sent, answered) "
        "SELECT p.cycle_id, person.stakeholder_group, count(*), "
        "sum(CASE WHEN p.answered THEN 1 ELSE 0 END) "
        "FROM participation p JOIN cycle c ON c.id = p.cycle_id "
        "LEFT JOIN person ON person.user_id = p.user_id "
        "WHERE c.closed_at IS NOT NULL GROUP BY p.cycle_id, person.stakeholder_group"
    )


def downgrade() -> None:
    op.drop_index("ix_cycle_group_total_cycle", table_name="cycle_group_total")
    op.drop_table("cycle_group_total")
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("answered_total")
        batch_op.drop_column("sent_total")
