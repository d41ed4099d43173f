"""Revoked devices, their quarantined uploads, the server's audit chain, workstation chains

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 05:20:00

- devices: when, by whom and why a device was revoked.
- quarantined_uploads: what a revoked device sent after its revocation, kept for review.
- server_audit (+ server_audit_head, its one lock row): the server's append-only,
  hash-chained audit trail. Triggers refuse every UPDATE and the DELETE of an entry less
  than 180 days old, on SQLite and PostgreSQL alike (TRUNCATE too on PostgreSQL).
- audit_chain_heads: the last verified link of each workstation's audit chain. A hall that
  already holds audit records starts each chain's head at its newest record held.
- audit_alerts: breaks found in those chains, for the supervisor.
"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
KEEP_DAYS = 180

_PG_FUNCTION = f"""
CREATE FUNCTION server_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'server_audit is append-only: its entries are never changed';
    ELSIF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'server_audit is append-only: it is never truncated';
    ELSIF OLD.at > now() - interval '{KEEP_DAYS} days' THEN
        RAISE EXCEPTION 'server_audit entries are kept {KEEP_DAYS} days: entry % is younger', OLD.id;
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table('devices') as batch:
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('revoked_reason', sa.String(length=200), nullable=True))
    op.create_table(
        'quarantined_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.String(length=36), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=8), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=True),
        sa.Column('body_sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_quarantined_uploads_body', 'quarantined_uploads', ['device_id', 'body_sha256'],
                    unique=True)
    op.create_table(
        'server_audit',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=True),
        sa.Column('device_id', sa.String(length=36), nullable=True),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('object', sa.String(length=200), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_server_audit_at', 'server_audit', ['at'])
    op.create_index('ix_server_audit_action', 'server_audit', ['action', 'at'])
    op.create_table(
        'server_audit_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute(sa.text("INSERT INTO server_audit_head (id, seq, hash) VALUES (1, 0, :genesis)")
               .bindparams(genesis=GENESIS))
    op.create_table(
        'audit_chain_heads',
        sa.Column('chain', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('record_uuid', sa.Uuid(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('chain'),
    )
    op.create_table(
        'audit_alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('device_id', sa.String(length=36), nullable=False),
        sa.Column('chain', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.Column('record_uuid', sa.Uuid(), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_alerts_open', 'audit_alerts', ['acknowledged_at', 'raised_at'])
    _append_only()
    _existing_chain_heads()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER server_audit_append_only BEFORE UPDATE OR DELETE ON server_audit "
                   "FOR EACH ROW EXECUTE FUNCTION server_audit_append_only()")
        op.execute("CREATE TRIGGER server_audit_no_truncate BEFORE TRUNCATE ON server_audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION server_audit_append_only()")
        return
    op.execute("CREATE TRIGGER server_audit_no_update BEFORE UPDATE ON server_audit BEGIN "
               "SELECT RAISE(ABORT, 'server_audit is append-only: its entries are never changed'); END")
    # SQLAlchemy keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): compared as text.
    op.execute(f"CREATE TRIGGER server_audit_keep BEFORE DELETE ON server_audit "
               f"WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%S', 'now', '-{KEEP_DAYS} days') BEGIN "
               f"SELECT RAISE(ABORT, 'server_audit entries are kept {KEEP_DAYS} days'); END")


def _existing_chain_heads() -> None:
    """Each chain's newest record held becomes its head: records that came before this
    migration are taken as they are, and the next one must link to that one."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT uuid, device_id, payload FROM records WHERE kind LIKE 'audit.%'"))
    heads: dict[str, tuple] = {}
    for record_uuid, device_id, payload in rows:
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                continue
        if not isinstance(payload, dict) or not isinstance(payload.get("seq"), int) \
                or not isinstance(payload.get("chain"), str) or not isinstance(payload.get("hash"), str):
            continue
        chain = payload["chain"][:64]
        if chain not in heads or payload["seq"] > heads[chain][1]:
            heads[chain] = (device_id, payload["seq"], payload["hash"][:64], record_uuid)
    if not heads:
        return
    table = sa.table('audit_chain_heads', sa.column('chain'), sa.column('device_id'), sa.column('seq'),
                     sa.column('hash'), sa.column('record_uuid', sa.Uuid()),
                     sa.column('updated_at', sa.DateTime(timezone=True)))
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    op.bulk_insert(table, [
        {"chain": chain, "device_id": device_id, "seq": seq, "hash": digest,
         "record_uuid": record_uuid if isinstance(record_uuid, uuid.UUID) else uuid.UUID(str(record_uuid)),
         "updated_at": now}
        for chain, (device_id, seq, digest, record_uuid) in heads.items()])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS server_audit_no_truncate ON server_audit")
        op.execute("DROP TRIGGER IF EXISTS server_audit_append_only ON server_audit")
        op.execute("DROP FUNCTION IF EXISTS server_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS server_audit_keep")
        op.execute("DROP TRIGGER IF EXISTS server_audit_no_update")
    op.drop_index('ix_audit_alerts_open', table_name='audit_alerts')
    op.drop_table('audit_alerts')
    op.drop_table('audit_chain_heads')
    op.drop_table('server_audit_head')
    op.drop_index('ix_server_audit_action', table_name='server_audit')
    op.drop_index('ix_server_audit_at', table_name='server_audit')
    op.drop_table('server_audit')
    op.drop_index('ix_quarantined_uploads_body', table_name='quarantined_uploads')
    op.drop_table('quarantined_uploads')
    with op.batch_alter_table('devices') as batch:
        batch.drop_column('revoked_reason')
        batch.drop_column('revoked_by')
        batch.drop_column('revoked_at')
