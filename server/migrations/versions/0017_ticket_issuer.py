"""The device that issued a ticket

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 05:00:00

A kiosk reads and cancels only the tickets it issued itself (server.queue_api): the
issuing device's id is kept with the ticket. Tickets issued before have none, so no
kiosk may touch them; the admin still can.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_tickets') as batch:
        batch.add_column(sa.Column('issued_by', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_tickets') as batch:
        batch.drop_column('issued_by')
