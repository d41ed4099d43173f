"""a covering index of the open cases for the deadline scan

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:50:00

The deadline scan (server.cases.rescan) compares every open case's dates with the day's
thresholds. Through ix_cases_open each of 60,000 open cases is a table row looked up by
rowid (some 350 ms on SQLite); this partial index holds every column the comparison
reads, for open cases only, so the scan reads one small index (some 30 ms) and the table
only for the cases whose level changes. Closed cases, the many, are not in it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OPEN = "state IN ('accepted', 'in_progress')"


def upgrade() -> None:
    op.create_index('ix_cases_scan', 'cases', ['state', 'promised_date', 'accepted_at', 'deficiency_due', 'level'],
                    unique=False, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('ix_cases_scan', table_name='cases')
