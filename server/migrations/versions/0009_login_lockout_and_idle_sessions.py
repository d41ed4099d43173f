"""failed logins, lockouts, and when each login session was last used

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 01:40:00

`login_failures` counts wrong passwords per account name and per device; too many in the
window put a row in `login_lockouts` (until a time, or until an admin unlocks). A login
session unused for the idle limit ends: `login_sessions.last_seen_at` says when it was
last used (NULL: not since login, so its `created_at` counts).
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_username', ['username', 'failed_at'], unique=False)
        batch_op.create_index('ix_login_failures_device', ['device_id', 'failed_at'], unique=False)

    op.create_table('login_lockouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('unlocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unlocked_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_lockouts', schema=None) as batch_op:
        batch_op.create_index('ix_login_lockouts_subject', ['scope', 'subject', 'locked_until'], unique=False)

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('login_lockouts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_lockouts_subject')
    op.drop_table('login_lockouts')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_device')
        batch_op.drop_index('ix_login_failures_username')
    op.drop_table('login_failures')
