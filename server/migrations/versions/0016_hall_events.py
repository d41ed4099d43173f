"""The hall's events in a table, for several server processes on PostgreSQL

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 05:00:00

Each server process delivers the events to its own streams after reading them from this
table (server.events.SharedEventBus), so a call made through one process is announced on
a display connected to another, and a stream resuming with Last-Event-ID finds what it
missed here. hall_event_counter's one row gives the ids: updating it holds its lock to
the commit, so events commit in the order of their ids. SQLite's single process uses neither.
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hall_events',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('type', sa.String(length=64), nullable=False),
        sa.Column('audience', sa.String(length=200), nullable=False),
        sa.Column('data', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    counter = op.create_table(
        'hall_event_counter',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_id', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(counter, [{'id': 1, 'last_id': 0}])


def downgrade() -> None:
    op.drop_table('hall_event_counter')
    op.drop_table('hall_events')
