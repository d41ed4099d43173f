"""Held materials (材料复用, issue #16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 05:05:00

A material received at the counter is kept, with the applicant's consent, by the keyed
hash of their ID number (never the number), with the case that received it and the day
it stops standing in for a new copy (server.held).
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'held_materials',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('applicant_id_hash', sa.String(length=64), nullable=False),
        sa.Column('material_name', sa.String(length=200), nullable=False),
        sa.Column('material_id', sa.String(length=100), nullable=False),
        sa.Column('item_name', sa.String(length=200), nullable=False),
        sa.Column('case_number', sa.String(length=32), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_held_materials_applicant', 'held_materials', ['applicant_id_hash', 'material_name'],
                    unique=True)


def downgrade() -> None:
    op.drop_index('ix_held_materials_applicant', table_name='held_materials')
    op.drop_table('held_materials')
