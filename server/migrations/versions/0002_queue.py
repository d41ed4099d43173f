"""the queue: tickets, daily counters, window states, appointments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('queue_appointments',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('business_type', sa.String(length=32), nullable=False),
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('slot_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in', sa.Boolean(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('queue_counters',
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('business_type', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('service_date', 'business_type')
    )
    op.create_table('queue_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('business_type', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('green_channel', sa.Boolean(), nullable=False),
    sa.Column('green_reason', sa.String(length=16), nullable=True),
    sa.Column('appointment_code', sa.String(length=32), nullable=True),
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('slot_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_masked', sa.String(length=24), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('target_window', sa.Integer(), nullable=True),
    sa.Column('call_count', sa.Integer(), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transferred_from', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['transferred_from'], ['queue_tickets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_queue_tickets_id_hash', ['id_hash'], unique=False)
        batch_op.create_index('ix_queue_tickets_queue', ['service_date', 'state', 'business_type', 'arrived_at'], unique=False)
        batch_op.create_index('ix_queue_tickets_window', ['window', 'state'], unique=False)

    op.create_table('queue_windows',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )


def downgrade() -> None:
    op.drop_table('queue_windows')
    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_tickets_window')
        batch_op.drop_index('ix_queue_tickets_queue')
        batch_op.drop_index('ix_queue_tickets_id_hash')

    op.drop_table('queue_tickets')
    op.drop_table('queue_counters')
    op.drop_table('queue_appointments')
