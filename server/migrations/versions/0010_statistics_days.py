"""the statistics of closed service days, kept; a trigger that marks a day stale

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 02:00:00

A month's statistics of a 50-window hall read some 150,000 tickets and counted their waits
in Python (some 300 ms on SQLite, 500 ms on PostgreSQL). `statistics_days` keeps each
closed day's figures per total, business type, window and clerk, with the day's sorted
waits and service times (percentiles stay exact); server.monitoring computes a day once,
when it is first asked after it ended, and only today live.

`statistics_stamps` says a kept day is stale: a trigger on queue_tickets bumps the day's
generation for every ticket inserted, changed or deleted whose service day is more than a
day behind the database's UTC date (a late upload, a correction). Today's and
yesterday's tickets, which the queue writes all day, are left alone (no hot row), and
server.monitoring keeps only days older than that.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_BUMP = ("INSERT INTO statistics_stamps (service_date, generation) VALUES ({day}, 1) "
         "ON CONFLICT (service_date) DO UPDATE SET generation = statistics_stamps.generation + 1")

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER queue_tickets_statistics_insert AFTER INSERT ON queue_tickets
WHEN NEW.service_date < date('now', '-1 day')
BEGIN {_BUMP.format(day='NEW.service_date')}; END""",
    f"""CREATE TRIGGER queue_tickets_statistics_update_new AFTER UPDATE ON queue_tickets
WHEN NEW.service_date < date('now', '-1 day')
BEGIN {_BUMP.format(day='NEW.service_date')}; END""",
    f"""CREATE TRIGGER queue_tickets_statistics_update_old AFTER UPDATE ON queue_tickets
WHEN OLD.service_date < date('now', '-1 day') AND OLD.service_date <> NEW.service_date
BEGIN {_BUMP.format(day='OLD.service_date')}; END""",
    f"""CREATE TRIGGER queue_tickets_statistics_delete AFTER DELETE ON queue_tickets
WHEN OLD.service_date < date('now', '-1 day')
BEGIN {_BUMP.format(day='OLD.service_date')}; END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS queue_tickets_statistics_insert",
               "DROP TRIGGER IF EXISTS queue_tickets_statistics_update_new",
               "DROP TRIGGER IF EXISTS queue_tickets_statistics_update_old",
               "DROP TRIGGER IF EXISTS queue_tickets_statistics_delete"]

POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION queue_tickets_statistics_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    horizon date := (now() AT TIME ZONE 'UTC')::date - 1;
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.service_date < horizon THEN
        {_BUMP.format(day='NEW.service_date')};
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.service_date <> NEW.service_date) THEN
        IF OLD.service_date < horizon THEN
            {_BUMP.format(day='OLD.service_date')};
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER queue_tickets_statistics AFTER INSERT OR UPDATE OR DELETE ON queue_tickets
FOR EACH ROW EXECUTE FUNCTION queue_tickets_statistics_stamp()""",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS queue_tickets_statistics ON queue_tickets",
                   "DROP FUNCTION IF EXISTS queue_tickets_statistics_stamp()"]


def upgrade() -> None:
    op.create_table('statistics_days',
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('grouping', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('served', sa.Integer(), nullable=False),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.Column('transfers', sa.Integer(), nullable=False),
    sa.Column('wait_sum', sa.BigInteger(), nullable=False),
    sa.Column('service_sum', sa.BigInteger(), nullable=False),
    sa.Column('waits', sa.LargeBinary(), nullable=False),
    sa.Column('services', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('service_date', 'grouping', 'key')
    )
    op.create_table('statistics_stamps',
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('service_date')
    )
    triggers = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    drops = POSTGRESQL_DROP if op.get_bind().dialect.name == 'postgresql' else SQLITE_DROP
    for statement in drops:
        op.execute(statement)
    op.drop_table('statistics_stamps')
    op.drop_table('statistics_days')
