"""一件事: a case's bundle number, bundle name and sub-number

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 02:15:00

A case saved as one item of a bundle (一件事) carries the bundle's 办件编号 and its own
sub-number; supervisors and the clerk's pickup find the bundle's cases by it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('bundle_number', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('bundle_name', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('sub_number', sa.String(length=4), nullable=True))
        batch.create_index('ix_cases_bundle_number', ['bundle_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_index('ix_cases_bundle_number')
        batch.drop_column('sub_number')
        batch.drop_column('bundle_name')
        batch.drop_column('bundle_number')
