"""帮办: the hall's helper named on a case

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 02:50:00

The statistics count the cases a helper of the hall did with the applicant.
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('helper_name', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('helper_name')
