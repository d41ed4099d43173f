"""ratings: the case and rating index, bad-rating follow-ups and their steps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:00:00

Cases uploaded before this revision are indexed here, so the default-rating job sees them.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rating_cases',
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('record_uuid', sa.Uuid(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_number')
    )
    with op.batch_alter_table('rating_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_cases_accepted_at'), ['accepted_at'], unique=False)

    op.create_table('ratings',
    sa.Column('record_uuid', sa.Uuid(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('record_uuid')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_case_number'), ['case_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_rated_at'), ['rated_at'], unique=False)

    op.create_table('rating_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_uuid', sa.Uuid(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rating_uuid')
    )
    with op.batch_alter_table('rating_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_follow_ups_case_number'), ['case_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_follow_ups_state'), ['state'], unique=False)

    op.create_table('rating_follow_up_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follow_up_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_username', sa.String(length=64), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_id'], ['rating_follow_ups.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rating_follow_up_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_follow_up_steps_follow_up_id'), ['follow_up_id'], unique=False)

    _index_existing_cases()


def _index_existing_cases() -> None:
    records = sa.table('records', sa.column('uuid', sa.Uuid()), sa.column('kind', sa.String()),
                       sa.column('device_id', sa.String()), sa.column('payload', sa.JSON()))
    cases = sa.table('rating_cases', sa.column('case_number', sa.String()), sa.column('record_uuid', sa.Uuid()),
                     sa.column('device_id', sa.String()),
                     sa.column('accepted_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    seen: set[str] = set()
    rows = []
    for uuid, device_id, payload in bind.execute(
            sa.select(records.c.uuid, records.c.device_id, records.c.payload)
            .where(records.c.kind == 'case').order_by(records.c.uuid)):
        try:
            number = str(payload['case_number'])
            accepted = datetime.fromisoformat(payload['decided_at'])
        except (KeyError, TypeError, ValueError):
            continue  # not a case the workstation wrote; it is kept, just not rated
        if number in seen or len(number) > 32:
            continue
        seen.add(number)
        if accepted.tzinfo is None:
            accepted = accepted.replace(tzinfo=UTC)
        rows.append({'case_number': number, 'record_uuid': uuid, 'device_id': device_id,
                     'accepted_at': accepted.astimezone(UTC)})
    if rows:
        op.bulk_insert(cases, rows)


def downgrade() -> None:
    with op.batch_alter_table('rating_follow_up_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_follow_up_steps_follow_up_id'))

    op.drop_table('rating_follow_up_steps')
    with op.batch_alter_table('rating_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_follow_ups_state'))
        batch_op.drop_index(batch_op.f('ix_rating_follow_ups_case_number'))

    op.drop_table('rating_follow_ups')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_rated_at'))
        batch_op.drop_index(batch_op.f('ix_ratings_case_number'))

    op.drop_table('ratings')
    with op.batch_alter_table('rating_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_cases_accepted_at'))

    op.drop_table('rating_cases')
