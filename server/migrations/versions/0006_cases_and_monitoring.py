"""cases after the counter, the window's whereabouts, and what the statistics read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:30:00

The `cases` index and `case_steps` (the case's life after the counter: 办理中, 办结,
领取/送达, 容缺后补, 告知承诺 核查), the paused window's whereabouts (去向公开), and on each
ticket the clerk who called it and its wait and service seconds, so a month's
statistics read three small columns instead of computing them from timestamps.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('record_uuid', sa.Uuid(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('department_code', sa.String(length=64), nullable=False),
    sa.Column('department_name', sa.String(length=200), nullable=False),
    sa.Column('case_type', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=32), nullable=False),
    sa.Column('clerk_username', sa.String(length=64), nullable=False),
    sa.Column('clerk_name', sa.String(length=100), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('applicant_masked_name', sa.String(length=100), nullable=False),
    sa.Column('applicant_masked_id', sa.String(length=40), nullable=False),
    sa.Column('applicant_id_hash', sa.String(length=64), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('state_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deficiency_due', sa.Date(), nullable=True),
    sa.Column('commitment', sa.String(length=16), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('level_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('case_number'),
    sa.UniqueConstraint('record_uuid')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_open', ['state', 'promised_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_accepted_at'), ['accepted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_applicant_id_hash'), ['applicant_id_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_clerk_username'), ['clerk_username'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_department_code'), ['department_code'], unique=False)

    op.create_table('case_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_uuid', sa.Uuid(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_username', sa.String(length=64), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_uuid')
    )
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_steps_case_number'), ['case_number'], unique=False)

    with op.batch_alter_table('queue_windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pause_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('pause_note', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('pause_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clerk', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('wait_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('service_seconds', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.drop_column('service_seconds')
        batch_op.drop_column('wait_seconds')
        batch_op.drop_column('clerk')

    with op.batch_alter_table('queue_windows', schema=None) as batch_op:
        batch_op.drop_column('paused_at')
        batch_op.drop_column('pause_until')
        batch_op.drop_column('pause_note')
        batch_op.drop_column('pause_reason')

    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_steps_case_number'))
    op.drop_table('case_steps')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_department_code'))
        batch_op.drop_index(batch_op.f('ix_cases_clerk_username'))
        batch_op.drop_index(batch_op.f('ix_cases_applicant_id_hash'))
        batch_op.drop_index(batch_op.f('ix_cases_accepted_at'))
        batch_op.drop_index('ix_cases_open')
    op.drop_table('cases')
