"""Turn reminders: a ticket's (and an appointment's) mobile number and when it was reminded

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:50:00

A ticket issued with a mobile number (at the kiosk, or from its appointment) gets one SMS
when its turn is near (server.reminders); reminded_at records it, so a restart does not
send it again, and the number is cleared once sent.
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_tickets') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('queue_appointments') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_appointments') as batch:
        batch.drop_column('phone')
    with op.batch_alter_table('queue_tickets') as batch:
        batch.drop_column('reminded_at')
        batch.drop_column('phone')
