"""what the case deadline days were computed with, kept in the database

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 02:20:00

The deadline scan looked at every open case on the first scan of each server process (two
seconds for 60,000 cases). `case_deadline_basis` keeps a digest of the calendar, the
supervision settings and the time zone the case_deadlines days were computed with, and
the last day scanned: a restart with the same basis scans only the cases due.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_deadline_basis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=64), nullable=False),
    sa.Column('scanned_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('case_deadline_basis')
