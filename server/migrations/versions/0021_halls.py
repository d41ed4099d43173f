"""More than one hall on one server (issue #15)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 19:00:00

Devices, their enrolment codes, the queue's tickets, counters and appointments, records and
cases belong to a hall (server.halls); everything already there is in the default hall
"main", so a single-hall database keeps working unchanged. The queue's look-ahead indexes
lead with the hall, and a day's numbering (queue_counters) is per hall. account_halls: the
halls a supervisor or admin is given.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

DEFAULT_HALL = 'main'  # server.halls.DEFAULT_HALL as of this revision
_HAS_SLOT = sa.text("slot_start IS NOT NULL")
_HALLED = ('enrolment_codes', 'devices', 'records', 'queue_tickets', 'queue_appointments', 'cases')
_NEXT = ['service_date', 'state', 'business_type', 'green_channel', 'arrived_at']


def _hall() -> sa.Column:
    return sa.Column('hall', sa.String(length=16), server_default=DEFAULT_HALL, nullable=False)


def _counters(name: str, halled: bool) -> None:
    """queue_counters again under `name`, with or without the hall in its key, and its rows copied."""
    columns = [sa.Column('service_date', sa.Date(), nullable=False),
               sa.Column('business_type', sa.String(length=32), nullable=False),
               sa.Column('value', sa.Integer(), nullable=False)]
    key = ['service_date', 'business_type']
    if halled:
        columns.insert(0, _hall())
        key.insert(0, 'hall')
    op.create_table(name, *columns, sa.PrimaryKeyConstraint(*key, name=f'{name}_pkey'))
    op.execute(f"INSERT INTO {name} (service_date, business_type, value) "
               f"SELECT service_date, business_type, {'value' if halled else 'MAX(value)'} FROM queue_counters"
               + ("" if halled else " GROUP BY service_date, business_type"))
    op.drop_table('queue_counters')
    op.rename_table(name, 'queue_counters')


def upgrade() -> None:
    op.create_table(
        'account_halls',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('hall', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('account_id', 'hall'),
    )
    for table in _HALLED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(_hall())
    with op.batch_alter_table('records') as batch:
        batch.drop_index('ix_records_kind_uuid')
        batch.create_index('ix_records_hall_kind_uuid', ['hall', 'kind', 'uuid'])
    with op.batch_alter_table('queue_tickets') as batch:
        batch.drop_index('ix_queue_tickets_appointment')
        batch.drop_index('ix_queue_tickets_next')
        batch.create_index('ix_queue_tickets_next', ['hall', *_NEXT])
        batch.create_index('ix_queue_tickets_appointment', ['hall', *_NEXT],
                           sqlite_where=_HAS_SLOT, postgresql_where=_HAS_SLOT)
    _counters('queue_counters_halled', halled=True)


def downgrade() -> None:
    _counters('queue_counters_single', halled=False)
    with op.batch_alter_table('queue_tickets') as batch:
        batch.drop_index('ix_queue_tickets_appointment')
        batch.drop_index('ix_queue_tickets_next')
        batch.create_index('ix_queue_tickets_next', _NEXT)
        batch.create_index('ix_queue_tickets_appointment', _NEXT,
                           sqlite_where=_HAS_SLOT, postgresql_where=_HAS_SLOT)
    with op.batch_alter_table('records') as batch:
        batch.drop_index('ix_records_hall_kind_uuid')
        batch.create_index('ix_records_kind_uuid', ['kind', 'uuid'])
    for table in reversed(_HALLED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('hall')
    op.drop_table('account_halls')
