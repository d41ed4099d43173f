"""when each open case's deadline level next needs looking at; levels out of the indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:10:00

The deadline scan compared every open case's dates with the day's thresholds and rewrote
the level of each that changed: on a day's first scan of 60,000 open cases some 6,000
rows, each (on PostgreSQL) a new entry in every one of the table's eight indexes, because
`level` was in ix_cases_scan (400-500 ms). Now `case_deadlines` holds, per open case, the
first day its level may change; the scan reads only the due ones, and ix_cases_scan goes:
with `level` in no index and room left in each page (fillfactor 85), PostgreSQL rewrites
a level as a heap-only tuple. Every open case starts due, so the first scan after the
upgrade sets all of them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OPEN = "state IN ('accepted', 'in_progress')"


def upgrade() -> None:
    op.create_table('case_deadlines',
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('case_number'),
    sqlite_with_rowid=False
    )
    op.create_index(op.f('ix_case_deadlines_due_on'), 'case_deadlines', ['due_on'], unique=False)
    op.execute(f"INSERT INTO case_deadlines (case_number, due_on) SELECT case_number, '1970-01-01' FROM cases "
               f"WHERE {OPEN}")
    op.drop_index('ix_cases_scan', table_name='cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE cases SET (fillfactor = 85)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE cases RESET (fillfactor)")
    op.create_index('ix_cases_scan', 'cases', ['state', 'promised_date', 'accepted_at', 'deficiency_due', 'level'],
                    unique=False, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.drop_index(op.f('ix_case_deadlines_due_on'), table_name='case_deadlines')
    op.drop_table('case_deadlines')
