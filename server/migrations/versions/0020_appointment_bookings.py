"""Appointments booked at the hall: channel, booking clerk, the applicant's ID (hashed)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 18:00:00

Appointments are booked by a clerk (at the counter or on the phone), imported from the
province's booking platform, or added by the admin (issue #16). Each keeps how it was
booked and by whom, the applicant's ID number as the keyed hash (server.id_hash) and its
masked form (never the number), and the hall day of its slot. The indexes serve the slot
counts (business type, slot) and the kiosk's check-in by ID card and the one-booking-per-
person rule (hash, day).
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_appointments') as batch:
        batch.add_column(sa.Column('channel', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('booked_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('id_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('id_masked', sa.String(length=24), nullable=True))
        batch.add_column(sa.Column('service_date', sa.Date(), nullable=True))
        batch.create_index('ix_queue_appointments_slot', ['business_type', 'slot_start'])
        batch.create_index('ix_queue_appointments_person', ['id_hash', 'service_date'])


def downgrade() -> None:
    with op.batch_alter_table('queue_appointments') as batch:
        batch.drop_index('ix_queue_appointments_person')
        batch.drop_index('ix_queue_appointments_slot')
        batch.drop_column('service_date')
        batch.drop_column('id_masked')
        batch.drop_column('id_hash')
        batch.drop_column('booked_by')
        batch.drop_column('channel')
