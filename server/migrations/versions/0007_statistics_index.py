"""a covering index for the supervisor's statistics

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:45:00

A month's statistics of a 50-window hall read some 150,000 tickets. Through
ix_queue_tickets_next each is a table row looked up by rowid; this index holds every
column they read, in the order they group by, so the month is one sequential range and
nothing is sorted (on SQLite some seven times less work).
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_queue_tickets_statistics', 'queue_tickets',
                    ['service_date', 'business_type', 'window', 'clerk', 'state', 'transferred_from',
                     'wait_seconds', 'service_seconds'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_queue_tickets_statistics', table_name='queue_tickets')
